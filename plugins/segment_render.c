/* fovea — the mask as a GRAY8 frame, and background replacement (see segment_render.h).
 *
 * Weights are fixed point, 0..256 per frame pixel, computed once per frame; components are
 * blended as (v * w + bg * (256 - w) + 128) >> 8, so a weight of 256 keeps a pixel exactly.
 * The blur is separable: a running-sum box blur along the rows, then down the columns
 * (row by row, with a running sum per column), twice, each component on its own (chroma
 * with the radius divided by its subsampling); the division by the window is a multiply.
 */
#include "plugins/segment_render.h"

#include <string.h>

struct _FvSegmentRender {
  guint16 *weight;      /* [width * height] 0..256 per frame pixel */
  gsize weight_len;
  guint *column;        /* [width] the mask column of each frame column */
  gsize column_len;
  guint8 *tmp;          /* [component width * height] one blur pass */
  gsize tmp_len;
  guint8 *blurred[3];   /* [component width * height] each component blurred */
  gsize blurred_len[3];
  guint *sums;          /* [component width] running column sums */
  gsize sums_len;
};

FvSegmentRender *
fv_segment_render_new (void)
{
  return g_new0 (FvSegmentRender, 1);
}

void
fv_segment_render_free (FvSegmentRender *r)
{
  if (r == NULL)
    return;
  g_free (r->weight);
  g_free (r->column);
  g_free (r->tmp);
  for (int c = 0; c < 3; c++)
    g_free (r->blurred[c]);
  g_free (r->sums);
  g_free (r);
}

/* Grows *buf to hold @n elements of @size bytes (kept for the next frames). */
static gpointer
scratch (gpointer *buf, gsize *len, gsize n, gsize size)
{
  if (*len < n) {
    g_free (*buf);
    *buf = g_malloc (MAX (n, 1) * size);
    *len = n;
  }
  return *buf;
}

static inline float
probability (float v)
{
  return v >= 0.0f ? (v <= 1.0f ? v : 1.0f) : 0.0f;   /* NaN: 0 */
}

/* The mask column of each of the frame's @width columns (nearest). */
static const guint *
mask_columns (FvSegmentRender *r, const FvMask *mask, guint width)
{
  guint *col = scratch ((gpointer *) &r->column, &r->column_len, width, sizeof (guint));
  for (guint x = 0; x < width; x++)
    col[x] = (guint) ((guint64) x * (guint) mask->width / width);
  return col;
}

static inline const float *
mask_row (const FvMask *mask, guint y, guint height)
{
  return mask->data + (gsize) ((guint64) y * (guint) mask->height / height) * (gsize) mask->width;
}

void
fv_segment_render_mask (FvSegmentRender *r, GstVideoFrame *frame, const FvMask *mask,
                        double threshold)
{
  g_return_if_fail (GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_GRAY8);
  const guint w = GST_VIDEO_FRAME_WIDTH (frame), h = GST_VIDEO_FRAME_HEIGHT (frame);
  const gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  if (mask == NULL) {
    for (guint y = 0; y < h; y++)
      memset (data + (gsize) y * stride, 0, w);
    return;
  }
  const guint *col = mask_columns (r, mask, w);
  const float t = (float) threshold;
  for (guint y = 0; y < h; y++) {
    const float *m = mask_row (mask, y, h);
    guint8 *out = data + (gsize) y * stride;
    if (threshold > 0)
      for (guint x = 0; x < w; x++)
        out[x] = m[col[x]] >= t ? 255 : 0;   /* NaN: background */
    else
      for (guint x = 0; x < w; x++)
        out[x] = (guint8) (probability (m[col[x]]) * 255.0f + 0.5f);   /* rounded */
  }
}

/* The frame's weights (0..256), into r->weight. */
static const guint16 *
weights (FvSegmentRender *r, const FvMask *mask, guint w, guint h, double threshold)
{
  guint16 *wt = scratch ((gpointer *) &r->weight, &r->weight_len, (gsize) w * h,
                         sizeof (guint16));
  const guint *col = mask_columns (r, mask, w);
  const float t = (float) threshold;
  for (guint y = 0; y < h; y++) {
    const float *m = mask_row (mask, y, h);
    guint16 *out = wt + (gsize) y * w;
    if (threshold > 0)
      for (guint x = 0; x < w; x++)
        out[x] = m[col[x]] >= t ? 256 : 0;
    else
      for (guint x = 0; x < w; x++)
        out[x] = (guint16) (probability (m[col[x]]) * 256.0f + 0.5f);
  }
  return wt;
}

/* A box blur's divisor d = 2 * radius + 1 as a multiplier: (n * inv) >> 32 == n / d exactly
 * for the n a blur sums (n * d < 2^32: at most 255 d + d values of d <= 513). */
