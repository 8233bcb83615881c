/* fovea — tests of image decode / encode (calculators/image/image_io.h): odd-but-valid PNGs
 * and JPEGs written at test time with libpng / libjpeg, EXIF orientations, hostile and cut
 * files, save / load round trips, and three real photos checked against PIL's decoding.
 *
 * JPEG tolerance: the synthetic JPEGs are flat 8x8 blocks aligned to the DCT grid, written
 * at quality 95 without chroma subsampling, so only the DC term is quantised (step <= 2)
 * and each channel lands within 4 of the source (6 for CMYK, where two quantised inks are
 * multiplied). Real photos use the same libjpeg settings as PIL, so they match it within 1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <jpeglib.h>
#include <png.h>

#include "calculators/image/image_io.h"

#define JPEG_TOLERANCE 4
#define CMYK_TOLERANCE 6

/* ---- helpers ------------------------------------------------------------------------ */

static void
assert_error (GError *err, GQuark domain, int code, const char *must_contain)
{
  if (!err)
    fail_msg ("expected an error (domain %s, code %d), got success",
              g_quark_to_string (domain), code);
  if (!g_error_matches (err, domain, code))
    fail_msg ("expected %s/%d, got %s/%d: %s", g_quark_to_string (domain), code,
              g_quark_to_string (err->domain), err->code, err->message);
  if (must_contain && !strstr (err->message, must_contain))
    fail_msg ("error message \"%s\" does not mention \"%s\"", err->message, must_contain);
}

static void
assert_pixel (const FvImage *im, int x, int y, const guint8 *want, int tolerance)
{
  int ch = fv_image_format_channels (im->format);
  const guint8 *p = fv_image_row (im, y) + x * ch;
  for (int c = 0; c < ch; c++)
    if (abs ((int) p[c] - (int) want[c]) > tolerance)
      fail_msg ("pixel (%d,%d) channel %d is %d, expected %d +- %d", x, y, c, p[c], want[c],
                tolerance);
}

/* ---- writing PNGs with libpng ------------------------------------------------------- */

typedef struct {
  int width, height, depth, color;
  gboolean interlaced;
  const png_color *palette;
  int n_palette;
  const guint8 *trns;          /* palette alphas */
  int n_trns;
  const png_color_16 *trns_color; /* gray / RGB transparent colour */
  const guint8 *exif;
  guint32 n_exif;
  const guint8 *raw;           /* rows packed as PNG stores them, big-endian 16-bit */
} PngSpec;

static void
png_append (png_structp png, png_bytep data, size_t n)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) n);
}

static void
png_no_flush (png_structp png)
{
}

static GBytes *
write_png (const PngSpec *s)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  if (setjmp (png_jmpbuf (png)))
    fail_msg ("libpng could not write the test PNG");
  png_set_write_fn (png, out, png_append, png_no_flush);
  png_set_IHDR (png, info, (png_uint_32) s->width, (png_uint_32) s->height, s->depth, s->color,
                s->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (s->palette)
    png_set_PLTE (png, info, s->palette, s->n_palette);
  if (s->trns || s->trns_color)
    png_set_tRNS (png, info, s->trns, s->n_trns, s->trns_color);
  if (s->exif)
    png_set_eXIf_1 (png, info, s->n_exif, (png_bytep) s->exif);
  png_write_info (png, info);
  int channels = png_get_channels (png, info);
  size_t rowbytes = ((size_t) s->width * channels * s->depth + 7) / 8;
  png_bytep *rows = g_new (png_bytep, s->height);
  for (int y = 0; y < s->height; y++)
    rows[y] = (png_bytep) s->raw + y * rowbytes;
  png_write_image (png, rows);
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  g_free (rows);
  return g_byte_array_free_to_bytes (out);
}

static FvImage *
decode_bytes (GBytes *bytes, FvImageFormat want, GError **err)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (bytes, &n);
  return fv_image_decode (d, n, want, "test.img", err);
}

static FvImage *
decode_ok (GBytes *bytes, FvImageFormat want, int width, int height)
{
  GError *err = NULL;
  FvImage *im = decode_bytes (bytes, want, &err);
  if (!im)
    fail_msg ("decode failed: %s", err->message);
  assert_int_equal (im->format, want);
  assert_int_equal (im->width, width);
  assert_int_equal (im->height, height);
  return im;
}

/* ---- PNG: every colour type, exact ------------------------------------------------- */

static const png_color palette5[5] = {
  { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 10, 20, 30 }, { 250, 240, 230 },
};

static void
test_png_palette (void **state)
{
  enum { W = 7, H = 3 };
  guint8 raw[W * H];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      raw[y * W + x] = (guint8) ((x + y) % 5);
  PngSpec s = { .width = W, .height = H, .depth = 8, .color = PNG_COLOR_TYPE_PALETTE,
                .palette = palette5, .n_palette = 5, .raw = raw };
  g_autoptr (GBytes) png = write_png (&s);
  g_autoptr (FvImage) rgb = decode_ok (png, FV_IMAGE_RGB24, W, H);
  g_autoptr (FvImage) rgba = decode_ok (png, FV_IMAGE_RGBA32, W, H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      const png_color *c = &palette5[(x + y) % 5];
      guint8 want[4] = { c->red, c->green, c->blue, 255 };
      assert_pixel (rgb, x, y, want, 0);
      assert_pixel (rgba, x, y, want, 0);
    }
}

static void
test_png_palette_4bit_trns (void **state)
{
  /* 4-bit indices, two per byte; entries 0..2 get alphas 0, 128, 255 and 3, 4 none. */
  enum { W = 5, H = 2 };
  static const guint8 trns[3] = { 0, 128, 200 };
  static const guint8 idx[H][W] = { { 0, 1, 2, 3, 4 }, { 4, 3, 2, 1, 0 } };
  guint8 raw[H * 3] = { 0 };
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      raw[y * 3 + x / 2] |= (guint8) (idx[y][x] << (x % 2 ? 0 : 4));
  PngSpec s = { .width = W, .height = H, .depth = 4, .color = PNG_COLOR_TYPE_PALETTE,
                .palette = palette5, .n_palette = 5, .trns = trns, .n_trns = 3, .raw = raw };
  g_autoptr (GBytes) png = write_png (&s);
  g_autoptr (FvImage) rgba = decode_ok (png, FV_IMAGE_RGBA32, W, H);
  g_autoptr (FvImage) rgb = decode_ok (png, FV_IMAGE_RGB24, W, H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int i = idx[y][x];
      const png_color *c = &palette5[i];
      guint8 want[4] = { c->red, c->green, c->blue, i < 3 ? trns[i] : 255 };
      assert_pixel (rgba, x, y, want, 0);
      /* RGB drops alpha without premultiplying: a fully transparent red stays red. */
      assert_pixel (rgb, x, y, want, 0);
    }
}

