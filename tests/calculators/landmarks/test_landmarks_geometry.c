/* fovea tests — landmark geometry calculators in small graphs: LandmarkProjectionCalculator
 * (rotated ROI, pixel-exact ROI with IMAGE_DIMENSIONS, matrix), LandmarkLetterboxRemoval
 * and LandmarksToDetection. Expected values are worked out by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "calculators/detection/image_size.h"
#include "graph/detection.h"
#include "graph/packet_vector.h"
#include "lmk_test_util.h"

#define EPS 1e-5f

static void
check_xyz (const FvLandmark *l, float x, float y, float z)
{
  assert_float_equal (l->x, x, EPS);
  assert_float_equal (l->y, y, EPS);
  assert_float_equal (l->z, z, EPS);
}

static FvPacket *
rect_packet (float cx, float cy, float w, float h, float rotation)
{
  FvNormRect r = { cx, cy, w, h, rotation, 0 };
  return fv_packet_new_norm_rect (&r);
}

static void
test_projection_rotated_rect (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm' input_stream: 'roi'\n"
    "node { calculator: 'LandmarkProjectionCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  input_stream: 'NORM_RECT:roi' output_stream: 'NORM_LANDMARKS:out' }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  /* ROI centred at (0.5, 0.4), 0.2 x 0.2, turned a quarter clockwise (pi/2). In the ROI:
   * the centre, the middle of the right edge and the middle of the top edge. */
  const float xy[6] = { 0.5f, 0.5f, 1.0f, 0.5f, 0.5f, 0.0f };
  FvPacket *lm = lmk_landmarks_packet (xy, 3, 0.1f);   /* z 0.1, 1.1, 2.1 */
  lmk_add (g, "lm", fv_packet_ref (lm), 0);
  lmk_add (g, "roi", rect_packet (0.5f, 0.4f, 0.2f, 0.2f, (float) G_PI_2), 0);
  /* timestamp 1: landmarks but no ROI: nothing */
  lmk_add (g, "lm", fv_packet_ref (lm), 1);
  lmk_add (g, "lm", lm, 2);
  lmk_add (g, "roi", rect_packet (0.5f, 0.4f, 0.2f, 0.2f, 0), 2);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  assert_int_equal (res->len, 2);
  const FvLandmarks *l = fv_packet_get_landmarks (res->pdata[0]);
  /* centre -> ROI centre; right-edge middle (+0.5, 0) turns to (0, +0.5) -> y + 0.1;
   * top-edge middle (0, -0.5) turns to (+0.5, 0) -> x + 0.1; z scales by the width 0.2 */
  check_xyz (&l->items[0], 0.5f, 0.4f, 0.02f);
  check_xyz (&l->items[1], 0.5f, 0.5f, 0.22f);
  check_xyz (&l->items[2], 0.6f, 0.4f, 0.42f);
  assert_int_equal (fv_packet_timestamp (res->pdata[1]), 2);
  l = fv_packet_get_landmarks (res->pdata[1]);   /* no rotation: (x - .5) * .2 + centre */
  check_xyz (&l->items[1], 0.6f, 0.4f, 0.22f);
  check_xyz (&l->items[2], 0.5f, 0.3f, 0.42f);
  fv_graph_free (g);
}

