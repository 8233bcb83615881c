/* fovea — foveahands: MediaPipe's hands on video frames: 21 landmarks per hand (palm
 * detection, then the hand landmark model, tracked from frame to frame: the palm detector
 * runs only when a hand is lost or fewer than max-hands are tracked). Per hand one
 * GstVideoRegionOfInterestMeta of type "hand" (the landmarks' box; the landmarks in its
 * "fovea" parameter, with the handedness: `handedness` "Left" or "Right" and
 * `handedness-score`) and, per buffer, one FvGstLandmarksMeta with every hand's points
 * (foveaoverlay draws the hand skeleton from it). The handedness labels assume a mirrored
 * (selfie) image, as MediaPipe's do.
 *
 * Properties (besides the common ones of gstfoveafilter.h):
 *   model-complexity, max-hands, min-detection-confidence, min-tracking-confidence,
 *   static-image-mode.
 *
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveahands ! foveaoverlay ! videoconvert ! \
 *       autovideosink
 */
#include "plugins/gstfoveaelements.h"
#include "plugins/gstfoveafilter.h"

#include "graph/classification.h"
#include "graph/packet_vector.h"

GST_DEBUG_CATEGORY_STATIC (gst_fovea_hands_debug);
#define GST_CAT_DEFAULT gst_fovea_hands_debug

#define GST_TYPE_FOVEA_HANDS (gst_fovea_hands_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaHands, gst_fovea_hands, GST, FOVEA_HANDS, GstFoveaFilter)

struct _GstFoveaHands {
  GstFoveaFilter parent;
  guint model_complexity, max_hands;
  double min_detection_confidence, min_tracking_confidence;
  gboolean static_image_mode;
};

enum {
  PROP_0,
  PROP_MODEL_COMPLEXITY,
  PROP_MAX_HANDS,
  PROP_MIN_DETECTION_CONFIDENCE,
  PROP_MIN_TRACKING_CONFIDENCE,
  PROP_STATIC_IMAGE_MODE,
};

G_DEFINE_TYPE (GstFoveaHands, gst_fovea_hands, GST_TYPE_FOVEA_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveahands, "foveahands", GST_RANK_NONE, GST_TYPE_FOVEA_HANDS);

/* The settings are the properties (gst_fovea_filter_class_install_setting). */
static char *
gst_fovea_hands_get_solution (GstFoveaFilter *filter, GPtrArray *settings, GError **error)
{
  return g_strdup ("hands");
}

/* Hand @index's handedness (MULTI_HANDEDNESS holds one classification list per hand, in the
 * order of the landmarks) into its ROI parameter. */
static void
gst_fovea_hands_object_param (GstFoveaFilter *filter, guint index, GstStructure *param)
{
  const GPtrArray *hands = fv_packet_get_vector (gst_fovea_filter_get_result (filter,
                                                                              "MULTI_HANDEDNESS"));
  if (hands == NULL || index >= hands->len)
    return;
  const FvClassifications *c = fv_packet_get_classifications (g_ptr_array_index (hands, index));
  if (c == NULL || c->n < 1 || c->items[0].label == NULL)
    return;
  gst_structure_set (param, "handedness", G_TYPE_STRING, c->items[0].label,
                     "handedness-score", G_TYPE_DOUBLE, (double) c->items[0].score, NULL);
}

static void
gst_fovea_hands_class_init (GstFoveaHandsClass *klass)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;
  GstFoveaFilterClass *filter_class = GST_FOVEA_FILTER_CLASS (klass);
  gst_fovea_filter_class_install_setting (filter_class, PROP_MODEL_COMPLEXITY, "model_complexity",
    G_STRUCT_OFFSET (GstFoveaHands, model_complexity),
    g_param_spec_uint ("model-complexity", "Model complexity",
                       "The palm detector and hand landmark models: 0 lite (faster), 1 full "
                       "(MediaPipe's model_complexity)", 0, 1, 1, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_MAX_HANDS, "max_num_hands",
    G_STRUCT_OFFSET (GstFoveaHands, max_hands),
    g_param_spec_uint ("max-hands", "Maximum hands",
                       "The most hands to find and track (MediaPipe's max_num_hands)",
                       1, 16, 2, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_MIN_DETECTION_CONFIDENCE,
    "min_detection_confidence",
    G_STRUCT_OFFSET (GstFoveaHands, min_detection_confidence),
    g_param_spec_double ("min-detection-confidence", "Minimum detection confidence",
                         "The lowest palm detector score for a new hand", 0.0, 1.0, 0.5,
                         flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_MIN_TRACKING_CONFIDENCE,
    "min_tracking_confidence",
    G_STRUCT_OFFSET (GstFoveaHands, min_tracking_confidence),
    g_param_spec_double ("min-tracking-confidence", "Minimum tracking confidence",
                         "The lowest hand presence score to keep tracking a hand; below it "
                         "the palm detector runs again", 0.0, 1.0, 0.5, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_STATIC_IMAGE_MODE, "static_image_mode",
    G_STRUCT_OFFSET (GstFoveaHands, static_image_mode),
    g_param_spec_boolean ("static-image-mode", "Static image mode",
                          "Treat frames as unrelated images: detect palms on every frame, no "
                          "tracking (slower; for a slideshow rather than a video)", FALSE,
                          flags));
  filter_class->get_solution = gst_fovea_hands_get_solution;
  filter_class->object_param = gst_fovea_hands_object_param;
  filter_class->roi_type = "hand";
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "fovea hands",
    "Filter/Analyzer/Video",
    "Tracks hands with MediaPipe's palm detection and hand landmark models (21 landmarks and "
    "handedness per hand) and attaches one GstVideoRegionOfInterestMeta (type \"hand\") per "
    "hand and a fovea landmarks meta", "fovea");
  GST_DEBUG_CATEGORY_INIT (gst_fovea_hands_debug, "foveahands", 0, "fovea hands");
}

static void
gst_fovea_hands_init (GstFoveaHands *self)
{
  self->model_complexity = 1;
  self->max_hands = 2;
  self->min_detection_confidence = 0.5;
  self->min_tracking_confidence = 0.5;
}
