/* fovea — carries boxes (detections) from frame to frame with sparse flow, so a detector
 * can run every N frames without boxes jumping or vanishing in between (the idea of
 * MediaPipe's box tracking, simplified): at a keyframe each box gets Shi-Tomasi corners
 * inside it; on each later frame they are tracked by pyramidal Lucas-Kanade with the
 * forward-backward check, and the box follows the median of its points' motion: the
 * median ratio of their pairwise distances scales it, the median of their positions
 * relative to the scaled box moves it. Points that fail the check are dropped; when too
 * few are left, the box picks new corners in its current place. */
#pragma once

#include <glib.h>

#include "calculators/flow/corners.h"
#include "calculators/flow/lk_tracker.h"
#include "graph/image.h"

G_BEGIN_DECLS

typedef struct {
  float xmin, ymin, width, height;   /* pixels */
} FvBox;

typedef struct {
  int max_points;          /* corners per box, 4..500 */
  int min_points;          /* fewer left: pick new corners (>= 3) */
  FvLkParams lk;
  FvCornerParams corners;  /* max_corners is max_points */
} FvBoxTrackerParams;

/* 80 points per box, re-seeded under 20; the default LK and corner parameters with a
 * corner distance of 4 px. */
void fv_box_tracker_params_default (FvBoxTrackerParams *params);

typedef struct _FvBoxTracker FvBoxTracker;

/* transfer full; NULL with @error for parameters out of range. */
FvBoxTracker *fv_box_tracker_new (const FvBoxTrackerParams *params, GError **error);
void fv_box_tracker_free (FvBoxTracker *tracker);

/* Starts over from @n boxes found on @frame (a keyframe). */
gboolean fv_box_tracker_reset (FvBoxTracker *tracker, const FvImage *frame, const FvBox *boxes,
                               int n, GError **error);
int fv_box_tracker_n_boxes (const FvBoxTracker *tracker);
/* Box @i now (transfer none). */
const FvBox *fv_box_tracker_box (const FvBoxTracker *tracker, int i);
/* How box @i moved in the last step: x' = scale * (x - cx) + cx + dx about its old centre
 * (cx, cy), for carrying keypoints along. */
void fv_box_tracker_motion (const FvBoxTracker *tracker, int i, float *scale, float *dx,
                            float *dy);

/* Moves every box from @prev (the frame of the last reset or step) to @next. A box whose
 * points are all lost stays where it was. */
gboolean fv_box_tracker_step (FvBoxTracker *tracker, const FvImage *prev, const FvImage *next,
                              GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvBoxTracker, fv_box_tracker_free)

G_END_DECLS
