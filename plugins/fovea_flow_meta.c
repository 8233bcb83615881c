/* fovea — FvGstFlowMeta (see fovea_flow_meta.h). */
#include "plugins/fovea_flow_meta.h"

GType
fv_gst_flow_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { NULL };
  if (g_once_init_enter (&type)) {
    /* linked into the plugin and possibly into a test program too: reuse the first
     * registration (as fovea_meta.c) */
    GType t = g_type_from_name ("FvGstFlowMetaAPI");
    if (t == 0)
      t = gst_meta_api_type_register ("FvGstFlowMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
flow_meta_init (GstMeta *meta, gpointer params, GstBuffer *buffer)
{
  FvGstFlowMeta *m = (FvGstFlowMeta *) meta;
  m->packet = NULL;
  m->flow = NULL;
  return TRUE;
}

static void
flow_meta_free (GstMeta *meta, GstBuffer *buffer)
{
  FvGstFlowMeta *m = (FvGstFlowMeta *) meta;
  fv_packet_unref (m->packet);
}

static gboolean
flow_meta_transform (GstBuffer *dest, GstMeta *meta, GstBuffer *buffer, GQuark type,
                     gpointer data)
{
  FvGstFlowMeta *m = (FvGstFlowMeta *) meta;
  /* only a copy of the whole frame keeps the vectors right */
  if (!GST_META_TRANSFORM_IS_COPY (type) || ((const GstMetaTransformCopy *) data)->region)
    return FALSE;
  if (fv_gst_buffer_get_flow_meta (dest) != NULL)
    return TRUE;
  return fv_gst_buffer_add_flow_meta (dest, m->packet) != NULL;
}

const GstMetaInfo *
fv_gst_flow_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;
  if (g_once_init_enter ((GstMetaInfo **) &info)) {
    const GstMetaInfo *i = gst_meta_get_info ("FvGstFlowMeta");
    if (i == NULL)
      i = gst_meta_register (FV_GST_FLOW_META_API_TYPE, "FvGstFlowMeta", sizeof (FvGstFlowMeta),
                             flow_meta_init, flow_meta_free, flow_meta_transform);
    g_once_init_leave ((GstMetaInfo **) &info, (GstMetaInfo *) i);
  }
  return info;
}

FvGstFlowMeta *
fv_gst_buffer_add_flow_meta (GstBuffer *buffer, FvPacket *packet)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  const FvFlowField *flow = fv_packet_get_flow_field (packet);
  if (flow == NULL)
    return NULL;
  FvGstFlowMeta *m = (FvGstFlowMeta *) gst_buffer_add_meta (buffer, fv_gst_flow_meta_get_info (),
                                                            NULL);
  if (m != NULL) {
    m->packet = fv_packet_ref (packet);
    m->flow = flow;
  }
  return m;
}

FvGstFlowMeta *
fv_gst_buffer_get_flow_meta (GstBuffer *buffer)
{
  return (FvGstFlowMeta *) gst_buffer_get_meta (buffer, FV_GST_FLOW_META_API_TYPE);
}