static inline guint64
reciprocal (guint d)
{
  return (G_GUINT64_CONSTANT (1) << 32) / d + 1;
}

/* One box blur of radius @rad along a row: @n values of @src (spaced @ss) into @dst
 * (contiguous); the edge values extend past the ends. */
static void
box_row (const guint8 *src, gsize ss, guint8 *dst, guint n, guint rad)
{
  const guint d = 2 * rad + 1;
  const guint64 inv = reciprocal (d);
  guint sum = src[0] * (rad + 1);
  for (guint i = 1; i <= rad; i++)
    sum += src[MIN (i, n - 1) * ss];
  for (guint x = 0; x < n; x++) {
    dst[x] = (guint8) (((guint64) (sum + d / 2) * inv) >> 32);
    sum += src[MIN (x + rad + 1, n - 1) * ss];
    sum -= src[(x >= rad ? x - rad : 0) * ss];
  }
}

/* One box blur of radius @rad down the columns of @src (@w x @h, contiguous) into @dst,
 * row by row with a running sum per column (cache-friendly). */
static void
box_columns (FvSegmentRender *r, const guint8 *src, guint8 *dst, guint w, guint h, guint rad)
{
  const guint d = 2 * rad + 1;
  const guint64 inv = reciprocal (d);
  guint *sum = scratch ((gpointer *) &r->sums, &r->sums_len, w, sizeof (guint));
  for (guint x = 0; x < w; x++)
    sum[x] = src[x] * (rad + 1);
  for (guint i = 1; i <= rad; i++) {
    const guint8 *row = src + (gsize) MIN (i, h - 1) * w;
    for (guint x = 0; x < w; x++)
      sum[x] += row[x];
  }
  for (guint y = 0; y < h; y++) {
    guint8 *out = dst + (gsize) y * w;
    const guint8 *in = src + (gsize) MIN (y + rad + 1, h - 1) * w;
    const guint8 *gone = src + (gsize) (y >= rad ? y - rad : 0) * w;
    for (guint x = 0; x < w; x++) {
      out[x] = (guint8) (((guint64) (sum[x] + d / 2) * inv) >> 32);
      sum[x] += in[x] - gone[x];
    }
  }
}

/* The component (@cw x @ch values at @data, @ps bytes apart, rows @rs apart) blurred into
 * @out (contiguous rows of @cw). */
static void
blur_component (FvSegmentRender *r, const guint8 *data, gsize ps, gsize rs, guint cw, guint ch,
                guint rad, guint8 *out)
{
  guint8 *tmp = scratch ((gpointer *) &r->tmp, &r->tmp_len, (gsize) cw * ch, 1);
  for (guint y = 0; y < ch; y++)
    box_row (data + y * rs, ps, tmp + (gsize) y * cw, cw, rad);
  box_columns (r, tmp, out, cw, ch, rad);
  for (guint y = 0; y < ch; y++)
    box_row (out + (gsize) y * cw, 1, tmp + (gsize) y * cw, cw, rad);
  box_columns (r, tmp, out, cw, ch, rad);
}

static guint8
clamp_u8 (int v)
{
  return (guint8) CLAMP (v, 0, 255);
}

/* The colour's value for component @c of @finfo. */
static guint8
component_color (const GstVideoFormatInfo *finfo, guint c, guint32 argb)
{
  const int R = (argb >> 16) & 0xff, G = (argb >> 8) & 0xff, B = argb & 0xff;
  if (GST_VIDEO_FORMAT_INFO_IS_RGB (finfo))
    return (guint8) (c == 0 ? R : c == 1 ? G : B);
  if (GST_VIDEO_FORMAT_INFO_IS_GRAY (finfo))
    return clamp_u8 ((77 * R + 150 * G + 29 * B + 128) >> 8);
  /* BT.601 video range, as foveaoverlay paints YUV */
  switch (c) {
    case 0:
      return clamp_u8 (16 + ((66 * R + 129 * G + 25 * B + 128) >> 8));
    case 1:
      return clamp_u8 ((-38 * R - 74 * G + 112 * B + 128 + 32768) >> 8);
    default:
      return clamp_u8 ((112 * R - 94 * G - 18 * B + 128 + 32768) >> 8);
  }
}

