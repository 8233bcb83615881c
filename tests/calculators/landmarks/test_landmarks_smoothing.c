/* fovea tests — the calculators written for the pose solution, in small graphs:
 * LandmarksSmoothingCalculator (one-euro, against values worked out by hand below),
 * VisibilitySmoothingCalculator (low-pass), their ENABLE / DISABLE switches and resets,
 * RefineLandmarksFromHeatmapCalculator, AlignmentPointsRectsCalculator,
 * WorldLandmarkProjectionCalculator, InverseMatrixCalculator + WarpAffineCalculator, and
 * refused options. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calculators/detection/image_size.h"
#include "calculators/image/image_to_tensor.h"
#include "graph/detection.h"
#include "graph/mask.h"
#include "lmk_test_util.h"

/* The one-euro filter with frequency 30, min_cutoff 1, beta 0.5, derivate_cutoff 1, on
 * x = 0, 1, 1.5 at t = 0.1 s, 0.2 s, 0.25 s, alpha (f, c) = 1 / (1 + f / (2 pi c)):
 *  t 0.1:  first value: out 0 (dx 0, edx 0)
 *  t 0.2:  f = 10; dx = (1 - 0) * 10 = 10; a_d = alpha (10, 1) = 0.3858695;
 *          edx = 3.8586955; cutoff = 1 + 0.5 edx = 2.9293477; a = alpha (10, cutoff) =
 *          0.6479572; out = a * 1 + (1 - a) * 0 = 0.6479572
 *  t 0.25: f = 20; dx = (1.5 - 1) * 20 = 10; a_d = alpha (20, 1) = 0.2390572;
 *          edx = a_d 10 + (1 - a_d) 3.8586955 = 5.3268187; cutoff = 3.6634093;
 *          a = alpha (20, cutoff) = 0.5350770; out = a 1.5 + (1 - a) 0.6479572 = 1.1038657 */
static const double euro_out[3] = { 0.0, 0.6479572, 1.1038657 };
static const float euro_in[3] = { 0.0f, 1.0f, 1.5f };
static const gint64 euro_t[3] = { 100000, 200000, 250000 };

static FvPacket *
one_point (float x, float y, float z, float visibility)
{
  FvLandmarks *l = fv_landmarks_new (1);
  l->items[0] = (FvLandmark) { x, y, z, visibility, 0.5f };
  return fv_packet_new_landmarks (l);
}

static void
test_one_euro_world (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm'\n"
    "node { calculator: 'LandmarksSmoothingCalculator' input_stream: 'LANDMARKS:lm'\n"
    "  output_stream: 'FILTERED_LANDMARKS:out'\n"
    "  options { [mediapipe.LandmarksSmoothingCalculatorOptions.ext] { one_euro_filter {\n"
    "    frequency: 30 min_cutoff: 1 beta: 0.5 derivate_cutoff: 1 disable_value_scaling: true } } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  for (int i = 0; i < 3; i++)   /* y and z move alike; y twice as far */
    lmk_add (g, "lm", one_point (euro_in[i], 2 * euro_in[i], euro_in[i], 0.25f), euro_t[i]);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  fv_graph_free (g);
  assert_int_equal (res->len, 3);
  for (int i = 0; i < 3; i++)
    {
      const FvLandmark *l = &fv_packet_get_landmarks (res->pdata[i])->items[0];
      printf ("  t %.2f s: x %.7f (want %.7f)\n", euro_t[i] / 1e6, l->x, euro_out[i]);
      assert_float_equal (l->x, euro_out[i], 1e-5);
      assert_float_equal (l->z, euro_out[i], 1e-5);
      assert_float_equal (l->visibility, 0.25f, 0);
      assert_float_equal (l->presence, 0.5f, 0);
    }
  /* y moves twice as fast: a larger cutoff, so it lags less than twice x */
  const FvLandmark *l = &fv_packet_get_landmarks (res->pdata[1])->items[0];
  assert_true (l->y > 2 * l->x + 1e-3 && l->y < 2.0f);
}

