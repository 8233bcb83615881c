/* fovea tests — SsdAnchorsCalculator: anchor counts of the MediaPipe detectors and
 * anchor positions/sizes worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "calculators/detection/anchors.h"
#include "det_test_util.h"

/* Runs SsdAnchorsCalculator with these options and returns its side packet (transfer
 * full), read back through the probe at one tick. */
static FvPacket *
anchors_for (const char *options)
{
  char *config = g_strdup_printf (
    "input_stream: 'tick'\n"
    "node { calculator: 'SsdAnchorsCalculator' output_side_packet: 'anchors'\n"
    "  options { [mediapipe.SsdAnchorsCalculatorOptions.ext] { %s } } }\n"
    "node { calculator: 'TestSidePacketProbeCalculator' input_stream: 'TICK:tick'\n"
    "  input_side_packet: 'anchors' output_stream: 'out' }\n",
    options);
  FvGraph *g = det_graph_new (config);
  g_free (config);
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  det_add (g, "tick", fv_packet_new_int (0), 0);
  det_finish (g);
  assert_int_equal (sink->packets->len, 1);
  FvPacket *p = fv_packet_ref (g_ptr_array_index (sink->packets, 0));
  det_sink_free (sink);
  fv_graph_free (g);
  assert_non_null (fv_packet_get_anchors (p));
  return p;
}

static void
assert_anchor (const FvAnchors *a, int i, double x, double y, double w, double h)
{
  assert_true (i < a->n);
  if (fabs (a->items[i].x_center - x) > DET_EPS || fabs (a->items[i].y_center - y) > DET_EPS
      || fabs (a->items[i].w - w) > DET_EPS || fabs (a->items[i].h - h) > DET_EPS)
    fail_msg ("anchor %d is (%g, %g, %g, %g), expected (%g, %g, %g, %g)", i,
              a->items[i].x_center, a->items[i].y_center, a->items[i].w, a->items[i].h, x, y,
              w, h);
}

#define BLAZE_COMMON \
  "min_scale: 0.1484375 max_scale: 0.75 anchor_offset_x: 0.5 anchor_offset_y: 0.5 " \
  "aspect_ratios: 1.0 fixed_anchor_size: true "

static void
test_face_short_range (void **state)
{
  FvPacket *p = anchors_for ("num_layers: 4 input_size_height: 128 input_size_width: 128 "
                             "strides: 8 strides: 16 strides: 16 strides: 16 " BLAZE_COMMON);
  const FvAnchors *a = fv_packet_get_anchors (p);
  /* 16x16 cells x 2 anchors (ratio 1 + interpolated), then 8x8 x 6 (3 merged layers). */
  assert_int_equal (a->n, 16 * 16 * 2 + 8 * 8 * 6);
  assert_int_equal (a->n, 896);
  assert_anchor (a, 0, 0.5 / 16, 0.5 / 16, 1, 1);
  assert_anchor (a, 1, 0.5 / 16, 0.5 / 16, 1, 1);
  assert_anchor (a, 2, 1.5 / 16, 0.5 / 16, 1, 1);
  assert_anchor (a, 32, 0.5 / 16, 1.5 / 16, 1, 1);       /* row 1 starts after 16 cells */
  assert_anchor (a, 511, 15.5 / 16, 15.5 / 16, 1, 1);
  assert_anchor (a, 512, 0.5 / 8, 0.5 / 8, 1, 1);
  assert_anchor (a, 517, 0.5 / 8, 0.5 / 8, 1, 1);
  assert_anchor (a, 518, 1.5 / 8, 0.5 / 8, 1, 1);
  assert_anchor (a, 895, 7.5 / 8, 7.5 / 8, 1, 1);
  fv_packet_unref (p);
}

static void
test_face_full_range (void **state)
{
  FvPacket *p = anchors_for ("num_layers: 1 input_size_height: 192 input_size_width: 192 "
                             "strides: 4 interpolated_scale_aspect_ratio: 0.0 " BLAZE_COMMON);
  const FvAnchors *a = fv_packet_get_anchors (p);
  assert_int_equal (a->n, 48 * 48);
  assert_int_equal (a->n, 2304);
  assert_anchor (a, 0, 0.5 / 48, 0.5 / 48, 1, 1);
  assert_anchor (a, 1, 1.5 / 48, 0.5 / 48, 1, 1);
  assert_anchor (a, 48, 0.5 / 48, 1.5 / 48, 1, 1);
  assert_anchor (a, 2303, 47.5 / 48, 47.5 / 48, 1, 1);
  fv_packet_unref (p);
}

