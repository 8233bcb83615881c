/* fovea — drawing primitives (see draw.h).
 *
 * Every shape is convex (or, for a ring, the difference of two convex shapes), so each
 * image row meets it in one interval that is computed analytically; rows and intervals are
 * clamped to the image before any pixel is touched, which is what makes clipping safe for
 * any input coordinates.
 */
#include "calculators/render/draw.h"

#include <math.h>

static void
blend_channel (guint8 *p, guint8 value, guint8 alpha)
{
  *p = (guint8) ((value * alpha + *p * (255 - alpha) + 127) / 255);
}

void
fv_draw_pixel (FvImage *image, int x, int y, FvColor c)
{
  if (image == NULL || x < 0 || y < 0 || x >= image->width || y >= image->height)
    return;
  guint8 *p = fv_image_row (image, y) + (gsize) x * (gsize) fv_image_format_channels (image->format);
  switch (image->format)
    {
    case FV_IMAGE_GRAY8:
      /* ITU-R BT.601 luma, as image_io's RGB to gray conversion */
      blend_channel (p, (guint8) ((19595 * c.r + 38470 * c.g + 7471 * c.b + 32768) >> 16), c.a);
      break;
    case FV_IMAGE_RGB24:
    case FV_IMAGE_RGBA32:
      blend_channel (p + 0, c.r, c.a);
      blend_channel (p + 1, c.g, c.a);
      blend_channel (p + 2, c.b, c.a);
      break;
    case FV_IMAGE_BGRA32:
      blend_channel (p + 0, c.b, c.a);
      blend_channel (p + 1, c.g, c.a);
      blend_channel (p + 2, c.r, c.a);
      break;
    default:
      return;
    }
  if (image->format == FV_IMAGE_RGBA32 || image->format == FV_IMAGE_BGRA32)
    /* "over" compositing of the coverage, so drawing on a transparent pixel shows */
    p[3] = (guint8) (c.a + (p[3] * (255 - c.a) + 127) / 255);
}

/* Index of the first pixel whose centre (i + 0.5) is >= a, clamped to [0, n] (n: none). */
static int
first_index (double a, int n)
{
  if (isnan (a))
    return n;
  double i = ceil (a - 0.5);
  if (i < 0)
    return 0;
  if (i > n)
    return n;
  return (int) i;
}

/* Index of the last pixel whose centre is <= b, clamped to [-1, n - 1] (-1: none). */
static int
last_index (double b, int n)
{
  if (isnan (b))
    return -1;
  double i = floor (b - 0.5);
  if (i < -1)
    return -1;
  if (i > n - 1)
    return n - 1;
  return (int) i;
}

static void
fill_span (FvImage *image, int row, double xa, double xb, FvColor c)
{
  int i0 = first_index (xa, image->width), i1 = last_index (xb, image->width);
  for (int i = i0; i <= i1; i++)
    fv_draw_pixel (image, i, row, c);
}

static gboolean
all_finite (double a, double b, double c, double d)
{
  return isfinite (a) && isfinite (b) && isfinite (c) && isfinite (d);
}

void
fv_draw_fill_rect (FvImage *image, double x0, double y0, double x1, double y1, FvColor c)
{
  if (image == NULL || !all_finite (x0, y0, x1, y1))
    return;
  double xa = fmin (x0, x1), xb = fmax (x0, x1);
  int j0 = first_index (fmin (y0, y1), image->height);
  int j1 = last_index (fmax (y0, y1), image->height);
  for (int j = j0; j <= j1; j++)
    fill_span (image, j, xa, xb, c);
}

void
fv_draw_rect (FvImage *image, double x0, double y0, double x1, double y1, double thickness,
              FvColor c)
{
  if (image == NULL || !all_finite (x0, y0, x1, y1) || !isfinite (thickness))
    return;
  double h = fmax (thickness, 1.0) / 2;
  double xa = fmin (x0, x1), xb = fmax (x0, x1), ya = fmin (y0, y1), yb = fmax (y0, y1);
  if (xb - xa <= 2 * h || yb - ya <= 2 * h)
    {
      /* the bands overlap: the outline is one filled rectangle */
      fv_draw_fill_rect (image, xa - h, ya - h, xb + h, yb + h, c);
      return;
    }
  /* top and bottom bands span the corners; left and right fill in between, so no pixel is
   * painted twice (which would matter with a translucent colour) */
  fv_draw_fill_rect (image, xa - h, ya - h, xb + h, ya + h, c);
  fv_draw_fill_rect (image, xa - h, yb - h, xb + h, yb + h, c);
  int top_last = last_index (ya + h, image->height), bottom_first = first_index (yb - h, image->height);
  for (int j = top_last + 1; j < bottom_first; j++)
    {
      fill_span (image, j, xa - h, xa + h, c);
      fill_span (image, j, xb - h, xb + h, c);
    }
}

/* Narrows [*lo, *hi] (an interval of u) to where lo_c <= k * u + m <= hi_c. */
static void
restrict_linear (double k, double m, double lo_c, double hi_c, double *lo, double *hi)
{
  if (k == 0)
    {
      if (m < lo_c || m > hi_c)
        {
          *lo = INFINITY;
          *hi = -INFINITY;
        }
      return;
    }
  double a = (lo_c - m) / k, b = (hi_c - m) / k;
  *lo = fmax (*lo, fmin (a, b));
  *hi = fmin (*hi, fmax (a, b));
}

