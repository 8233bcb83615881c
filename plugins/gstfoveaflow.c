/* fovea — foveaflow: dense optical flow (DIS, the optical_flow solution) on video: from
 * the second frame on, each buffer gets an FvGstFlowMeta (fovea_flow_meta.h) with the
 * motion of every pixel since the previous frame; foveaoverlay draws it as arrows or
 * colours (its flow property).
 *
 * Properties (besides the common ones of gstfoveafilter.h):
 *   preset  ultrafast, fast, medium (default) or accurate: speed against accuracy.
 * The common device property (cpu, opencl, opencl:P:D, opencl,cpu) chooses where the flow
 * is computed (gpu/dis_flow_gpu.h on OpenCL).
 *
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveaflow preset=fast device=opencl \
 *     ! foveaoverlay flow=color ! videoconvert ! autovideosink
 */
#include "plugins/gstfoveaelements.h"
#include "plugins/gstfoveafilter.h"

GST_DEBUG_CATEGORY_STATIC (gst_fovea_flow_debug);
#define GST_CAT_DEFAULT gst_fovea_flow_debug

typedef enum {
  GST_FOVEA_FLOW_ULTRAFAST,
  GST_FOVEA_FLOW_FAST,
  GST_FOVEA_FLOW_MEDIUM,
  GST_FOVEA_FLOW_ACCURATE,
} GstFoveaFlowPreset;

#define GST_TYPE_FOVEA_FLOW (gst_fovea_flow_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaFlow, gst_fovea_flow, GST, FOVEA_FLOW, GstFoveaFilter)

struct _GstFoveaFlow {
  GstFoveaFilter parent;
  GstFoveaFlowPreset preset;
};

enum { PROP_0, PROP_PRESET };

G_DEFINE_TYPE (GstFoveaFlow, gst_fovea_flow, GST_TYPE_FOVEA_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveaflow, "foveaflow", GST_RANK_NONE, GST_TYPE_FOVEA_FLOW);

static const GEnumValue preset_values[] = {
  { GST_FOVEA_FLOW_ULTRAFAST, "Fastest: coarse grid, no refinement", "ultrafast" },
  { GST_FOVEA_FLOW_FAST, "Fast: coarse grid, refined", "fast" },
  { GST_FOVEA_FLOW_MEDIUM, "Medium: half resolution search, full resolution refinement",
    "medium" },
  { GST_FOVEA_FLOW_ACCURATE, "Accurate: full resolution search", "accurate" },
  { 0, NULL, NULL },
};

static GType
gst_fovea_flow_preset_get_type (void)
{
  static GType type = 0;
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstFoveaFlowPreset", preset_values));
  return type;
}

static char *
gst_fovea_flow_get_solution (GstFoveaFilter *filter, GPtrArray *settings, GError **error)
{
  GstFoveaFlow *self = GST_FOVEA_FLOW (filter);
  GST_OBJECT_LOCK (self);
  g_ptr_array_add (settings, g_strdup_printf ("preset=%s", preset_values[self->preset].value_nick));
  GST_OBJECT_UNLOCK (self);
  return g_strdup ("optical_flow");
}

static void
gst_fovea_flow_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  GstFoveaFlow *self = GST_FOVEA_FLOW (object);
  GST_OBJECT_LOCK (self);
  if (prop_id == PROP_PRESET)
    self->preset = g_value_get_enum (value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_flow_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstFoveaFlow *self = GST_FOVEA_FLOW (object);
  GST_OBJECT_LOCK (self);
  if (prop_id == PROP_PRESET)
    g_value_set_enum (value, self->preset);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_flow_class_init (GstFoveaFlowClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  gobject_class->set_property = gst_fovea_flow_set_property;
  gobject_class->get_property = gst_fovea_flow_get_property;
  g_object_class_install_property (gobject_class, PROP_PRESET,
    g_param_spec_enum ("preset", "Preset", "Speed against accuracy of the DIS flow",
                       gst_fovea_flow_preset_get_type (), GST_FOVEA_FLOW_MEDIUM,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  GstFoveaFilterClass *filter_class = GST_FOVEA_FILTER_CLASS (klass);
  filter_class->get_solution = gst_fovea_flow_get_solution;
  filter_class->roi_type = "flow";
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "fovea optical flow",
    "Filter/Analyzer/Video",
    "Dense optical flow (DIS) between consecutive frames, attached as an FvGstFlowMeta",
    "fovea");
  gst_type_mark_as_plugin_api (gst_fovea_flow_preset_get_type (), 0);
  GST_DEBUG_CATEGORY_INIT (gst_fovea_flow_debug, "foveaflow", 0, "fovea optical flow");
}

static void
gst_fovea_flow_init (GstFoveaFlow *self)
{
  self->preset = GST_FOVEA_FLOW_MEDIUM;
}