/* Relative landmarks are filtered in pixels with value_scale = 1 / object size: on a 200x100
 * image with an object ROI of 0.5 x 1.0 (100 px both ways, size 100), x = 0, 0.5, 0.75
 * (0, 100, 150 px) is the hand-worked sequence above times 100. A frame without landmarks
 * resets the filter: the next value passes as it is. */
static void
test_one_euro_normalized_and_reset (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm' input_stream: 'size' input_stream: 'roi'\n"
    "node { calculator: 'LandmarksSmoothingCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  input_stream: 'IMAGE_SIZE:size' input_stream: 'OBJECT_SCALE_ROI:roi'\n"
    "  output_stream: 'NORM_FILTERED_LANDMARKS:out'\n"
    "  options { [mediapipe.LandmarksSmoothingCalculatorOptions.ext] { one_euro_filter {\n"
    "    min_cutoff: 1 beta: 0.5 derivate_cutoff: 1 } } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  FvNormRect roi = { 0.5f, 0.5f, 0.5f, 1.0f, 0, 0 };
  for (int i = 0; i < 3; i++)
    {
      lmk_add (g, "lm", one_point (euro_in[i] / 2, 0.5f, 0, 0), euro_t[i]);
      lmk_add (g, "size", fv_packet_new_image_size (200, 100), euro_t[i]);
      lmk_add (g, "roi", fv_packet_new_norm_rect (&roi), euro_t[i]);
    }
  /* 0.3 s: no landmarks (lost); 0.35 s: back, far away */
  lmk_add (g, "size", fv_packet_new_image_size (200, 100), 300000);
  lmk_add (g, "roi", fv_packet_new_norm_rect (&roi), 300000);
  lmk_add (g, "lm", one_point (0.9f, 0.5f, 0, 0), 350000);
  lmk_add (g, "size", fv_packet_new_image_size (200, 100), 350000);
  lmk_add (g, "roi", fv_packet_new_norm_rect (&roi), 350000);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  fv_graph_free (g);
  assert_int_equal (res->len, 4);
  for (int i = 0; i < 3; i++)
    {
      const FvLandmark *l = &fv_packet_get_landmarks (res->pdata[i])->items[0];
      assert_float_equal (l->x, euro_out[i] / 2, 1e-5);
      assert_float_equal (l->y, 0.5f, 1e-6);
    }
  assert_int_equal (fv_packet_timestamp (res->pdata[3]), 350000);
  assert_float_equal (fv_packet_get_landmarks (res->pdata[3])->items[0].x, 0.9f, 1e-6);
}

/* Visibility: alpha 0.1 gives 1, 0.9, 0.81 for 1, 0, 0; DISABLE true passes it unchanged. */
static void
test_visibility_low_pass (void **state)
{
  for (int disabled = 0; disabled < 2; disabled++)
    {
      g_autofree char *cfg = g_strdup_printf (
        "input_stream: 'lm'\n"
        "node { calculator: 'ConstantSidePacketCalculator' output_side_packet: 'PACKET:off'\n"
        "  options { [mediapipe.ConstantSidePacketCalculatorOptions.ext] {\n"
        "    packet { bool_value: %s } } } }\n"
        "node { calculator: 'VisibilitySmoothingCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
        "  input_side_packet: 'DISABLE:off' output_stream: 'NORM_FILTERED_LANDMARKS:out'\n"
        "  options { [mediapipe.VisibilitySmoothingCalculatorOptions.ext] {\n"
        "    low_pass_filter { alpha: 0.1 } } } }\n", disabled ? "true" : "false");
      FvGraph *g = lmk_graph (cfg);
      FvPoller *out = fv_graph_add_poller (g, "out", NULL);
      assert_true (fv_graph_start (g, NULL));
      const float vis[3] = { 1, 0, 0 };
      for (int i = 0; i < 3; i++)
        lmk_add (g, "lm", one_point (0.1f * i, 0.2f, 0.3f, vis[i]), i + 1);
      g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
      fv_graph_free (g);
      assert_int_equal (res->len, 3);
      const float want[3] = { 1.0f, 0.9f, 0.81f };
      for (int i = 0; i < 3; i++)
        {
          const FvLandmark *l = &fv_packet_get_landmarks (res->pdata[i])->items[0];
          assert_float_equal (l->visibility, disabled ? vis[i] : want[i], 1e-6);
          assert_float_equal (l->x, 0.1f * i, 1e-7);
        }
    }
}