static void
test_png_gray_alpha (void **state)
{
  enum { W = 4, H = 3 };
  guint8 raw[W * H * 2];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      raw[(y * W + x) * 2] = (guint8) (x * 60 + y);
      raw[(y * W + x) * 2 + 1] = (guint8) (255 - x * 50 - y * 7);
    }
  PngSpec s = { .width = W, .height = H, .depth = 8, .color = PNG_COLOR_TYPE_GRAY_ALPHA,
                .raw = raw };
  g_autoptr (GBytes) png = write_png (&s);
  g_autoptr (FvImage) rgba = decode_ok (png, FV_IMAGE_RGBA32, W, H);
  g_autoptr (FvImage) rgb = decode_ok (png, FV_IMAGE_RGB24, W, H);
  g_autoptr (FvImage) gray = decode_ok (png, FV_IMAGE_GRAY8, W, H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      guint8 g = (guint8) (x * 60 + y), a = (guint8) (255 - x * 50 - y * 7);
      guint8 want[4] = { g, g, g, a };
      assert_pixel (rgba, x, y, want, 0);
      assert_pixel (rgb, x, y, want, 0);
      assert_pixel (gray, x, y, want, 0);
    }
}

static void
test_png_rgb16_keeps_high_byte (void **state)
{
  /* Low bytes of 0xff make scaling (png_set_scale_16) round up where the high byte does
   * not: 0x12ff -> 18 (scaled: 19), as PIL gives for "RGB;16B". */
  static const guint8 raw[2 * 6] = {
    0x12, 0xff, 0x80, 0x7f, 0xff, 0x7f,
    0x00, 0xff, 0xfe, 0xff, 0x40, 0x00,
  };
  PngSpec s = { .width = 2, .height = 1, .depth = 16, .color = PNG_COLOR_TYPE_RGB,
                .raw = raw };
  g_autoptr (GBytes) png = write_png (&s);
  g_autoptr (FvImage) rgb = decode_ok (png, FV_IMAGE_RGB24, 2, 1);
  assert_pixel (rgb, 0, 0, (const guint8[]) { 0x12, 0x80, 0xff }, 0);
  assert_pixel (rgb, 1, 0, (const guint8[]) { 0x00, 0xfe, 0x40 }, 0);

  static const guint8 raw_gray[2] = { 0x12, 0xff };
  PngSpec g = { .width = 1, .height = 1, .depth = 16, .color = PNG_COLOR_TYPE_GRAY,
                .raw = raw_gray };
  g_autoptr (GBytes) png_gray = write_png (&g);
  g_autoptr (FvImage) gray = decode_ok (png_gray, FV_IMAGE_GRAY8, 1, 1);
  assert_int_equal (fv_image_row (gray, 0)[0], 0x12);
}

static void
test_png_low_bit_gray (void **state)
{
  /* 1, 2 and 4-bit gray, 10 pixels in a row: sample v becomes v * 255 / (2^depth - 1). */
  for (int depth = 1; depth <= 4; depth *= 2) {
    enum { W = 10 };
    int maxv = (1 << depth) - 1;
    guint8 raw[W] = { 0 };
    for (int x = 0; x < W; x++) {
      int v = (x * 3) % (maxv + 1);
      int bit = x * depth;
      raw[bit / 8] |= (guint8) (v << (8 - depth - bit % 8));
    }
    PngSpec s = { .width = W, .height = 1, .depth = depth, .color = PNG_COLOR_TYPE_GRAY,
                  .raw = raw };
    g_autoptr (GBytes) png = write_png (&s);
    g_autoptr (FvImage) gray = decode_ok (png, FV_IMAGE_GRAY8, W, 1);
    g_autoptr (FvImage) rgb = decode_ok (png, FV_IMAGE_RGB24, W, 1);
    for (int x = 0; x < W; x++) {
      guint8 g = (guint8) ((x * 3) % (maxv + 1) * 255 / maxv);
      assert_pixel (gray, x, 0, &g, 0);
      assert_pixel (rgb, x, 0, (const guint8[]) { g, g, g }, 0);
    }
  }
}

static void
test_png_gray_trns (void **state)
{
  /* Gray 8-bit where the value 100 is transparent (tRNS gray). */
  static const guint8 raw[3] = { 99, 100, 101 };
  png_color_16 key = { .gray = 100 };
  PngSpec s = { .width = 3, .height = 1, .depth = 8, .color = PNG_COLOR_TYPE_GRAY,
                .trns_color = &key, .raw = raw };
  g_autoptr (GBytes) png = write_png (&s);
  g_autoptr (FvImage) rgba = decode_ok (png, FV_IMAGE_RGBA32, 3, 1);
  assert_pixel (rgba, 0, 0, (const guint8[]) { 99, 99, 99, 255 }, 0);
  assert_pixel (rgba, 1, 0, (const guint8[]) { 100, 100, 100, 0 }, 0);
  assert_pixel (rgba, 2, 0, (const guint8[]) { 101, 101, 101, 255 }, 0);
  g_autoptr (FvImage) gray = decode_ok (png, FV_IMAGE_GRAY8, 3, 1);
  assert_pixel (gray, 1, 0, (const guint8[]) { 100 }, 0);
}

static guint8
pattern (int x, int y, int c)
{
  return (guint8) (x * 19 + y * 7 + c * 85);
}

static void
test_png_interlaced_rgba (void **state)
{
  /* Adam7 with a size that leaves some passes partial. */
  enum { W = 13, H = 11 };
  guint8 raw[W * H * 4];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int c = 0; c < 4; c++)
        raw[(y * W + x) * 4 + c] = pattern (x, y, c);
  PngSpec s = { .width = W, .height = H, .depth = 8, .color = PNG_COLOR_TYPE_RGBA,
                .interlaced = TRUE, .raw = raw };
  g_autoptr (GBytes) png = write_png (&s);
  g_autoptr (FvImage) rgba = decode_ok (png, FV_IMAGE_RGBA32, W, H);
  g_autoptr (FvImage) bgra = decode_ok (png, FV_IMAGE_BGRA32, W, H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      assert_pixel (rgba, x, y, raw + (y * W + x) * 4, 0);
      const guint8 *p = raw + (y * W + x) * 4;
      assert_pixel (bgra, x, y, (const guint8[]) { p[2], p[1], p[0], p[3] }, 0);
    }
}

