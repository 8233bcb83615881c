/* fovea tests — NonMaxSuppressionCalculator: DEFAULT and WEIGHTED suppression on small
 * sets of boxes whose overlaps and blends are worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "det_test_util.h"

static char *
nms_config (const char *options)
{
  return g_strdup_printf (
    "input_stream: 'in'\n"
    "node { calculator: 'NonMaxSuppressionCalculator' input_stream: 'in'\n"
    "  output_stream: 'out'\n"
    "  options { [mediapipe.NonMaxSuppressionCalculatorOptions.ext] { %s } } }\n",
    options);
}

/* Runs NMS on one list; returns the output packets (transfer full). */
static GPtrArray *
run_nms (const char *options, const FvDetection *items, int n)
{
  char *config = nms_config (options);
  FvGraph *g = det_graph_new (config);
  g_free (config);
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  det_add (g, "in", det_detections_packet (items, n), 5);
  det_finish (g);
  GPtrArray *out = g_ptr_array_ref (sink->packets);
  det_sink_free (sink);
  fv_graph_free (g);
  return out;
}

static const FvDetections *
only (GPtrArray *packets)
{
  assert_int_equal (packets->len, 1);
  const FvDetections *d = fv_packet_get_detections (g_ptr_array_index (packets, 0));
  assert_non_null (d);
  return d;
}

static void
assert_box (const FvDetection *d, double score, double xmin, double ymin, double w, double h)
{
  if (fabs (d->score - score) > DET_EPS || fabs (d->xmin - xmin) > DET_EPS
      || fabs (d->ymin - ymin) > DET_EPS || fabs (d->width - w) > DET_EPS
      || fabs (d->height - h) > DET_EPS)
    fail_msg ("detection (%g: %g %g %g %g), expected (%g: %g %g %g %g)", d->score, d->xmin,
              d->ymin, d->width, d->height, score, xmin, ymin, w, h);
}

/* A: 0.9 (0.1,0.1)-(0.4,0.4); B: 0.8 (0.15,0.1)-(0.45,0.4), IoU(A,B) = 0.075/0.105 =
 * 0.714; C: 0.6 far away; D: 0.7 (0.1,0.3)-(0.4,0.6), IoU(A,D) = 0.03/0.15 = 0.2. Given
 * out of score order on purpose. */
static void
four_boxes (FvDetection *out)
{
  const float ka[] = { 0.2f, 0.2f }, kb[] = { 0.3f, 0.2f }, kc[] = { 0.7f, 0.7f },
              kd[] = { 0.25f, 0.45f };
  out[0] = det_detection (0.6f, 0.6f, 0.6f, 0.2f, 0.2f, 1, kc);
  out[1] = det_detection (0.8f, 0.15f, 0.1f, 0.3f, 0.3f, 1, kb);
  out[2] = det_detection (0.9f, 0.1f, 0.1f, 0.3f, 0.3f, 1, ka);
  out[3] = det_detection (0.7f, 0.1f, 0.3f, 0.3f, 0.3f, 1, kd);
}

static void
test_weighted_blends_candidates (void **state)
{
  FvDetection in[4];
  four_boxes (in);
  GPtrArray *out = run_nms ("min_suppression_threshold: 0.3 overlap_type: "
                            "INTERSECTION_OVER_UNION algorithm: WEIGHTED", in, 4);
  const FvDetections *d = only (out);
  assert_int_equal (d->n, 3);
  /* Round 1: A with candidates {A, B}, weights 0.9 and 0.8 (total 1.7):
   * xmin = (0.1*0.9 + 0.15*0.8)/1.7 = 0.1235294, xmax = (0.4*0.9 + 0.45*0.8)/1.7 =
   * 0.4235294, y unchanged; keypoint x = (0.2*0.9 + 0.3*0.8)/1.7 = 0.2470588. */
  assert_box (&d->items[0], 0.9, 0.1235294, 0.1, 0.3, 0.3);
  assert_true (fabs (d->items[0].keypoints[0].x - 0.2470588) < DET_EPS);
  assert_true (fabs (d->items[0].keypoints[0].y - 0.2) < DET_EPS);
  /* Round 2: D alone (0.2 <= 0.3), round 3: C alone. */
  assert_box (&d->items[1], 0.7, 0.1, 0.3, 0.3, 0.3);
  assert_true (fabs (d->items[1].keypoints[0].y - 0.45) < DET_EPS);
  assert_box (&d->items[2], 0.6, 0.6, 0.6, 0.2, 0.2);
  g_ptr_array_unref (out);
}

static void
test_weighted_default_threshold_stops_at_once (void **state)
{
  /* With the default threshold 1.0 not even the best box's overlap with itself (1.0)
   * exceeds it: the first round removes nothing and, as in MediaPipe, the pass stops
   * after emitting the best detection unchanged. */
  FvDetection in[4];
  four_boxes (in);
  GPtrArray *out = run_nms ("algorithm: WEIGHTED", in, 4);
  const FvDetections *d = only (out);
  assert_int_equal (d->n, 1);
  assert_box (&d->items[0], 0.9, 0.1, 0.1, 0.3, 0.3);
  g_ptr_array_unref (out);
}

