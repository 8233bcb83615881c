/* fovea tests — DetectionProjectionCalculator and DetectionLetterboxRemovalCalculator:
 * detections mapped back to the image, expected values worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "calculators/image/image_to_tensor.h"
#include "det_test_util.h"

static const char *projection_graph =
  "input_stream: 'dets' input_stream: 'matrix'\n"
  "node { calculator: 'DetectionProjectionCalculator' input_stream: 'DETECTIONS:dets'\n"
  "  input_stream: 'PROJECTION_MATRIX:matrix' output_stream: 'DETECTIONS:out' }\n";

static void
assert_near (double got, double want, const char *what)
{
  if (fabs (got - want) > DET_EPS)
    fail_msg ("%s is %.7f, expected %.7f", what, got, want);
}

/* Projects one detection with matrix m; returns the projected list (transfer full). */
static FvPacket *
project_one (const float *m, FvDetection det)
{
  FvGraph *g = det_graph_new (projection_graph);
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  det_add (g, "dets", det_detections_packet (&det, 1), 10);
  det_add (g, "matrix", fv_packet_new_matrix (m), 10);   /* as ImageToTensor sends it */
  det_finish (g);
  assert_int_equal (sink->packets->len, 1);
  FvPacket *p = fv_packet_ref (g_ptr_array_index (sink->packets, 0));
  det_sink_free (sink);
  fv_graph_free (g);
  return p;
}

static void
test_scale_and_translate (void **state)
{
  /* x' = 0.5 x + 0.25, y' = 0.5 y + 0.1. */
  const float m[16] = { 0.5f, 0, 0, 0.25f, 0, 0.5f, 0, 0.1f, 0, 0, 1, 0, 0, 0, 0, 1 };
  const float kp[] = { 0.5f, 0.5f };
  FvPacket *p = project_one (m, det_detection (0.8f, 0.2f, 0.2f, 0.4f, 0.2f, 1, kp));
  const FvDetection *d = &fv_packet_get_detections (p)->items[0];
  assert_near (d->xmin, 0.35, "xmin");
  assert_near (d->ymin, 0.2, "ymin");
  assert_near (d->width, 0.2, "width");
  assert_near (d->height, 0.1, "height");
  assert_near (d->keypoints[0].x, 0.5, "kp x");
  assert_near (d->keypoints[0].y, 0.35, "kp y");
  assert_near (d->score, 0.8, "score");
  fv_packet_unref (p);
}

static void
test_rotations (void **state)
{
  /* A quarter turn: x' = 1 - y, y' = x. The corners (0.2,0.1) (0.6,0.1) (0.6,0.3)
   * (0.2,0.3) go to (0.9,0.2) (0.9,0.6) (0.7,0.6) (0.7,0.2). */
  const float quarter[16] = { 0, -1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
  const float kp[] = { 0.2f, 0.1f };
  FvPacket *p = project_one (quarter, det_detection (0.8f, 0.2f, 0.1f, 0.4f, 0.2f, 1, kp));
  const FvDetection *d = &fv_packet_get_detections (p)->items[0];
  assert_near (d->xmin, 0.7, "xmin");
  assert_near (d->ymin, 0.2, "ymin");
  assert_near (d->width, 0.2, "width");
  assert_near (d->height, 0.4, "height");
  assert_near (d->keypoints[0].x, 0.9, "kp x");
  assert_near (d->keypoints[0].y, 0.2, "kp y");
  fv_packet_unref (p);

  /* An eighth turn of the unit box: corners (0,0) (c,c) (0,2c) (-c,c), c = 0.7071068;
   * the box around them is wider than the box itself. */
  const float c = 0.70710678f;
  const float eighth[16] = { c, -c, 0, 0, c, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
  p = project_one (eighth, det_detection (0.8f, 0, 0, 1, 1, 0, NULL));
  d = &fv_packet_get_detections (p)->items[0];
  assert_near (d->xmin, -0.7071068, "xmin");
  assert_near (d->ymin, 0.0, "ymin");
  assert_near (d->width, 1.4142136, "width");
  assert_near (d->height, 1.4142136, "height");
  fv_packet_unref (p);
}

static void
test_missing_and_bad_matrix (void **state)
{
  FvGraph *g = det_graph_new (projection_graph);
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  FvDetection det = det_detection (0.8f, 0.2f, 0.2f, 0.4f, 0.2f, 0, NULL);
  det_add (g, "dets", det_detections_packet (&det, 1), 1);   /* no matrix at 1 */
  const float nine[9] = { 0 };
  det_add (g, "dets", det_detections_packet (&det, 1), 2);
  det_add (g, "matrix", det_float_tensor (nine, 9), 2);
  char *msg = det_finish_error (g);
  assert_non_null (msg);
  assert_non_null (strstr (msg, "PROJECTION_MATRIX: expected one tensor of 16 floats"));
  g_free (msg);
  assert_int_equal (sink->packets->len, 0);
  det_sink_free (sink);
  fv_graph_free (g);
}

static void
test_letterbox_removal (void **state)
{
  FvGraph *g = det_graph_new (
    "input_stream: 'dets' input_stream: 'padding'\n"
    "node { calculator: 'DetectionLetterboxRemovalCalculator' input_stream: 'DETECTIONS:dets'\n"
    "  input_stream: 'LETTERBOX_PADDING:padding' output_stream: 'DETECTIONS:out' }\n");
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  /* Padding left 0.1, top 0.2, right 0.1, bottom 0: the image spans 0.8 of each side. */
  const float pad[4] = { 0.1f, 0.2f, 0.1f, 0.0f };
  const float kp[] = { 0.5f, 0.6f };
  FvDetection det = det_detection (0.8f, 0.3f, 0.4f, 0.4f, 0.2f, 1, kp);
  det_add (g, "dets", det_detections_packet (&det, 1), 1);
  det_add (g, "padding", fv_packet_new_letterbox_padding (pad), 1);
  det_add (g, "padding", det_float_tensor (pad, 4), 2);   /* no detections at 2: nothing */
  det_add (g, "dets", det_detections_packet (NULL, 0), 3);
  det_add (g, "padding", det_float_tensor (pad, 4), 3);
  det_finish (g);
  assert_int_equal (sink->packets->len, 2);
  const FvDetection *d = &fv_packet_get_detections (g_ptr_array_index (sink->packets, 0))->items[0];
  /* ((0.3 - 0.1) / 0.8, (0.4 - 0.2) / 0.8) = (0.25, 0.25); sizes / 0.8. */
  assert_near (d->xmin, 0.25, "xmin");
  assert_near (d->ymin, 0.25, "ymin");
  assert_near (d->width, 0.5, "width");
  assert_near (d->height, 0.25, "height");
  assert_near (d->keypoints[0].x, 0.5, "kp x");
  assert_near (d->keypoints[0].y, 0.5, "kp y");
  assert_int_equal (fv_packet_get_detections (g_ptr_array_index (sink->packets, 1))->n, 0);
  det_sink_free (sink);
  fv_graph_free (g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_scale_and_translate),
    cmocka_unit_test (test_rotations),
    cmocka_unit_test (test_missing_and_bad_matrix),
    cmocka_unit_test (test_letterbox_removal),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