/* Widens the hull [*lo, *hi] with the chord of the disc (cx, cy, r) at height y. */
static void
hull_disc_chord (double cx, double cy, double r, double y, double *lo, double *hi)
{
  double dy = y - cy;
  if (fabs (dy) > r)
    return;
  double w = sqrt (r * r - dy * dy);
  *lo = fmin (*lo, cx - w);
  *hi = fmax (*hi, cx + w);
}

void
fv_draw_line (FvImage *image, double x0, double y0, double x1, double y1, double thickness,
              FvColor c)
{
  if (image == NULL || !all_finite (x0, y0, x1, y1) || !isfinite (thickness))
    return;
  double r = fmax (thickness, 1.0) / 2;
  double dx = x1 - x0, dy = y1 - y0;
  double len = hypot (dx, dy);
  if (len == 0 || !isfinite (len))
    {
      if (len == 0)
        fv_draw_disc (image, x0, y0, r, c);
      return;
    }
  int j0 = first_index (fmin (y0, y1) - r, image->height);
  int j1 = last_index (fmax (y0, y1) + r, image->height);
  for (int j = j0; j <= j1; j++)
    {
      double y = j + 0.5, v = y - y0;
      /* the capsule's row chord is the hull of the two end-cap chords and of the chord of
       * the band {0 <= t <= 1, |s| <= r}, t along the segment and s across it */
      double lo = INFINITY, hi = -INFINITY;
      hull_disc_chord (x0, y0, r, y, &lo, &hi);
      hull_disc_chord (x1, y1, r, y, &lo, &hi);
      double ulo = -INFINITY, uhi = INFINITY;
      restrict_linear (dx, v * dy, 0, len * len, &ulo, &uhi);     /* t * len^2 */
      restrict_linear (-dy, v * dx, -r * len, r * len, &ulo, &uhi); /* s * len */
      if (ulo <= uhi)
        {
          lo = fmin (lo, x0 + ulo);
          hi = fmax (hi, x0 + uhi);
        }
      if (lo <= hi)
        fill_span (image, j, lo, hi, c);
    }
}

void
fv_draw_disc (FvImage *image, double cx, double cy, double radius, FvColor c)
{
  if (image == NULL || !all_finite (cx, cy, radius, 0))
    return;
  double r = fmax (radius, 0);
  if (r < 0.5 && cx >= 0 && cy >= 0 && cx < image->width && cy < image->height)
    {
      /* too small to reach any pixel centre for sure: paint the pixel holding the centre,
       * and nothing else, so a translucent point is not painted twice */
      fv_draw_pixel (image, (int) cx, (int) cy, c);
      return;
    }
  int j0 = first_index (cy - r, image->height), j1 = last_index (cy + r, image->height);
  for (int j = j0; j <= j1; j++)
    {
      double lo = INFINITY, hi = -INFINITY;
      hull_disc_chord (cx, cy, r, j + 0.5, &lo, &hi);
      if (lo <= hi)
        fill_span (image, j, lo, hi, c);
    }
}

void
fv_draw_circle (FvImage *image, double cx, double cy, double radius, double thickness,
                FvColor c)
{
  if (image == NULL || !all_finite (cx, cy, radius, thickness))
    return;
  double h = fmax (thickness, 1.0) / 2;
  double outer = radius + h, inner = radius - h;
  if (inner <= 0)
    {
      fv_draw_disc (image, cx, cy, outer, c);
      return;
    }
  int j0 = first_index (cy - outer, image->height), j1 = last_index (cy + outer, image->height);
  for (int j = j0; j <= j1; j++)
    {
      double y = j + 0.5, dy = y - cy;
      double lo = INFINITY, hi = -INFINITY;
      hull_disc_chord (cx, cy, outer, y, &lo, &hi);
      if (lo > hi)
        continue;
      if (fabs (dy) >= inner)
        {
          fill_span (image, j, lo, hi, c);
          continue;
        }
      /* the row crosses the hole: two spans, the hole's boundary included in both */
      double w = sqrt (inner * inner - dy * dy);
      fill_span (image, j, lo, cx - w, c);
      int left_last = last_index (cx - w, image->width);
      double right_start = cx + w;
      if (first_index (right_start, image->width) <= left_last)
        right_start = left_last + 1.5;   /* a one-pixel hole: never paint a pixel twice */
      fill_span (image, j, right_start, hi, c);
    }
}

void
fv_draw_rotated_rect (FvImage *image, double cx, double cy, double width, double height,
                      double rotation, double thickness, FvColor c)
{
  if (image == NULL || !all_finite (cx, cy, width, height) || !isfinite (rotation))
    return;
  double cs = cos (rotation), sn = sin (rotation);
  double hx[4] = { -width / 2, width / 2, width / 2, -width / 2 };
  double hy[4] = { -height / 2, -height / 2, height / 2, height / 2 };
  double px[4], py[4];
  for (int k = 0; k < 4; k++)
    {
      px[k] = cx + cs * hx[k] - sn * hy[k];
      py[k] = cy + sn * hx[k] + cs * hy[k];
    }
  for (int k = 0; k < 4; k++)
    fv_draw_line (image, px[k], py[k], px[(k + 1) % 4], py[(k + 1) % 4], thickness, c);
}
