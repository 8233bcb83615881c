/* fovea — pyramidal Lucas-Kanade with a forward-backward check (see lk_tracker.h).
 *
 * Per point and level (coarse to fine): the window of the first frame around the point
 * and its gradients are sampled once (bilinear); then Gauss-Newton steps move the second
 * frame's window until the step is below epsilon. The displacement found at one level,
 * doubled, starts the next. Level l's pixel x covers level 0's 2^l x + (2^l - 1) / 2
 * (2x2 means), which the coordinate maps below follow. */
#include "calculators/flow/lk_tracker.h"

#include <math.h>
#include <string.h>

#include "calculators/flow/gray.h"
#include "graph/graph_error.h"

typedef struct {
  int w, h;
  float *img[2];        /* frame 0 and 1 at this level */
  float *gx[2], *gy[2]; /* their central-difference gradients */
} LkLevel;

struct _FvLkTracker {
  FvLkParams p;
  int width, height, n_levels;
  LkLevel lv[FV_LK_MAX_LEVELS];
  float *win, *wgx, *wgy;   /* one window and its gradients */
};

void
fv_lk_params_default (FvLkParams *p)
{
  *p = (FvLkParams) { .levels = 3, .window_radius = 10, .max_iterations = 30,
                      .epsilon = 0.01f, .min_eigen = 1e-2f, .fb_threshold = 1.0f };
}

FvLkTracker *
fv_lk_tracker_new (const FvLkParams *p, GError **error)
{
  if (p->levels < 0 || p->levels >= FV_LK_MAX_LEVELS || p->window_radius < 2
      || p->window_radius > 32 || p->max_iterations < 1 || p->max_iterations > 100
      || !(p->epsilon > 0) || !(p->min_eigen >= 0) || isnan (p->fb_threshold)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "Lucas-Kanade: bad parameters (levels %d, window_radius %d, "
                 "max_iterations %d, epsilon %g, min_eigen %g)", p->levels, p->window_radius,
                 p->max_iterations, p->epsilon, p->min_eigen);
    return NULL;
  }
  FvLkTracker *t = g_new0 (FvLkTracker, 1);
  t->p = *p;
  const int side = 2 * p->window_radius + 1;
  t->win = g_new (float, side * side);
  t->wgx = g_new (float, side * side);
  t->wgy = g_new (float, side * side);
  return t;
}

static void
unplan (FvLkTracker *t)
{
  for (int l = 0; l < FV_LK_MAX_LEVELS; l++)
    for (int f = 0; f < 2; f++) {
      g_clear_pointer (&t->lv[l].img[f], g_free);
      g_clear_pointer (&t->lv[l].gx[f], g_free);
      g_clear_pointer (&t->lv[l].gy[f], g_free);
    }
  t->width = t->height = 0;
}

void
fv_lk_tracker_free (FvLkTracker *t)
{
  if (t == NULL)
    return;
  unplan (t);
  g_free (t->win);
  g_free (t->wgx);
  g_free (t->wgy);
  g_free (t);
}

static void
plan (FvLkTracker *t, int w, int h)
{
  unplan (t);
  t->width = w;
  t->height = h;
  t->n_levels = 1;
  for (int l = 0; l <= t->p.levels; l++) {
    LkLevel *lv = &t->lv[l];
    lv->w = l == 0 ? w : t->lv[l - 1].w / 2;
    lv->h = l == 0 ? h : t->lv[l - 1].h / 2;
    if (l > 0 && (lv->w < 2 * t->p.window_radius || lv->h < 2 * t->p.window_radius))
      break;   /* a window larger than the level tracks nothing there */
    t->n_levels = l + 1;
    gsize n = (gsize) lv->w * lv->h;
    for (int f = 0; f < 2; f++) {
      lv->img[f] = g_new (float, n);
      lv->gx[f] = g_new (float, n);
      lv->gy[f] = g_new (float, n);
    }
  }
}

static void
gradients (const float *img, int w, int h, float *gx, float *gy)
{
  for (int y = 0; y < h; y++) {
    const float *r = img + (gsize) y * w;
    const float *up = img + (gsize) MAX (y - 1, 0) * w, *dn = img + (gsize) MIN (y + 1, h - 1) * w;
    float *ox = gx + (gsize) y * w, *oy = gy + (gsize) y * w;
    for (int x = 0; x < w; x++) {
      ox[x] = 0.5f * (r[MIN (x + 1, w - 1)] - r[MAX (x - 1, 0)]);
      oy[x] = 0.5f * (dn[x] - up[x]);
    }
  }
}

