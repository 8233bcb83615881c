/* fovea — foveasegment: MediaPipe's selfie segmentation on video frames: the probability
 * that each pixel is a person, as a fovea mask meta (FvGstMaskMeta, kind "person",
 * fovea_mask_meta.h) on every buffer; and, depending on `mode`, the mask itself as a GRAY8
 * stream or the frame with its background replaced (a colour or a blur), the "virtual
 * background" effect.
 *
 * Properties (besides the common ones of gstfoveafilter.h):
 *   model             general (256x256) or landscape (256x144, fewer FLOPs).
 *   smoothing         blend with the previous frame's mask where uncertain (0: off).
 *   mode              meta (the frame passes with the meta), mask (GRAY8 frames: 255 is
 *                     person) or background (the background replaced in place).
 *   threshold         0: soft edge (the probability blends); > 0: hard edge at it.
 *   background-color  the new background (0xAARRGGBB; alpha under 0xff tints).
 *   background-blur   > 0: blur the background with this radius instead of colouring it.
 *
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveasegment mode=background background-blur=12 ! \
 *       videoconvert ! autovideosink
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveasegment mode=mask ! videoconvert ! autovideosink
 */
#include "plugins/gstfoveaelements.h"
#include "plugins/gstfoveafilter.h"
#include "plugins/segment_render.h"

#include "graph/mask.h"

GST_DEBUG_CATEGORY_STATIC (gst_fovea_segment_debug);
#define GST_CAT_DEFAULT gst_fovea_segment_debug

typedef enum {
  GST_FOVEA_SEGMENT_MODEL_GENERAL,
  GST_FOVEA_SEGMENT_MODEL_LANDSCAPE,
} GstFoveaSegmentModel;

typedef enum {
  GST_FOVEA_SEGMENT_MODE_META,
  GST_FOVEA_SEGMENT_MODE_MASK,
  GST_FOVEA_SEGMENT_MODE_BACKGROUND,
} GstFoveaSegmentMode;

#define DEFAULT_BACKGROUND_COLOR 0xff00ff00   /* opaque green */

#define GST_TYPE_FOVEA_SEGMENT (gst_fovea_segment_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaSegment, gst_fovea_segment, GST, FOVEA_SEGMENT, GstFoveaFilter)

struct _GstFoveaSegment {
  GstFoveaFilter parent;

  /* properties (object lock) */
  GstFoveaSegmentModel model;
  double smoothing, threshold;
  GstFoveaSegmentMode mode;
  guint background_color, background_blur;

  FvSegmentRender *render;   /* streaming thread; made at the first rendered frame */
};

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SMOOTHING,
  PROP_MODE,
  PROP_THRESHOLD,
  PROP_BACKGROUND_COLOR,
  PROP_BACKGROUND_BLUR,
};

G_DEFINE_TYPE (GstFoveaSegment, gst_fovea_segment, GST_TYPE_FOVEA_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveasegment, "foveasegment", GST_RANK_NONE,
                             GST_TYPE_FOVEA_SEGMENT);

static GType
gst_fovea_segment_model_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_FOVEA_SEGMENT_MODEL_GENERAL, "General: 256x256 input", "general" },
    { GST_FOVEA_SEGMENT_MODEL_LANDSCAPE, "Landscape: 256x144 input, fewer FLOPs",
      "landscape" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstFoveaSegmentModel", values));
  return type;
}

static GType
gst_fovea_segment_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_FOVEA_SEGMENT_MODE_META, "The frame passes unchanged, with the mask meta", "meta" },
    { GST_FOVEA_SEGMENT_MODE_MASK, "GRAY8 frames of the mask (255: person), with the metas",
      "mask" },
    { GST_FOVEA_SEGMENT_MODE_BACKGROUND,
      "The frame with its background replaced (background-color or background-blur), in "
      "place", "background" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstFoveaSegmentMode", values));
  return type;
}

static GstFoveaSegmentMode
segment_mode (GstFoveaSegment *self)
{
  GST_OBJECT_LOCK (self);
  GstFoveaSegmentMode mode = self->mode;
  GST_OBJECT_UNLOCK (self);
  return mode;
}

static char *
gst_fovea_segment_get_solution (GstFoveaFilter *filter, GPtrArray *settings, GError **error)
{
  GstFoveaSegment *self = GST_FOVEA_SEGMENT (filter);
  GST_OBJECT_LOCK (self);
  g_ptr_array_add (settings, g_strdup_printf ("model_selection=%d",
                                              self->model == GST_FOVEA_SEGMENT_MODEL_LANDSCAPE));
  g_ptr_array_add (settings, gst_fovea_filter_format_double ("combine_with_previous_ratio",
                                                             self->smoothing));
  GST_OBJECT_UNLOCK (self);
  return g_strdup ("selfie_segmentation");
}