static void
test_png_1x1 (void **state)
{
  static const guint8 raw[3] = { 1, 2, 3 };
  PngSpec s = { .width = 1, .height = 1, .depth = 8, .color = PNG_COLOR_TYPE_RGB, .raw = raw };
  g_autoptr (GBytes) png = write_png (&s);
  g_autoptr (FvImage) rgb = decode_ok (png, FV_IMAGE_RGB24, 1, 1);
  assert_pixel (rgb, 0, 0, raw, 0);
}

/* ---- EXIF blocks --------------------------------------------------------------------- */

/* "Exif\0\0" (if @with_header) + a TIFF header + IFD0 holding a resolution tag and the
 * orientation, big- or little-endian. Returns the length written into @out (>= 44 bytes). */
static gsize
make_exif (guint8 *out, int orientation, gboolean big_endian, gboolean with_header)
{
  gsize n = 0;
  if (with_header) {
    memcpy (out, "Exif\0\0", 6);
    n = 6;
  }
  guint8 *t = out + n;
#define PUT16(at, v) do { guint v_ = (v); if (big_endian) { t[at] = v_ >> 8; t[at + 1] = v_ & 255; } \
                          else { t[at] = v_ & 255; t[at + 1] = v_ >> 8; } } while (0)
#define PUT32(at, v) do { guint32 w_ = (v); if (big_endian) { PUT16 (at, w_ >> 16); PUT16 (at + 2, w_ & 0xffff); } \
                          else { PUT16 (at, w_ & 0xffff); PUT16 (at + 2, w_ >> 16); } } while (0)
  memcpy (t, big_endian ? "MM" : "II", 2);
  PUT16 (2, 42);
  PUT32 (4, 8);
  PUT16 (8, 2);                /* two entries */
  PUT16 (10, 0x011a);          /* XResolution, RATIONAL at offset 38 */
  PUT16 (12, 5);
  PUT32 (14, 1);
  PUT32 (18, 38);
  PUT16 (22, 0x0112);          /* Orientation, SHORT, inline */
  PUT16 (24, 3);
  PUT32 (26, 1);
  PUT32 (30, 0);
  PUT16 (30, (guint) orientation);
  PUT32 (34, 0);               /* no next IFD */
  PUT32 (38, 72);
  PUT32 (42, 1);
#undef PUT32
#undef PUT16
  return n + 46;
}

static void
test_exif_parser (void **state)
{
  guint8 block[64];
  for (int o = 1; o <= 8; o++) {
    gsize n = make_exif (block, o, o % 2 == 0, TRUE);
    assert_int_equal (fv_exif_orientation (block, n), o);
    n = make_exif (block, o, o % 2 == 1, FALSE);
    assert_int_equal (fv_exif_orientation (block, n), o);
  }
  gsize n = make_exif (block, 6, TRUE, TRUE);
  /* Cut anywhere before the orientation value ends: no tag found, and no read past @size. */
  for (gsize cut = 0; cut < 6 + 32; cut++) {
    guint8 *copy = g_memdup2 (block, cut);
    assert_int_equal (fv_exif_orientation (copy, cut), 1);
    g_free (copy);
  }
  /* IFD offset far past the end, an entry count running past the end (with no orientation
   * entry to stop at), value 9, bad magic. */
  guint8 bad[64];
  memcpy (bad, block, n);
  bad[6 + 4] = 0x7f;
  assert_int_equal (fv_exif_orientation (bad, n), 1);
  memcpy (bad, block, n);
  bad[6 + 8] = 0xff;
  bad[6 + 9] = 0xff;
  bad[6 + 23] = 0x13;
  assert_int_equal (fv_exif_orientation (bad, n), 1);
  memcpy (bad, block, n);
  bad[6 + 31] = 9;
  assert_int_equal (fv_exif_orientation (bad, n), 1);
  memcpy (bad, block, n);
  bad[6 + 3] = 43;
  assert_int_equal (fv_exif_orientation (bad, n), 1);
  assert_int_equal (fv_exif_orientation (NULL, 0), 1);
}

/* ---- writing JPEGs with libjpeg -------------------------------------------------------- */

typedef struct {
  int width, height, components;
  J_COLOR_SPACE in_space, jpeg_space;
  gboolean no_adobe, progressive;
  int quality;
  const guint8 *exif;
  gsize n_exif;
  const guint8 *pixels;        /* interleaved, width * components per row */
} JpegSpec;

static GBytes *
write_jpeg (const JpegSpec *s)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr jerr;
  unsigned char *buf = NULL;
  unsigned long size = 0;
  c.err = jpeg_std_error (&jerr);   /* an encoder error exits the test: it fails */
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &buf, &size);
  c.image_width = (JDIMENSION) s->width;
  c.image_height = (JDIMENSION) s->height;
  c.input_components = s->components;
  c.in_color_space = s->in_space;
  jpeg_set_defaults (&c);
  if (s->jpeg_space != JCS_UNKNOWN)
    jpeg_set_colorspace (&c, s->jpeg_space);
  if (s->no_adobe)
    c.write_Adobe_marker = FALSE;
  jpeg_set_quality (&c, s->quality ? s->quality : 95, TRUE);
  /* No chroma subsampling, so flat 8x8 blocks stay flat in every channel. */
  for (int i = 0; i < c.num_components; i++)
    c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
  if (s->progressive)
    jpeg_simple_progression (&c);
  jpeg_start_compress (&c, TRUE);
  if (s->exif)
    jpeg_write_marker (&c, JPEG_APP0 + 1, s->exif, (unsigned int) s->n_exif);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = (JSAMPROW) s->pixels + (gsize) c.next_scanline * s->width * s->components;
    jpeg_write_scanlines (&c, &row, 1);
  }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  GBytes *bytes = g_bytes_new (buf, size);
  free (buf);
  return bytes;
}