static void
test_default_suppresses (void **state)
{
  FvDetection in[4];
  four_boxes (in);
  GPtrArray *out = run_nms ("min_suppression_threshold: 0.3 overlap_type: "
                            "INTERSECTION_OVER_UNION", in, 4);
  const FvDetections *d = only (out);
  assert_int_equal (d->n, 3);   /* B suppressed by A */
  assert_box (&d->items[0], 0.9, 0.1, 0.1, 0.3, 0.3);
  assert_box (&d->items[1], 0.7, 0.1, 0.3, 0.3, 0.3);
  assert_box (&d->items[2], 0.6, 0.6, 0.6, 0.2, 0.2);
  g_ptr_array_unref (out);

  out = run_nms ("min_suppression_threshold: 0.3 overlap_type: INTERSECTION_OVER_UNION "
                 "max_num_detections: 2", in, 4);
  assert_int_equal (only (out)->n, 2);
  g_ptr_array_unref (out);

  /* Scores under min_score_threshold end the pass: only A (0.9) and D (0.7) remain. */
  out = run_nms ("min_suppression_threshold: 0.3 overlap_type: INTERSECTION_OVER_UNION "
                 "min_score_threshold: 0.65", in, 4);
  d = only (out);
  assert_int_equal (d->n, 2);
  assert_box (&d->items[1], 0.7, 0.1, 0.3, 0.3, 0.3);
  g_ptr_array_unref (out);
}

static void
test_overlap_types (void **state)
{
  /* R (0,0)-(0.2,0.2) 0.9 and S (0.1,0.1)-(0.3,0.3) 0.8: intersection 0.01, IoU 0.01/0.07
   * = 0.143, JACCARD 0.01/(enclosing 0.3 x 0.3) = 0.111. Threshold 0.12 separates them. */
  FvDetection rs[2] = { det_detection (0.9f, 0, 0, 0.2f, 0.2f, 0, NULL),
                        det_detection (0.8f, 0.1f, 0.1f, 0.2f, 0.2f, 0, NULL) };
  GPtrArray *out = run_nms ("min_suppression_threshold: 0.12 overlap_type: "
                            "INTERSECTION_OVER_UNION", rs, 2);
  assert_int_equal (only (out)->n, 1);
  g_ptr_array_unref (out);
  out = run_nms ("min_suppression_threshold: 0.12 overlap_type: JACCARD", rs, 2);
  assert_int_equal (only (out)->n, 2);
  g_ptr_array_unref (out);

  /* P (0,0)-(1,1) 0.9 holds Q (0.1,0.1)-(0.3,0.3) 0.8: IoU 0.04, but MODIFIED_JACCARD
   * divides by Q's own area: 1.0. */
  FvDetection pq[2] = { det_detection (0.9f, 0, 0, 1, 1, 0, NULL),
                        det_detection (0.8f, 0.1f, 0.1f, 0.2f, 0.2f, 0, NULL) };
  out = run_nms ("min_suppression_threshold: 0.5 overlap_type: MODIFIED_JACCARD", pq, 2);
  assert_int_equal (only (out)->n, 1);
  g_ptr_array_unref (out);
  out = run_nms ("min_suppression_threshold: 0.5 overlap_type: INTERSECTION_OVER_UNION", pq, 2);
  assert_int_equal (only (out)->n, 2);
  g_ptr_array_unref (out);
}

static void
test_empty_and_merged_streams (void **state)
{
  /* Nothing in: nothing out, unless return_empty_detections. */
  GPtrArray *out = run_nms ("min_suppression_threshold: 0.3", NULL, 0);
  assert_int_equal (out->len, 0);
  g_ptr_array_unref (out);
  out = run_nms ("min_suppression_threshold: 0.3 return_empty_detections: true", NULL, 0);
  assert_int_equal (only (out)->n, 0);
  g_ptr_array_unref (out);

  /* Two input streams are merged before suppression; one of them may be missing. */
  FvGraph *g = det_graph_new (
    "input_stream: 'a' input_stream: 'b'\n"
    "node { calculator: 'NonMaxSuppressionCalculator' input_stream: 'DETECTIONS:0:a'\n"
    "  input_stream: 'DETECTIONS:1:b' output_stream: 'out'\n"
    "  options { [mediapipe.NonMaxSuppressionCalculatorOptions.ext] {\n"
    "    num_detection_streams: 2 min_suppression_threshold: 0.3 } } }\n");
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  FvDetection in[4];
  four_boxes (in);
  det_add (g, "a", det_detections_packet (in, 2), 1);
  det_add (g, "b", det_detections_packet (in + 2, 2), 1);
  det_add (g, "a", det_detections_packet (in, 1), 2);
  det_finish (g);
  assert_int_equal (sink->packets->len, 2);
  const FvDetections *d = fv_packet_get_detections (g_ptr_array_index (sink->packets, 0));
  assert_int_equal (d->n, 3);
  assert_true (fabs (d->items[0].score - 0.9) < DET_EPS);   /* A from b beats B from a */
  d = fv_packet_get_detections (g_ptr_array_index (sink->packets, 1));
  assert_int_equal (d->n, 1);
  det_sink_free (sink);
  fv_graph_free (g);

  char *config = nms_config ("overlap_type: SIDEWAYS");
  char *msg = det_graph_error (config);
  assert_non_null (strstr (msg, "overlap_type"));
  g_free (msg);
  g_free (config);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_weighted_blends_candidates),
    cmocka_unit_test (test_weighted_default_threshold_stops_at_once),
    cmocka_unit_test (test_default_suppresses),
    cmocka_unit_test (test_overlap_types),
    cmocka_unit_test (test_empty_and_merged_streams),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