static void
test_projection_image_dimensions_and_ignore_rotation (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm' input_stream: 'roi' input_stream: 'size'\n"
    "node { calculator: 'LandmarkProjectionCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  input_stream: 'NORM_RECT:roi' input_stream: 'IMAGE_DIMENSIONS:size'\n"
    "  output_stream: 'NORM_LANDMARKS:out' }\n"
    "node { calculator: 'LandmarkProjectionCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  input_stream: 'NORM_RECT:roi' output_stream: 'NORM_LANDMARKS:flat'\n"
    "  options { [mediapipe.LandmarkProjectionCalculatorOptions.ext] { ignore_rotation: true } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  FvPoller *flat = fv_graph_add_poller (g, "flat", NULL);
  assert_true (fv_graph_start (g, NULL));
  /* a 200 x 100 image; the ROI is 50 x 50 pixels centred at (100, 50), turned by pi/2 */
  const float xy[4] = { 1.0f, 0.5f, 0.5f, 0.0f };
  lmk_add (g, "lm", lmk_landmarks_packet (xy, 2, 1.0f), 0);
  lmk_add (g, "roi", rect_packet (0.5f, 0.5f, 0.25f, 0.5f, (float) G_PI_2), 0);
  lmk_add (g, "size", fv_packet_new_image_size (200, 100), 0);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  g_autoptr (GPtrArray) res_flat = lmk_finish (g, flat, TRUE, NULL);
  const FvLandmarks *l = fv_packet_get_landmarks (res->pdata[0]);
  /* (+25, 0) px turns to (0, +25) -> (100, 75) px = (0.5, 0.75); (0, -25) turns to (+25, 0)
   * -> (125, 50) = (0.625, 0.5). z scale: the unit x vector becomes (0, 50 px) = 0.5 of the
   * image height... measured in relative units: hypot(0 / 200, 50 / 100) = 0.5 */
  check_xyz (&l->items[0], 0.5f, 0.75f, 0.5f);
  check_xyz (&l->items[1], 0.625f, 0.5f, 1.0f);
  /* ignore_rotation, relative units: (0.5 * 0.25 + 0.5, 0.5) and (0.5, -0.5 * 0.5 + 0.5) */
  l = fv_packet_get_landmarks (res_flat->pdata[0]);
  check_xyz (&l->items[0], 0.625f, 0.5f, 0.25f);
  check_xyz (&l->items[1], 0.5f, 0.25f, 0.5f);
  fv_graph_free (g);
}

static void
test_projection_matrix (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm' input_stream: 'm'\n"
    "node { calculator: 'LandmarkProjectionCalculator' input_stream: 'NORM_LANDMARKS:0:lm'\n"
    "  input_stream: 'NORM_LANDMARKS:1:lm' input_stream: 'PROJECTION_MATRIX:m'\n"
    "  output_stream: 'NORM_LANDMARKS:0:out0' output_stream: 'NORM_LANDMARKS:1:out1' }\n");
  FvPoller *out = fv_graph_add_poller (g, "out1", NULL);
  assert_true (fv_graph_start (g, NULL));
  /* x' = 2x + 0.1, y' = 3y - 0.2; z' = z * |(2, 0)| */
  const float m[16] = { 2, 0, 0, 0.1f, 0, 3, 0, -0.2f, 0, 0, 2, 0, 0, 0, 0, 1 };
  const float xy[2] = { 0.25f, 0.5f };
  lmk_add (g, "lm", lmk_landmarks_packet (xy, 1, 0.5f), 0);
  lmk_add (g, "m", lmk_tensor_packet (m, 16), 0);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  check_xyz (&fv_packet_get_landmarks (res->pdata[0])->items[0], 0.6f, 1.3f, 1.0f);
  fv_graph_free (g);

  g_autofree char *msg = lmk_graph_error (
    "input_stream: 'lm' node { calculator: 'LandmarkProjectionCalculator'\n"
    " input_stream: 'NORM_LANDMARKS:lm' output_stream: 'NORM_LANDMARKS:out' }");
  assert_non_null (strstr (msg, "NORM_RECT or PROJECTION_MATRIX"));
}

static FvPacket *
float_vector (const float *v, int n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  for (int i = 0; i < n; i++)
    g_ptr_array_add (items, fv_packet_new_float (v[i]));
  return fv_packet_new_vector (items);
}