/* A 4x3 grid of flat 8x8 blocks (32x24 pixels), block i = by * 4 + bx. */
enum { BW = 4, BH = 3, BLK = 8 };
static const guint8 block_rgb[BW * BH][3] = {
  { 255, 0, 0 },     { 0, 255, 0 },     { 0, 0, 255 },     { 255, 255, 0 },
  { 0, 255, 255 },   { 255, 0, 255 },   { 128, 128, 128 }, { 255, 255, 255 },
  { 0, 0, 0 },       { 200, 100, 50 },  { 50, 100, 200 },  { 100, 200, 50 },
};

static guint8 *
block_pixels (int components, const guint8 (*colors)[4], gboolean invert)
{
  guint8 *px = g_malloc ((gsize) BW * BLK * BH * BLK * components);
  for (int y = 0; y < BH * BLK; y++)
    for (int x = 0; x < BW * BLK; x++)
      for (int c = 0; c < components; c++) {
        int b = (y / BLK) * BW + x / BLK;
        guint8 v = colors ? colors[b][c] : block_rgb[b][c];
        px[(y * BW * BLK + x) * components + c] = invert ? 255 - v : v;
      }
  return px;
}

/* Checks every pixel of a decoded block grid whose block (bx, by) should be block
 * @layout[by * cols + bx] of @colors. */
static void
assert_blocks (const FvImage *im, int cols, int rows, const int *layout,
               const guint8 (*colors)[3], int tolerance)
{
  assert_int_equal (im->width, cols * BLK);
  assert_int_equal (im->height, rows * BLK);
  for (int y = 0; y < im->height; y++)
    for (int x = 0; x < im->width; x++)
      assert_pixel (im, x, y, colors[layout[(y / BLK) * cols + x / BLK]], tolerance);
}

static const int identity_layout[BW * BH] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };

static void
test_jpeg_baseline_and_progressive (void **state)
{
  g_autofree guint8 *px = block_pixels (3, NULL, FALSE);
  for (int progressive = 0; progressive <= 1; progressive++) {
    JpegSpec s = { .width = BW * BLK, .height = BH * BLK, .components = 3,
                   .in_space = JCS_RGB, .jpeg_space = JCS_UNKNOWN,
                   .progressive = progressive, .pixels = px };
    g_autoptr (GBytes) jpg = write_jpeg (&s);
    g_autoptr (FvImage) rgb = decode_ok (jpg, FV_IMAGE_RGB24, BW * BLK, BH * BLK);
    assert_blocks (rgb, BW, BH, identity_layout, block_rgb, JPEG_TOLERANCE);
    g_autoptr (FvImage) rgba = decode_ok (jpg, FV_IMAGE_RGBA32, BW * BLK, BH * BLK);
    assert_pixel (rgba, 4, 4, (const guint8[]) { 255, 0, 0, 255 }, JPEG_TOLERANCE);
    /* Gray is PIL's luma of the decoded RGB: red 76, green 150, blue 29. */
    g_autoptr (FvImage) gray = decode_ok (jpg, FV_IMAGE_GRAY8, BW * BLK, BH * BLK);
    assert_pixel (gray, 4, 4, (const guint8[]) { 76 }, JPEG_TOLERANCE);
    assert_pixel (gray, 12, 4, (const guint8[]) { 150 }, JPEG_TOLERANCE);
    assert_pixel (gray, 20, 4, (const guint8[]) { 29 }, JPEG_TOLERANCE);
  }
}

static void
test_jpeg_grayscale (void **state)
{
  enum { W = 16, H = 8 };
  guint8 px[W * H];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      px[y * W + x] = x < 8 ? 40 : 210;
  JpegSpec s = { .width = W, .height = H, .components = 1, .in_space = JCS_GRAYSCALE,
                 .jpeg_space = JCS_UNKNOWN, .pixels = px };
  g_autoptr (GBytes) jpg = write_jpeg (&s);
  g_autoptr (FvImage) gray = decode_ok (jpg, FV_IMAGE_GRAY8, W, H);
  g_autoptr (FvImage) rgb = decode_ok (jpg, FV_IMAGE_RGB24, W, H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      guint8 g = px[y * W + x];
      assert_pixel (gray, x, y, &g, JPEG_TOLERANCE);
      assert_pixel (rgb, x, y, (const guint8[]) { g, g, g }, JPEG_TOLERANCE);
    }
}

/* Ink amounts and the RGB PIL makes of them, R = round ((255 - C)(255 - K) / 255):
 * e.g. (51, 102, 153, 51): 204 * 204 / 255 = 163.2, 153 * 204 / 255 = 122.4,
 * 102 * 204 / 255 = 81.6. */
static const guint8 block_cmyk[BW * BH][4] = {
  { 0, 0, 0, 0 },       { 255, 0, 0, 0 },      { 0, 0, 0, 255 },    { 0, 128, 255, 64 },
  { 100, 50, 200, 0 },  { 51, 102, 153, 51 },  { 0, 255, 0, 0 },    { 0, 0, 255, 0 },
  { 128, 128, 128, 0 }, { 0, 0, 0, 128 },      { 30, 60, 90, 120 }, { 255, 255, 255, 255 },
};
static const guint8 block_cmyk_rgb[BW * BH][3] = {
  { 255, 255, 255 }, { 0, 255, 255 },  { 0, 0, 0 },       { 191, 95, 0 },
  { 155, 205, 55 },  { 163, 122, 82 }, { 255, 0, 255 },   { 255, 255, 0 },
  { 127, 127, 127 }, { 127, 127, 127 }, { 119, 103, 87 },  { 0, 0, 0 },
};

