/* fovea — GstFoveaSuperres (`foveasuperres`): upscales every frame with a super-resolution
 * network (the UpscalerJS ESRGAN models, calculators/superres/upscaler.h), in overlapping
 * tiles so memory stays bounded whatever the frame size.
 *
 * Not in place: the output frame is `scale` times the input's width and height. Caps are
 * negotiated like videoscale's, but with the size tied: transform_caps maps sizes (and size
 * ranges) up or down by the scale, fixate_caps picks exactly input x scale, so
 *   ... ! video/x-raw,width=320,height=240 ! foveasuperres scale=2 ! ...
 * produces 640x480 and downstream caps that cannot take that refuse the link. Format, frame
 * rate and pixel aspect ratio pass through unchanged.
 *
 * Formats: RGB, RGBA, RGBx, BGRA, BGRx (alpha, or the x byte, is upscaled by nearest
 * neighbour). Both frames are mapped, not copied: the network reads the input frame's
 * pixels and writes the output frame's.
 *
 * Properties (settable in NULL / READY, as they change the caps or the network): scale (2,
 * 3 or 4), model ("slim" or "medium"; medium has 2 and 4), tile-size (input pixels per tile
 * side, 0: whole frames), overlap (-1: the network's receptive radius, seamless), device
 * ("cpu", "opencl", "opencl:P:D", "opencl,cpu"; "": $FOVEA_DEVICE, else cpu).
 *
 *   gst-launch-1.0 filesrc location=in.png ! pngdec ! videoconvert ! foveasuperres scale=2 \
 *     ! videoconvert ! pngenc ! filesink location=out.png
 */
#include "calculators/superres/upscaler.h"
#include "gpu/device_choice.h"
#include "graph/image.h"
#include "plugins/gstfoveaelements.h"

#include <gst/video/gstvideofilter.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_fovea_superres_debug);
#define GST_CAT_DEFAULT gst_fovea_superres_debug

#define FORMATS "{ RGB, RGBA, RGBx, BGRA, BGRx }"

#define DEFAULT_SCALE 2
#define DEFAULT_MODEL "slim"
#define DEFAULT_TILE_SIZE 192
#define DEFAULT_OVERLAP -1

enum {
  PROP_0,
  PROP_SCALE,
  PROP_MODEL,
  PROP_TILE_SIZE,
  PROP_OVERLAP,
  PROP_DEVICE,
};

#define GST_TYPE_FOVEA_SUPERRES (gst_fovea_superres_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaSuperres, gst_fovea_superres, GST, FOVEA_SUPERRES, GstVideoFilter)

struct _GstFoveaSuperres {
  GstVideoFilter parent;

  /* properties (object lock) */
  int scale;
  char *model;
  int tile_size, overlap;
  char *device;

  /* streaming thread only, between start and stop */
  FvUpscaler *up;
};

G_DEFINE_TYPE (GstFoveaSuperres, gst_fovea_superres, GST_TYPE_VIDEO_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveasuperres, "foveasuperres", GST_RANK_NONE,
                             GST_TYPE_FOVEA_SUPERRES);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));

static int
get_scale (GstFoveaSuperres *self)
{
  GST_OBJECT_LOCK (self);
  int s = self->scale;
  GST_OBJECT_UNLOCK (self);
  return s;
}

/* One size value (int, range or list) multiplied (@up) or divided by @s into @out. An
 * output size that no input size gives (odd width at scale 2) is dropped; FALSE when
 * nothing is left. */
