/* fovea — foveaface: face detection (MediaPipe's BlazeFace) on video frames; one
 * GstVideoRegionOfInterestMeta of type "face" per face, with its score and six keypoints
 * (right eye, left eye, nose tip, mouth, right ear, left ear) in the "fovea" parameter.
 *
 * Properties (besides the common ones of gstfoveafilter.h):
 *   model                     short (faces within ~2 m, 128x128) or full (up to ~5 m).
 *   min-detection-confidence  the lowest score a face may have.
 *
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveaface ! foveaoverlay ! autovideosink
 */
#include "plugins/gstfoveaelements.h"
#include "plugins/gstfoveafilter.h"

GST_DEBUG_CATEGORY_STATIC (gst_fovea_face_debug);
#define GST_CAT_DEFAULT gst_fovea_face_debug

typedef enum {
  GST_FOVEA_FACE_MODEL_SHORT,
  GST_FOVEA_FACE_MODEL_FULL,
} GstFoveaFaceModel;

#define GST_TYPE_FOVEA_FACE (gst_fovea_face_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaFace, gst_fovea_face, GST, FOVEA_FACE, GstFoveaFilter)

struct _GstFoveaFace {
  GstFoveaFilter parent;
  GstFoveaFaceModel model;
  double min_detection_confidence;
};

enum { PROP_0, PROP_MODEL, PROP_MIN_DETECTION_CONFIDENCE };

G_DEFINE_TYPE (GstFoveaFace, gst_fovea_face, GST_TYPE_FOVEA_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveaface, "foveaface", GST_RANK_NONE, GST_TYPE_FOVEA_FACE);

static GType
gst_fovea_face_model_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_FOVEA_FACE_MODEL_SHORT, "Short range: faces within ~2 m (128x128 model)", "short" },
    { GST_FOVEA_FACE_MODEL_FULL, "Full range: faces up to ~5 m (192x192 sparse model)", "full" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstFoveaFaceModel", values));
  return type;
}

static char *
gst_fovea_face_get_solution (GstFoveaFilter *filter, GPtrArray *settings, GError **error)
{
  GstFoveaFace *self = GST_FOVEA_FACE (filter);
  GST_OBJECT_LOCK (self);
  const char *name = self->model == GST_FOVEA_FACE_MODEL_FULL ? "face_detection_full"
                                                             : "face_detection";
  g_ptr_array_add (settings, gst_fovea_filter_format_double ("min_detection_confidence",
                                                             self->min_detection_confidence));
  GST_OBJECT_UNLOCK (self);
  return g_strdup (name);
}

static void
gst_fovea_face_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  GstFoveaFace *self = GST_FOVEA_FACE (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      self->model = g_value_get_enum (value);
      break;
    case PROP_MIN_DETECTION_CONFIDENCE:
      self->min_detection_confidence = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_face_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstFoveaFace *self = GST_FOVEA_FACE (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      g_value_set_enum (value, self->model);
      break;
    case PROP_MIN_DETECTION_CONFIDENCE:
      g_value_set_double (value, self->min_detection_confidence);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_face_class_init (GstFoveaFaceClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  gobject_class->set_property = gst_fovea_face_set_property;
  gobject_class->get_property = gst_fovea_face_get_property;
  g_object_class_install_property (gobject_class, PROP_MODEL,
    g_param_spec_enum ("model", "Model", "Which face detector runs",
                       gst_fovea_face_model_get_type (), GST_FOVEA_FACE_MODEL_SHORT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MIN_DETECTION_CONFIDENCE,
    g_param_spec_double ("min-detection-confidence", "Minimum detection confidence",
                         "The lowest score a face may have (MediaPipe's "
                         "min_detection_confidence)", 0.0, 1.0, 0.5,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  GstFoveaFilterClass *filter_class = GST_FOVEA_FILTER_CLASS (klass);
  filter_class->get_solution = gst_fovea_face_get_solution;
  filter_class->roi_type = "face";
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "fovea face detection",
    "Filter/Analyzer/Video",
    "Finds faces with MediaPipe's face detection models and attaches one "
    "GstVideoRegionOfInterestMeta (type \"face\") per face, with score and keypoints",
    "fovea");
  gst_type_mark_as_plugin_api (gst_fovea_face_model_get_type (), 0);
  GST_DEBUG_CATEGORY_INIT (gst_fovea_face_debug, "foveaface", 0, "fovea face detection");
}

static void
gst_fovea_face_init (GstFoveaFace *self)
{
  self->model = GST_FOVEA_FACE_MODEL_SHORT;
  self->min_detection_confidence = 0.5;
}
