/* fovea — FvGstMaskMeta (see fovea_mask_meta.h). */
#include "plugins/fovea_mask_meta.h"

#include "graph/image.h"
#include "graph/mask.h"

#include <string.h>

GType
fv_gst_mask_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { GST_META_TAG_VIDEO_STR, NULL };
  if (g_once_init_enter (&type)) {
    /* linked twice into one process (the plugin and a test): the second copy finds the
     * first one's registration, as fovea_meta.c does */
    GType t = g_type_from_name ("FvGstMaskMetaAPI");
    if (t == 0)
      t = gst_meta_api_type_register ("FvGstMaskMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
mask_meta_init (GstMeta *meta, gpointer params, GstBuffer *buffer)
{
  FvGstMaskMeta *m = (FvGstMaskMeta *) meta;
  m->kind = NULL;
  m->width = m->height = 0;
  m->data = NULL;
  m->packet = NULL;
  return TRUE;
}

static void
mask_meta_free (GstMeta *meta, GstBuffer *buffer)
{
  FvGstMaskMeta *m = (FvGstMaskMeta *) meta;
  fv_packet_unref (m->packet);
  m->packet = NULL;
  m->data = NULL;
}

static gboolean
mask_meta_transform (GstBuffer *dest, GstMeta *meta, GstBuffer *buffer, GQuark type,
                     gpointer data)
{
  FvGstMaskMeta *m = (FvGstMaskMeta *) meta;
  /* the mask covers the whole frame in its own grid: a copy and a scale keep it as it is;
   * a crop or a rotation would move it: drop it */
  if (!GST_META_TRANSFORM_IS_COPY (type) && type != gst_video_meta_transform_scale_get_quark ())
    return FALSE;
  if (GST_META_TRANSFORM_IS_COPY (type)) {
    const GstMetaTransformCopy *copy = data;
    if (copy->region)
      return FALSE;
  }
  if (fv_gst_buffer_get_mask_meta (dest) != NULL)
    return TRUE;   /* already there */
  return fv_gst_buffer_add_mask_meta (dest, m->kind, m->packet) != NULL;
}

const GstMetaInfo *
fv_gst_mask_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;
  if (g_once_init_enter ((GstMetaInfo **) &info)) {
    const GstMetaInfo *i = gst_meta_get_info ("FvGstMaskMeta");   /* see above */
    if (i == NULL)
      i = gst_meta_register (FV_GST_MASK_META_API_TYPE, "FvGstMaskMeta", sizeof (FvGstMaskMeta),
                             mask_meta_init, mask_meta_free, mask_meta_transform);
    g_once_init_leave ((GstMetaInfo **) &info, (GstMetaInfo *) i);
  }
  return info;
}

FvGstMaskMeta *
fv_gst_buffer_add_mask_meta (GstBuffer *buffer, const char *kind, FvPacket *mask_packet)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  const FvMask *mask = fv_packet_get_mask (mask_packet);
  if (mask == NULL || mask->width < 1 || mask->height < 1 || mask->data == NULL)
    return NULL;
  FvGstMaskMeta *m = (FvGstMaskMeta *) gst_buffer_add_meta (buffer, fv_gst_mask_meta_get_info (),
                                                            NULL);
  if (m == NULL)
    return NULL;
  m->kind = g_intern_string (kind != NULL ? kind : "object");
  m->width = (guint) mask->width;
  m->height = (guint) mask->height;
  m->data = mask->data;
  m->packet = fv_packet_ref (mask_packet);
  return m;
}

FvGstMaskMeta *
fv_gst_buffer_add_mask_meta_from_data (GstBuffer *buffer, const char *kind, guint width,
                                       guint height, const float *data)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  g_return_val_if_fail (data != NULL || width == 0 || height == 0, NULL);
  if (width > FV_IMAGE_MAX_SIDE || height > FV_IMAGE_MAX_SIDE)
    return NULL;
  FvMask *mask = fv_mask_new ((int) width, (int) height, NULL);
  if (mask == NULL)
    return NULL;
  const gsize n = (gsize) width * height;
  for (gsize i = 0; i < n; i++) {
    float v = data[i];
    mask->data[i] = v >= 0.0f ? (v <= 1.0f ? v : 1.0f) : 0.0f;   /* NaN: 0 */
  }
  FvPacket *packet = fv_packet_new_mask (mask);
  FvGstMaskMeta *m = fv_gst_buffer_add_mask_meta (buffer, kind, packet);
  fv_packet_unref (packet);
  return m;
}

FvGstMaskMeta *
fv_gst_buffer_get_mask_meta (GstBuffer *buffer)
{
  return (FvGstMaskMeta *) gst_buffer_get_meta (buffer, FV_GST_MASK_META_API_TYPE);
}
