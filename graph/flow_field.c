/* fovea — the flow field payload. */
#include "graph/flow_field.h"


#include "graph/graph_error.h"
#include "graph/image.h"

FvTypeId
fv_type_flow_field (void)
{
  static gsize id;
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_FLOW_FIELD));
  return (FvTypeId) id;
}

FvFlowField *
fv_flow_field_new (int width, int height, GError **error)
{
  if (width < 1 || height < 1 || width > FV_IMAGE_MAX_SIDE || height > FV_IMAGE_MAX_SIDE
      || (gint64) width * height > FV_IMAGE_MAX_PIXELS) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "flow field size %dx%d is not valid (sides 1..%d)", width, height,
                 FV_IMAGE_MAX_SIDE);
    return NULL;
  }
  FvFlowField *f = g_new0 (FvFlowField, 1);
  f->width = width;
  f->height = height;
  f->data = g_new0 (float, (gsize) width * (gsize) height * 2);
  return f;
}

FvFlowField *
fv_flow_field_copy (const FvFlowField *src)
{
  FvFlowField *f = g_new0 (FvFlowField, 1);
  f->width = src->width;
  f->height = src->height;
  f->data = g_memdup2 (src->data, (gsize) src->width * (gsize) src->height * 2 * sizeof (float));
  return f;
}

void
fv_flow_field_free (FvFlowField *flow)
{
  if (flow == NULL)
    return;
  g_free (flow->data);
  g_free (flow);
}

FvPacket *
fv_packet_new_flow_field (FvFlowField *flow)
{
  return fv_packet_new (fv_type_flow_field (), flow, (GDestroyNotify) fv_flow_field_free);
}

const FvFlowField *
fv_packet_get_flow_field (const FvPacket *packet)
{
  return packet && fv_packet_type (packet) == fv_type_flow_field ()
    ? fv_packet_get (packet) : NULL;
}