static void
test_jpeg_cmyk (void **state)
{
  /* Plain CMYK (no Adobe marker: ink as is), Adobe CMYK and Adobe YCCK (both storing
   * 255 - ink, as Photoshop does): the same inks must give the same RGB. */
  struct { J_COLOR_SPACE space; gboolean adobe; } cases[] = {
    { JCS_CMYK, FALSE }, { JCS_CMYK, TRUE }, { JCS_YCCK, TRUE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree guint8 *px = block_pixels (4, block_cmyk, cases[i].adobe);
    JpegSpec s = { .width = BW * BLK, .height = BH * BLK, .components = 4,
                   .in_space = JCS_CMYK, .jpeg_space = cases[i].space,
                   .no_adobe = !cases[i].adobe, .pixels = px };
    g_autoptr (GBytes) jpg = write_jpeg (&s);
    g_autoptr (FvImage) rgb = decode_ok (jpg, FV_IMAGE_RGB24, BW * BLK, BH * BLK);
    assert_blocks (rgb, BW, BH, identity_layout, block_cmyk_rgb, CMYK_TOLERANCE);
  }
}

/* Block layouts a viewer shows for each EXIF orientation of the 4x3 grid
 *    0  1  2  3
 *    4  5  6  7
 *    8  9 10 11
 * 5..8 are 3 blocks wide and 4 tall. 6 turns clockwise: the top row is the left column
 * read upwards; 8 turns counter-clockwise: the top row is the right column read down. */
static const int oriented_layout[9][BW * BH] = {
  [1] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 },
  [2] = { 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8 },
  [3] = { 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
  [4] = { 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3 },
  [5] = { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 },
  [6] = { 8, 4, 0, 9, 5, 1, 10, 6, 2, 11, 7, 3 },
  [7] = { 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0 },
  [8] = { 3, 7, 11, 2, 6, 10, 1, 5, 9, 0, 4, 8 },
};

static void
test_jpeg_exif_orientations (void **state)
{
  g_autofree guint8 *px = block_pixels (3, NULL, FALSE);
  for (int o = 1; o <= 8; o++) {
    guint8 exif[64];
    gsize n = make_exif (exif, o, o % 2 == 0, TRUE);
    JpegSpec s = { .width = BW * BLK, .height = BH * BLK, .components = 3,
                   .in_space = JCS_RGB, .jpeg_space = JCS_UNKNOWN, .progressive = o == 7,
                   .exif = exif, .n_exif = n, .pixels = px };
    g_autoptr (GBytes) jpg = write_jpeg (&s);
    gboolean turned = o >= 5;
    int cols = turned ? BH : BW, rows = turned ? BW : BH;
    g_autoptr (FvImage) rgb = decode_ok (jpg, FV_IMAGE_RGB24, cols * BLK, rows * BLK);
    assert_blocks (rgb, cols, rows, oriented_layout[o], block_rgb, JPEG_TOLERANCE);
  }
}

static void
test_png_exif_orientation (void **state)
{
  /* PNG eXIf (no "Exif\0\0" prefix): orientation 6 on a 3x2 image. */
  enum { W = 3, H = 2 };
  guint8 raw[W * H * 3];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int c = 0; c < 3; c++)
        raw[(y * W + x) * 3 + c] = pattern (x, y, c);
  guint8 exif[64];
  gsize n = make_exif (exif, 6, TRUE, FALSE);
  PngSpec s = { .width = W, .height = H, .depth = 8, .color = PNG_COLOR_TYPE_RGB,
                .exif = exif, .n_exif = (guint32) n, .raw = raw };
  g_autoptr (GBytes) png = write_png (&s);
  g_autoptr (FvImage) rgb = decode_ok (png, FV_IMAGE_RGB24, H, W);
  /* Clockwise: shown (x, y) is stored (y, H - 1 - x). */
  for (int y = 0; y < W; y++)
    for (int x = 0; x < H; x++)
      assert_pixel (rgb, x, y, raw + ((H - 1 - x) * W + y) * 3, 0);
}

/* ---- hostile and broken input --------------------------------------------------------- */

static GBytes *
small_png (void)
{
  enum { W = 16, H = 16 };
  static guint8 raw[W * H * 3];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int c = 0; c < 3; c++)
        raw[(y * W + x) * 3 + c] = pattern (x, y, c);
  PngSpec s = { .width = W, .height = H, .depth = 8, .color = PNG_COLOR_TYPE_RGB, .raw = raw };
  return write_png (&s);
}

static GBytes *
small_jpeg (gboolean progressive)
{
  g_autofree guint8 *px = block_pixels (3, NULL, FALSE);
  JpegSpec s = { .width = BW * BLK, .height = BH * BLK, .components = 3, .in_space = JCS_RGB,
                 .jpeg_space = JCS_UNKNOWN, .progressive = progressive, .pixels = px };
  return write_jpeg (&s);
}

static void
assert_truncations_fail (GBytes *bytes)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (bytes, &n);
  gsize cuts[] = { 1, 2, 3, 8, 12, 20, 30, 40, 100, 200, n / 2, n - 20, n - 12, n - 2, n - 1 };
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++) {
    if (cuts[i] >= n)
      continue;
    /* A copy of exactly cuts[i] bytes, so ASan sees any read past the cut. */
    guint8 *copy = g_memdup2 (d, cuts[i]);
    GError *err = NULL;
    FvImage *im = fv_image_decode (copy, cuts[i], FV_IMAGE_RGB24, "cut.img", &err);
    if (im)
      fail_msg ("a file cut to %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes decoded",
                cuts[i], n);
    assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TRUNCATED, "cut.img");
    assert_non_null (strstr (err->message, "truncated"));
    g_error_free (err);
    g_free (copy);
  }
}

static void
test_truncated_files (void **state)
{
  g_autoptr (GBytes) png = small_png ();
  assert_truncations_fail (png);
  g_autoptr (GBytes) jpg = small_jpeg (FALSE);
  assert_truncations_fail (jpg);
  g_autoptr (GBytes) progressive = small_jpeg (TRUE);
  assert_truncations_fail (progressive);
}

static void
test_empty_and_random (void **state)
{
  GError *err = NULL;
  assert_null (fv_image_decode ((const guint8 *) "", 0, FV_IMAGE_RGB24, "empty.png", &err));
  assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TRUNCATED, "empty.png");
  g_clear_error (&err);

  GRand *rand = g_rand_new_with_seed (1234);
  guint8 noise[1000];
  for (gsize i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_rand_int_range (rand, 0, 256);
  noise[0] = 'x';   /* not 0x89 / 0xff, whatever the generator gave */
  assert_null (fv_image_decode (noise, sizeof noise, FV_IMAGE_RGB24, "noise.bin", &err));
  assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_UNKNOWN_FORMAT, "noise.bin");
  assert_non_null (strstr (err->message, "not a PNG or JPEG image"));
  g_clear_error (&err);

  /* A real signature followed by noise: an error, never a crash. */
  static const guint8 png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 jpeg_sig[4] = { 0xff, 0xd8, 0xff, 0xe0 };
  memcpy (noise, png_sig, sizeof png_sig);
  assert_null (fv_image_decode (noise, sizeof noise, FV_IMAGE_RGB24, "noise.png", &err));
  assert_non_null (err);
  assert_int_equal (err->domain, FV_IMAGE_IO_ERROR);
  g_clear_error (&err);
  memcpy (noise, jpeg_sig, sizeof jpeg_sig);
  assert_null (fv_image_decode (noise, sizeof noise, FV_IMAGE_RGB24, "noise.jpg", &err));
  assert_non_null (err);
  assert_int_equal (err->domain, FV_IMAGE_IO_ERROR);
  g_clear_error (&err);
  g_rand_free (rand);
}