static GstFlowReturn
gst_fovea_segment_render (GstFoveaFilter *filter, GstBuffer *in, GstBuffer *out,
                          GPtrArray *results)
{
  GstFoveaSegment *self = GST_FOVEA_SEGMENT (filter);
  GST_OBJECT_LOCK (self);
  GstFoveaSegmentMode mode = self->mode;
  double threshold = self->threshold;
  guint color = self->background_color, blur = self->background_blur;
  GST_OBJECT_UNLOCK (self);
  if (mode == GST_FOVEA_SEGMENT_MODE_META)
    return GST_FLOW_OK;

  const FvMask *mask = NULL;
  for (guint i = 0; results != NULL && i < results->len && mask == NULL; i++)
    mask = fv_packet_get_mask (g_ptr_array_index (results, i));
  if (mode == GST_FOVEA_SEGMENT_MODE_BACKGROUND && mask == NULL)
    return GST_FLOW_OK;   /* nothing known yet: the frame as it is */

  GstVideoFrame frame;
  GstVideoInfo *info = &GST_VIDEO_FILTER (self)->out_info;
  if (!gst_video_frame_map (&frame, info, out, GST_MAP_WRITE)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
                       ("fovea: cannot map the %s output frame for writing",
                        gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info))), (NULL));
    return GST_FLOW_ERROR;
  }
  gboolean ok = TRUE;
  if (self->render == NULL)
    self->render = fv_segment_render_new ();
  if (mode == GST_FOVEA_SEGMENT_MODE_MASK)
    fv_segment_render_mask (self->render, &frame, mask, threshold);
  else
    ok = fv_segment_render_background (self->render, &frame, mask, threshold, blur, color);
  gst_video_frame_unmap (&frame);
  if (!ok) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
                       ("fovea: cannot replace the background of %s frames",
                        gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info))), (NULL));
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

/* mode=mask: the source pad is GRAY8 of the sink's size (and any fovea input format of the
 * source's size the other way); the other modes keep the caps. */
static GstCaps *
gst_fovea_segment_transform_caps (GstBaseTransform *trans, GstPadDirection direction,
                                  GstCaps *caps, GstCaps *filter)
{
  GstFoveaSegment *self = GST_FOVEA_SEGMENT (trans);
  if (segment_mode (self) != GST_FOVEA_SEGMENT_MODE_MASK)
    return GST_BASE_TRANSFORM_CLASS (gst_fovea_segment_parent_class)->transform_caps (
      trans, direction, caps, filter);

  GstPad *other = direction == GST_PAD_SINK ? GST_BASE_TRANSFORM_SRC_PAD (trans)
                                            : GST_BASE_TRANSFORM_SINK_PAD (trans);
  GstCaps *formats = gst_pad_get_pad_template_caps (other);
  GstCaps *out = gst_caps_new_empty ();
  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *s = gst_structure_copy (gst_caps_get_structure (caps, i));
    /* the format and what depends on it come from the other side */
    gst_structure_remove_fields (s, "format", "colorimetry", "chroma-site", NULL);
    if (direction == GST_PAD_SINK) {
      gst_structure_set (s, "format", G_TYPE_STRING, "GRAY8", NULL);
      out = gst_caps_merge_structure (out, s);
    } else {
      GstCaps *one = gst_caps_new_full (s, NULL);
      GstCaps *both = gst_caps_intersect_full (one, formats, GST_CAPS_INTERSECT_FIRST);
      gst_caps_unref (one);
      out = gst_caps_merge (out, both);
    }
  }
  gst_caps_unref (formats);
  if (filter != NULL) {
    GstCaps *f = gst_caps_intersect_full (filter, out, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (out);
    out = f;
  }
  GST_DEBUG_OBJECT (self, "mask mode: %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT, caps, out);
  return out;
}

static gboolean
gst_fovea_segment_stop (GstBaseTransform *trans)
{
  GstFoveaSegment *self = GST_FOVEA_SEGMENT (trans);
  g_clear_pointer (&self->render, fv_segment_render_free);   /* its scratch memory */
  return GST_BASE_TRANSFORM_CLASS (gst_fovea_segment_parent_class)->stop (trans);
}

static void
gst_fovea_segment_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  GstFoveaSegment *self = GST_FOVEA_SEGMENT (object);
  gboolean reconfigure = FALSE;
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      self->model = g_value_get_enum (value);
      break;
    case PROP_SMOOTHING:
      self->smoothing = g_value_get_double (value);
      break;
    case PROP_MODE:
      reconfigure = self->mode != (GstFoveaSegmentMode) g_value_get_enum (value);
      self->mode = g_value_get_enum (value);
      break;
    case PROP_THRESHOLD:
      self->threshold = g_value_get_double (value);
      break;
    case PROP_BACKGROUND_COLOR:
      self->background_color = g_value_get_uint (value);
      break;
    case PROP_BACKGROUND_BLUR:
      self->background_blur = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
  if (reconfigure)   /* other caps on the source pad: negotiate again */
    gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
}

