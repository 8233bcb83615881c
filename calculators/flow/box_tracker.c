/* fovea — boxes carried by sparse flow (see box_tracker.h). */
#include "calculators/flow/box_tracker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph_error.h"

typedef struct {
  FvBox box;
  FvPoint2f *pts;   /* [max_points] */
  int n;
  float scale, dx, dy;
  gboolean reseed;  /* pick corners again on the next frame */
} Track;

struct _FvBoxTracker {
  FvBoxTrackerParams p;
  FvLkTracker *lk;
  GArray *tracks;   /* Track */
  /* scratch of max_points, and pairs for the scale */
  FvPoint2f *to;
  gboolean *ok;
  float *tmp;
};

void
fv_box_tracker_params_default (FvBoxTrackerParams *p)
{
  p->max_points = 80;
  p->min_points = 20;
  fv_lk_params_default (&p->lk);
  fv_corner_params_default (&p->corners);
  p->corners.min_distance = 4.0f;
}

static void
track_clear (gpointer data)
{
  Track *t = data;
  g_free (t->pts);
}

FvBoxTracker *
fv_box_tracker_new (const FvBoxTrackerParams *p, GError **error)
{
  if (p->max_points < 4 || p->max_points > 500 || p->min_points < 3
      || p->min_points > p->max_points) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "box tracker: max_points %d must be 4..500 and min_points %d 3..max_points",
                 p->max_points, p->min_points);
    return NULL;
  }
  FvCornerParams cp = p->corners;
  cp.max_corners = p->max_points;
  if (!fv_corner_params_check (&cp, error))
    return NULL;
  FvLkTracker *lk = fv_lk_tracker_new (&p->lk, error);
  if (lk == NULL)
    return NULL;
  FvBoxTracker *t = g_new0 (FvBoxTracker, 1);
  t->p = *p;
  t->p.corners.max_corners = p->max_points;
  t->lk = lk;
  t->tracks = g_array_new (FALSE, TRUE, sizeof (Track));
  g_array_set_clear_func (t->tracks, track_clear);
  t->to = g_new (FvPoint2f, p->max_points);
  t->ok = g_new (gboolean, p->max_points);
  /* pairwise ratios: each point against a few others */
  t->tmp = g_new (float, (gsize) p->max_points * 8 + p->max_points);
  return t;
}

void
fv_box_tracker_free (FvBoxTracker *t)
{
  if (t == NULL)
    return;
  fv_lk_tracker_free (t->lk);
  g_array_unref (t->tracks);
  g_free (t->to);
  g_free (t->ok);
  g_free (t->tmp);
  g_free (t);
}

static void
seed (FvBoxTracker *t, Track *tr, const FvImage *frame)
{
  const FvBox *b = &tr->box;
  int n = fv_corners_detect (frame, (int) floorf (b->xmin), (int) floorf (b->ymin),
                             (int) ceilf (b->xmin + b->width), (int) ceilf (b->ymin + b->height),
                             &t->p.corners, tr->pts, NULL);
  tr->n = MAX (n, 0);
  tr->reseed = FALSE;
}

gboolean
fv_box_tracker_reset (FvBoxTracker *t, const FvImage *frame, const FvBox *boxes, int n,
                      GError **error)
{
  if (frame == NULL || n < 0 || (n > 0 && boxes == NULL)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "box tracker: no frame");
    return FALSE;
  }
  g_array_set_size (t->tracks, 0);
  for (int i = 0; i < n; i++) {
    if (!(isfinite (boxes[i].xmin) && isfinite (boxes[i].ymin) && boxes[i].width >= 0
          && boxes[i].height >= 0 && boxes[i].width < 1e6f && boxes[i].height < 1e6f)) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "box tracker: box %d is not a box", i);
      g_array_set_size (t->tracks, 0);
      return FALSE;
    }
    Track tr = { .box = boxes[i], .scale = 1 };
    tr.pts = g_new (FvPoint2f, t->p.max_points);
    g_array_append_val (t->tracks, tr);
    seed (t, &g_array_index (t->tracks, Track, i), frame);
  }
  return TRUE;
}