static void
test_corrupted_bytes (void **state)
{
  /* Valid files with random bytes overwritten: each decode either fails with an image-io
   * error or gives a plausible image; ASan / UBSan catch anything worse. */
  GRand *rand = g_rand_new_with_seed (99);
  GBytes *sources[3] = { small_png (), small_jpeg (FALSE), small_jpeg (TRUE) };
  int failures = 0;
  for (int s = 0; s < 3; s++) {
    gsize n;
    const guint8 *d = g_bytes_get_data (sources[s], &n);
    for (int round = 0; round < 150; round++) {
      guint8 *copy = g_memdup2 (d, n);
      int flips = g_rand_int_range (rand, 1, 6);
      for (int f = 0; f < flips; f++)
        copy[g_rand_int_range (rand, 2, (gint32) n)] = (guint8) g_rand_int_range (rand, 0, 256);
      GError *err = NULL;
      FvImage *im = fv_image_decode (copy, n, FV_IMAGE_RGBA32, "fuzz.img", &err);
      if (im) {
        assert_true (im->width >= 1 && im->width <= FV_IMAGE_MAX_SIDE);
        assert_true (im->height >= 1 && im->height <= FV_IMAGE_MAX_SIDE);
        fv_image_free (im);
      } else {
        assert_non_null (err);
        assert_int_equal (err->domain, FV_IMAGE_IO_ERROR);
        assert_non_null (strstr (err->message, "fuzz.img"));
        g_error_free (err);
        failures++;
      }
      g_free (copy);
    }
    g_bytes_unref (sources[s]);
  }
  assert_true (failures > 0);   /* the corruption did reach the decoders */
  g_rand_free (rand);
}

static void
test_too_many_scans (void **state)
{
  /* A progressive JPEG whose last scan is repeated 1100 times before EOI: libjpeg only
   * warns about the bogus progression, the decoder must stop it. */
  g_autoptr (GBytes) jpg = small_jpeg (TRUE);
  gsize n;
  const guint8 *d = g_bytes_get_data (jpg, &n);
  gsize last_sos = n - 2;
  while (last_sos > 0 && !(d[last_sos] == 0xff && d[last_sos + 1] == 0xda))
    last_sos--;
  assert_true (last_sos > 2);
  GByteArray *bomb = g_byte_array_new ();
  g_byte_array_append (bomb, d, (guint) (n - 2));
  for (int i = 0; i < 1100; i++)
    g_byte_array_append (bomb, d + last_sos, (guint) (n - 2 - last_sos));
  g_byte_array_append (bomb, d + n - 2, 2);
  GError *err = NULL;
  assert_null (fv_image_decode (bomb->data, bomb->len, FV_IMAGE_RGB24, "scans.jpg", &err));
  assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_CORRUPT, "scans.jpg");
  assert_non_null (strstr (err->message, "scans"));
  g_error_free (err);
  g_byte_array_unref (bomb);
}

static guint32
crc32_of (const guint8 *p, gsize n)
{
  guint32 crc = 0xffffffffu;
  for (gsize i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return crc ^ 0xffffffffu;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

static void
test_huge_headers (void **state)
{
  struct { guint32 w, h; } sizes[] = { { 60000, 60000 }, { 30000, 30000 }, { 1, 40000 } };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
    /* PNG: the IHDR of a real file rewritten, with its CRC fixed so that only the size is
     * wrong. */
    g_autoptr (GBytes) png = small_png ();
    gsize n;
    const guint8 *bytes = g_bytes_get_data (png, &n);
    guint8 *d = g_memdup2 (bytes, n);
    put_be32 (d + 16, sizes[i].w);
    put_be32 (d + 20, sizes[i].h);
    put_be32 (d + 29, crc32_of (d + 12, 17));
    GError *err = NULL;
    assert_null (fv_image_decode (d, n, FV_IMAGE_RGB24, "huge.png", &err));
    assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TOO_LARGE, "huge.png");
    g_clear_error (&err);
    g_free (d);

    /* JPEG: the SOF0 frame header's height and width rewritten. */
    g_autoptr (GBytes) jpg = small_jpeg (FALSE);
    bytes = g_bytes_get_data (jpg, &n);
    d = g_memdup2 (bytes, n);
    gsize sof = 2;
    while (sof + 9 < n && !(d[sof] == 0xff && d[sof + 1] == 0xc0))
      sof += 2 + ((gsize) d[sof + 2] << 8 | d[sof + 3]);
    assert_true (sof + 9 < n);
    d[sof + 5] = (guint8) (sizes[i].h >> 8);
    d[sof + 6] = (guint8) sizes[i].h;
    d[sof + 7] = (guint8) (sizes[i].w >> 8);
    d[sof + 8] = (guint8) sizes[i].w;
    assert_null (fv_image_decode (d, n, FV_IMAGE_RGB24, "huge.jpg", &err));
    assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TOO_LARGE, "huge.jpg");
    g_clear_error (&err);
    g_free (d);
  }
}

/* ---- files: load, save, round trips ----------------------------------------------------- */

static void
test_missing_and_empty_files (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("fovea-imgio-XXXXXX", NULL);
  assert_non_null (dir);
  g_autofree char *missing = g_build_filename (dir, "no-such-photo.jpg", NULL);
  GError *err = NULL;
  assert_null (fv_image_load (missing, FV_IMAGE_RGB24, &err));
  assert_error (err, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no-such-photo.jpg");
  g_clear_error (&err);

  g_autofree char *empty = g_build_filename (dir, "empty.png", NULL);
  assert_true (g_file_set_contents (empty, "", 0, NULL));
  assert_null (fv_image_load (empty, FV_IMAGE_RGB24, &err));
  assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TRUNCATED, "empty.png");
  g_clear_error (&err);
  g_unlink (empty);
  g_rmdir (dir);
}

static FvImage *
gradient (FvImageFormat format, int w, int h)
{
  FvImage *im = fv_image_new (format, w, h, NULL);
  int ch = fv_image_format_channels (format);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < ch; c++)
        fv_image_row (im, y)[x * ch + c] =
            (guint8) (c == 3 ? 255 - x : x * 2 + y + c * 20);
  return im;
}

