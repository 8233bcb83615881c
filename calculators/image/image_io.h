/* fovea — image files: decode PNG / JPEG into an FvImage (EXIF orientation applied), encode
 * an FvImage as PNG / JPEG, save and load files, convert between pixel formats.
 *
 * Decoding follows what a browser shows (MediaPipe's reference runs used Chromium with
 * imageOrientation 'from-image') and, where browsers leave it open, what PIL does:
 * - alpha is dropped when RGB is asked for (no premultiplying), gray is replicated to RGB,
 *   RGB becomes gray by PIL's convert("L") luma: (19595 R + 38470 G + 7471 B + 2^15) >> 16;
 * - 16-bit PNG samples keep their high byte (libpng's png_set_strip_16, as PIL does for
 *   RGB / RGBA / LA and Blink's libpng decoder did; not png_set_scale_16's rounding, which
 *   would make 0x12ff 19 instead of 18); no gamma or ICC colour management;
 * - CMYK JPEG becomes RGB as PIL does: R = (255 - C)(255 - K) / 255 rounded, where a JPEG
 *   with an Adobe APP14 marker stores inverted ink (Photoshop), so there R = C' K' / 255;
 * - the EXIF orientation (JPEG APP1 "Exif", PNG eXIf) is applied: the result is upright;
 * - any truncation (even a missing EOI / IEND) is an error, as is a side over
 *   FV_IMAGE_MAX_SIDE or an area over FV_IMAGE_MAX_PIXELS, refused before any pixel memory
 *   is allocated.
 * Every failure is a GError in FV_IMAGE_IO_ERROR (G_FILE_ERROR for file system errors,
 * FV_GRAPH_ERROR if fv_image_new runs out of memory) whose message names the file (or the
 * @name_for_errors given).
 */
#pragma once

#include <glib.h>

#include "graph/image.h"

G_BEGIN_DECLS

#define FV_IMAGE_IO_ERROR (fv_image_io_error_quark ())
GQuark fv_image_io_error_quark (void);

typedef enum {
  FV_IMAGE_IO_ERROR_UNKNOWN_FORMAT, /* not a PNG or JPEG (data, or a file name's extension) */
  FV_IMAGE_IO_ERROR_TRUNCATED,      /* the data ends before the image does (or is empty) */
  FV_IMAGE_IO_ERROR_CORRUPT,        /* libpng / libjpeg refused the data */
  FV_IMAGE_IO_ERROR_TOO_LARGE,      /* the header claims more than fovea accepts */
  FV_IMAGE_IO_ERROR_INVALID,        /* a bad argument: pixel format, JPEG quality */
} FvImageIoError;

/* JPEG quality used when fv_image_save() is given a quality <= 0. */
#define FV_IMAGE_JPEG_DEFAULT_QUALITY 90

/* Decodes a PNG or JPEG held in memory (recognised by its signature) into a new image of
 * format @want (GRAY8, RGB24, RGBA32 or BGRA32), upright per its EXIF orientation.
 * @name_for_errors (may be NULL) names the data in error messages. transfer full. */
FvImage *fv_image_decode (const guint8 *data, gsize size, FvImageFormat want,
                          const char *name_for_errors, GError **error);

/* Reads and decodes the file at @path (mapped, not copied). transfer full. */
FvImage *fv_image_load (const char *path, FvImageFormat want, GError **error);

/* Encodes @image as an 8-bit PNG (GRAY8: gray, RGB24: RGB, RGBA32 / BGRA32: RGBA).
 * *@out: transfer full. */
gboolean fv_image_encode_png (const FvImage *image, GBytes **out, GError **error);

/* Encodes @image as a baseline JPEG of @quality 1..100 (libjpeg's defaults: 4:2:0 chroma,
 * JFIF); alpha is dropped, GRAY8 stays one channel. *@out: transfer full. */
gboolean fv_image_encode_jpeg (const FvImage *image, int quality, GBytes **out,
                               GError **error);

/* Writes @image to @path as PNG or JPEG chosen by the extension (.png, .jpg, .jpeg, any
 * case). The bytes go to a temporary file in the same directory that is then renamed over
 * @path, so a failed save leaves no partial file. @jpeg_quality: 1..100, <= 0 for
 * FV_IMAGE_JPEG_DEFAULT_QUALITY; ignored for PNG. */
gboolean fv_image_save (const FvImage *image, const char *path, int jpeg_quality,
                        GError **error);

/* A new image holding @src's pixels in format @want (a copy even when the format is the
 * same), with the rules above (alpha dropped or set to 255, PIL luma for gray).
 * transfer full. */
FvImage *fv_image_convert (const FvImage *src, FvImageFormat want, GError **error);

/* A new image showing @src as a viewer shows an image carrying EXIF @orientation 1..8
 * (2: mirrored, 3: 180 degrees, 4: flipped, 5: transposed, 6: turned 90 degrees clockwise,
 * 7: transversed, 8: turned 90 degrees counter-clockwise); sizes swap for 5..8. Any other
 * value is treated as 1. transfer full. */
FvImage *fv_image_orient (const FvImage *src, int orientation, GError **error);

/* The orientation tag (0x0112) of a TIFF-structured EXIF block (starting at "II" / "MM";
 * a leading "Exif\0\0" is skipped), or 1 when there is none or it is out of 1..8. Never
 * reads outside @data[0..@size). */
int fv_exif_orientation (const guint8 *data, gsize size);

G_END_DECLS
