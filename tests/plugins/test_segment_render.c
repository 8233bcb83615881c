/* fovea tests — foveasegment's drawing (plugins/segment_render.c) without a model: masks
 * made up here, frames laid out with a GstVideoMeta, padding around every plane and guard
 * bytes before and after, all 0xA5, so a write outside the picture shows (ASan checks the
 * rest).
 *  - every format (packed RGB with and without alpha, RGB, GRAY8, I420, NV12) at odd and
 *    tiny sizes, masks of other sizes with NaN, infinite and out-of-range values, colour
 *    and blur (radius 1 up to far past the frame): nothing outside the picture changes,
 *    an alpha byte never does;
 *  - a mask of 1 keeps the frame exactly; a mask of 0 with an opaque colour paints the
 *    colour's value into every component (R, G, B; gray's luma; BT.601 video-range Y, U,
 *    V); a half-transparent colour tints half way;
 *  - the GRAY8 mask: 255 x p rounded, and the threshold;
 *  - formats it cannot handle are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/video/video.h>

#include "plugins/segment_render.h"

#define GUARD 128
#define CANARY 0xA5

typedef struct {
  GstVideoInfo info;    /* the padded layout */
  guint8 *raw;          /* guard, planes, guard */
  gsize raw_size;
  GstBuffer *buf;
  GstVideoFrame frame;  /* mapped for writing */
} Frame;

/* The bytes of plane @p's rows that belong to the picture, and the plane's rows. */
static gsize
row_bytes (const GstVideoInfo *info, guint p, int *rows)
{
  for (guint c = 0; c < GST_VIDEO_INFO_N_COMPONENTS (info); c++)
    if (GST_VIDEO_INFO_COMP_PLANE (info, c) == p) {
      *rows = GST_VIDEO_INFO_COMP_HEIGHT (info, c);
      gsize px = GST_VIDEO_INFO_COMP_PSTRIDE (info, c);
      if (GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_RGBx)
        px = 4;
      return (gsize) GST_VIDEO_INFO_COMP_WIDTH (info, c) * px;
    }
  *rows = 0;
  return 0;
}

static gboolean
is_picture_byte (const Frame *f, gsize i)
{
  if (i < GUARD)
    return FALSE;
  gsize o = i - GUARD;
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&f->info); p++) {
    gsize off = GST_VIDEO_INFO_PLANE_OFFSET (&f->info, p);
    gsize stride = GST_VIDEO_INFO_PLANE_STRIDE (&f->info, p);
    if (o < off)
      continue;
    int rows;
    gsize n = row_bytes (&f->info, p, &rows);
    if ((o - off) / stride < (gsize) rows && (o - off) % stride < n)
      return TRUE;
  }
  return FALSE;
}

/* A mapped frame of @format, its picture filled with a pattern from @seed. */
static void
frame_new (Frame *f, GstVideoFormat format, int w, int h, guint seed)
{
  memset (f, 0, sizeof (*f));
  gst_video_info_set_format (&f->info, format, w, h);
  GstVideoAlignment align;
  gst_video_alignment_reset (&align);
  align.padding_top = 1;
  align.padding_bottom = 3;
  align.padding_left = 2;
  align.padding_right = 7;
  assert_true (gst_video_info_align (&f->info, &align));
  f->raw_size = GST_VIDEO_INFO_SIZE (&f->info) + 2 * GUARD;
  f->raw = g_malloc (f->raw_size);
  memset (f->raw, CANARY, f->raw_size);
  GRand *r = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < f->raw_size; i++)
    if (is_picture_byte (f, i))
      f->raw[i] = (guint8) g_rand_int_range (r, 0, 256);
  g_rand_free (r);
  f->buf = gst_buffer_new_wrapped_full (0, f->raw, f->raw_size, GUARD,
                                        GST_VIDEO_INFO_SIZE (&f->info), f->raw, g_free);
  gst_buffer_add_video_meta_full (f->buf, GST_VIDEO_FRAME_FLAG_NONE, format, w, h,
                                  GST_VIDEO_INFO_N_PLANES (&f->info), f->info.offset,
                                  f->info.stride);
  assert_true (gst_video_frame_map (&f->frame, &f->info, f->buf, GST_MAP_WRITE));
}

static void
frame_free (Frame *f)
{
  gst_video_frame_unmap (&f->frame);
  gst_buffer_unref (f->buf);   /* frees raw */
}