static gboolean
scale_value (const GValue *v, int s, gboolean up, GValue *out)
{
  if (G_VALUE_HOLDS_INT (v)) {
    int x = g_value_get_int (v);
    if (up ? x > G_MAXINT / s : x % s != 0)
      return FALSE;
    g_value_init (out, G_TYPE_INT);
    g_value_set_int (out, up ? x * s : x / s);
    return TRUE;
  }
  if (GST_VALUE_HOLDS_INT_RANGE (v)) {
    int lo = gst_value_get_int_range_min (v), hi = gst_value_get_int_range_max (v);
    if (up) {
      lo = lo > G_MAXINT / s ? G_MAXINT : lo * s;
      hi = hi > G_MAXINT / s ? G_MAXINT : hi * s;
    } else {
      lo = (lo + s - 1) / s;
      hi = hi / s;
    }
    if (lo > hi)
      return FALSE;
    if (lo == hi) {
      g_value_init (out, G_TYPE_INT);
      g_value_set_int (out, lo);
    } else {
      g_value_init (out, GST_TYPE_INT_RANGE);
      gst_value_set_int_range (out, lo, hi);
    }
    return TRUE;
  }
  if (GST_VALUE_HOLDS_LIST (v)) {
    g_value_init (out, GST_TYPE_LIST);
    for (guint i = 0; i < gst_value_list_get_size (v); i++) {
      GValue item = G_VALUE_INIT;
      if (scale_value (gst_value_list_get_value (v, i), s, up, &item))
        gst_value_list_append_and_take_value (out, &item);
    }
    if (gst_value_list_get_size (out) == 0) {
      g_value_unset (out);
      return FALSE;
    }
    return TRUE;
  }
  return FALSE;
}

static GstCaps *
gst_fovea_superres_transform_caps (GstBaseTransform *trans, GstPadDirection direction,
                                   GstCaps *caps, GstCaps *filter)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (trans);
  int s = get_scale (self);
  gboolean up = direction == GST_PAD_SINK;   /* sink caps -> src caps: sizes grow */
  GstCaps *res = gst_caps_new_empty ();
  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *st = gst_structure_copy (gst_caps_get_structure (caps, i));
    gboolean keep = TRUE;
    const char *fields[2] = { "width", "height" };
    for (int f = 0; f < 2 && keep; f++) {
      const GValue *v = gst_structure_get_value (st, fields[f]);
      if (!v)
        continue;   /* unconstrained stays unconstrained */
      GValue out = G_VALUE_INIT;
      keep = scale_value (v, s, up, &out);
      if (keep)
        gst_structure_take_value (st, fields[f], &out);
    }
    if (keep)
      res = gst_caps_merge_structure_full (res, st,
                                           gst_caps_features_copy (gst_caps_get_features (caps, i)));
    else
      gst_structure_free (st);
  }
  if (filter) {
    GstCaps *f = gst_caps_intersect_full (filter, res, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (res);
    res = f;
  }
  GST_DEBUG_OBJECT (self, "%s x%d: %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
                    up ? "up" : "down", s, caps, res);
  return res;
}

/* The output size is exactly input x scale; anything else in @othercaps loses. */
static GstCaps *
gst_fovea_superres_fixate_caps (GstBaseTransform *trans, GstPadDirection direction,
                                GstCaps *caps, GstCaps *othercaps)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (trans);
  int s = get_scale (self);
  othercaps = gst_caps_truncate (gst_caps_make_writable (othercaps));
  GstStructure *in = gst_caps_get_structure (caps, 0);
  GstStructure *out = gst_caps_get_structure (othercaps, 0);
  int w, h;
  if (gst_structure_get_int (in, "width", &w) && gst_structure_get_int (in, "height", &h)) {
    gboolean up = direction == GST_PAD_SINK;
    int ow = up ? (w > G_MAXINT / s ? G_MAXINT : w * s) : w / s;
    int oh = up ? (h > G_MAXINT / s ? G_MAXINT : h * s) : h / s;
    gst_structure_fixate_field_nearest_int (out, "width", ow);
    gst_structure_fixate_field_nearest_int (out, "height", oh);
  }
  return gst_caps_fixate (othercaps);
}

static gboolean
gst_fovea_superres_set_info (GstVideoFilter *filter, GstCaps *incaps, GstVideoInfo *in_info,
                             GstCaps *outcaps, GstVideoInfo *out_info)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (filter);
  int s = get_scale (self);
  if (GST_VIDEO_INFO_FORMAT (in_info) != GST_VIDEO_INFO_FORMAT (out_info) ||
      (gint64) GST_VIDEO_INFO_WIDTH (out_info) != (gint64) GST_VIDEO_INFO_WIDTH (in_info) * s ||
      (gint64) GST_VIDEO_INFO_HEIGHT (out_info) != (gint64) GST_VIDEO_INFO_HEIGHT (in_info) * s) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
                       ("output caps %" GST_PTR_FORMAT " are not the input %" GST_PTR_FORMAT
                        " scaled x%d", outcaps, incaps, s));
    return FALSE;
  }
  if ((gint64) GST_VIDEO_INFO_WIDTH (out_info) > FV_IMAGE_MAX_SIDE ||
      (gint64) GST_VIDEO_INFO_HEIGHT (out_info) > FV_IMAGE_MAX_SIDE) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
                       ("%dx%d frames upscaled x%d exceed fovea's %d pixels a side",
                        GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info), s,
                        FV_IMAGE_MAX_SIDE));
    return FALSE;
  }
  return TRUE;
}

