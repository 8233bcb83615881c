/* fovea — image files: format detection, load / save, pixel format conversion. The codecs
 * are in image_png.c and image_jpeg.c, EXIF orientation in image_exif.c. */
#include "calculators/image/image_io_private.h"

#include <string.h>

G_DEFINE_QUARK (fv-image-io-error-quark, fv_image_io_error)

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 jpeg_signature[3] = { 0xff, 0xd8, 0xff };

gboolean
fv_image_io_check_size (gint64 width, gint64 height, const char *name, GError **error)
{
  if (width >= 1 && height >= 1 && width <= FV_IMAGE_MAX_SIDE && height <= FV_IMAGE_MAX_SIDE
      && width * height <= FV_IMAGE_MAX_PIXELS)
    return TRUE;
  g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TOO_LARGE,
               "%s: the image claims %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " pixels; fovea "
               "accepts sides of 1..%d and at most %" G_GINT64_FORMAT " pixels in all",
               name, width, height, FV_IMAGE_MAX_SIDE, FV_IMAGE_MAX_PIXELS);
  return FALSE;
}

static gboolean
format_is_valid (FvImageFormat format)
{
  return fv_image_format_channels (format) > 0;
}

/* Where R, G, B and A sit in a pixel of @format (-1: absent; gray has R = G = B = 0). */
typedef struct {
  int channels, r, g, b, a;
} Layout;

static Layout
layout_of (FvImageFormat format)
{
  switch (format) {
  case FV_IMAGE_GRAY8: return (Layout) { 1, 0, 0, 0, -1 };
  case FV_IMAGE_RGB24: return (Layout) { 3, 0, 1, 2, -1 };
  case FV_IMAGE_RGBA32: return (Layout) { 4, 0, 1, 2, 3 };
  case FV_IMAGE_BGRA32: return (Layout) { 4, 2, 1, 0, 3 };
  default: return (Layout) { 0, -1, -1, -1, -1 };
  }
}

/* PIL's convert("L") (ITU-R 601-2 luma in 16-bit fixed point, rounded). */
static guint8
luma (guint r, guint g, guint b)
{
  return (guint8) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
}

FvImage *
fv_image_convert (const FvImage *src, FvImageFormat want, GError **error)
{
  g_return_val_if_fail (src != NULL, NULL);
  if (!format_is_valid (want) || !format_is_valid (src->format)) {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID,
                 "cannot convert an image from pixel format %d to %d", (int) src->format,
                 (int) want);
    return NULL;
  }
  FvImage *dst = fv_image_new (want, src->width, src->height, error);
  if (!dst)
    return NULL;
  Layout in = layout_of (src->format), out = layout_of (want);
  for (int y = 0; y < src->height; y++) {
    const guint8 *s = fv_image_row (src, y);
    guint8 *d = fv_image_row (dst, y);
    for (int x = 0; x < src->width; x++, s += in.channels, d += out.channels) {
      guint8 r = s[in.r], g = s[in.g], b = s[in.b];
      guint8 a = in.a >= 0 ? s[in.a] : 255;
      if (want == FV_IMAGE_GRAY8) {
        d[0] = src->format == FV_IMAGE_GRAY8 ? r : luma (r, g, b);
        continue;
      }
      d[out.r] = r;
      d[out.g] = g;
      d[out.b] = b;
      if (out.a >= 0)
        d[out.a] = a;
    }
  }
  return dst;
}

/* TRUE when the @size bytes are all a @sig prefix (data too short to tell, so truncated). */
static gboolean
is_prefix_of (const guint8 *data, gsize size, const guint8 *sig, gsize sig_size)
{
  return size < sig_size && memcmp (data, sig, size) == 0;
}

