/* fovea — PNG decoding and encoding with libpng (every colour type and bit depth, interlaced,
 * tRNS, eXIf orientation), errors turned into GErrors through libpng's longjmp. */
#include "calculators/image/image_io_private.h"

#include <png.h>
#include <string.h>

/* What libpng's callbacks share with the caller: the bytes being read or the array being
 * written, and the last error message. */
typedef struct {
  const guint8 *data;
  gsize size, pos;
  GByteArray *sink;
  gboolean truncated;
  char message[256];
} PngIo;

static void
read_cb (png_structp png, png_bytep out, size_t n)
{
  PngIo *io = png_get_io_ptr (png);
  if (n > io->size - io->pos) {
    io->truncated = TRUE;
    png_error (png, "the data ends early");
  }
  memcpy (out, io->data + io->pos, n);
  io->pos += n;
}

static void
write_cb (png_structp png, png_bytep in, size_t n)
{
  PngIo *io = png_get_io_ptr (png);
  g_byte_array_append (io->sink, in, (guint) n);
}

static void
flush_cb (png_structp png)
{
}

static void
error_cb (png_structp png, png_const_charp message)
{
  PngIo *io = png_get_error_ptr (png);
  g_strlcpy (io->message, message, sizeof io->message);
  png_longjmp (png, 1);
}

/* libpng would print warnings (a bad ancillary chunk CRC, an unknown sRGB profile) on
 * stderr; they never affect the pixels we return, so they are dropped. */
static void
warning_cb (png_structp png, png_const_charp message)
{
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

FvImage *
fv_image_decode_png (const guint8 *data, gsize size, const char *name, int *orientation,
                     GError **error)
{
  *orientation = 1;
  /* IHDR must come first (signature, length, "IHDR", width, height): refuse a hostile size
   * before libpng reads further. */
  if (size >= 24 && memcmp (data + 12, "IHDR", 4) == 0
      && !fv_image_io_check_size (be32 (data + 16), be32 (data + 20), name, error))
    return NULL;

  /* On the heap: what the callbacks change must still be valid after the longjmp. */
  g_autofree PngIo *io = g_new0 (PngIo, 1);
  io->data = data;
  io->size = size;
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, io, error_cb, warning_cb);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  if (!info) {
    png_destroy_read_struct (&png, NULL, NULL);
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_CORRUPT,
                 "%s: cannot start the PNG decoder (out of memory)", name);
    return NULL;
  }
  /* Set between setjmp and a possible longjmp, so volatile: the error path frees them. */
  FvImage *volatile image = NULL;
  png_bytep *volatile rows = NULL;
  if (setjmp (png_jmpbuf (png))) {
    png_destroy_read_struct (&png, &info, NULL);
    g_free (rows);
    fv_image_free (image);
    if (io->truncated)
      g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TRUNCATED,
                   "%s: PNG is truncated (%" G_GSIZE_FORMAT " bytes)", name, size);
    else
      g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_CORRUPT,
                   "%s: not a valid PNG: %s", name, io->message);
    return NULL;
  }
  png_set_read_fn (png, io, read_cb);
  png_read_info (png, info);

  png_uint_32 width, height;
  int depth, color, interlace;
  png_get_IHDR (png, info, &width, &height, &depth, &color, &interlace, NULL, NULL);
  if (!fv_image_io_check_size (width, height, name, error)) {
    png_destroy_read_struct (&png, &info, NULL);
    return NULL;
  }
  gboolean gray = (color & PNG_COLOR_MASK_COLOR) == 0;
  gboolean alpha = (color & PNG_COLOR_MASK_ALPHA) != 0
                   || png_get_valid (png, info, PNG_INFO_tRNS) != 0;
  /* Palette to RGB, 1/2/4-bit gray to 8-bit, tRNS to an alpha channel; 16-bit keeps the
   * high byte (PIL and Chromium do the same; png_set_scale_16 would round instead). */
  png_set_expand (png);
  png_set_strip_16 (png);
  if (gray && alpha)
    png_set_gray_to_rgb (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);

  FvImageFormat format = gray && !alpha ? FV_IMAGE_GRAY8
                         : alpha        ? FV_IMAGE_RGBA32
                                        : FV_IMAGE_RGB24;
  if (png_get_rowbytes (png, info) != (size_t) width * fv_image_format_channels (format)) {
    png_destroy_read_struct (&png, &info, NULL);
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_CORRUPT,
                 "%s: PNG colour type %d at %d bits did not expand to %s", name, color, depth,
                 fv_image_format_name (format));
    return NULL;
  }
  FvImage *made = fv_image_new (format, (int) width, (int) height, error);
  if (!made) {
    png_destroy_read_struct (&png, &info, NULL);
    return NULL;
  }
  image = made;
  rows = g_new (png_bytep, height);
  for (png_uint_32 y = 0; y < height; y++)
    rows[y] = fv_image_row (made, (int) y);
  png_read_image (png, rows);
  /* Reads up to IEND (so a cut tail is an error too) and picks up an eXIf after IDAT. */
  png_read_end (png, info);

  png_uint_32 exif_size = 0;
  png_bytep exif = NULL;
  if (png_get_eXIf_1 (png, info, &exif_size, &exif) != 0 && exif)
    *orientation = fv_exif_orientation (exif, exif_size);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  return made;
}

gboolean
fv_image_encode_png (const FvImage *image, GBytes **out, GError **error)
{
  g_return_val_if_fail (image != NULL && out != NULL, FALSE);
  int color;
  switch (image->format) {
  case FV_IMAGE_GRAY8: color = PNG_COLOR_TYPE_GRAY; break;
  case FV_IMAGE_RGB24: color = PNG_COLOR_TYPE_RGB; break;
  case FV_IMAGE_RGBA32: case FV_IMAGE_BGRA32: color = PNG_COLOR_TYPE_RGB_ALPHA; break;
  default:
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID,
                 "cannot encode pixel format %d as PNG", (int) image->format);
    return FALSE;
  }
  g_autofree PngIo *io = g_new0 (PngIo, 1);
  io->sink = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, io, error_cb, warning_cb);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  if (!info) {
    png_destroy_write_struct (&png, NULL);
    g_byte_array_unref (io->sink);
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID,
                 "cannot start the PNG encoder (out of memory)");
    return FALSE;
  }
  if (setjmp (png_jmpbuf (png))) {
    png_destroy_write_struct (&png, &info);
    g_byte_array_unref (io->sink);
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID,
                 "PNG encoder failed: %s", io->message);
    return FALSE;
  }
  png_set_write_fn (png, io, write_cb, flush_cb);
  png_set_IHDR (png, info, (png_uint_32) image->width, (png_uint_32) image->height, 8, color,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  if (image->format == FV_IMAGE_BGRA32)
    png_set_bgr (png);
  for (int y = 0; y < image->height; y++)
    png_write_row (png, fv_image_row (image, y));
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  *out = g_byte_array_free_to_bytes (io->sink);
  return TRUE;
}