static gboolean
gst_fovea_superres_start (GstBaseTransform *trans)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (trans);
  GST_OBJECT_LOCK (self);
  int scale = self->scale, tile = self->tile_size, overlap = self->overlap;
  g_autofree char *variant = g_strdup (self->model);
  g_autofree char *device = g_strdup (self->device && *self->device ? self->device : NULL);
  GST_OBJECT_UNLOCK (self);

  const char *model = fv_upscaler_model_name (variant, scale);
  if (!model) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
                       ("no super-resolution model '%s' with scale %d (slim: 2, 3, 4; "
                        "medium: 2, 4)", variant, scale), (NULL));
    return FALSE;
  }
  GError *error = NULL;
  FvDeviceRequest req = { 0 };
  gboolean use_cpu = TRUE;
  FvGpuDevice *probe = NULL;
  if (!fv_device_request_parse (device, &req, &error))
    goto fail;
  if (req.opencl) {
    /* opened once here, so "opencl,cpu" falls back now, with its warning */
    probe = fv_device_choose (device, "foveasuperres", &use_cpu, &error);
    if (!probe && !use_cpu)
      goto fail;
  }
  FvUpscalerOptions o = {
    .model = model, .backend = probe ? "opencl" : "cpu",
    .device = probe && req.word && g_ascii_strcasecmp (req.word, "opencl") != 0 ? req.word
                                                                              : NULL,
    .tile_size = tile, .overlap = overlap,
  };
  self->up = fv_upscaler_new (&o, &error);
  fv_gpu_device_unref (probe);
  fv_device_request_clear (&req);
  if (!self->up)
    goto fail;
  return TRUE;

fail:
  fv_device_request_clear (&req);
  GST_ELEMENT_ERROR (self, LIBRARY, INIT, ("%s", error->message), (NULL));
  g_error_free (error);
  return FALSE;
}

static gboolean
gst_fovea_superres_stop (GstBaseTransform *trans)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (trans);
  g_clear_pointer (&self->up, fv_upscaler_free);
  return TRUE;
}

static gboolean
image_format (GstVideoFormat f, FvImageFormat *out)
{
  switch (f) {
  case GST_VIDEO_FORMAT_RGB: *out = FV_IMAGE_RGB24; return TRUE;
  case GST_VIDEO_FORMAT_RGBA: case GST_VIDEO_FORMAT_RGBx: *out = FV_IMAGE_RGBA32; return TRUE;
  case GST_VIDEO_FORMAT_BGRA: case GST_VIDEO_FORMAT_BGRx: *out = FV_IMAGE_BGRA32; return TRUE;
  default: return FALSE;
  }
}

static GstFlowReturn
gst_fovea_superres_transform_frame (GstVideoFilter *filter, GstVideoFrame *inframe,
                                    GstVideoFrame *outframe)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (filter);
  FvImageFormat format;
  if (!self->up || !image_format (GST_VIDEO_FRAME_FORMAT (inframe), &format)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL), ("not negotiated"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  /* both frames are mapped by the base class: the images only point at them */
  FvImage *in = fv_image_wrap (format, GST_VIDEO_FRAME_WIDTH (inframe),
                               GST_VIDEO_FRAME_HEIGHT (inframe),
                               GST_VIDEO_FRAME_PLANE_STRIDE (inframe, 0),
                               GST_VIDEO_FRAME_PLANE_DATA (inframe, 0), NULL, NULL);
  FvImage *out = fv_image_wrap (format, GST_VIDEO_FRAME_WIDTH (outframe),
                                GST_VIDEO_FRAME_HEIGHT (outframe),
                                GST_VIDEO_FRAME_PLANE_STRIDE (outframe, 0),
                                GST_VIDEO_FRAME_PLANE_DATA (outframe, 0), NULL, NULL);
  GError *error = NULL;
  gboolean ok = in && out && fv_upscaler_run (self->up, in, out, &error);
  fv_image_free (in);
  fv_image_free (out);
  if (!ok) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
                       ("%s", error ? error->message : "cannot wrap the frames"));
    g_clear_error (&error);
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

