/* fovea — gray planes for the flow algorithms (see gray.h). */
#include "calculators/flow/gray.h"

void
fv_flow_gray (const FvImage *im, float *dst)
{
  const int ch = fv_image_format_channels (im->format);
  const int ri = im->format == FV_IMAGE_BGRA32 ? 2 : 0, bi = 2 - ri;
  for (int y = 0; y < im->height; y++) {
    const guint8 *s = fv_image_row (im, y);
    float *d = dst + (gsize) y * im->width;
    if (ch == 1) {
      for (int x = 0; x < im->width; x++)
        d[x] = s[x];
      continue;
    }
    for (int x = 0; x < im->width; x++) {
      const guint8 *px = s + (gsize) x * ch;
      d[x] = (float) ((19595u * px[ri] + 38470u * px[1] + 7471u * px[bi] + 32768u) >> 16);
    }
  }
}

void
fv_flow_gray_half (const float *src, int sw, float *dst, int dw, int dh)
{
  for (int y = 0; y < dh; y++) {
    const float *r0 = src + (gsize) (2 * y) * sw, *r1 = r0 + sw;
    float *d = dst + (gsize) y * dw;
    for (int x = 0; x < dw; x++)
      d[x] = 0.25f * (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]);
  }
}
