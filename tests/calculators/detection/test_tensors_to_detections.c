/* fovea tests — TensorsToDetectionsCalculator: boxes, keypoints and scores decoded by
 * hand from known anchors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "det_test_util.h"
#include "graph/tensor_list.h"

/* 4 anchors of size 1x1 at (0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75): a 4x4
 * input with stride 2 and fixed_anchor_size. */
#define ANCHORS_NODE                                                                    \
  "node { calculator: 'SsdAnchorsCalculator' output_side_packet: 'anchors'\n"           \
  "  options { [mediapipe.SsdAnchorsCalculatorOptions.ext] { num_layers: 1\n"           \
  "    input_size_height: 4 input_size_width: 4 strides: 2 min_scale: 0.1\n"            \
  "    max_scale: 0.5 aspect_ratios: 1.0 interpolated_scale_aspect_ratio: 0.0\n"        \
  "    fixed_anchor_size: true } } }\n"

static FvPacket *
tensors (const float *boxes, int n_boxes, int n_coords, const float *scores, int n_classes,
         const float *anchors)
{
  FvTensorList *list = fv_tensor_list_new (anchors ? 3 : 2);
  gint32 bshape[3] = { 1, n_boxes, n_coords }, sshape[3] = { 1, n_boxes, n_classes };
  gint32 ashape[2] = { n_boxes, 4 };
  assert_true (fv_tensor_list_alloc (list, 0, 3, bshape, NULL));
  assert_true (fv_tensor_list_alloc (list, 1, 3, sshape, NULL));
  memcpy (list->tensors[0].data, boxes, sizeof (float) * (size_t) (n_boxes * n_coords));
  memcpy (list->tensors[1].data, scores, sizeof (float) * (size_t) (n_boxes * n_classes));
  if (anchors)
    {
      assert_true (fv_tensor_list_alloc (list, 2, 2, ashape, NULL));
      memcpy (list->tensors[2].data, anchors, sizeof (float) * (size_t) (n_boxes * 4));
    }
  return fv_packet_new_tensors (list);
}

/* Runs the graph on one tensors packet; returns the single output packet (transfer
 * full) or NULL when none came out. */
static FvPacket *
run_one (const char *config, FvPacket *input)
{
  FvGraph *g = det_graph_new (config);
  DetSink *sink = det_sink_new (g, "dets");
  det_start (g);
  det_add (g, "tensors", input, 1000);
  det_finish (g);
  assert_true (sink->packets->len <= 1);
  FvPacket *p = sink->packets->len ? fv_packet_ref (g_ptr_array_index (sink->packets, 0)) : NULL;
  if (p)
    assert_int_equal (fv_packet_timestamp (p), 1000);
  det_sink_free (sink);
  fv_graph_free (g);
  return p;
}

static void
assert_near (double got, double want, const char *what)
{
  if (fabs (got - want) > DET_EPS)
    fail_msg ("%s is %.7f, expected %.7f", what, got, want);
}

static void
test_xywh_sigmoid_keypoints (void **state)
{
  const char *config =
    "input_stream: 'tensors'\n" ANCHORS_NODE
    "node { calculator: 'TensorsToDetectionsCalculator' input_stream: 'TENSORS:tensors'\n"
    "  input_side_packet: 'ANCHORS:anchors' output_stream: 'DETECTIONS:dets'\n"
    "  options { [mediapipe.TensorsToDetectionsCalculatorOptions.ext] {\n"
    "    num_classes: 2 num_boxes: 4 num_coords: 8 box_coord_offset: 0\n"
    "    keypoint_coord_offset: 4 num_keypoints: 2 num_values_per_keypoint: 2\n"
    "    sigmoid_score: true score_clipping_thresh: 10.0 reverse_output_order: true\n"
    "    x_scale: 4.0 y_scale: 4.0 w_scale: 4.0 h_scale: 4.0 min_score_thresh: 0.5 } } }\n";
  /* x, y, w, h, kp0 x, y, kp1 x, y per box. */
  const float boxes[] = {
    0.4f, -0.2f, 1.2f, 0.8f, 0.8f, 0.4f, -0.4f, 0.0f,  /* kept */
    0, 0, 1, 1, 0, 0, 0, 0,                              /* scores too low */
    0, 0, 0, 0, 0, 0, 0, 0,                              /* empty box, kept */
    0, 0, -1.0f, 1, 0, 0, 0, 0,                          /* negative width: dropped */
  };
  const float scores[] = { 0.0f, 2.0f, -1.0f, -3.0f, 50.0f, 20.0f, 1.0f, 0.0f };
  FvPacket *p = run_one (config, tensors (boxes, 4, 8, scores, 2, NULL));
  const FvDetections *d = fv_packet_get_detections (p);
  assert_non_null (d);
  assert_int_equal (d->n, 2);
  /* Box 0 on anchor (0.25, 0.25): centre (0.4/4 + 0.25, -0.2/4 + 0.25) = (0.35, 0.2),
   * size (1.2/4, 0.8/4) = (0.3, 0.2). Class 1: sigmoid(2) = 0.8807971. */
  assert_int_equal (d->items[0].label_id, 1);
  assert_near (d->items[0].score, 0.8807971, "score 0");
  assert_near (d->items[0].xmin, 0.2, "xmin 0");
  assert_near (d->items[0].ymin, 0.1, "ymin 0");
  assert_near (d->items[0].width, 0.3, "width 0");
  assert_near (d->items[0].height, 0.2, "height 0");
  assert_int_equal (d->items[0].n_keypoints, 2);
  assert_near (d->items[0].keypoints[0].x, 0.45, "kp0 x");
  assert_near (d->items[0].keypoints[0].y, 0.35, "kp0 y");
  assert_near (d->items[0].keypoints[1].x, 0.15, "kp1 x");
  assert_near (d->items[0].keypoints[1].y, 0.25, "kp1 y");
  /* Box 2 on anchor (0.25, 0.75): both scores clip to 10 -> equal; the first class wins.
   * sigmoid(10) = 0.9999546. */
  assert_int_equal (d->items[1].label_id, 0);
  assert_near (d->items[1].score, 0.9999546, "score 1");
  assert_near (d->items[1].xmin, 0.25, "xmin 1");
  assert_near (d->items[1].ymin, 0.75, "ymin 1");
  assert_near (d->items[1].width, 0.0, "width 1");
  assert_near (d->items[1].keypoints[1].y, 0.75, "kp y 1");
  fv_packet_unref (p);
}