static void
gst_fovea_superres_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
  case PROP_SCALE:
    self->scale = g_value_get_int (value);
    break;
  case PROP_MODEL:
    g_free (self->model);
    self->model = g_value_dup_string (value);
    if (!self->model)
      self->model = g_strdup (DEFAULT_MODEL);
    break;
  case PROP_TILE_SIZE:
    self->tile_size = g_value_get_int (value);
    break;
  case PROP_OVERLAP:
    self->overlap = g_value_get_int (value);
    break;
  case PROP_DEVICE:
    g_free (self->device);
    self->device = g_value_dup_string (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    break;
  }
  GST_OBJECT_UNLOCK (self);
  if (prop_id == PROP_SCALE)
    gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
}

static void
gst_fovea_superres_get_property (GObject *object, guint prop_id, GValue *value,
                                 GParamSpec *pspec)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
  case PROP_SCALE: g_value_set_int (value, self->scale); break;
  case PROP_MODEL: g_value_set_string (value, self->model); break;
  case PROP_TILE_SIZE: g_value_set_int (value, self->tile_size); break;
  case PROP_OVERLAP: g_value_set_int (value, self->overlap); break;
  case PROP_DEVICE: g_value_set_string (value, self->device); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_superres_finalize (GObject *object)
{
  GstFoveaSuperres *self = GST_FOVEA_SUPERRES (object);
  g_free (self->model);
  g_free (self->device);
  g_clear_pointer (&self->up, fv_upscaler_free);
  G_OBJECT_CLASS (gst_fovea_superres_parent_class)->finalize (object);
}

static void
gst_fovea_superres_class_init (GstFoveaSuperresClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_fovea_superres_debug, "foveasuperres", 0,
                           "fovea super-resolution");

  gobject_class->set_property = gst_fovea_superres_set_property;
  gobject_class->get_property = gst_fovea_superres_get_property;
  gobject_class->finalize = gst_fovea_superres_finalize;

  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;
  g_object_class_install_property (gobject_class, PROP_SCALE,
      g_param_spec_int ("scale", "Scale", "Upscaling factor (2, 3 or 4; medium: 2 or 4)",
                        2, 4, DEFAULT_SCALE, flags));
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
                           "The network: slim (2 dense blocks) or medium (10 dense blocks)",
                           DEFAULT_MODEL, flags));
  g_object_class_install_property (gobject_class, PROP_TILE_SIZE,
      g_param_spec_int ("tile-size", "Tile size",
                        "Input pixels per tile side (0: whole frames; memory grows with it)",
                        0, 4096, DEFAULT_TILE_SIZE, flags));
  g_object_class_install_property (gobject_class, PROP_OVERLAP,
      g_param_spec_int ("overlap", "Overlap",
                        "Context pixels per tile side (-1: the network's receptive radius, "
                        "seamless)", -1, 1024, DEFAULT_OVERLAP, flags));
  g_object_class_install_property (gobject_class, PROP_DEVICE,
      g_param_spec_string ("device", "Device",
                           "cpu, opencl, opencl:P:D or opencl,cpu (empty: $FOVEA_DEVICE, "
                           "else cpu)", "", flags));

  gst_element_class_set_static_metadata (element_class, "fovea super-resolution",
      "Filter/Effect/Video/Scaler",
      "Upscales video frames with the ESRGAN super-resolution networks of UpscalerJS",
      "fovea");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->transform_caps = gst_fovea_superres_transform_caps;
  trans_class->fixate_caps = gst_fovea_superres_fixate_caps;
  trans_class->start = gst_fovea_superres_start;
  trans_class->stop = gst_fovea_superres_stop;
  trans_class->passthrough_on_same_caps = FALSE;
  filter_class->set_info = gst_fovea_superres_set_info;
  filter_class->transform_frame = gst_fovea_superres_transform_frame;
}

static void
gst_fovea_superres_init (GstFoveaSuperres *self)
{
  self->scale = DEFAULT_SCALE;
  self->model = g_strdup (DEFAULT_MODEL);
  self->tile_size = DEFAULT_TILE_SIZE;
  self->overlap = DEFAULT_OVERLAP;
  self->device = g_strdup ("");
}