int
fv_box_tracker_n_boxes (const FvBoxTracker *t)
{
  return (int) t->tracks->len;
}

const FvBox *
fv_box_tracker_box (const FvBoxTracker *t, int i)
{
  g_return_val_if_fail (i >= 0 && i < (int) t->tracks->len, NULL);
  return &g_array_index (t->tracks, Track, i).box;
}

void
fv_box_tracker_motion (const FvBoxTracker *t, int i, float *scale, float *dx, float *dy)
{
  g_return_if_fail (i >= 0 && i < (int) t->tracks->len);
  const Track *tr = &g_array_index (t->tracks, Track, i);
  *scale = tr->scale;
  *dx = tr->dx;
  *dy = tr->dy;
}

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return x < y ? -1 : x > y;
}

static float
median (float *v, int n)
{
  qsort (v, (gsize) n, sizeof (float), cmp_float);
  return n % 2 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
}

gboolean
fv_box_tracker_step (FvBoxTracker *t, const FvImage *prev, const FvImage *next, GError **error)
{
  for (guint k = 0; k < t->tracks->len; k++) {
    Track *tr = &g_array_index (t->tracks, Track, k);
    tr->scale = 1;
    tr->dx = tr->dy = 0;
    if (tr->reseed)
      seed (t, tr, prev);
    if (tr->n == 0)
      continue;
    if (!fv_lk_tracker_track (t->lk, prev, next, tr->pts, tr->n, t->to, t->ok, NULL, error))
      return FALSE;
    /* keep the points that came back */
    int m = 0;
    for (int i = 0; i < tr->n; i++)
      if (t->ok[i]) {
        tr->pts[m] = tr->pts[i];
        t->to[m] = t->to[i];
        m++;
      }
    if (m < 3) {
      tr->n = 0;
      tr->reseed = TRUE;
      continue;
    }
    /* scale: the median ratio of distances between points, each against a few others */
    int nr = 0;
    for (int i = 0; i < m; i++)
      for (int s = 1; s <= 8 && s < m; s++) {
        int j = (i + s * 7) % m;
        if (j == i)
          continue;
        float d0 = hypotf (tr->pts[i].x - tr->pts[j].x, tr->pts[i].y - tr->pts[j].y);
        float d1 = hypotf (t->to[i].x - t->to[j].x, t->to[i].y - t->to[j].y);
        if (d0 > 4.0f)
          t->tmp[nr++] = d1 / d0;
      }
    float scale = nr > 0 ? median (t->tmp, nr) : 1.0f;
    scale = CLAMP (scale, 0.5f, 2.0f);
    /* translation of the centre: where each point says it went, after scaling */
    const float cx = tr->box.xmin + tr->box.width / 2, cy = tr->box.ymin + tr->box.height / 2;
    for (int i = 0; i < m; i++)
      t->tmp[i] = t->to[i].x - scale * (tr->pts[i].x - cx) - cx;
    float dx = median (t->tmp, m);
    for (int i = 0; i < m; i++)
      t->tmp[i] = t->to[i].y - scale * (tr->pts[i].y - cy) - cy;
    float dy = median (t->tmp, m);
    tr->scale = scale;
    tr->dx = dx;
    tr->dy = dy;
    tr->box.width *= scale;
    tr->box.height *= scale;
    tr->box.xmin = cx + dx - tr->box.width / 2;
    tr->box.ymin = cy + dy - tr->box.height / 2;
    memcpy (tr->pts, t->to, sizeof (FvPoint2f) * (gsize) m);
    tr->n = m;
    /* too few left: new corners in the box where it is now (on this frame, next step) */
    tr->reseed = m < t->p.min_points;
  }
  return TRUE;
}
