/* fovea — the gray planes the flow algorithms work on: floats in 0..255, one per pixel,
 * rows packed; colour frames reduced to luma the way image_io.h does (PIL's convert("L"),
 * BT.601 weights rounded to 8 bits), so a colour frame and its gray decode agree. */
#pragma once

#include <glib.h>

#include "graph/image.h"

G_BEGIN_DECLS

/* Writes @image's luma into @dst (width * height floats). */
void fv_flow_gray (const FvImage *image, float *dst);

/* A plane of half the size (floor), each pixel the mean of a 2x2 block: pixel x of the
 * result is centred on 2x + 0.5 of @src. */
void fv_flow_gray_half (const float *src, int src_width, float *dst, int dst_width,
                        int dst_height);

/* Bilinear sample of the @w x @h plane @img at (x, y), clamped to the border. */
static inline float
fv_flow_gray_sample (const float *img, int w, int h, float x, float y)
{
  x = CLAMP (x, 0.0f, (float) (w - 1));
  y = CLAMP (y, 0.0f, (float) (h - 1));
  int x0 = (int) x, y0 = (int) y;
  int x1 = MIN (x0 + 1, w - 1), y1 = MIN (y0 + 1, h - 1);
  float fx = x - (float) x0, fy = y - (float) y0;
  const float *r0 = img + (gsize) y0 * w, *r1 = img + (gsize) y1 * w;
  float top = r0[x0] + fx * (r0[x1] - r0[x0]);
  float bot = r1[x0] + fx * (r1[x1] - r1[x0]);
  return top + fy * (bot - top);
}

G_END_DECLS