static void
test_palm (void **state)
{
  FvPacket *p = anchors_for ("num_layers: 4 input_size_height: 192 input_size_width: 192 "
                             "strides: 8 strides: 16 strides: 16 strides: 16 " BLAZE_COMMON);
  const FvAnchors *a = fv_packet_get_anchors (p);
  assert_int_equal (a->n, 24 * 24 * 2 + 12 * 12 * 6);
  assert_int_equal (a->n, 2016);
  assert_anchor (a, 0, 0.5 / 24, 0.5 / 24, 1, 1);
  assert_anchor (a, 1151, 23.5 / 24, 23.5 / 24, 1, 1);
  assert_anchor (a, 1152, 0.5 / 12, 0.5 / 12, 1, 1);
  assert_anchor (a, 2015, 11.5 / 12, 11.5 / 12, 1, 1);
  fv_packet_unref (p);
}

static void
test_pose (void **state)
{
  FvPacket *p = anchors_for ("num_layers: 5 input_size_height: 224 input_size_width: 224 "
                             "strides: 8 strides: 16 strides: 32 strides: 32 strides: 32 "
                             BLAZE_COMMON);
  const FvAnchors *a = fv_packet_get_anchors (p);
  assert_int_equal (a->n, 28 * 28 * 2 + 14 * 14 * 2 + 7 * 7 * 6);
  assert_int_equal (a->n, 2254);
  assert_anchor (a, 0, 0.5 / 28, 0.5 / 28, 1, 1);
  assert_anchor (a, 1568, 0.5 / 14, 0.5 / 14, 1, 1);
  assert_anchor (a, 1568 + 392, 0.5 / 7, 0.5 / 7, 1, 1);
  assert_anchor (a, 2253, 6.5 / 7, 6.5 / 7, 1, 1);
  fv_packet_unref (p);
}

static void
test_scaled_sizes (void **state)
{
  /* The short-range layout without fixed_anchor_size. Scales s_i = 0.1484375 +
   * 0.6015625 * i / 3: s0 = 0.1484375, s1 = 0.34895833, s2 = 0.54947917, s3 = 0.75. */
  FvPacket *p = anchors_for ("num_layers: 4 input_size_height: 128 input_size_width: 128 "
                             "strides: 8 strides: 16 strides: 16 strides: 16 "
                             "min_scale: 0.1484375 max_scale: 0.75 aspect_ratios: 1.0");
  const FvAnchors *a = fv_packet_get_anchors (p);
  double s0 = 0.1484375, s1 = 0.1484375 + 0.6015625 / 3, s2 = 0.1484375 + 0.6015625 * 2 / 3;
  assert_anchor (a, 0, 0.5 / 16, 0.5 / 16, s0, s0);
  assert_anchor (a, 1, 0.5 / 16, 0.5 / 16, sqrt (s0 * s1), sqrt (s0 * s1));
  /* Merged layers 1..3 per cell: s1, sqrt(s1 s2), s2, sqrt(s2 s3), s3, sqrt(s3 * 1). */
  assert_anchor (a, 512, 0.0625, 0.0625, s1, s1);
  assert_anchor (a, 513, 0.0625, 0.0625, sqrt (s1 * s2), sqrt (s1 * s2));
  assert_anchor (a, 514, 0.0625, 0.0625, s2, s2);
  assert_anchor (a, 515, 0.0625, 0.0625, sqrt (s2 * 0.75), sqrt (s2 * 0.75));
  assert_anchor (a, 516, 0.0625, 0.0625, 0.75, 0.75);
  assert_anchor (a, 517, 0.0625, 0.0625, 0.8660254, 0.8660254);
  fv_packet_unref (p);
}