static int
count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  int n = 0;
  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  return n;
}

static void
test_png_round_trip (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("fovea-imgio-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.PNG", NULL);
  FvImageFormat formats[] = { FV_IMAGE_GRAY8, FV_IMAGE_RGB24, FV_IMAGE_RGBA32,
                              FV_IMAGE_BGRA32 };
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_autoptr (FvImage) src = gradient (formats[i], 37, 21);
    GError *err = NULL;
    if (!fv_image_save (src, path, 0, &err))
      fail_msg ("save: %s", err->message);
    assert_int_equal (count_entries (dir), 1);   /* no temporary file left behind */
    g_autoptr (FvImage) back = fv_image_load (path, formats[i], &err);
    if (!back)
      fail_msg ("load: %s", err->message);
    assert_int_equal (back->width, 37);
    assert_int_equal (back->height, 21);
    int ch = fv_image_format_channels (formats[i]);
    for (int y = 0; y < 21; y++)
      assert_memory_equal (fv_image_row (back, y), fv_image_row (src, y), 37 * ch);
  }
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_jpeg_round_trip (void **state)
{
  /* A smooth gradient through libjpeg's default 4:2:0 at quality 90: every channel within
   * 8 of the source, and within 2 on average. */
  g_autofree char *dir = g_dir_make_tmp ("fovea-imgio-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.jpeg", NULL);
  g_autoptr (FvImage) src = gradient (FV_IMAGE_RGB24, 64, 48);
  GError *err = NULL;
  if (!fv_image_save (src, path, 90, &err))
    fail_msg ("save: %s", err->message);
  g_autoptr (FvImage) back = fv_image_load (path, FV_IMAGE_RGB24, &err);
  if (!back)
    fail_msg ("load: %s", err->message);
  assert_int_equal (back->width, 64);
  assert_int_equal (back->height, 48);
  double sum = 0;
  for (int y = 0; y < 48; y++)
    for (int x = 0; x < 64; x++) {
      assert_pixel (back, x, y, fv_image_row (src, y) + x * 3, 8);
      for (int c = 0; c < 3; c++)
        sum += abs ((int) fv_image_row (back, y)[x * 3 + c] - fv_image_row (src, y)[x * 3 + c]);
    }
  assert_true (sum / (64 * 48 * 3) < 2.0);

  /* Gray stays one channel; a 1x1 image is a valid JPEG. */
  g_autoptr (FvImage) gray = gradient (FV_IMAGE_GRAY8, 1, 1);
  fv_image_row (gray, 0)[0] = 77;
  assert_true (fv_image_save (gray, path, 100, &err));
  g_autoptr (FvImage) gray_back = fv_image_load (path, FV_IMAGE_GRAY8, &err);
  assert_non_null (gray_back);
  assert_pixel (gray_back, 0, 0, (const guint8[]) { 77 }, 1);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_save_errors (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("fovea-imgio-XXXXXX", NULL);
  g_autoptr (FvImage) im = gradient (FV_IMAGE_RGB24, 4, 4);
  GError *err = NULL;

  g_autofree char *bmp = g_build_filename (dir, "out.bmp", NULL);
  assert_false (fv_image_save (im, bmp, 0, &err));
  assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_UNKNOWN_FORMAT, "out.bmp");
  g_clear_error (&err);

  g_autofree char *jpg = g_build_filename (dir, "out.jpg", NULL);
  assert_false (fv_image_save (im, jpg, 101, &err));
  assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID, "out.jpg");
  g_clear_error (&err);
  assert_int_equal (count_entries (dir), 0);

  g_autofree char *nodir = g_build_filename (dir, "missing-dir", "out.png", NULL);
  assert_false (fv_image_save (im, nodir, 0, &err));
  assert_non_null (err);
  assert_int_equal (err->domain, G_FILE_ERROR);
  assert_non_null (strstr (err->message, "out.png"));
  g_clear_error (&err);
  assert_int_equal (count_entries (dir), 0);
  g_rmdir (dir);
}

/* ---- conversion and orientation on their own ------------------------------------------- */

static void
test_convert (void **state)
{
  /* A wrapped source with padded rows: conversion must honour the stride. */
  guint8 px[2 * 16] = { 255, 0, 0, 0, 255, 0, 0, 0, 255 };
  memcpy (px + 16, (const guint8[]) { 10, 20, 30, 40, 50, 60, 200, 100, 0 }, 9);
  FvImage *rgb = fv_image_wrap (FV_IMAGE_RGB24, 3, 2, 16, px, NULL, NULL);
  GError *err = NULL;
  g_autoptr (FvImage) gray = fv_image_convert (rgb, FV_IMAGE_GRAY8, &err);
  /* (19595 R + 38470 G + 7471 B + 32768) >> 16: red 76, green 150, blue 29,
   * (10, 20, 30) 18, (40, 50, 60) 48, (200, 100, 0) 118. */
  static const guint8 want_gray[2][3] = { { 76, 150, 29 }, { 18, 48, 118 } };
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 3; x++)
      assert_pixel (gray, x, y, &want_gray[y][x], 0);
  g_autoptr (FvImage) bgra = fv_image_convert (rgb, FV_IMAGE_BGRA32, &err);
  assert_pixel (bgra, 2, 1, (const guint8[]) { 0, 100, 200, 255 }, 0);
  g_autoptr (FvImage) rgba = fv_image_convert (bgra, FV_IMAGE_RGBA32, &err);
  assert_pixel (rgba, 2, 1, (const guint8[]) { 200, 100, 0, 255 }, 0);
  g_autoptr (FvImage) back = fv_image_convert (gray, FV_IMAGE_RGB24, &err);
  assert_pixel (back, 0, 0, (const guint8[]) { 76, 76, 76 }, 0);
  fv_image_free (rgb);

  assert_null (fv_image_convert (gray, FV_IMAGE_FORMAT_COUNT, &err));
  assert_error (err, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID, NULL);
  g_clear_error (&err);
}