static void
gst_fovea_segment_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  GstFoveaSegment *self = GST_FOVEA_SEGMENT (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      g_value_set_enum (value, self->model);
      break;
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_THRESHOLD:
      g_value_set_double (value, self->threshold);
      break;
    case PROP_BACKGROUND_COLOR:
      g_value_set_uint (value, self->background_color);
      break;
    case PROP_BACKGROUND_BLUR:
      g_value_set_uint (value, self->background_blur);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_segment_finalize (GObject *object)
{
  GstFoveaSegment *self = GST_FOVEA_SEGMENT (object);
  fv_segment_render_free (self->render);
  G_OBJECT_CLASS (gst_fovea_segment_parent_class)->finalize (object);
}

static void
gst_fovea_segment_class_init (GstFoveaSegmentClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags ready = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;
  const GParamFlags playing = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                              | GST_PARAM_MUTABLE_PLAYING;
  gobject_class->set_property = gst_fovea_segment_set_property;
  gobject_class->get_property = gst_fovea_segment_get_property;
  gobject_class->finalize = gst_fovea_segment_finalize;

  g_object_class_install_property (gobject_class, PROP_MODEL,
    g_param_spec_enum ("model", "Model", "Which selfie segmentation model runs (MediaPipe's "
                       "model_selection: 0 general, 1 landscape)",
                       gst_fovea_segment_model_get_type (), GST_FOVEA_SEGMENT_MODEL_GENERAL,
                       ready));
  g_object_class_install_property (gobject_class, PROP_SMOOTHING,
    g_param_spec_double ("smoothing", "Smoothing",
                         "Blend each mask with the previous frame's where the model is "
                         "uncertain, against flicker (combine_with_previous_ratio; MediaPipe "
                         "uses 0.7 on video; 0: off)", 0.0, 1.0, 0.0, ready));
  g_object_class_install_property (gobject_class, PROP_MODE,
    g_param_spec_enum ("mode", "Mode",
                       "What leaves the element: the frame with the mask meta, GRAY8 mask "
                       "frames of the same size (the source caps become GRAY8), or the frame "
                       "with its background replaced",
                       gst_fovea_segment_mode_get_type (), GST_FOVEA_SEGMENT_MODE_META, ready));
  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
    g_param_spec_double ("threshold", "Threshold",
                         "For mode=mask and mode=background: 0 uses the probability itself "
                         "(a soft edge: 255 x p in the mask, a blend in the background); above "
                         "0, a pixel is person when its probability is at least this (a hard "
                         "edge). The mask meta always carries the probabilities",
                         0.0, 1.0, 0.0, playing));
  g_object_class_install_property (gobject_class, PROP_BACKGROUND_COLOR,
    g_param_spec_uint ("background-color", "Background color",
                       "For mode=background without blur: the new background as 0xAARRGGBB; "
                       "an alpha under 0xff tints the original background instead",
                       0, G_MAXUINT32, DEFAULT_BACKGROUND_COLOR, playing));
  g_object_class_install_property (gobject_class, PROP_BACKGROUND_BLUR,
    g_param_spec_uint ("background-blur", "Background blur",
                       "For mode=background: above 0, the background is blurred with this "
                       "radius in pixels (a box blur applied twice) instead of coloured",
                       0, 256, 0, playing));

  GstFoveaFilterClass *filter_class = GST_FOVEA_FILTER_CLASS (klass);
  filter_class->get_solution = gst_fovea_segment_get_solution;
  filter_class->render = gst_fovea_segment_render;
  filter_class->roi_type = "person";
  trans_class->transform_caps = GST_DEBUG_FUNCPTR (gst_fovea_segment_transform_caps);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_fovea_segment_stop);
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "fovea selfie segmentation",
    "Filter/Analyzer/Video",
    "Segments people with MediaPipe's selfie segmentation models: attaches the mask as a fovea "
    "mask meta, and optionally outputs it as GRAY8 frames or replaces the background with a "
    "colour or a blur", "fovea");
  gst_type_mark_as_plugin_api (gst_fovea_segment_model_get_type (), 0);
  gst_type_mark_as_plugin_api (gst_fovea_segment_mode_get_type (), 0);
  GST_DEBUG_CATEGORY_INIT (gst_fovea_segment_debug, "foveasegment", 0,
                           "fovea selfie segmentation");
}

static void
gst_fovea_segment_init (GstFoveaSegment *self)
{
  self->model = GST_FOVEA_SEGMENT_MODEL_GENERAL;
  self->mode = GST_FOVEA_SEGMENT_MODE_META;
  self->background_color = DEFAULT_BACKGROUND_COLOR;
}