gboolean
fv_segment_render_background (FvSegmentRender *r, GstVideoFrame *frame, const FvMask *mask,
                              double threshold, guint blur, guint32 argb)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  if (GST_VIDEO_FORMAT_INFO_IS_COMPLEX (finfo) || GST_VIDEO_FORMAT_INFO_IS_TILED (finfo)
      || GST_VIDEO_FORMAT_INFO_HAS_PALETTE (finfo))
    return FALSE;
  for (guint c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo); c++)
    if (GST_VIDEO_FORMAT_INFO_DEPTH (finfo, c) != 8)
      return FALSE;
  const guint w = GST_VIDEO_FRAME_WIDTH (frame), h = GST_VIDEO_FRAME_HEIGHT (frame);
  if (mask == NULL || w == 0 || h == 0)
    return TRUE;
  const guint16 *wt = weights (r, mask, w, h, threshold);
  const int alpha = (int) (argb >> 24);
  guint n_comp = GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo);
  if (GST_VIDEO_FORMAT_INFO_HAS_ALPHA (finfo))
    n_comp = MIN (n_comp, 3);   /* the alpha component (the 4th) stays */

  /* each component's background: blurred, or the colour laid over it (a table by value) */
  const guint8 *blurred[3] = { NULL, NULL, NULL };
  guint8 tint[3][256];
  gboolean packed = GST_VIDEO_FRAME_N_PLANES (frame) == 1;
  for (guint c = 0; c < n_comp; c++) {
    const guint cw = GST_VIDEO_FRAME_COMP_WIDTH (frame, c);
    const guint ch = GST_VIDEO_FRAME_COMP_HEIGHT (frame, c);
    const guint ws = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c);
    const guint hs = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c);
    packed &= ws == 0 && hs == 0;
    if (blur > 0) {
      guint8 *out = scratch ((gpointer *) &r->blurred[c], &r->blurred_len[c], (gsize) cw * ch, 1);
      blur_component (r, GST_VIDEO_FRAME_COMP_DATA (frame, c),
                      (gsize) GST_VIDEO_FRAME_COMP_PSTRIDE (frame, c),
                      (gsize) GST_VIDEO_FRAME_COMP_STRIDE (frame, c), cw, ch,
                      MAX (blur >> MAX (ws, hs), 1u), out);
      blurred[c] = out;
    } else {
      const int color = component_color (finfo, c, argb);
      for (int v = 0; v < 256; v++)
        tint[c][v] = (guint8) ((v * (255 - alpha) + color * alpha + 127) / 255);
    }
  }

  if (packed) {
    /* packed RGB or gray: one pass over the pixels, every component of one at once */
    guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
    const gsize rs = (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
    const gsize ps = (gsize) GST_VIDEO_FRAME_COMP_PSTRIDE (frame, 0);
    guint off[3] = { 0, 0, 0 };
    for (guint c = 0; c < n_comp; c++)
      off[c] = GST_VIDEO_FRAME_COMP_POFFSET (frame, c);
    for (guint y = 0; y < h; y++) {
      const guint16 *wrow = wt + (gsize) y * w;
      guint8 *row = data + y * rs;
      const gsize brow = (gsize) y * w;
      for (guint x = 0; x < w; x++) {
        const int k = wrow[x];
        if (k == 256)
          continue;
        guint8 *p = row + x * ps;
        for (guint c = 0; c < n_comp; c++) {
          const int v = p[off[c]];
          const int bg = blurred[c] != NULL ? blurred[c][brow + x] : tint[c][v];
          p[off[c]] = (guint8) ((v * k + bg * (256 - k) + 128) >> 8);
        }
      }
    }
    return TRUE;
  }

  /* planar / semi-planar: component by component, a subsampled one weighted by the frame
   * pixel at its block's top-left corner */
  for (guint c = 0; c < n_comp; c++) {
    guint8 *data = GST_VIDEO_FRAME_COMP_DATA (frame, c);
    const gsize ps = (gsize) GST_VIDEO_FRAME_COMP_PSTRIDE (frame, c);
    const gsize rs = (gsize) GST_VIDEO_FRAME_COMP_STRIDE (frame, c);
    const guint cw = GST_VIDEO_FRAME_COMP_WIDTH (frame, c);
    const guint ch = GST_VIDEO_FRAME_COMP_HEIGHT (frame, c);
    const guint ws = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c);
    const guint hs = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c);
    for (guint y = 0; y < ch; y++) {
      const guint16 *wrow = wt + (gsize) MIN (y << hs, h - 1) * w;
      guint8 *p = data + y * rs;
      const guint8 *brow = blurred[c] != NULL ? blurred[c] + (gsize) y * cw : NULL;
      for (guint x = 0; x < cw; x++, p += ps) {
        const int k = wrow[MIN (x << ws, w - 1)];
        if (k == 256)
          continue;
        const int v = *p;
        const int bg = brow != NULL ? brow[x] : tint[c][v];
        *p = (guint8) ((v * k + bg * (256 - k) + 128) >> 8);
      }
    }
  }
  return TRUE;
}