FvImage *
fv_image_decode (const guint8 *data, gsize size, FvImageFormat want,
                 const char *name_for_errors, GError **error)
{
  const char *name = name_for_errors ? name_for_errors : "image data";
  if (!format_is_valid (want)) {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID,
                 "%s: cannot decode into pixel format %d", name, (int) want);
    return NULL;
  }
  if (!data || size == 0) {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TRUNCATED,
                 "%s: is empty (0 bytes), not a PNG or JPEG image", name);
    return NULL;
  }
  int orientation = 1;
  FvImage *native;
  if (size >= sizeof png_signature && memcmp (data, png_signature, sizeof png_signature) == 0)
    native = fv_image_decode_png (data, size, name, &orientation, error);
  else if (size >= sizeof jpeg_signature
           && memcmp (data, jpeg_signature, sizeof jpeg_signature) == 0)
    native = fv_image_decode_jpeg (data, size, name, &orientation, error);
  else if (is_prefix_of (data, size, png_signature, sizeof png_signature)
           || is_prefix_of (data, size, jpeg_signature, sizeof jpeg_signature)) {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TRUNCATED,
                 "%s: is truncated (%" G_GSIZE_FORMAT " bytes, less than a PNG or JPEG "
                 "signature)", name, size);
    return NULL;
  } else {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_UNKNOWN_FORMAT,
                 "%s: not a PNG or JPEG image (unknown signature %02x %02x %02x %02x)", name,
                 data[0], size > 1 ? data[1] : 0, size > 2 ? data[2] : 0,
                 size > 3 ? data[3] : 0);
    return NULL;
  }
  if (!native)
    return NULL;

  FvImage *image = native;
  if (orientation != 1) {
    image = fv_image_orient (native, orientation, error);
    fv_image_free (native);
    if (!image)
      return NULL;
  }
  if (image->format == want)
    return image;
  FvImage *converted = fv_image_convert (image, want, error);
  fv_image_free (image);
  return converted;
}

FvImage *
fv_image_load (const char *path, FvImageFormat want, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  GMappedFile *file = g_mapped_file_new (path, FALSE, error);
  if (!file)
    return NULL;
  FvImage *image = fv_image_decode ((const guint8 *) g_mapped_file_get_contents (file),
                                    g_mapped_file_get_length (file), want, path, error);
  g_mapped_file_unref (file);
  return image;
}

typedef enum { FILE_KIND_NONE, FILE_KIND_PNG, FILE_KIND_JPEG } FileKind;

static FileKind
file_kind_of (const char *path)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);
  if (!dot || (slash && dot < slash))
    return FILE_KIND_NONE;
  if (g_ascii_strcasecmp (dot, ".png") == 0)
    return FILE_KIND_PNG;
  if (g_ascii_strcasecmp (dot, ".jpg") == 0 || g_ascii_strcasecmp (dot, ".jpeg") == 0)
    return FILE_KIND_JPEG;
  return FILE_KIND_NONE;
}

gboolean
fv_image_save (const FvImage *image, const char *path, int jpeg_quality, GError **error)
{
  g_return_val_if_fail (image != NULL && path != NULL, FALSE);
  FileKind kind = file_kind_of (path);
  if (kind == FILE_KIND_NONE) {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_UNKNOWN_FORMAT,
                 "%s: cannot tell the image format from the file name (use .png, .jpg or "
                 ".jpeg)", path);
    return FALSE;
  }
  g_autoptr (GBytes) bytes = NULL;
  GError *local = NULL;
  gboolean ok = kind == FILE_KIND_PNG
      ? fv_image_encode_png (image, &bytes, &local)
      : fv_image_encode_jpeg (image, jpeg_quality > 0 ? jpeg_quality
                                                      : FV_IMAGE_JPEG_DEFAULT_QUALITY,
                              &bytes, &local);
  if (!ok) {
    g_propagate_prefixed_error (error, local, "%s: ", path);
    return FALSE;
  }
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  /* CONSISTENT: written to a temporary file beside @path, then renamed over it. */
  return g_file_set_contents_full (path, data, (gssize) size, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0666, error);
}