static void
test_orient_gray (void **state)
{
  /* 3x2 gray  a b c / d e f; 6 (clockwise) shows d a / e b / f c. */
  FvImage *src = fv_image_new (FV_IMAGE_GRAY8, 3, 2, NULL);
  memcpy (fv_image_row (src, 0), "abc", 3);
  memcpy (fv_image_row (src, 1), "def", 3);
  static const char *shown[9] = {
    [1] = "abcdef", [2] = "cbafed", [3] = "fedcba", [4] = "defabc",
    [5] = "adbecf", [6] = "daebfc", [7] = "fcebda", [8] = "cfbead",
  };
  for (int o = 1; o <= 8; o++) {
    g_autoptr (FvImage) im = fv_image_orient (src, o, NULL);
    GString *got = g_string_new (NULL);
    for (int y = 0; y < im->height; y++)
      g_string_append_len (got, (const char *) fv_image_row (im, y), im->width);
    assert_string_equal (got->str, shown[o]);
    assert_int_equal (im->width, o >= 5 ? 2 : 3);
    g_string_free (got, TRUE);
  }
  g_autoptr (FvImage) same = fv_image_orient (src, 42, NULL);
  assert_memory_equal (fv_image_row (same, 1), "def", 3);
  fv_image_free (src);
}

/* ---- real photos: sizes and pixels as PIL 9.4 decodes them (libjpeg-turbo 2.1.5) -------- */

typedef struct {
  int x, y;
  guint8 rgb[3], luma;
} PhotoPixel;

typedef struct {
  const char *file;
  int width, height;
  PhotoPixel pixels[7];
  double mean[3];             /* mean R, G, B over the whole image */
} Photo;

/* Values printed by PIL: Image.open(f); ImageOps.exif_transpose(im).convert("RGB"),
 * getpixel, convert("L").getpixel, and channel sums / (w * h). */
static const Photo photos[] = {
  { "mpl_grace_hopper.jpg", 512, 600,
    { { 0, 0, { 21, 24, 77 }, 29 }, { 511, 0, { 76, 114, 189 }, 111 },
      { 0, 599, { 152, 12, 23 }, 55 }, { 511, 599, { 14, 13, 19 }, 14 },
      { 256, 300, { 216, 136, 103 }, 156 }, { 170, 150, { 24, 9, 6 }, 13 },
      { 17, 595, { 12, 10, 11 }, 11 } },
    { 82.484501953125, 72.430107421875, 86.42437825520834 } },
  { "gimphelp_guards_small_faces.jpg", 320, 240,
    { { 0, 0, { 87, 92, 98 }, 91 }, { 319, 0, { 112, 103, 106 }, 106 },
      { 0, 239, { 113, 124, 22 }, 109 }, { 319, 239, { 164, 140, 68 }, 139 },
      { 160, 120, { 161, 11, 23 }, 57 }, { 106, 60, { 68, 59, 54 }, 61 },
      { 17, 235, { 129, 147, 39 }, 129 } },
    { 139.50494791666668, 117.6708203125, 95.12869791666667 } },
  /* big-endian EXIF with orientation 1 (Canon, Bibble) */
  { "kpa_jesper_2.jpg", 800, 532,
    { { 0, 0, { 94, 123, 118 }, 114 }, { 799, 0, { 195, 210, 217 }, 206 },
      { 0, 531, { 10, 9, 4 }, 9 }, { 799, 531, { 14, 11, 6 }, 11 },
      { 400, 266, { 164, 111, 95 }, 125 }, { 266, 133, { 14, 14, 6 }, 13 },
      { 17, 527, { 14, 13, 8 }, 13 } },
    { 114.22683975563909, 117.58971804511278, 108.91262687969925 } },
};

static void
test_real_photos (void **state)
{
  const char *data_dir = g_getenv ("FOVEA_TEST_DATA");
  g_autofree char *fallback = g_build_filename (FOVEA_SOURCE_ROOT, "tests", "data", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (photos); i++) {
    const Photo *p = &photos[i];
    g_autofree char *path =
        g_build_filename (data_dir ? data_dir : fallback, "images", p->file, NULL);
    GError *err = NULL;
    g_autoptr (FvImage) rgb = fv_image_load (path, FV_IMAGE_RGB24, &err);
    if (!rgb)
      fail_msg ("%s", err->message);
    g_autoptr (FvImage) gray = fv_image_load (path, FV_IMAGE_GRAY8, &err);
    assert_non_null (gray);
    assert_int_equal (rgb->width, p->width);
    assert_int_equal (rgb->height, p->height);
    for (int k = 0; k < 7; k++) {
      assert_pixel (rgb, p->pixels[k].x, p->pixels[k].y, p->pixels[k].rgb, 1);
      assert_pixel (gray, p->pixels[k].x, p->pixels[k].y, &p->pixels[k].luma, 1);
    }
    double sum[3] = { 0, 0, 0 };
    for (int y = 0; y < rgb->height; y++)
      for (int x = 0; x < rgb->width; x++)
        for (int c = 0; c < 3; c++)
          sum[c] += fv_image_row (rgb, y)[x * 3 + c];
    for (int c = 0; c < 3; c++) {
      double mean = sum[c] / ((double) p->width * p->height);
      if (fabs (mean - p->mean[c]) > 0.05)
        fail_msg ("%s: channel %d mean %.4f, PIL %.4f", p->file, c, mean, p->mean[c]);
    }
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_png_palette),
    cmocka_unit_test (test_png_palette_4bit_trns),
    cmocka_unit_test (test_png_gray_alpha),
    cmocka_unit_test (test_png_rgb16_keeps_high_byte),
    cmocka_unit_test (test_png_low_bit_gray),
    cmocka_unit_test (test_png_gray_trns),
    cmocka_unit_test (test_png_interlaced_rgba),
    cmocka_unit_test (test_png_1x1),
    cmocka_unit_test (test_exif_parser),
    cmocka_unit_test (test_jpeg_baseline_and_progressive),
    cmocka_unit_test (test_jpeg_grayscale),
    cmocka_unit_test (test_jpeg_cmyk),
    cmocka_unit_test (test_jpeg_exif_orientations),
    cmocka_unit_test (test_png_exif_orientation),
    cmocka_unit_test (test_truncated_files),
    cmocka_unit_test (test_empty_and_random),
    cmocka_unit_test (test_corrupted_bytes),
    cmocka_unit_test (test_huge_headers),
    cmocka_unit_test (test_too_many_scans),
    cmocka_unit_test (test_missing_and_empty_files),
    cmocka_unit_test (test_png_round_trip),
    cmocka_unit_test (test_jpeg_round_trip),
    cmocka_unit_test (test_save_errors),
    cmocka_unit_test (test_convert),
    cmocka_unit_test (test_orient_gray),
    cmocka_unit_test (test_real_photos),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