static void
assert_guards (const Frame *f)
{
  for (gsize i = 0; i < f->raw_size; i++)
    if (!is_picture_byte (f, i) && f->raw[i] != CANARY)
      fail_msg ("%s %dx%d: byte %zu outside the picture changed",
                gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&f->info)),
                GST_VIDEO_INFO_WIDTH (&f->info), GST_VIDEO_INFO_HEIGHT (&f->info), i);
}

static FvMask *
mask_new (int w, int h, float value)
{
  FvMask *m = fv_mask_new (w, h, NULL);
  assert_non_null (m);
  for (int i = 0; i < w * h; i++)
    m->data[i] = value;
  return m;
}

static const GstVideoFormat formats[] = {
  GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_BGRA, GST_VIDEO_FORMAT_BGRx,
  GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_NV12,
};

static void
test_odd_sizes_stay_inside (void **state)
{
  static const int sizes[][2] = { { 1, 1 }, { 3, 2 }, { 2, 3 }, { 17, 5 }, { 63, 47 } };
  static const guint blurs[] = { 0, 1, 5, 256 };
  g_autoptr (FvSegmentRender) r = fv_segment_render_new ();
  GRand *rand = g_rand_new_with_seed (3);
  for (guint fi = 0; fi < G_N_ELEMENTS (formats); fi++)
    for (guint si = 0; si < G_N_ELEMENTS (sizes); si++)
      for (guint bi = 0; bi < G_N_ELEMENTS (blurs); bi++) {
        Frame f;
        frame_new (&f, formats[fi], sizes[si][0], sizes[si][1], fi * 100 + si);
        /* a mask of an unrelated size, with hostile values */
        int mw = g_rand_int_range (rand, 1, 9), mh = g_rand_int_range (rand, 1, 9);
        g_autoptr (FvMask) m = mask_new (mw, mh, 0.0f);
        const float specials[] = { NAN, INFINITY, -INFINITY, -1.0f, 2.0f, 0.5f };
        for (int i = 0; i < mw * mh; i++)
          m->data[i] = g_rand_boolean (rand) ? (float) g_rand_double (rand)
                                             : specials[g_rand_int_range (rand, 0, 6)];
        const gboolean has_alpha = GST_VIDEO_INFO_HAS_ALPHA (&f.info);
        guint8 alpha_before = has_alpha ? *(guint8 *) GST_VIDEO_FRAME_COMP_DATA (&f.frame, 3)
                                        : 0;
        assert_true (fv_segment_render_background (r, &f.frame, m, bi % 2 ? 0.5 : 0.0,
                                                   blurs[bi], 0xff336699));
        if (has_alpha)
          assert_int_equal (*(guint8 *) GST_VIDEO_FRAME_COMP_DATA (&f.frame, 3), alpha_before);
        assert_guards (&f);
        frame_free (&f);
      }
  /* the GRAY8 mask at the same sizes */
  for (guint si = 0; si < G_N_ELEMENTS (sizes); si++) {
    Frame f;
    frame_new (&f, GST_VIDEO_FORMAT_GRAY8, sizes[si][0], sizes[si][1], si);
    g_autoptr (FvMask) m = mask_new (5, 7, NAN);
    fv_segment_render_mask (r, &f.frame, m, 0.0);
    fv_segment_render_mask (r, &f.frame, NULL, 0.0);
    assert_guards (&f);
    frame_free (&f);
  }
  g_rand_free (rand);
}

/* Component @c's value at pixel (@x, @y) (chroma: the sample covering it). */
static int
component (Frame *f, guint c, int x, int y)
{
  const GstVideoFormatInfo *fi = f->info.finfo;
  int cx = x >> GST_VIDEO_FORMAT_INFO_W_SUB (fi, c), cy = y >> GST_VIDEO_FORMAT_INFO_H_SUB (fi, c);
  const guint8 *d = GST_VIDEO_FRAME_COMP_DATA (&f->frame, c);
  return d[(gsize) cy * GST_VIDEO_FRAME_COMP_STRIDE (&f->frame, c)
           + (gsize) cx * GST_VIDEO_FRAME_COMP_PSTRIDE (&f->frame, c)];
}