/* A 5x5 heatmap with 2 channels: channel 0 is confident (logit 4) at cells (1,1) and (3,1)
 * only, so landmark 0 at cell (2,1) moves to their mean: x = 2/5, y = 1/5; channel 1 is
 * nowhere confident (logit -4, sigmoid 0.018 < 0.5), so landmark 1 stays. With kernel 3,
 * landmark 0's window (cols 1..3, rows 0..2) holds both confident cells and 7 others. */
static void
test_refine_from_heatmap (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm' input_stream: 'hm'\n"
    "node { calculator: 'RefineLandmarksFromHeatmapCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  input_stream: 'TENSORS:hm' output_stream: 'NORM_LANDMARKS:out'\n"
    "  options { [mediapipe.RefineLandmarksFromHeatmapCalculatorOptions.ext] { kernel_size: 3 } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  FvTensorList *list = fv_tensor_list_new (1);
  gint32 shape[4] = { 1, 5, 5, 2 };
  assert_true (fv_tensor_list_alloc (list, 0, 4, shape, NULL));
  for (int i = 0; i < 50; i++)
    list->tensors[0].data[i] = i % 2 == 0 ? -40.0f : -4.0f;   /* sigmoid(-40) ~ 4e-18 */
  list->tensors[0].data[(1 * 5 + 1) * 2] = 4.0f;
  list->tensors[0].data[(1 * 5 + 3) * 2] = 4.0f;
  const float xy[4] = { 0.5f, 0.3f, 0.5f, 0.5f };
  lmk_add (g, "lm", lmk_landmarks_packet (xy, 2, 0), 0);
  lmk_add (g, "hm", fv_packet_new_tensors (list), 0);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  fv_graph_free (g);
  assert_int_equal (res->len, 1);
  const FvLandmarks *l = fv_packet_get_landmarks (res->pdata[0]);
  assert_float_equal (l->items[0].x, 2.0f / 5, 1e-5);
  assert_float_equal (l->items[0].y, 1.0f / 5, 1e-5);
  assert_float_equal (l->items[1].x, 0.5f, 0);
  assert_float_equal (l->items[1].y, 0.5f, 0);
}

/* Alignment points on a 200x100 image: centre (0.25, 0.5) = (50, 50) px, end point
 * (0.25, 0.2) = (50, 20) px: 30 px straight up, so a square of 60 px (0.3 x 0.6 relative)
 * with rotation 0 for a 90 degree target; the end point to the right instead turns it by
 * +90 degrees (pi/2). A detection with one keypoint is an error. */
