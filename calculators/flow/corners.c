/* fovea — Shi-Tomasi corners (see corners.h). Works on the region of interest plus a
 * margin only, so a small box in a large frame costs little. */
#include "calculators/flow/corners.h"

#include <math.h>
#include <stdlib.h>

#include "calculators/flow/gray.h"
#include "graph/graph_error.h"

void
fv_corner_params_default (FvCornerParams *p)
{
  *p = (FvCornerParams) { .max_corners = 200, .quality_level = 0.01f, .min_distance = 8.0f,
                          .block_radius = 1 };
}

typedef struct {
  float score;
  int x, y;
} Candidate;

static int
by_score (const void *a, const void *b)
{
  const Candidate *p = a, *q = b;
  if (p->score != q->score)
    return p->score < q->score ? 1 : -1;
  /* ties in raster order, so the result does not depend on qsort */
  return p->y != q->y ? p->y - q->y : p->x - q->x;
}

int
fv_corners_detect (const FvImage *image, int x0, int y0, int x1, int y1,
                   const FvCornerParams *p, FvPoint2f *out, GError **error)
{
  if (p->max_corners < 1 || !(p->quality_level > 0 && p->quality_level < 1)
      || !(p->min_distance >= 0 && p->min_distance < 1e4f) || p->block_radius < 1
      || p->block_radius > 8) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "corners: bad parameters (max_corners %d, quality_level %g, min_distance %g, "
                 "block_radius %d)", p->max_corners, p->quality_level, p->min_distance,
                 p->block_radius);
    return -1;
  }
  const int W = image->width, H = image->height, r = p->block_radius;
  x0 = MAX (x0, 0);
  y0 = MAX (y0, 0);
  x1 = MIN (x1, W);
  y1 = MIN (y1, H);
  if (x1 - x0 < 3 || y1 - y0 < 3)
    return 0;
  /* the region with a margin for the gradient and the block sums */
  const int m = r + 1;
  const int gx0 = MAX (x0 - m, 0), gy0 = MAX (y0 - m, 0);
  const int gx1 = MIN (x1 + m, W), gy1 = MIN (y1 + m, H);
  const int w = gx1 - gx0, h = gy1 - gy0;
  const gsize n = (gsize) w * h;
  g_autofree float *full = g_new (float, (gsize) W * H);
  fv_flow_gray (image, full);
  g_autofree float *xx = g_new0 (float, n), *yy = g_new0 (float, n), *xy = g_new0 (float, n);
  g_autofree float *score = g_new0 (float, n);
  /* products of central-difference gradients (replicated border) */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int X = gx0 + x, Y = gy0 + y;
      const float *row = full + (gsize) Y * W;
      float dx = 0.5f * (row[MIN (X + 1, W - 1)] - row[MAX (X - 1, 0)]);
      float dy = 0.5f * (full[(gsize) MIN (Y + 1, H - 1) * W + X]
                         - full[(gsize) MAX (Y - 1, 0) * W + X]);
      gsize k = (gsize) y * w + x;
      xx[k] = dx * dx;
      yy[k] = dy * dy;
      xy[k] = dx * dy;
    }
  float best = 0;
  for (int y = MAX (y0 - gy0, r); y < MIN (y1 - gy0, h - r); y++)
    for (int x = MAX (x0 - gx0, r); x < MIN (x1 - gx0, w - r); x++) {
      float a = 0, b = 0, c = 0;
      for (int dy = -r; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++) {
          gsize k = (gsize) (y + dy) * w + x + dx;
          a += xx[k];
          b += xy[k];
          c += yy[k];
        }
      float s = 0.5f * (a + c) - sqrtf (0.25f * (a - c) * (a - c) + b * b);
      score[(gsize) y * w + x] = s;
      best = MAX (best, s);
    }
  if (!(best > 0))
    return 0;
  const float thr = best * p->quality_level;
  GArray *cand = g_array_new (FALSE, FALSE, sizeof (Candidate));
  for (int y = MAX (y0 - gy0, 1); y < MIN (y1 - gy0, h - 1); y++)
    for (int x = MAX (x0 - gx0, 1); x < MIN (x1 - gx0, w - 1); x++) {
      float s = score[(gsize) y * w + x];
      if (s < thr)
        continue;
      gboolean peak = TRUE;
      for (int dy = -1; dy <= 1 && peak; dy++)
        for (int dx = -1; dx <= 1; dx++)
          if ((dx || dy) && score[(gsize) (y + dy) * w + x + dx] > s) {
            peak = FALSE;
            break;
          }
      if (peak) {
        Candidate c = { s, gx0 + x, gy0 + y };
        g_array_append_val (cand, c);
      }
    }
  qsort (cand->data, cand->len, sizeof (Candidate), by_score);
  int count = 0;
  const float d2 = p->min_distance * p->min_distance;
  for (guint i = 0; i < cand->len && count < p->max_corners; i++) {
    const Candidate *c = &g_array_index (cand, Candidate, i);
    gboolean far = TRUE;
    for (int k = 0; k < count && far; k++) {
      float dx = out[k].x - c->x, dy = out[k].y - c->y;
      far = dx * dx + dy * dy >= d2;
    }
    if (far)
      out[count++] = (FvPoint2f) { (float) c->x, (float) c->y };
  }
  g_array_unref (cand);
  return count;
}
