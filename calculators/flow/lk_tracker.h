/* fovea — sparse optical flow: pyramidal Lucas-Kanade (Bouguet's formulation, as OpenCV's
 * calcOpticalFlowPyrLK) with a forward-backward check (Kalal et al. 2010): each point is
 * tracked from the first frame to the second and back, and kept only if it returns to
 * within fb_threshold pixels of where it started, the test MediaPipe's box tracking uses
 * to drop points on occlusions and in flat areas. Pyramids and gradients are planned for
 * one frame size and reused. */
#pragma once

#include <glib.h>

#include "calculators/flow/corners.h"
#include "graph/image.h"

G_BEGIN_DECLS

#define FV_LK_MAX_LEVELS 8

typedef struct {
  int levels;                /* pyramid levels above the frame, 0..FV_LK_MAX_LEVELS - 1 */
  int window_radius;         /* the window is (2r + 1)^2 pixels, 2..32 */
  int max_iterations;        /* per level, 1..100 */
  float epsilon;             /* stop when an update is smaller (pixels) */
  float min_eigen;           /* lose a point whose window's smallest gradient eigenvalue,
                              * per pixel, is below this (flat: nothing to track) */
  float fb_threshold;        /* forward-backward distance over which a track is lost;
                              * <= 0: no backward pass */
} FvLkParams;

/* levels 3, window_radius 10, max_iterations 30, epsilon 0.01, min_eigen 1e-2,
 * fb_threshold 1. */
void fv_lk_params_default (FvLkParams *params);

typedef struct _FvLkTracker FvLkTracker;

/* transfer full; NULL with @error for parameters out of range. */
FvLkTracker *fv_lk_tracker_new (const FvLkParams *params, GError **error);
void fv_lk_tracker_free (FvLkTracker *tracker);

/* Tracks the @n points @from of @prev into @next (same size, any format): @to[i] is where
 * point i is in @next, @ok[i] whether it was found (inside the frame, textured, and, with
 * the check, back within fb_threshold); @fb_error (may be NULL) gets the forward-backward
 * distance (or -1 without the check). A point outside the frame is lost, not an error.
 * @to must not overlap @from. */
gboolean fv_lk_tracker_track (FvLkTracker *tracker, const FvImage *prev, const FvImage *next,
                              const FvPoint2f *from, int n, FvPoint2f *to, gboolean *ok,
                              float *fb_error, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvLkTracker, fv_lk_tracker_free)

G_END_DECLS