static void
test_alignment_points_rects (void **state)
{
  const char *cfg =
    "input_stream: 'det' input_stream: 'size'\n"
    "node { calculator: 'AlignmentPointsRectsCalculator' input_stream: 'DETECTION:det'\n"
    "  input_stream: 'IMAGE_SIZE:size' output_stream: 'NORM_RECT:out'\n"
    "  options { [mediapipe.DetectionsToRectsCalculatorOptions.ext] {\n"
    "    rotation_vector_start_keypoint_index: 0 rotation_vector_end_keypoint_index: 1\n"
    "    rotation_vector_target_angle_degrees: 90 } } }\n";
  FvGraph *g = lmk_graph (cfg);
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  for (int i = 0; i < 2; i++)
    {
      FvDetections *d = fv_detections_new (1);
      d->items[0].n_keypoints = 2;
      d->items[0].keypoints[0] = (FvKeypoint) { 0.25f, 0.5f };
      d->items[0].keypoints[1] = i == 0 ? (FvKeypoint) { 0.25f, 0.2f } : (FvKeypoint) { 0.4f, 0.5f };
      lmk_add (g, "det", fv_packet_new_detections (d), i);
      lmk_add (g, "size", fv_packet_new_image_size (200, 100), i);
    }
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  fv_graph_free (g);
  assert_int_equal (res->len, 2);
  const FvNormRect *r = fv_packet_get_norm_rect (res->pdata[0]);
  assert_float_equal (r->x_center, 0.25f, 1e-6);
  assert_float_equal (r->y_center, 0.5f, 1e-6);
  assert_float_equal (r->width, 0.3f, 1e-6);
  assert_float_equal (r->height, 0.6f, 1e-6);
  assert_float_equal (r->rotation, 0.0f, 1e-6);
  r = fv_packet_get_norm_rect (res->pdata[1]);
  assert_float_equal (r->width, 0.3f, 1e-6);   /* 30 px to the right: also 60 px across */
  assert_float_equal (r->rotation, (float) G_PI_2, 1e-6);

  g = lmk_graph (cfg);
  assert_true (fv_graph_start (g, NULL));
  FvDetections *d = fv_detections_new (1);
  d->items[0].n_keypoints = 1;
  lmk_add (g, "det", fv_packet_new_detections (d), 0);
  lmk_add (g, "size", fv_packet_new_image_size (200, 100), 0);
  g_autofree char *msg = NULL;
  g_autoptr (GPtrArray) none = lmk_finish (g, NULL, FALSE, &msg);
  fv_graph_free (g);
  assert_non_null (strstr (msg, "keypoints"));
}

/* World landmarks turn with the ROI: (1, 0, 0.5) under a quarter turn becomes (0, 1, 0.5). */
static void
test_world_projection (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm' input_stream: 'roi'\n"
    "node { calculator: 'WorldLandmarkProjectionCalculator' input_stream: 'LANDMARKS:lm'\n"
    "  input_stream: 'NORM_RECT:roi' output_stream: 'LANDMARKS:out' }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  FvNormRect roi = { 0.3f, 0.3f, 0.1f, 0.1f, (float) G_PI_2, 0 };
  lmk_add (g, "lm", one_point (1, 0, 0.5f, 0.7f), 0);
  lmk_add (g, "roi", fv_packet_new_norm_rect (&roi), 0);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  fv_graph_free (g);
  assert_int_equal (res->len, 1);
  const FvLandmark *l = &fv_packet_get_landmarks (res->pdata[0])->items[0];
  assert_float_equal (l->x, 0.0f, 1e-6);
  assert_float_equal (l->y, 1.0f, 1e-6);
  assert_float_equal (l->z, 0.5f, 0);
  assert_float_equal (l->visibility, 0.7f, 0);
}

/* A 2x2 mask warped back from the left half of a 4x2 image: the matrix maps the source's
 * unit square to x in [0, 0.5] (scale 0.5), its inverse (x 2) is what WarpAffine takes.
 * Output pixel centres 0.5 and 1.5 land on source columns 0 and 1; columns 2, 3 are
 * outside: zero. Rows match one to one. */
