/* fovea — EXIF orientation: reading tag 0x0112 from an EXIF (TIFF) block, and turning /
 * mirroring pixels so that an image carrying it is shown upright. */
#include "calculators/image/image_io.h"

#include <string.h>

#define EXIF_TAG_ORIENTATION 0x0112
#define TIFF_TYPE_SHORT 3
#define TIFF_TYPE_LONG 4

typedef struct {
  const guint8 *data;
  gsize size;
  gboolean big_endian;
} TiffReader;

/* Reads are bounds-checked here so that the parser below can trust every offset. */
static gboolean
tiff_u16 (const TiffReader *t, guint64 at, guint *out)
{
  if (at + 2 > t->size)
    return FALSE;
  const guint8 *p = t->data + at;
  *out = t->big_endian ? (guint) (p[0] << 8 | p[1]) : (guint) (p[1] << 8 | p[0]);
  return TRUE;
}

static gboolean
tiff_u32 (const TiffReader *t, guint64 at, guint32 *out)
{
  if (at + 4 > t->size)
    return FALSE;
  const guint8 *p = t->data + at;
  if (t->big_endian)
    *out = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
  else
    *out = (guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
  return TRUE;
}

int
fv_exif_orientation (const guint8 *data, gsize size)
{
  if (!data)
    return 1;
  /* JPEG's APP1 payload starts with "Exif\0\0"; PNG's eXIf chunk normally does not. */
  if (size >= 6 && memcmp (data, "Exif\0\0", 6) == 0) {
    data += 6;
    size -= 6;
  }
  if (size < 8)
    return 1;
  TiffReader t = { data, size, FALSE };
  if (memcmp (data, "MM", 2) == 0)
    t.big_endian = TRUE;
  else if (memcmp (data, "II", 2) != 0)
    return 1;
  guint magic;
  guint32 ifd0;
  if (!tiff_u16 (&t, 2, &magic) || magic != 42 || !tiff_u32 (&t, 4, &ifd0))
    return 1;
  guint count;
  if (!tiff_u16 (&t, ifd0, &count))
    return 1;
  for (guint i = 0; i < count; i++) {
    guint64 entry = (guint64) ifd0 + 2 + 12 * (guint64) i;
    guint tag, type;
    guint32 n;
    if (!tiff_u16 (&t, entry, &tag) || !tiff_u16 (&t, entry + 2, &type)
        || !tiff_u32 (&t, entry + 4, &n))
      return 1;
    if (tag != EXIF_TAG_ORIENTATION)
      continue;
    /* A SHORT is the standard type; a few writers store a LONG. Either fits inline. */
    guint value = 0;
    guint32 value32 = 0;
    if (n != 1)
      return 1;
    if (type == TIFF_TYPE_SHORT && tiff_u16 (&t, entry + 8, &value))
      value32 = value;
    else if (type != TIFF_TYPE_LONG || !tiff_u32 (&t, entry + 8, &value32))
      return 1;
    return value32 >= 1 && value32 <= 8 ? (int) value32 : 1;
  }
  return 1;
}

FvImage *
fv_image_orient (const FvImage *src, int orientation, GError **error)
{
  g_return_val_if_fail (src != NULL, NULL);
  if (orientation < 1 || orientation > 8)
    orientation = 1;
  int w = src->width, h = src->height;
  gboolean swap = orientation >= 5;
  FvImage *dst = fv_image_new (src->format, swap ? h : w, swap ? w : h, error);
  if (!dst)
    return NULL;
  int ch = fv_image_format_channels (src->format);
  /* For each shown pixel (x, y), the stored pixel (sx, sy) it comes from. */
  for (int y = 0; y < dst->height; y++) {
    guint8 *out = fv_image_row (dst, y);
    for (int x = 0; x < dst->width; x++) {
      int sx, sy;
      switch (orientation) {
      case 2: sx = w - 1 - x; sy = y; break;
      case 3: sx = w - 1 - x; sy = h - 1 - y; break;
      case 4: sx = x; sy = h - 1 - y; break;
      case 5: sx = y; sy = x; break;
      case 6: sx = y; sy = h - 1 - x; break;
      case 7: sx = w - 1 - y; sy = h - 1 - x; break;
      case 8: sx = w - 1 - y; sy = x; break;
      default: sx = x; sy = y; break;
      }
      memcpy (out + (gsize) x * ch, fv_image_row (src, sy) + (gsize) sx * ch, (gsize) ch);
    }
  }
  return dst;
}
