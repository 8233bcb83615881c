/* fovea tests — sparse flow: Shi-Tomasi corners (calculators/flow/corners.c) and pyramidal
 * Lucas-Kanade with the forward-backward check (lk_tracker.c). A photo moved by a known
 * affine motion that grows frame by frame (shift, rotation and zoom) gives the true
 * position of every corner in every frame: tracked from frame to frame for 10 frames,
 * the median error must stay under 0.1 px. An occluder must make its points fail the
 * forward-backward check; corners of a drawn square must be found at its corners. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calculators/flow/corners.h"
#include "calculators/flow/lk_tracker.h"
#include "tests/calculators/flow/flow_test_util.h"

#define W 320
#define H 240
#define N_FRAMES 11

/* Frame k's motion from frame 0: rotation 0.25 deg and zoom 0.3% per frame about the
 * centre, then a shift of (1.3, -0.7) px per frame. */
static FlowTransform
motion_at (int k)
{
  double a = k * 0.25 * G_PI / 180, s = 1 + 0.003 * k, cx = W / 2.0, cy = H / 2.0;
  double c = cos (a) * s, sn = sin (a) * s;
  FlowTransform t = { flow_affine, flow_unaffine,
                      { c, -sn, cx - c * cx + sn * cy + 1.3 * k,
                        sn, c, cy - sn * cx - c * cy - 0.7 * k } };
  return t;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
test_known_motion (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) base = flow_test_photo ("mpl_grace_hopper.jpg", 100, 150, W, H);
  FvImage *frames[N_FRAMES];
  for (int k = 0; k < N_FRAMES; k++) {
    FlowTransform t = motion_at (k);
    frames[k] = flow_test_warp (base, &t);
  }
  FvCornerParams cp;
  fv_corner_params_default (&cp);
  cp.max_corners = 100;
  FvPoint2f start[100], pts[100], next[100];
  gboolean ok[100], alive[100];
  int n = fv_corners_detect (frames[0], 30, 30, W - 30, H - 30, &cp, start, &error);
  g_assert_no_error (error);
  assert_true (n >= 40);
  FvLkParams lp;
  fv_lk_params_default (&lp);
  g_autoptr (FvLkTracker) lk = fv_lk_tracker_new (&lp, &error);
  g_assert_no_error (error);
  memcpy (pts, start, sizeof pts);
  for (int i = 0; i < n; i++)
    alive[i] = TRUE;
  GArray *errors = g_array_new (FALSE, FALSE, sizeof (double));
  for (int k = 1; k < N_FRAMES; k++) {
    assert_true (fv_lk_tracker_track (lk, frames[k - 1], frames[k], pts, n, next, ok, NULL,
                                      &error));
    FlowTransform t = motion_at (k);
    for (int i = 0; i < n; i++) {
      alive[i] = alive[i] && ok[i];
      pts[i] = next[i];
      if (!alive[i])
        continue;
      double tx, ty;
      t.forward (t.params, start[i].x, start[i].y, &tx, &ty);
      double e = hypot (pts[i].x - tx, pts[i].y - ty);
      g_array_append_val (errors, e);
    }
  }
  int survivors = 0;
  for (int i = 0; i < n; i++)
    survivors += alive[i];
  qsort (errors->data, errors->len, sizeof (double), cmp_double);
  double median = g_array_index (errors, double, errors->len / 2);
  printf ("%d corners, %d tracked through %d frames; median error %.4f px, 90th %.4f px\n", n,
          survivors, N_FRAMES - 1, median, g_array_index (errors, double, errors->len * 9 / 10));
  assert_true (survivors >= n * 8 / 10);
  assert_true (median < 0.1);
  g_array_unref (errors);
  for (int k = 0; k < N_FRAMES; k++)
    fv_image_free (frames[k]);
}

/* A flat patch covers part of the second frame: the points under it cannot come back. */
static void
test_forward_backward (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) a = flow_test_photo ("kpa_cold_water.jpg", 200, 100, W, H);
  FlowTransform t = { flow_shift, flow_unshift, { 2.0, 1.0 } };
  g_autoptr (FvImage) b = flow_test_warp (a, &t);
  for (int y = 60; y < 160; y++)
    memset (fv_image_row (b, y) + 40, 128, 100);
  FvCornerParams cp;
  fv_corner_params_default (&cp);
  FvPoint2f from[200], to[200];
  gboolean ok[200];
  float fb[200];
  int n = fv_corners_detect (a, 20, 20, W - 20, H - 20, &cp, from, &error);
  assert_true (n > 30);
  FvLkParams lp;
  fv_lk_params_default (&lp);
  g_autoptr (FvLkTracker) lk = fv_lk_tracker_new (&lp, &error);
  assert_true (fv_lk_tracker_track (lk, a, b, from, n, to, ok, fb, &error));
  int inside = 0, inside_ok = 0, outside = 0, outside_ok = 0;
  for (int i = 0; i < n; i++) {
    /* well inside the occluder, or well away from it */
    gboolean in = from[i].x > 52 && from[i].x < 128 && from[i].y > 72 && from[i].y < 148;
    gboolean away = from[i].x < 20 || from[i].x > 170 || from[i].y < 40 || from[i].y > 185;
    if (in) {
      inside++;
      inside_ok += ok[i];
    } else if (away) {
      outside++;
      outside_ok += ok[i];
      if (ok[i]) {
        assert_true (fb[i] >= 0 && fb[i] <= 1.0f);
        assert_true (fabsf (to[i].x - from[i].x - 2.0f) < 0.2f);
        assert_true (fabsf (to[i].y - from[i].y - 1.0f) < 0.2f);
      }
    }
  }
  printf ("occluded: %d of %d kept; elsewhere: %d of %d kept\n", inside_ok, inside, outside_ok,
          outside);
  assert_true (inside >= 3);
  assert_int_equal (inside_ok, 0);
  assert_true (outside_ok >= outside * 9 / 10);
}

