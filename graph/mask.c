/* fovea — the mask payload. */
#include "graph/mask.h"

#include "graph/graph_error.h"
#include "graph/image.h"

FvTypeId
fv_type_mask (void)
{
  static gsize id;
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_MASK));
  return (FvTypeId) id;
}

FvMask *
fv_mask_new (int width, int height, GError **error)
{
  if (width < 1 || height < 1 || width > FV_IMAGE_MAX_SIDE || height > FV_IMAGE_MAX_SIDE
      || (gint64) width * height > FV_IMAGE_MAX_PIXELS) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "mask size %dx%d is not valid (sides 1..%d)", width, height,
                 FV_IMAGE_MAX_SIDE);
    return NULL;
  }
  FvMask *m = g_new0 (FvMask, 1);
  m->width = width;
  m->height = height;
  m->data = g_new0 (float, (gsize) width * (gsize) height);
  return m;
}

void
fv_mask_free (FvMask *mask)
{
  if (mask == NULL)
    return;
  g_free (mask->data);
  g_free (mask);
}

FvPacket *
fv_packet_new_mask (FvMask *mask)
{
  return fv_packet_new (fv_type_mask (), mask, (GDestroyNotify) fv_mask_free);
}

const FvMask *
fv_packet_get_mask (const FvPacket *packet)
{
  return packet && fv_packet_type (packet) == fv_type_mask () ? fv_packet_get (packet) : NULL;
}
