/* fovea — the "image_size" payload. */
#include "calculators/detection/image_size.h"

FvTypeId
fv_type_image_size (void)
{
  static gsize id;
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_IMAGE_SIZE));
  return (FvTypeId) id;
}

FvPacket *
fv_packet_new_image_size (int width, int height)
{
  FvImageSize *s = g_new (FvImageSize, 1);
  s->width = width;
  s->height = height;
  return fv_packet_new (fv_type_image_size (), s, g_free);
}

const FvImageSize *
fv_packet_get_image_size (const FvPacket *packet)
{
  return packet != NULL && fv_packet_type (packet) == fv_type_image_size ()
             ? fv_packet_get (packet)
             : NULL;
}
