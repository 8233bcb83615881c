/* fovea — the image payload. */
#include "graph/image.h"

#include <stdlib.h>
#include <string.h>

FvTypeId
fv_type_image (void)
{
  static gsize id;   /* g_once needs a pointer-sized variable */
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_IMAGE));
  return (FvTypeId) id;
}

int
fv_image_format_channels (FvImageFormat format)
{
  switch (format) {
  case FV_IMAGE_GRAY8: return 1;
  case FV_IMAGE_RGB24: return 3;
  case FV_IMAGE_RGBA32: case FV_IMAGE_BGRA32: return 4;
  default: return 0;
  }
}

const char *
fv_image_format_name (FvImageFormat format)
{
  switch (format) {
  case FV_IMAGE_GRAY8: return "GRAY8";
  case FV_IMAGE_RGB24: return "RGB";
  case FV_IMAGE_RGBA32: return "RGBA";
  case FV_IMAGE_BGRA32: return "BGRA";
  default: return "?";
  }
}

FvImage *
fv_image_new (FvImageFormat format, int width, int height, GError **error)
{
  int ch = fv_image_format_channels (format);
  if (ch == 0 || width < 1 || height < 1 || width > FV_IMAGE_MAX_SIDE
      || height > FV_IMAGE_MAX_SIDE || (gint64) width * height > FV_IMAGE_MAX_PIXELS) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "image size %dx%d (%s) is not supported: each side must be 1..%d and the "
                 "area at most %" G_GINT64_FORMAT " pixels", width, height,
                 fv_image_format_name (format), FV_IMAGE_MAX_SIDE, FV_IMAGE_MAX_PIXELS);
    return NULL;
  }
  int stride = (width * ch + 15) & ~15;
  guint8 *data = aligned_alloc (16, (size_t) stride * (size_t) height);
  if (!data) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "out of memory for a %dx%d image", width, height);
    return NULL;
  }
  memset (data, 0, (size_t) stride * (size_t) height);
  return fv_image_wrap (format, width, height, stride, data, data, free);
}

FvImage *
fv_image_wrap (FvImageFormat format, int width, int height, int stride, guint8 *data,
               gpointer owner, GDestroyNotify owner_free)
{
  FvImage *image = g_new0 (FvImage, 1);
  image->format = format;
  image->width = width;
  image->height = height;
  image->stride = stride;
  image->data = data;
  image->owner = owner;
  image->owner_free = owner_free;
  return image;
}

void
fv_image_free (FvImage *image)
{
  if (!image)
    return;
  if (image->owner_free)
    image->owner_free (image->owner);
  g_free (image);
}

FvPacket *
fv_packet_new_image (FvImage *image)
{
  return fv_packet_new (fv_type_image (), image, (GDestroyNotify) fv_image_free);
}

const FvImage *
fv_packet_get_image (const FvPacket *packet)
{
  if (!packet || fv_packet_type (packet) != fv_type_image ())
    return NULL;
  return fv_packet_get (packet);
}
