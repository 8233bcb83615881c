/* fovea — what image_io.c, image_png.c and image_jpeg.c share; not installed. */
#pragma once

#include "calculators/image/image_io.h"

G_BEGIN_DECLS

/* Fails with FV_IMAGE_IO_ERROR_TOO_LARGE (naming @name) unless @width x @height fits
 * FV_IMAGE_MAX_SIDE and FV_IMAGE_MAX_PIXELS; called on the header's size before any pixel
 * memory is allocated. */
gboolean fv_image_io_check_size (gint64 width, gint64 height, const char *name,
                                 GError **error);

/* Decoders: the image in the format closest to the file's own (GRAY8, RGB24 or RGBA32),
 * not yet oriented; *@orientation gets the EXIF orientation (1 when absent).
 * transfer full. */
FvImage *fv_image_decode_png (const guint8 *data, gsize size, const char *name,
                              int *orientation, GError **error);
FvImage *fv_image_decode_jpeg (const guint8 *data, gsize size, const char *name,
                               int *orientation, GError **error);

G_END_DECLS
