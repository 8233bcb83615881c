/* fovea tests — ClipDetectionVectorSizeCalculator and AssociationNormRectCalculator, the
 * two detection-side pieces of the tracking pattern. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "det_test_util.h"

/* Clips a list of 3 detections (scores 0.9, 0.8, 0.7); returns the output size. */
static int
clip (const char *options, gboolean side_one)
{
  char *config = g_strdup_printf (
    "input_stream: 'in' %s\n"
    "node { calculator: 'ClipDetectionVectorSizeCalculator' input_stream: 'in'\n"
    "  output_stream: 'out' %s\n"
    "  options { [mediapipe.ClipVectorSizeCalculatorOptions.ext] { %s } } }\n",
    side_one ? "input_side_packet: 'n'" : "", side_one ? "input_side_packet: 'n'" : "",
    options);
  GHashTable *side = g_hash_table_new (g_str_hash, g_str_equal);
  FvPacket *one = fv_packet_new_int (1);
  if (side_one)
    g_hash_table_insert (side, "n", one);
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, side, &err);
  g_free (config);
  g_hash_table_destroy (side);
  fv_packet_unref (one);
  if (g == NULL)
    fail_msg ("graph: %s", err->message);
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  FvDetection d[3] = { det_detection (0.9f, 0, 0, 0.1f, 0.1f, 0, NULL),
                       det_detection (0.8f, 0.2f, 0, 0.1f, 0.1f, 0, NULL),
                       det_detection (0.7f, 0.4f, 0, 0.1f, 0.1f, 0, NULL) };
  det_add (g, "in", det_detections_packet (d, 3), 1);
  det_finish (g);
  assert_int_equal (sink->packets->len, 1);
  const FvDetections *out = fv_packet_get_detections (g_ptr_array_index (sink->packets, 0));
  int n = out->n;
  for (int i = 0; i < n; i++)   /* the first ones, in order */
    assert_true (fabsf (out->items[i].score - d[i].score) < 1e-6f);
  det_sink_free (sink);
  fv_graph_free (g);
  return n;
}

static void
test_clip_detection_vector_size (void **state)
{
  assert_int_equal (clip ("", FALSE), 1);                 /* max_vec_size defaults to 1 */
  assert_int_equal (clip ("max_vec_size: 2", FALSE), 2);
  assert_int_equal (clip ("max_vec_size: 5", FALSE), 3);
  assert_int_equal (clip ("max_vec_size: 3", TRUE), 1);   /* the side packet wins */
  char *msg = det_graph_error (
    "input_stream: 'in'\n"
    "node { calculator: 'ClipDetectionVectorSizeCalculator' input_stream: 'in'\n"
    "  output_stream: 'out'\n"
    "  options { [mediapipe.ClipVectorSizeCalculatorOptions.ext] { max_vec_size: 0 } } }\n");
  assert_non_null (strstr (msg, "greater than or equal to 1"));
  g_free (msg);
}

static FvNormRect
rect (float x, float y, float w, float h)
{
  return (FvNormRect) { .x_center = x, .y_center = y, .width = w, .height = h };
}

static FvPacket *
rects_packet (const FvNormRect *items, int n)
{
  FvNormRects *r = fv_norm_rects_new (n);
  for (int i = 0; i < n; i++)
    r->items[i] = items[i];
  return fv_packet_new_norm_rects (r);
}

static void
assert_centre (const FvNormRect *r, float x, float y)
{
  if (fabsf (r->x_center - x) > 1e-6f || fabsf (r->y_center - y) > 1e-6f)
    fail_msg ("rect at (%g, %g), expected (%g, %g)", r->x_center, r->y_center, x, y);
}

static void
test_association (void **state)
{
  FvGraph *g = det_graph_new (
    "input_stream: 'tracked' input_stream: 'detected' input_stream: 'prev'\n"
    "node { calculator: 'AssociationNormRectCalculator' input_stream: 'tracked'\n"
    "  input_stream: 'detected' input_stream: 'PREV:prev' output_stream: 'out'\n"
    "  options { [mediapipe.AssociationCalculatorOptions.ext] {\n"
    "    min_similarity_threshold: 0.5 } } }\n");
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  /* R1 and R3 are 0.2 x 0.2, 0.02 apart: intersection 0.18 x 0.2 = 0.036, IoU 0.036 /
   * (0.04 + 0.04 - 0.036) = 0.818 > 0.5, so the later R3 replaces R1; R2 stays. */
  FvNormRect tracked[2] = { rect (0.3f, 0.3f, 0.2f, 0.2f), rect (0.7f, 0.7f, 0.2f, 0.2f) };
  FvNormRect detected[1] = { rect (0.32f, 0.3f, 0.2f, 0.2f) };
  det_add (g, "tracked", rects_packet (tracked, 2), 1);
  det_add (g, "detected", rects_packet (detected, 1), 1);
  det_add (g, "prev", rects_packet (detected, 1), 1);
  /* At 2: within one list the later of two overlapping rects wins too. */
  FvNormRect one_list[3] = { rect (0.3f, 0.3f, 0.2f, 0.2f), rect (0.32f, 0.3f, 0.2f, 0.2f),
                             rect (0.4f, 0.3f, 0.2f, 0.2f) };
  det_add (g, "detected", rects_packet (one_list, 3), 2);
  /* At 3: every list empty gives an empty list. */
  det_add (g, "tracked", rects_packet (NULL, 0), 3);
  det_finish (g);
  assert_int_equal (sink->packets->len, 3);
  const FvNormRects *r = fv_packet_get_norm_rects (g_ptr_array_index (sink->packets, 0));
  assert_int_equal (r->n, 2);
  assert_centre (&r->items[0], 0.7f, 0.7f);
  assert_centre (&r->items[1], 0.32f, 0.3f);
  r = fv_packet_get_norm_rects (g_ptr_array_index (sink->packets, 1));
  /* R3 replaced R1 (IoU 0.818); then R4 overlaps R3 by 0.12 x 0.2: 0.024 / 0.056 = 0.43. */
  assert_int_equal (r->n, 2);
  assert_centre (&r->items[0], 0.32f, 0.3f);
  assert_centre (&r->items[1], 0.4f, 0.3f);
  r = fv_packet_get_norm_rects (g_ptr_array_index (sink->packets, 2));
  assert_int_equal (r->n, 0);
  det_sink_free (sink);
  fv_graph_free (g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_clip_detection_vector_size),
    cmocka_unit_test (test_association),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
