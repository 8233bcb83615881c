/* fovea — foveapose: MediaPipe's pose (BlazePose) on video frames: 33 body landmarks of
 * one person with their visibility and presence, tracked from frame to frame (the detector
 * runs only when the person is lost) and smoothed over frames; optionally the person's
 * segmentation mask. One GstVideoRegionOfInterestMeta of type "person" (the landmarks' box;
 * in its "fovea" parameter the landmarks, `visibility` and `presence`), one FvGstLandmarksMeta
 * (foveaoverlay draws the body skeleton from it) and, with enable-segmentation, one
 * FvGstMaskMeta (kind "person"; foveaoverlay tints it).
 *
 * Properties (besides the common ones of gstfoveafilter.h):
 *   model-complexity, smooth-landmarks, enable-segmentation, smooth-segmentation,
 *   min-detection-confidence, min-tracking-confidence, static-image-mode.
 *
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveapose enable-segmentation=true ! \
 *       foveaoverlay ! videoconvert ! autovideosink
 */
#include "plugins/gstfoveaelements.h"
#include "plugins/gstfoveafilter.h"

GST_DEBUG_CATEGORY_STATIC (gst_fovea_pose_debug);
#define GST_CAT_DEFAULT gst_fovea_pose_debug

#define GST_TYPE_FOVEA_POSE (gst_fovea_pose_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaPose, gst_fovea_pose, GST, FOVEA_POSE, GstFoveaFilter)

struct _GstFoveaPose {
  GstFoveaFilter parent;
  guint model_complexity;
  gboolean smooth_landmarks, enable_segmentation, smooth_segmentation, static_image_mode;
  double min_detection_confidence, min_tracking_confidence;
};

enum {
  PROP_0,
  PROP_MODEL_COMPLEXITY,
  PROP_SMOOTH_LANDMARKS,
  PROP_ENABLE_SEGMENTATION,
  PROP_SMOOTH_SEGMENTATION,
  PROP_MIN_DETECTION_CONFIDENCE,
  PROP_MIN_TRACKING_CONFIDENCE,
  PROP_STATIC_IMAGE_MODE,
};

G_DEFINE_TYPE (GstFoveaPose, gst_fovea_pose, GST_TYPE_FOVEA_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveapose, "foveapose", GST_RANK_NONE, GST_TYPE_FOVEA_POSE);

/* The settings are the properties (gst_fovea_filter_class_install_setting). */
static char *
gst_fovea_pose_get_solution (GstFoveaFilter *filter, GPtrArray *settings, GError **error)
{
  return g_strdup ("pose");
}

static void
gst_fovea_pose_class_init (GstFoveaPoseClass *klass)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;
  GstFoveaFilterClass *filter_class = GST_FOVEA_FILTER_CLASS (klass);
  gst_fovea_filter_class_install_setting (filter_class, PROP_MODEL_COMPLEXITY, "model_complexity",
    G_STRUCT_OFFSET (GstFoveaPose, model_complexity),
    g_param_spec_uint ("model-complexity", "Model complexity",
                       "The pose landmark model: 0 lite, 1 full, 2 heavy (more accurate, "
                       "slower; MediaPipe's model_complexity)", 0, 2, 1, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_SMOOTH_LANDMARKS, "smooth_landmarks",
    G_STRUCT_OFFSET (GstFoveaPose, smooth_landmarks),
    g_param_spec_boolean ("smooth-landmarks", "Smooth landmarks",
                          "Smooth the landmarks over frames against jitter (one-euro filter; "
                          "visibility low-pass)", TRUE, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_ENABLE_SEGMENTATION,
    "enable_segmentation",
    G_STRUCT_OFFSET (GstFoveaPose, enable_segmentation),
    g_param_spec_boolean ("enable-segmentation", "Enable segmentation",
                          "Also attach the person's segmentation mask (a fovea mask meta, kind "
                          "\"person\")", FALSE, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_SMOOTH_SEGMENTATION,
    "smooth_segmentation",
    G_STRUCT_OFFSET (GstFoveaPose, smooth_segmentation),
    g_param_spec_boolean ("smooth-segmentation", "Smooth segmentation",
                          "Blend each mask with the previous frame's where uncertain", TRUE,
                          flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_MIN_DETECTION_CONFIDENCE,
    "min_detection_confidence",
    G_STRUCT_OFFSET (GstFoveaPose, min_detection_confidence),
    g_param_spec_double ("min-detection-confidence", "Minimum detection confidence",
                         "The lowest detector score for a new person", 0.0, 1.0, 0.5, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_MIN_TRACKING_CONFIDENCE,
    "min_tracking_confidence",
    G_STRUCT_OFFSET (GstFoveaPose, min_tracking_confidence),
    g_param_spec_double ("min-tracking-confidence", "Minimum tracking confidence",
                         "The lowest pose presence score to keep tracking the person; below "
                         "it the detector runs again", 0.0, 1.0, 0.5, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_STATIC_IMAGE_MODE, "static_image_mode",
    G_STRUCT_OFFSET (GstFoveaPose, static_image_mode),
    g_param_spec_boolean ("static-image-mode", "Static image mode",
                          "Treat frames as unrelated images: detect on every frame, no "
                          "tracking, no smoothing (for a slideshow rather than a video)", FALSE,
                          flags));
  filter_class->get_solution = gst_fovea_pose_get_solution;
  filter_class->roi_type = "person";
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "fovea pose",
    "Filter/Analyzer/Video",
    "Tracks a person's body with MediaPipe's pose models (33 landmarks with visibility) and "
    "attaches a GstVideoRegionOfInterestMeta (type \"person\"), a fovea landmarks meta and "
    "optionally a fovea mask meta", "fovea");
  GST_DEBUG_CATEGORY_INIT (gst_fovea_pose_debug, "foveapose", 0, "fovea pose");
}

static void
gst_fovea_pose_init (GstFoveaPose *self)
{
  self->model_complexity = 1;
  self->smooth_landmarks = TRUE;
  self->smooth_segmentation = TRUE;
  self->min_detection_confidence = 0.5;
  self->min_tracking_confidence = 0.5;
}