static void
test_warp_back (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'mask' input_stream: 'matrix' input_stream: 'size'\n"
    "node { calculator: 'InverseMatrixCalculator' input_stream: 'MATRIX:matrix'\n"
    "  output_stream: 'MATRIX:inverse' }\n"
    "node { calculator: 'WarpAffineCalculator' input_stream: 'IMAGE:mask'\n"
    "  input_stream: 'MATRIX:inverse' input_stream: 'OUTPUT_SIZE:size' output_stream: 'IMAGE:out'\n"
    "  options { [mediapipe.WarpAffineCalculatorOptions.ext] { border_mode: BORDER_ZERO } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  FvMask *m = fv_mask_new (2, 2, NULL);
  const float v[4] = { 0.1f, 0.2f, 0.3f, 0.4f };
  memcpy (m->data, v, sizeof v);
  const float matrix[16] = { 0.5f, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
  lmk_add (g, "mask", fv_packet_new_mask (m), 0);
  lmk_add (g, "matrix", fv_packet_new_matrix (matrix), 0);
  lmk_add (g, "size", fv_packet_new_image_size (4, 2), 0);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  fv_graph_free (g);
  assert_int_equal (res->len, 1);
  const FvMask *o = fv_packet_get_mask (res->pdata[0]);
  assert_int_equal (o->width, 4);
  assert_int_equal (o->height, 2);
  const float want[8] = { 0.1f, 0.2f, 0, 0, 0.3f, 0.4f, 0, 0 };
  for (int i = 0; i < 8; i++)
    assert_float_equal (o->data[i], want[i], 1e-6);

  /* a singular matrix is an error, not a crash */
  g = lmk_graph ("input_stream: 'matrix'\n"
                 "node { calculator: 'InverseMatrixCalculator' input_stream: 'MATRIX:matrix'\n"
                 "  output_stream: 'MATRIX:inverse' }\n");
  assert_true (fv_graph_start (g, NULL));
  const float singular[16] = { 0 };
  lmk_add (g, "matrix", fv_packet_new_matrix (singular), 0);
  g_autofree char *msg = NULL;
  g_autoptr (GPtrArray) none = lmk_finish (g, NULL, FALSE, &msg);
  fv_graph_free (g);
  assert_non_null (strstr (msg, "singular"));
}

static void
test_refused_options (void **state)
{
  const char *bad[] = {
    /* no filter chosen */
    "input_stream: 'lm' node { calculator: 'LandmarksSmoothingCalculator'\n"
    "  input_stream: 'LANDMARKS:lm' output_stream: 'FILTERED_LANDMARKS:out' }\n",
    /* relative landmarks without the image size */
    "input_stream: 'lm' node { calculator: 'LandmarksSmoothingCalculator'\n"
    "  input_stream: 'NORM_LANDMARKS:lm' output_stream: 'NORM_FILTERED_LANDMARKS:out'\n"
    "  options { [mediapipe.LandmarksSmoothingCalculatorOptions.ext] { no_filter {} } } }\n",
    /* a cutoff of 0 */
    "input_stream: 'lm' node { calculator: 'LandmarksSmoothingCalculator'\n"
    "  input_stream: 'LANDMARKS:lm' output_stream: 'FILTERED_LANDMARKS:out'\n"
    "  options { [mediapipe.LandmarksSmoothingCalculatorOptions.ext] {\n"
    "    one_euro_filter { min_cutoff: 0 } } } }\n",
    /* alpha out of range */
    "input_stream: 'lm' node { calculator: 'VisibilitySmoothingCalculator'\n"
    "  input_stream: 'LANDMARKS:lm' output_stream: 'FILTERED_LANDMARKS:out'\n"
    "  options { [mediapipe.VisibilitySmoothingCalculatorOptions.ext] {\n"
    "    low_pass_filter { alpha: 1.5 } } } }\n",
    /* an even kernel */
    "input_stream: 'lm' input_stream: 'hm' node { calculator: 'RefineLandmarksFromHeatmapCalculator'\n"
    "  input_stream: 'NORM_LANDMARKS:lm' input_stream: 'TENSORS:hm'\n"
    "  output_stream: 'NORM_LANDMARKS:out'\n"
    "  options { [mediapipe.RefineLandmarksFromHeatmapCalculatorOptions.ext] { kernel_size: 4 } } }\n",
    /* alignment points without the points */
    "input_stream: 'det' input_stream: 'size' node { calculator: 'AlignmentPointsRectsCalculator'\n"
    "  input_stream: 'DETECTION:det' input_stream: 'IMAGE_SIZE:size' output_stream: 'NORM_RECT:out' }\n",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *msg = lmk_graph_error (bad[i]);
      printf ("  refused: %s\n", msg);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_one_euro_world),
    cmocka_unit_test (test_one_euro_normalized_and_reset),
    cmocka_unit_test (test_visibility_low_pass),
    cmocka_unit_test (test_refine_from_heatmap),
    cmocka_unit_test (test_alignment_points_rects),
    cmocka_unit_test (test_world_projection),
    cmocka_unit_test (test_warp_back),
    cmocka_unit_test (test_refused_options),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
