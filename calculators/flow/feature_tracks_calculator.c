/* fovea — FeatureTracksCalculator: sparse optical flow on video, the points a tracker
 * (or a motion estimate) can follow: Shi-Tomasi corners, tracked from frame to frame by
 * pyramidal Lucas-Kanade with the forward-backward check; lost points are dropped, and
 * when fewer than half of max_points are left new corners are added away from the
 * survivors.
 *
 * Inputs:  IMAGE ("image"): the frames, in timestamp order
 * Outputs: TRACKS ("tracks"): at every frame, the points with their ids, positions now and
 *            one frame before, and ages (a frame of another size starts over)
 * Options (FeatureTracksCalculatorOptions):
 *   max_points (200), min_distance (8 px between points), fb_threshold (1 px: the
 *   forward-backward distance over which a track is lost), window_radius (10),
 *   pyramid_levels (3) */
#include <math.h>
#include <string.h>

#include "calculators/flow/corners.h"
#include "calculators/flow/lk_tracker.h"
#include "graph/calculator.h"
#include "graph/graph_error.h"
#include "graph/image.h"
#include "graph/tracks.h"

typedef struct {
  FvLkTracker *lk;
  FvCornerParams cp;
  FvPacket *prev;
  FvTracks *cur;          /* the last output's tracks (owned copy) */
  gint64 next_id;
  /* scratch of max_points */
  FvPoint2f *from, *to, *fresh;
  gboolean *ok;
  int image, tracks;
} TracksState;

static gboolean
read_params (const FvTpMessage *opts, FvCornerParams *cp, FvLkParams *lp, GError **error)
{
  GError *local = NULL;
  fv_corner_params_default (cp);
  fv_lk_params_default (lp);
  gint64 maxp = fv_tp_get_int (opts, "max_points", 200, &local);
  double mind = local ? 0 : fv_tp_get_double (opts, "min_distance", 8.0, &local);
  double fb = local ? 0 : fv_tp_get_double (opts, "fb_threshold", 1.0, &local);
  gint64 win = local ? 0 : fv_tp_get_int (opts, "window_radius", 10, &local);
  gint64 lev = local ? 0 : fv_tp_get_int (opts, "pyramid_levels", 3, &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  if (maxp < 1 || maxp > 10000) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "max_points %" G_GINT64_FORMAT " is not in 1..10000", maxp);
    return FALSE;
  }
  cp->max_corners = (int) maxp;
  cp->min_distance = (float) mind;
  lp->fb_threshold = (float) fb;
  lp->window_radius = (int) CLAMP (win, -1, 1000);
  lp->levels = (int) CLAMP (lev, -1, 1000);
  FvLkTracker *probe = fv_lk_tracker_new (lp, error);
  fv_lk_tracker_free (probe);
  return probe != NULL && fv_corner_params_check (cp, error);
}

static gboolean
tracks_contract (FvContract *cc, GError **error)
{
  FvCornerParams cp;
  FvLkParams lp;
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE", fv_type_name (fv_type_image ()),
                                 FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "TRACKS",
                                    fv_type_name (fv_type_tracks ()), FALSE, error)
      || !read_params (fv_contract_options (cc), &cp, &lp, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
tracks_open (FvCalculatorContext *ctx, GError **error)
{
  TracksState *st = fv_context_state (ctx);
  FvLkParams lp;
  st->image = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE", 0);
  st->tracks = fv_context_port (ctx, FV_PORT_OUTPUT, "TRACKS", 0);
  if (!read_params (fv_context_options (ctx), &st->cp, &lp, error))
    return FALSE;
  st->lk = fv_lk_tracker_new (&lp, error);
  if (st->lk == NULL)
    return FALSE;
  const int m = st->cp.max_corners;
  st->from = g_new (FvPoint2f, m);
  st->to = g_new (FvPoint2f, m);
  st->fresh = g_new (FvPoint2f, m);
  st->ok = g_new (gboolean, m);
  st->cur = fv_tracks_new (0);
  return TRUE;
}

static FvProcessStatus
tracks_process (FvCalculatorContext *ctx, GError **error)
{
  TracksState *st = fv_context_state (ctx);
  FvPacket *in = fv_context_input (ctx, (guint) st->image);
  const FvImage *frame = fv_packet_get_image (in);
  if (frame == NULL)
    return FV_PROCESS_OK;
  const FvImage *prev = st->prev ? fv_packet_get_image (st->prev) : NULL;
  const int m = st->cp.max_corners;
  FvTracks *out = fv_tracks_new (m);
  int n = 0;
  if (prev != NULL && prev->width == frame->width && prev->height == frame->height
      && st->cur->n > 0) {
    for (int i = 0; i < st->cur->n; i++)
      st->from[i] = (FvPoint2f) { st->cur->items[i].x, st->cur->items[i].y };
    if (!fv_lk_tracker_track (st->lk, prev, frame, st->from, st->cur->n, st->to, st->ok, NULL,
                              error)) {
      fv_tracks_free (out);
      return FV_PROCESS_ERROR;
    }
    for (int i = 0; i < st->cur->n; i++)
      if (st->ok[i]) {
        FvTrack *t = &out->items[n++];
        *t = st->cur->items[i];
        t->prev_x = t->x;
        t->prev_y = t->y;
        t->x = st->to[i].x;
        t->y = st->to[i].y;
        t->age++;
      }
  }
  if (n < m / 2 + (m == 1)) {
    /* new corners, away from the points still tracked */
    int k = fv_corners_detect (frame, 0, 0, G_MAXINT, G_MAXINT, &st->cp, st->fresh, error);
    if (k < 0) {
      fv_tracks_free (out);
      return FV_PROCESS_ERROR;
    }
    const float d2 = st->cp.min_distance * st->cp.min_distance;
    const int survivors = n;
    for (int i = 0; i < k && n < m; i++) {
      gboolean far = TRUE;
      for (int j = 0; j < survivors && far; j++) {
        float dx = out->items[j].x - st->fresh[i].x, dy = out->items[j].y - st->fresh[i].y;
        far = dx * dx + dy * dy >= d2;
      }
      if (far)
        out->items[n++] = (FvTrack) { st->next_id++, st->fresh[i].x, st->fresh[i].y,
                                      st->fresh[i].x, st->fresh[i].y, 0 };
    }
  }
  out->n = n;
  fv_tracks_free (st->cur);
  st->cur = fv_tracks_new (n);
  if (n > 0)
    memcpy (st->cur->items, out->items, sizeof (FvTrack) * (gsize) n);
  fv_context_output (ctx, (guint) st->tracks, fv_packet_new_tracks (out));
  fv_packet_unref (st->prev);
  st->prev = fv_packet_ref (in);
  return FV_PROCESS_OK;
}

static gboolean
tracks_close (FvCalculatorContext *ctx, GError **error)
{
  TracksState *st = fv_context_state (ctx);
  g_clear_pointer (&st->prev, fv_packet_unref);
  g_clear_pointer (&st->lk, fv_lk_tracker_free);
  g_clear_pointer (&st->cur, fv_tracks_free);
  g_clear_pointer (&st->from, g_free);
  g_clear_pointer (&st->to, g_free);
  g_clear_pointer (&st->fresh, g_free);
  g_clear_pointer (&st->ok, g_free);
  return TRUE;
}

static const FvCalculatorClass feature_tracks_calculator = {
  .name = "FeatureTracksCalculator",
  .state_size = sizeof (TracksState),
  .contract = tracks_contract,
  .open = tracks_open,
  .process = tracks_process,
  .close = tracks_close,
};
FV_REGISTER_CALCULATOR (feature_tracks_calculator)