static void
test_letterbox_removal (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'a' input_stream: 'b' input_stream: 'pad'\n"
    "node { calculator: 'LandmarkLetterboxRemovalCalculator' input_stream: 'LANDMARKS:0:a'\n"
    "  input_stream: 'LANDMARKS:1:b' input_stream: 'LETTERBOX_PADDING:pad'\n"
    "  output_stream: 'LANDMARKS:0:oa' output_stream: 'LANDMARKS:1:ob' }\n");
  FvPoller *oa = fv_graph_add_poller (g, "oa", NULL);
  FvPoller *ob = fv_graph_add_poller (g, "ob", NULL);
  assert_true (fv_graph_start (g, NULL));
  /* padding left .1, top .2, right .3, bottom 0: x' = (x - .1) / .6, y' = (y - .2) / .8 */
  const float pad[4] = { 0.1f, 0.2f, 0.3f, 0.0f };
  const float xy_a[4] = { 0.4f, 0.6f, 0.1f, 1.0f };
  const float xy_b[2] = { 0.7f, 0.2f };
  lmk_add (g, "a", lmk_landmarks_packet (xy_a, 2, 5), 0);
  lmk_add (g, "b", lmk_landmarks_packet (xy_b, 1, 7), 0);
  lmk_add (g, "pad", lmk_tensor_packet (pad, 4), 0);
  /* the same padding as a vector of floats; only input a at 1 */
  lmk_add (g, "a", lmk_landmarks_packet (xy_b, 1, 7), 1);
  lmk_add (g, "pad", float_vector (pad, 4), 1);
  g_autoptr (GPtrArray) ra = lmk_finish (g, oa, TRUE, NULL);
  g_autoptr (GPtrArray) rb = lmk_finish (g, ob, TRUE, NULL);
  assert_int_equal (ra->len, 2);
  assert_int_equal (rb->len, 1);
  const FvLandmarks *l = fv_packet_get_landmarks (ra->pdata[0]);
  check_xyz (&l->items[0], 0.5f, 0.5f, 5);   /* z kept */
  check_xyz (&l->items[1], 0, 1, 6);
  check_xyz (&fv_packet_get_landmarks (rb->pdata[0])->items[0], 1, 0, 7);
  check_xyz (&fv_packet_get_landmarks (ra->pdata[1])->items[0], 1, 0, 7);
  fv_graph_free (g);

  /* a padding of 3 values is an error */
  g = lmk_graph (
    "input_stream: 'a' input_stream: 'pad'\n"
    "node { calculator: 'LandmarkLetterboxRemovalCalculator' input_stream: 'LANDMARKS:a'\n"
    "  input_stream: 'LETTERBOX_PADDING:pad' output_stream: 'LANDMARKS:oa' }\n");
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "a", lmk_landmarks_packet (xy_a, 2, 0), 0);
  lmk_add (g, "pad", lmk_tensor_packet (pad, 3), 0);
  g_autofree char *msg = NULL;
  g_autoptr (GPtrArray) none = lmk_finish (g, NULL, FALSE, &msg);
  assert_non_null (strstr (msg, "LETTERBOX_PADDING"));
  fv_graph_free (g);
}