static void
test_values (void **state)
{
  g_autoptr (FvSegmentRender) r = fv_segment_render_new ();
  g_autoptr (FvMask) one = mask_new (4, 4, 1.0f);
  g_autoptr (FvMask) zero = mask_new (3, 5, 0.0f);
  /* R, G, B = 0x33, 0x66, 0x99: gray 92; Y 95, U 158, V 102 (BT.601 video range) */
  for (guint fi = 0; fi < G_N_ELEMENTS (formats); fi++) {
    Frame a, b;
    frame_new (&a, formats[fi], 10, 6, 1);
    frame_new (&b, formats[fi], 10, 6, 1);
    assert_true (fv_segment_render_background (r, &a.frame, one, 0.0, 0, 0xff336699));
    assert_memory_equal (a.raw, b.raw, a.raw_size);   /* a sure person: untouched */
    assert_true (fv_segment_render_background (r, &a.frame, one, 0.0, 9, 0xff336699));
    assert_memory_equal (a.raw, b.raw, a.raw_size);   /* blur too */
    assert_true (fv_segment_render_background (r, &a.frame, zero, 0.0, 0, 0xff336699));
    const GstVideoFormatInfo *finfo = a.info.finfo;
    const int want[3][3] = { { 0x33, 0x66, 0x99 }, { 92, 92, 92 }, { 95, 158, 102 } };
    const int *w = want[GST_VIDEO_FORMAT_INFO_IS_RGB (finfo) ? 0
                        : GST_VIDEO_FORMAT_INFO_IS_GRAY (finfo) ? 1 : 2];
    for (int y = 0; y < 6; y++)
      for (int x = 0; x < 10; x++)
        for (guint c = 0; c < MIN (GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo), 3); c++)
          if (abs (component (&a, c, x, y) - w[c]) > 1)
            fail_msg ("%s (%d, %d) component %u: %d, expected %d",
                      gst_video_format_to_string (formats[fi]), x, y, c,
                      component (&a, c, x, y), w[c]);
    /* half transparent over the original: half way (within rounding) */
    assert_true (fv_segment_render_background (r, &b.frame, zero, 0.0, 0, 0x80000000));
    Frame c0;
    frame_new (&c0, formats[fi], 10, 6, 1);
    for (int y = 0; y < 6; y++)
      for (int x = 0; x < 10; x++) {
        const int v = component (&c0, 0, x, y), got = component (&b, 0, x, y);
        const int black = GST_VIDEO_FORMAT_INFO_IS_YUV (finfo) ? 16 : 0;
        if (abs (got - (v * 127 + black * 128) / 255) > 1)
          fail_msg ("%s (%d, %d): %d from %d", gst_video_format_to_string (formats[fi]), x, y,
                    got, v);
      }
    frame_free (&c0);
    frame_free (&a);
    frame_free (&b);
  }

  /* the GRAY8 mask: 255 p rounded; with a threshold, 0 or 255 */
  Frame g;
  frame_new (&g, GST_VIDEO_FORMAT_GRAY8, 4, 1, 0);
  g_autoptr (FvMask) m = mask_new (4, 1, 0.0f);
  m->data[0] = 0.2f;
  m->data[1] = 0.5f;
  m->data[2] = NAN;
  m->data[3] = 3.0f;
  fv_segment_render_mask (r, &g.frame, m, 0.0);
  const guint8 *row = GST_VIDEO_FRAME_PLANE_DATA (&g.frame, 0);
  assert_int_equal (row[0], 51);
  assert_int_equal (row[1], 128);
  assert_int_equal (row[2], 0);
  assert_int_equal (row[3], 255);
  fv_segment_render_mask (r, &g.frame, m, 0.5);
  assert_int_equal (row[0], 0);
  assert_int_equal (row[1], 255);
  assert_int_equal (row[2], 0);
  assert_int_equal (row[3], 255);
  frame_free (&g);
}

static void
test_unsupported_format (void **state)
{
  g_autoptr (FvSegmentRender) r = fv_segment_render_new ();
  g_autoptr (FvMask) zero = mask_new (2, 2, 0.0f);
  Frame f;
  frame_new (&f, GST_VIDEO_FORMAT_GRAY16_LE, 4, 4, 0);
  guint8 *copy = g_memdup2 (f.raw, f.raw_size);
  assert_false (fv_segment_render_background (r, &f.frame, zero, 0.0, 0, 0xff000000));
  assert_memory_equal (f.raw, copy, f.raw_size);
  g_free (copy);
  frame_free (&f);
}

int
main (void)
{
  gst_init (NULL, NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_odd_sizes_stay_inside),
    cmocka_unit_test (test_values),
    cmocka_unit_test (test_unsupported_format),
  };
  int rc = cmocka_run_group_tests (tests, NULL, NULL);
  gst_deinit ();
  return rc;
}