/* Tracks one point from frame @a to frame @b (0 or 1). FALSE when lost. */
static gboolean
track_point (FvLkTracker *t, int a, int b, FvPoint2f from, FvPoint2f *to)
{
  const int r = t->p.window_radius, side = 2 * r + 1;
  const float area = (float) (side * side);
  float gx = 0, gy = 0;   /* the displacement, at the current level's scale */
  for (int l = t->n_levels - 1; l >= 0; l--) {
    const LkLevel *lv = &t->lv[l];
    const float s = 1.0f / (float) (1 << l);
    const float px = (from.x + 0.5f) * s - 0.5f, py = (from.y + 0.5f) * s - 0.5f;
    if (px < -r || py < -r || px > lv->w - 1 + r || py > lv->h - 1 + r)
      return FALSE;
    float sxx = 0, sxy = 0, syy = 0;
    for (int dy = -r, k = 0; dy <= r; dy++)
      for (int dx = -r; dx <= r; dx++, k++) {
        float x = px + dx, y = py + dy;
        t->win[k] = fv_flow_gray_sample (lv->img[a], lv->w, lv->h, x, y);
        float ix = fv_flow_gray_sample (lv->gx[a], lv->w, lv->h, x, y);
        float iy = fv_flow_gray_sample (lv->gy[a], lv->w, lv->h, x, y);
        t->wgx[k] = ix;
        t->wgy[k] = iy;
        sxx += ix * ix;
        sxy += ix * iy;
        syy += iy * iy;
      }
    float det = sxx * syy - sxy * sxy;
    float lmin = 0.5f * (sxx + syy - sqrtf ((sxx - syy) * (sxx - syy) + 4 * sxy * sxy));
    if (lmin / area < t->p.min_eigen || det < 1e-9f)
      return FALSE;
    const float i11 = syy / det, i12 = -sxy / det, i22 = sxx / det;
    for (int it = 0; it < t->p.max_iterations; it++) {
      float bx = 0, by = 0;
      const float qx = px + gx, qy = py + gy;
      for (int dy = -r, k = 0; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++, k++) {
          float e = t->win[k]
                    - fv_flow_gray_sample (lv->img[b], lv->w, lv->h, qx + dx, qy + dy);
          bx += e * t->wgx[k];
          by += e * t->wgy[k];
        }
      float ex = i11 * bx + i12 * by, ey = i12 * bx + i22 * by;
      gx += ex;
      gy += ey;
      if (ex * ex + ey * ey < t->p.epsilon * t->p.epsilon)
        break;
    }
    if (!isfinite (gx) || !isfinite (gy))
      return FALSE;
    if (l > 0) {
      gx *= 2;
      gy *= 2;
    }
  }
  to->x = from.x + gx;
  to->y = from.y + gy;
  return to->x >= 0 && to->y >= 0 && to->x <= t->width - 1 && to->y <= t->height - 1;
}

gboolean
fv_lk_tracker_track (FvLkTracker *t, const FvImage *prev, const FvImage *next,
                     const FvPoint2f *from, int n, FvPoint2f *to, gboolean *ok,
                     float *fb_error, GError **error)
{
  if (prev == NULL || next == NULL || prev->width != next->width
      || prev->height != next->height || n < 0) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "Lucas-Kanade: the two frames must be images of one size");
    return FALSE;
  }
  if (n == 0)
    return TRUE;
  if (prev->width != t->width || prev->height != t->height)
    plan (t, prev->width, prev->height);
  const FvImage *frames[2] = { prev, next };
  for (int f = 0; f < 2; f++) {
    fv_flow_gray (frames[f], t->lv[0].img[f]);
    for (int l = 0; l < t->n_levels; l++) {
      LkLevel *lv = &t->lv[l];
      if (l > 0)
        fv_flow_gray_half (t->lv[l - 1].img[f], t->lv[l - 1].w, lv->img[f], lv->w, lv->h);
      gradients (lv->img[f], lv->w, lv->h, lv->gx[f], lv->gy[f]);
    }
  }
  const gboolean fb = t->p.fb_threshold > 0;
  for (int i = 0; i < n; i++) {
    ok[i] = isfinite (from[i].x) && isfinite (from[i].y)
            && track_point (t, 0, 1, from[i], &to[i]);
    if (!ok[i])
      to[i] = from[i];
    float err = -1;
    if (ok[i] && fb) {
      FvPoint2f back;
      ok[i] = track_point (t, 1, 0, to[i], &back);
      err = ok[i] ? hypotf (back.x - from[i].x, back.y - from[i].y) : INFINITY;
      ok[i] = ok[i] && err <= t->p.fb_threshold;
    }
    if (fb_error != NULL)
      fb_error[i] = err;
  }
  return TRUE;
}