static void
test_landmarks_to_detection (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm'\n"
    "node { calculator: 'LandmarksToDetectionCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  output_stream: 'DETECTION:all' }\n"
    "node { calculator: 'LandmarksToDetectionCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  output_stream: 'DETECTION:sel'\n"
    "  options { [mediapipe.LandmarksToDetectionCalculatorOptions.ext] {\n"
    "    selected_landmark_indices: [3, 1] } } }\n"
    "node { calculator: 'LandmarksToDetectionCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  output_stream: 'DETECTION:kp'\n"
    "  options { [mediapipe.LandmarksToDetectionCalculatorOptions.ext] {\n"
    "    keypoint_indices: [2, 0] } } }\n");
  FvPoller *all = fv_graph_add_poller (g, "all", NULL);
  FvPoller *sel = fv_graph_add_poller (g, "sel", NULL);
  FvPoller *kp = fv_graph_add_poller (g, "kp", NULL);
  assert_true (fv_graph_start (g, NULL));
  const float xy[8] = { 0.2f, 0.5f, 0.4f, 0.1f, 0.9f, 0.3f, 0.3f, 0.7f };
  lmk_add (g, "lm", lmk_landmarks_packet (xy, 4, 0), 0);
  lmk_add (g, "lm", fv_packet_new_landmarks (fv_landmarks_new (0)), 1);   /* empty: nothing */
  g_autoptr (GPtrArray) ra = lmk_finish (g, all, TRUE, NULL);
  g_autoptr (GPtrArray) rs = lmk_finish (g, sel, TRUE, NULL);
  g_autoptr (GPtrArray) rk = lmk_finish (g, kp, TRUE, NULL);
  assert_int_equal (ra->len, 1);
  const FvDetections *d = fv_packet_get_detections (ra->pdata[0]);
  assert_int_equal (d->n, 1);
  /* x in [0.2, 0.9], y in [0.1, 0.7]; keypoints = the 4 landmarks in order */
  assert_float_equal (d->items[0].xmin, 0.2f, EPS);
  assert_float_equal (d->items[0].ymin, 0.1f, EPS);
  assert_float_equal (d->items[0].width, 0.7f, EPS);
  assert_float_equal (d->items[0].height, 0.6f, EPS);
  assert_int_equal (d->items[0].n_keypoints, 4);
  assert_float_equal (d->items[0].keypoints[2].x, 0.9f, 0);
  /* landmarks 3 then 1: x in [0.3, 0.4], y in [0.1, 0.7] */
  d = fv_packet_get_detections (rs->pdata[0]);
  assert_float_equal (d->items[0].xmin, 0.3f, EPS);
  assert_float_equal (d->items[0].width, 0.1f, EPS);
  assert_float_equal (d->items[0].ymin, 0.1f, EPS);
  assert_float_equal (d->items[0].height, 0.6f, EPS);
  assert_int_equal (d->items[0].n_keypoints, 2);
  assert_float_equal (d->items[0].keypoints[0].y, 0.7f, 0);
  /* box of all four, keypoints 2 then 0 */
  d = fv_packet_get_detections (rk->pdata[0]);
  assert_float_equal (d->items[0].width, 0.7f, EPS);
  assert_int_equal (d->items[0].n_keypoints, 2);
  assert_float_equal (d->items[0].keypoints[0].x, 0.9f, 0);
  assert_float_equal (d->items[0].keypoints[1].x, 0.2f, 0);
  fv_graph_free (g);

  /* more landmarks than a detection can hold as keypoints, or a bad index: errors */
  const char *configs[2] = {
    "input_stream: 'lm' node { calculator: 'LandmarksToDetectionCalculator'\n"
    " input_stream: 'NORM_LANDMARKS:lm' output_stream: 'DETECTION:d' }",
    "input_stream: 'lm' node { calculator: 'LandmarksToDetectionCalculator'\n"
    " input_stream: 'NORM_LANDMARKS:lm' output_stream: 'DETECTION:d'\n"
    " options { [mediapipe.LandmarksToDetectionCalculatorOptions.ext] {\n"
    "   selected_landmark_indices: [0, 40] } } }",
  };
  const char *expect[2] = { "keypoint_indices", "out of range" };
  for (int k = 0; k < 2; k++)
    {
      g = lmk_graph (configs[k]);
      assert_true (fv_graph_start (g, NULL));
      float many[2 * 40] = { 0 };
      lmk_add (g, "lm", lmk_landmarks_packet (many, k == 0 ? 40 : 20, 0), 0);
      g_autofree char *msg = NULL;
      g_autoptr (GPtrArray) none = lmk_finish (g, NULL, FALSE, &msg);
      assert_non_null (strstr (msg, expect[k]));
      fv_graph_free (g);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_projection_rotated_rect),
    cmocka_unit_test (test_projection_image_dimensions_and_ignore_rotation),
    cmocka_unit_test (test_projection_matrix),
    cmocka_unit_test (test_letterbox_removal),
    cmocka_unit_test (test_landmarks_to_detection),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