static void
test_yxhw_exp_flip_ignore_max_results (void **state)
{
  const char *config =
    "input_stream: 'tensors'\n" ANCHORS_NODE
    "node { calculator: 'TensorsToDetectionsCalculator' input_stream: 'TENSORS:tensors'\n"
    "  input_side_packet: 'ANCHORS:anchors' output_stream: 'DETECTIONS:dets'\n"
    "  options { [mediapipe.TensorsToDetectionsCalculatorOptions.ext] {\n"
    "    num_classes: 2 num_boxes: 4 num_coords: 6 keypoint_coord_offset: 4\n"
    "    num_keypoints: 1 apply_exponential_on_box_size: true flip_vertically: true\n"
    "    ignore_classes: 0 max_results: 2 min_score_thresh: 0.3\n"
    "    x_scale: 4.0 y_scale: 4.0 w_scale: 4.0 h_scale: 4.0 } } }\n";
  /* y, x, h, w, kp y, kp x per box. h = exp(4 ln 0.5 / 4) = 0.5. */
  const float ln_half_x4 = 4.0f * logf (0.5f);
  const float boxes[] = {
    0.4f, -0.2f, ln_half_x4, 0.0f, 0.4f, 0.8f,
    0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0,
  };
  /* Class 0 is ignored, so its large scores do not count; no sigmoid. */
  const float scores[] = { 5.0f, 0.8f, 5.0f, 0.9f, 0.0f, 0.2f, 5.0f, 0.7f };
  FvPacket *p = run_one (config, tensors (boxes, 4, 6, scores, 2, NULL));
  const FvDetections *d = fv_packet_get_detections (p);
  assert_int_equal (d->n, 2);   /* box 2 under 0.3; box 3 cut by max_results */
  /* Box 0: centre (x, y) = (-0.2/4 + 0.25, 0.4/4 + 0.25) = (0.2, 0.35), size 1 x 0.5:
   * y from 0.1 to 0.6, flipped: ymin = 1 - 0.6 = 0.4. */
  assert_int_equal (d->items[0].label_id, 1);
  assert_near (d->items[0].score, 0.8, "score 0");
  assert_near (d->items[0].xmin, -0.3, "xmin 0");
  assert_near (d->items[0].width, 1.0, "width 0");
  assert_near (d->items[0].ymin, 0.4, "ymin 0");
  assert_near (d->items[0].height, 0.5, "height 0");
  assert_near (d->items[0].keypoints[0].x, 0.45, "kp x");
  assert_near (d->items[0].keypoints[0].y, 1.0 - 0.35, "kp y");
  /* Box 1 on anchor (0.75, 0.25): 1 x 1 around it, y from -0.25 to 0.75 -> flipped 0.25. */
  assert_near (d->items[1].score, 0.9, "score 1");
  assert_near (d->items[1].xmin, 0.25, "xmin 1");
  assert_near (d->items[1].ymin, 0.25, "ymin 1");
  fv_packet_unref (p);
}