static void
test_aspect_ratios_and_offsets (void **state)
{
  /* One layer: scale (0.2 + 0.6) / 2 = 0.4; ratio 2 gives 0.4*sqrt2 x 0.4/sqrt2; the
   * interpolated anchor sqrt(0.4 * 1). 4/2 = 2x2 cells, offsets 0 and 1. */
  FvPacket *p = anchors_for ("num_layers: 1 input_size_height: 4 input_size_width: 4 "
                             "strides: 2 min_scale: 0.2 max_scale: 0.6 aspect_ratios: 1.0 "
                             "aspect_ratios: 2.0 anchor_offset_x: 0.0 anchor_offset_y: 1.0");
  const FvAnchors *a = fv_packet_get_anchors (p);
  assert_int_equal (a->n, 2 * 2 * 3);
  assert_anchor (a, 0, 0.0, 0.5, 0.4, 0.4);
  assert_anchor (a, 1, 0.0, 0.5, 0.56568542, 0.28284271);
  assert_anchor (a, 2, 0.0, 0.5, 0.63245553, 0.63245553);
  assert_anchor (a, 3, 0.5, 0.5, 0.4, 0.4);
  assert_anchor (a, 11, 0.5, 1.0, 0.63245553, 0.63245553);
  fv_packet_unref (p);
}

static void
test_reduced_lowest_layer_and_feature_maps (void **state)
{
  /* reduce_boxes_in_lowest_layer: layer 0 uses ratios {1, 2, 0.5} with scales
   * {0.1, s, s}, s = 0.4 here; the feature map 2 wide x 3 high is given directly. */
  FvPacket *p = anchors_for ("num_layers: 1 feature_map_width: 2 feature_map_height: 3 "
                             "min_scale: 0.2 max_scale: 0.6 aspect_ratios: 1.0 "
                             "reduce_boxes_in_lowest_layer: true");
  const FvAnchors *a = fv_packet_get_anchors (p);
  assert_int_equal (a->n, 2 * 3 * 3);
  assert_anchor (a, 0, 0.25, 0.5 / 3, 0.1, 0.1);
  assert_anchor (a, 1, 0.25, 0.5 / 3, 0.56568542, 0.28284271);
  assert_anchor (a, 2, 0.25, 0.5 / 3, 0.28284271, 0.56568542);
  assert_anchor (a, 17, 0.75, 2.5 / 3, 0.28284271, 0.56568542);
  fv_packet_unref (p);
}

static void
test_bad_options (void **state)
{
  char *msg = det_graph_error (
    "node { calculator: 'SsdAnchorsCalculator' output_side_packet: 'anchors'\n"
    "  options { [mediapipe.SsdAnchorsCalculatorOptions.ext] { num_layers: 2\n"
    "    input_size_height: 128 input_size_width: 128 strides: 8 min_scale: 0.1\n"
    "    max_scale: 0.7 aspect_ratios: 1.0 } } }\n");
  assert_non_null (strstr (msg, "1 strides for 2 layers"));
  g_free (msg);
  msg = det_graph_error (
    "node { calculator: 'SsdAnchorsCalculator' output_side_packet: 'anchors'\n"
    "  options { [mediapipe.SsdAnchorsCalculatorOptions.ext] { num_layers: 1\n"
    "    input_size_height: 128 input_size_width: 128 min_scale: 0.1 } } }\n");
  assert_non_null (strstr (msg, "strides are missing"));
  g_free (msg);
  msg = det_graph_error (
    "node { calculator: 'SsdAnchorsCalculator' output_side_packet: 'anchors'\n"
    "  options { [mediapipe.SsdAnchorsCalculatorOptions.ext] { num_layers: 1\n"
    "    input_size_height: 1000000 input_size_width: 1000000 strides: 1\n"
    "    min_scale: 0.1 max_scale: 0.7 aspect_ratios: 1.0 } } }\n");
  assert_non_null (strstr (msg, "feature maps in 1..4096"));
  g_free (msg);
}

int
main (void)
{
  det_register_probe ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_face_short_range),
    cmocka_unit_test (test_face_full_range),
    cmocka_unit_test (test_palm),
    cmocka_unit_test (test_pose),
    cmocka_unit_test (test_scaled_sizes),
    cmocka_unit_test (test_aspect_ratios_and_offsets),
    cmocka_unit_test (test_reduced_lowest_layer_and_feature_maps),
    cmocka_unit_test (test_bad_options),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