static void
test_corners_of_a_square (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) img = fv_image_new (FV_IMAGE_RGB24, 64, 48, &error);
  for (int y = 12; y < 36; y++)
    memset (fv_image_row (img, y) + 3 * 20, 255, 3 * 30);
  FvCornerParams cp;
  fv_corner_params_default (&cp);
  cp.min_distance = 5;
  FvPoint2f c[200];
  int n = fv_corners_detect (img, 0, 0, G_MAXINT, G_MAXINT, &cp, c, &error);
  assert_int_equal (n, 4);
  const float want[4][2] = { { 19.5f, 11.5f }, { 49.5f, 11.5f }, { 19.5f, 35.5f }, { 49.5f, 35.5f } };
  for (int k = 0; k < 4; k++) {
    gboolean found = FALSE;
    for (int i = 0; i < n; i++)
      found |= fabsf (c[i].x - want[k][0]) <= 1.0f && fabsf (c[i].y - want[k][1]) <= 1.0f;
    assert_true (found);
  }
  /* a region holding one corner; max_corners 1; a flat image; bad parameters */
  assert_int_equal (fv_corners_detect (img, 40, 0, 64, 20, &cp, c, &error), 1);
  cp.max_corners = 1;
  assert_int_equal (fv_corners_detect (img, 0, 0, 64, 48, &cp, c, &error), 1);
  g_autoptr (FvImage) flat = fv_image_new (FV_IMAGE_GRAY8, 16, 16, &error);
  assert_int_equal (fv_corners_detect (flat, 0, 0, 16, 16, &cp, c, &error), 0);
  assert_int_equal (fv_corners_detect (img, 70, 70, 90, 90, &cp, c, &error), 0);
  cp.quality_level = 0;
  assert_int_equal (fv_corners_detect (img, 0, 0, 64, 48, &cp, c, &error), -1);
  assert_non_null (error);
}

static void
test_bad_input (void **state)
{
  g_autoptr (GError) error = NULL;
  FvLkParams lp;
  fv_lk_params_default (&lp);
  g_autoptr (FvLkTracker) lk = fv_lk_tracker_new (&lp, &error);
  g_autoptr (FvImage) a = fv_image_new (FV_IMAGE_GRAY8, 40, 30, &error);
  g_autoptr (FvImage) b = fv_image_new (FV_IMAGE_GRAY8, 41, 30, &error);
  FvPoint2f from[4] = { { -500, 3 }, { NAN, 2 }, { 1e9f, 1e9f }, { 20, 15 } }, to[4];
  gboolean ok[4];
  assert_false (fv_lk_tracker_track (lk, a, b, from, 4, to, ok, NULL, &error));
  g_clear_error (&error);
  /* points outside, not a number, or on a flat image: lost, not a crash */
  assert_true (fv_lk_tracker_track (lk, a, a, from, 4, to, ok, NULL, &error));
  for (int i = 0; i < 4; i++)
    assert_false (ok[i]);
  /* tiny frames: no pyramid level above them */
  g_autoptr (FvImage) tiny = fv_image_new (FV_IMAGE_GRAY8, 3, 2, &error);
  FvPoint2f p = { 1, 1 };
  assert_true (fv_lk_tracker_track (lk, tiny, tiny, &p, 1, to, ok, NULL, &error));
  assert_false (ok[0]);
  lp.window_radius = 1;
  assert_null (fv_lk_tracker_new (&lp, &error));
  g_clear_error (&error);
  fv_lk_params_default (&lp);
  lp.levels = FV_LK_MAX_LEVELS;
  assert_null (fv_lk_tracker_new (&lp, &error));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_known_motion),
    cmocka_unit_test (test_forward_backward),
    cmocka_unit_test (test_corners_of_a_square),
    cmocka_unit_test (test_bad_input),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