static void
test_anchor_tensor_and_allow_classes (void **state)
{
  const char *config =
    "input_stream: 'tensors'\n"
    "node { calculator: 'TensorsToDetectionsCalculator' input_stream: 'TENSORS:tensors'\n"
    "  output_stream: 'DETECTIONS:dets'\n"
    "  options { [mediapipe.TensorsToDetectionsCalculatorOptions.ext] {\n"
    "    num_classes: 3 num_boxes: 1 num_coords: 4 box_format: XYWH allow_classes: 2\n"
    "    x_scale: 4.0 y_scale: 4.0 w_scale: 4.0 h_scale: 4.0 } } }\n";
  const float boxes[] = { 1, 2, 4, 2 };
  const float scores[] = { 0.9f, 0.8f, 0.7f };
  const float anchors[] = { 0.5f, 0.5f, 0.5f, 0.25f };   /* y, x, h, w */
  FvPacket *p = run_one (config, tensors (boxes, 1, 4, scores, 3, anchors));
  const FvDetections *d = fv_packet_get_detections (p);
  assert_int_equal (d->n, 1);
  /* centre (1/4 * 0.25 + 0.5, 2/4 * 0.5 + 0.5) = (0.5625, 0.75), size (0.25, 0.25). */
  assert_int_equal (d->items[0].label_id, 2);
  assert_near (d->items[0].score, 0.7, "score");
  assert_near (d->items[0].xmin, 0.4375, "xmin");
  assert_near (d->items[0].ymin, 0.625, "ymin");
  assert_near (d->items[0].width, 0.25, "width");
  assert_near (d->items[0].height, 0.25, "height");
  assert_int_equal (d->items[0].n_keypoints, 0);
  fv_packet_unref (p);
}

/* A one-class decoder graph; side is its input_side_packet line (or ""). */
static char *
low_score_config (const char *side)
{
  return g_strdup_printf (
    "input_stream: 'tensors'\n" ANCHORS_NODE
    "node { calculator: 'TensorsToDetectionsCalculator' input_stream: 'TENSORS:tensors'\n"
    "  %s output_stream: 'DETECTIONS:dets'\n"
    "  options { [mediapipe.TensorsToDetectionsCalculatorOptions.ext] {\n"
    "    num_classes: 1 num_boxes: 4 num_coords: 4 sigmoid_score: true\n"
    "    min_score_thresh: 0.5 x_scale: 4.0 y_scale: 4.0 w_scale: 4.0 h_scale: 4.0 } } }\n",
    side);
}

static void
test_nothing_found_and_errors (void **state)
{
  const float boxes[16] = { 0 };
  const float low[4] = { -1, -2, -3, -4 };
  char *config = low_score_config ("input_side_packet: 'ANCHORS:anchors'");
  FvPacket *p = run_one (config, tensors (boxes, 4, 4, low, 1, NULL));
  assert_non_null (fv_packet_get_detections (p));
  assert_int_equal (fv_packet_get_detections (p)->n, 0);   /* an empty list, still sent */
  fv_packet_unref (p);

  /* Wrong box count in the tensor. */
  FvGraph *g = det_graph_new (config);
  det_start (g);
  det_add (g, "tensors", tensors (boxes, 2, 4, low, 1, NULL), 0);
  char *msg = det_finish_error (g);
  assert_non_null (msg);
  assert_non_null (strstr (msg, "shape [1,2,4], expected [1,4,4]"));
  g_free (msg);
  fv_graph_free (g);
  g_free (config);

  /* No anchors at all. */
  config = low_score_config ("");
  g = det_graph_new (config);
  det_start (g);
  det_add (g, "tensors", tensors (boxes, 4, 4, low, 1, NULL), 0);
  msg = det_finish_error (g);
  assert_non_null (msg);
  assert_non_null (strstr (msg, "no anchor data"));
  g_free (msg);
  fv_graph_free (g);
  g_free (config);

  /* Keypoints that do not fit in num_coords are refused at validation. */
  msg = det_graph_error (
    "input_stream: 'tensors'\n"
    "node { calculator: 'TensorsToDetectionsCalculator' input_stream: 'TENSORS:tensors'\n"
    "  output_stream: 'DETECTIONS:dets'\n"
    "  options { [mediapipe.TensorsToDetectionsCalculatorOptions.ext] {\n"
    "    num_classes: 1 num_boxes: 4 num_coords: 8 keypoint_coord_offset: 4 num_keypoints: 3\n"
    "    x_scale: 4.0 y_scale: 4.0 w_scale: 4.0 h_scale: 4.0 } } }\n");
  assert_non_null (strstr (msg, "do not fit in num_coords 8"));
  g_free (msg);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_xywh_sigmoid_keypoints),
    cmocka_unit_test (test_yxhw_exp_flip_ignore_max_results),
    cmocka_unit_test (test_anchor_tensor_and_allow_classes),
    cmocka_unit_test (test_nothing_found_and_errors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
