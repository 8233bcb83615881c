/* fovea — foveafacemesh: MediaPipe's face mesh on video frames: 468 landmarks per face
 * (478 with refine: lips, eyes and irises), tracked from frame to frame (the detector runs
 * only when a face is lost). Per face one GstVideoRegionOfInterestMeta of type "face" (the
 * landmarks' box; the landmarks in its "fovea" parameter) and, per buffer, one
 * FvGstLandmarksMeta with every face's points.
 *
 * Properties (besides the common ones of gstfoveafilter.h):
 *   max-faces, min-detection-confidence, min-tracking-confidence, refine.
 *
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveafacemesh refine=true ! foveaoverlay ! \
 *       videoconvert ! autovideosink
 */
#include "plugins/gstfoveaelements.h"
#include "plugins/gstfoveafilter.h"

GST_DEBUG_CATEGORY_STATIC (gst_fovea_face_mesh_debug);
#define GST_CAT_DEFAULT gst_fovea_face_mesh_debug

#define GST_TYPE_FOVEA_FACE_MESH (gst_fovea_face_mesh_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaFaceMesh, gst_fovea_face_mesh, GST, FOVEA_FACE_MESH,
                      GstFoveaFilter)

struct _GstFoveaFaceMesh {
  GstFoveaFilter parent;
  guint max_faces;
  double min_detection_confidence, min_tracking_confidence;
  gboolean refine;
};

enum {
  PROP_0,
  PROP_MAX_FACES,
  PROP_MIN_DETECTION_CONFIDENCE,
  PROP_MIN_TRACKING_CONFIDENCE,
  PROP_REFINE,
};

G_DEFINE_TYPE (GstFoveaFaceMesh, gst_fovea_face_mesh, GST_TYPE_FOVEA_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveafacemesh, "foveafacemesh", GST_RANK_NONE,
                             GST_TYPE_FOVEA_FACE_MESH);

/* The settings are the properties (gst_fovea_filter_class_install_setting). */
static char *
gst_fovea_face_mesh_get_solution (GstFoveaFilter *filter, GPtrArray *settings, GError **error)
{
  return g_strdup ("face_mesh");
}

static void
gst_fovea_face_mesh_class_init (GstFoveaFaceMeshClass *klass)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;
  GstFoveaFilterClass *filter_class = GST_FOVEA_FILTER_CLASS (klass);
  gst_fovea_filter_class_install_setting (filter_class, PROP_MAX_FACES, "max_num_faces",
    G_STRUCT_OFFSET (GstFoveaFaceMesh, max_faces),
    g_param_spec_uint ("max-faces", "Maximum faces",
                       "The most faces to find and track (MediaPipe's max_num_faces)",
                       1, 16, 1, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_MIN_DETECTION_CONFIDENCE,
    "min_detection_confidence",
    G_STRUCT_OFFSET (GstFoveaFaceMesh, min_detection_confidence),
    g_param_spec_double ("min-detection-confidence", "Minimum detection confidence",
                         "The lowest detector score for a new face", 0.0, 1.0, 0.5, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_MIN_TRACKING_CONFIDENCE,
    "min_tracking_confidence",
    G_STRUCT_OFFSET (GstFoveaFaceMesh, min_tracking_confidence),
    g_param_spec_double ("min-tracking-confidence", "Minimum tracking confidence",
                         "The lowest face presence score to keep tracking a face; below it "
                         "the detector runs again", 0.0, 1.0, 0.5, flags));
  gst_fovea_filter_class_install_setting (filter_class, PROP_REFINE, "refine",
    G_STRUCT_OFFSET (GstFoveaFaceMesh, refine),
    g_param_spec_boolean ("refine", "Refine",
                          "478 landmarks: lips, eyes and irises refined by the attention model "
                          "(MediaPipe's refine_landmarks)", FALSE, flags));
  filter_class->get_solution = gst_fovea_face_mesh_get_solution;
  filter_class->roi_type = "face";
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "fovea face mesh",
    "Filter/Analyzer/Video",
    "Tracks faces with MediaPipe's face mesh (468 or 478 landmarks) and attaches one "
    "GstVideoRegionOfInterestMeta (type \"face\") per face and a fovea landmarks meta",
    "fovea");
  GST_DEBUG_CATEGORY_INIT (gst_fovea_face_mesh_debug, "foveafacemesh", 0, "fovea face mesh");
}

static void
gst_fovea_face_mesh_init (GstFoveaFaceMesh *self)
{
  self->max_faces = 1;
  self->min_detection_confidence = 0.5;
  self->min_tracking_confidence = 0.5;
}
