/* fovea — the image payload ("image"): pixels in host memory, with format, size and stride.
 *
 * An FvImage is immutable once it is in a packet. Its pixels are either its own
 * (fv_image_new) or borrowed (fv_image_wrap: a camera frame, a mapped GstBuffer), so a
 * frame enters the graph without a copy; the owner is released when the last packet
 * holding the image dies. Rows are `stride` bytes apart; pixels are 8-bit and
 * interleaved, top-left first.
 */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

typedef enum {
  FV_IMAGE_GRAY8,
  FV_IMAGE_RGB24,
  FV_IMAGE_RGBA32,
  FV_IMAGE_BGRA32,
  FV_IMAGE_FORMAT_COUNT
} FvImageFormat;

/* Largest image side fovea accepts; bigger is refused as hostile (a 60000x60000 header). */
#define FV_IMAGE_MAX_SIDE 32768
#define FV_IMAGE_MAX_PIXELS ((gint64) 1 << 28)

typedef struct {
  FvImageFormat format;
  int width, height;
  int stride;                 /* bytes per row, >= width * channels */
  guint8 *data;               /* row 0 first */
  gpointer owner;             /* what data belongs to (NULL: the image owns data) */
  GDestroyNotify owner_free;  /* called on owner when the image is freed */
} FvImage;

#define FV_TYPE_NAME_IMAGE "image"
FvTypeId fv_type_image (void);

int fv_image_format_channels (FvImageFormat format);
const char *fv_image_format_name (FvImageFormat format);

/* A new zeroed image (rows 16-byte aligned), or NULL with @error if the size is not in
 * 1..FV_IMAGE_MAX_SIDE per side and FV_IMAGE_MAX_PIXELS in all. transfer full. */
FvImage *fv_image_new (FvImageFormat format, int width, int height, GError **error);
/* Wraps foreign pixels without copying. transfer full of the returned image; @owner is
 * released with @owner_free (may be NULL) when the image is freed. */
FvImage *fv_image_wrap (FvImageFormat format, int width, int height, int stride, guint8 *data,
                        gpointer owner, GDestroyNotify owner_free);
void fv_image_free (FvImage *image);
static inline guint8 *
fv_image_row (const FvImage *image, int y)
{
  return image->data + (gsize) y * (gsize) image->stride;
}

/* A packet holding @image (transfer full); its type is "image". */
FvPacket *fv_packet_new_image (FvImage *image);
/* The image of an "image" packet (transfer none), or NULL for another type. */
const FvImage *fv_packet_get_image (const FvPacket *packet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvImage, fv_image_free)

G_END_DECLS
