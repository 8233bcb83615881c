/* fovea — the mask as a GRAY8 frame, and background replacement (see segment_render.h).
 *
 * Weights are fixed point, 0..256 per frame pixel, computed once per frame; components are
 * blended as (v * w + bg * (256 - w) + 128) >> 8, so a weight of 256 keeps a pixel exactly.
 * The blur is separable: a running-sum box blur along the rows, then down the columns,
 * twice, each component on its own (chroma with the radius divided by its subsampling).
 */
#include "plugins/segment_render.h"

#include <string.h>

struct _FvSegmentRender {
  guint16 *weight;      /* [width * height] 0..256 per frame pixel */
  gsize weight_len;
  guint *column;        /* [width] the mask column of each frame column */
  gsize column_len;
  guint8 *a, *b;        /* [component width * height] blur scratch */
  gsize ab_len;
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
  g_free (r->a);
  g_free (r->b);
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

/* One box blur pass of radius @rad along @n values of @src (spaced @ss) into @dst (spaced
 * @ds); the edge values extend past the ends. */
static void
box_line (const guint8 *src, gsize ss, guint8 *dst, gsize ds, guint n, guint rad)
{
  const guint d = 2 * rad + 1;
  guint sum = src[0] * (rad + 1);
  for (guint i = 1; i <= rad; i++)
    sum += src[MIN (i, n - 1) * ss];
  for (guint x = 0; x < n; x++) {
    dst[x * ds] = (guint8) ((sum + d / 2) / d);
    sum += src[MIN (x + rad + 1, n - 1) * ss];
    sum -= src[(x >= rad ? x - rad : 0) * ss];
  }
}

/* The component (@cw x @ch values at @data, @ps bytes apart, rows @rs apart) blurred into
 * r->b (contiguous rows of @cw). */
static const guint8 *
blur_component (FvSegmentRender *r, const guint8 *data, gsize ps, gsize rs, guint cw, guint ch,
                guint rad)
{
  const gsize n = (gsize) cw * ch;
  if (r->ab_len < n) {
    g_free (r->a);
    g_free (r->b);
    r->a = g_malloc (n);
    r->b = g_malloc (n);
    r->ab_len = n;
  }
  for (guint y = 0; y < ch; y++)
    box_line (data + y * rs, ps, r->a + (gsize) y * cw, 1, cw, rad);
  for (guint x = 0; x < cw; x++)
    box_line (r->a + x, cw, r->b + x, cw, ch, rad);
  for (guint y = 0; y < ch; y++)
    box_line (r->b + (gsize) y * cw, 1, r->a + (gsize) y * cw, 1, cw, rad);
  for (guint x = 0; x < cw; x++)
    box_line (r->a + x, cw, r->b + x, cw, ch, rad);
  return r->b;
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
  const guint alpha = argb >> 24;
  guint n_comp = GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo);
  if (GST_VIDEO_FORMAT_INFO_HAS_ALPHA (finfo))
    n_comp = MIN (n_comp, 3);   /* the alpha component (the 4th) stays */

  for (guint c = 0; c < n_comp; c++) {
    guint8 *data = GST_VIDEO_FRAME_COMP_DATA (frame, c);
    const gsize ps = (gsize) GST_VIDEO_FRAME_COMP_PSTRIDE (frame, c);
    const gsize rs = (gsize) GST_VIDEO_FRAME_COMP_STRIDE (frame, c);
    const guint cw = GST_VIDEO_FRAME_COMP_WIDTH (frame, c);
    const guint ch = GST_VIDEO_FRAME_COMP_HEIGHT (frame, c);
    const guint ws = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c);
    const guint hs = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c);
    const guint8 *blurred = NULL;
    if (blur > 0)
      blurred = blur_component (r, data, ps, rs, cw, ch, MAX (blur >> MAX (ws, hs), 1u));
    const int color = component_color (finfo, c, argb);
    for (guint y = 0; y < ch; y++) {
      /* a subsampled component's weight: the frame pixel at its block's top-left corner */
      const guint16 *wrow = wt + (gsize) MIN (y << hs, h - 1) * w;
      guint8 *p = data + y * rs;
      const guint8 *brow = blurred != NULL ? blurred + (gsize) y * cw : NULL;
      for (guint x = 0; x < cw; x++, p += ps) {
        const int k = wrow[MIN (x << ws, w - 1)];
        if (k == 256)
          continue;
        const int v = *p;
        const int bg = brow != NULL ? brow[x]
                                    : (v * (255 - (int) alpha) + color * (int) alpha + 127) / 255;
        *p = (guint8) ((v * k + bg * (256 - k) + 128) >> 8);
      }
    }
  }
  return TRUE;
}
