/* fovea tests — ImagePropertiesCalculator, DetectionsToRectsCalculator and
 * RectTransformationCalculator on a 640x480 image: sizes, rotations from keypoints and
 * ROI transforms worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "calculators/detection/image_size.h"
#include "det_test_util.h"
#include "graph/image.h"

static void
assert_near (double got, double want, const char *what)
{
  if (fabs (got - want) > DET_EPS)
    fail_msg ("%s is %.7f, expected %.7f", what, got, want);
}

static void
assert_rect (const FvNormRect *r, double x, double y, double w, double h, double rotation)
{
  assert_near (r->x_center, x, "x_center");
  assert_near (r->y_center, y, "y_center");
  assert_near (r->width, w, "width");
  assert_near (r->height, h, "height");
  assert_near (r->rotation, rotation, "rotation");
}

static FvPacket *
image_640x480 (void)
{
  return fv_packet_new_image (fv_image_new (FV_IMAGE_GRAY8, 640, 480, NULL));
}

/* DetectionsToRects behind ImageProperties, on one detection list (and a 640x480 image
 * at the same timestamp when with_image); returns the output packets (transfer full). */
static GPtrArray *
detections_to_rects (const char *out_tag, const char *options, const FvDetection *items,
                     int n_items, gboolean with_image)
{
  char *config = g_strdup_printf (
    "input_stream: 'image' input_stream: 'dets'\n"
    "node { calculator: 'ImagePropertiesCalculator' input_stream: 'IMAGE:image'\n"
    "  output_stream: 'SIZE:size' }\n"
    "node { calculator: 'DetectionsToRectsCalculator' input_stream: 'DETECTIONS:dets'\n"
    "  input_stream: 'IMAGE_SIZE:size' output_stream: '%s:out'\n"
    "  options { [mediapipe.DetectionsToRectsCalculatorOptions.ext] { %s } } }\n",
    out_tag, options);
  FvGraph *g = det_graph_new (config);
  g_free (config);
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  if (with_image)
    det_add (g, "image", image_640x480 (), 7);
  det_add (g, "dets", det_detections_packet (items, n_items), 7);
  det_finish (g);
  GPtrArray *out = g_ptr_array_ref (sink->packets);
  det_sink_free (sink);
  fv_graph_free (g);
  return out;
}

static void
test_image_properties (void **state)
{
  FvGraph *g = det_graph_new (
    "input_stream: 'image'\n"
    "node { calculator: 'ImagePropertiesCalculator' input_stream: 'IMAGE:image'\n"
    "  output_stream: 'SIZE:size' }\n");
  DetSink *sink = det_sink_new (g, "size");
  det_start (g);
  det_add (g, "image", image_640x480 (), 3);
  det_finish (g);
  assert_int_equal (sink->packets->len, 1);
  const FvImageSize *s = fv_packet_get_image_size (g_ptr_array_index (sink->packets, 0));
  assert_non_null (s);
  assert_int_equal (s->width, 640);
  assert_int_equal (s->height, 480);
  assert_int_equal (fv_packet_timestamp (g_ptr_array_index (sink->packets, 0)), 3);
  det_sink_free (sink);
  fv_graph_free (g);
}

static void
test_rotation_from_eyes (void **state)
{
  /* Box (0.25, 0.25) 0.5 x 0.5 -> centre (0.5, 0.5). Eyes at (0.4, 0.5) and (0.6, 0.6):
   * pixels (256, 240) -> (384, 288), dx = 128, dy = 48 (down). rotation = 0 -
   * atan2(-48, 128) = atan(0.375) = 0.3587707 rad (the face is turned clockwise). */
  const float eyes[] = { 0.4f, 0.5f, 0.6f, 0.6f };
  FvDetection det = det_detection (0.9f, 0.25f, 0.25f, 0.5f, 0.5f, 2, eyes);
  GPtrArray *out = detections_to_rects ("NORM_RECT",
                                        "rotation_vector_start_keypoint_index: 0 "
                                        "rotation_vector_end_keypoint_index: 1 "
                                        "rotation_vector_target_angle_degrees: 0",
                                        &det, 1, TRUE);
  assert_int_equal (out->len, 1);
  assert_rect (fv_packet_get_norm_rect (g_ptr_array_index (out, 0)), 0.5, 0.5, 0.5, 0.5,
               0.3587707);
  g_ptr_array_unref (out);

  /* Target 90 degrees (the hand convention): a vector pointing right needs a quarter turn,
   * pi/2; one pointing up needs none. */
  const float hand[] = { 0.4f, 0.5f, 0.6f, 0.5f, 0.5f, 0.8f, 0.5f, 0.4f };
  FvDetection dets[2] = { det_detection (0.9f, 0.25f, 0.25f, 0.5f, 0.5f, 2, hand),
                          det_detection (0.8f, 0.0f, 0.0f, 0.2f, 0.4f, 2, hand + 4) };
  out = detections_to_rects ("NORM_RECTS",
                             "rotation_vector_start_keypoint_index: 0 "
                             "rotation_vector_end_keypoint_index: 1 "
                             "rotation_vector_target_angle: 1.5707963",
                             dets, 2, TRUE);
  const FvNormRects *rs = fv_packet_get_norm_rects (g_ptr_array_index (out, 0));
  assert_int_equal (rs->n, 2);
  assert_rect (&rs->items[0], 0.5, 0.5, 0.5, 0.5, G_PI / 2);
  assert_rect (&rs->items[1], 0.1, 0.2, 0.2, 0.4, 0.0);
  g_ptr_array_unref (out);

  /* Wrapping: (0.6, 0.5) -> (0.4, 0.6) is (-128, +48) px: atan2(-48, -128) =
   * -(pi - 0.3587707) = -2.7828220; with target pi/2 the raw angle 4.3536183 wraps to
   * 4.3536183 - 2 pi = -1.9295670. */
  const float back[] = { 0.6f, 0.5f, 0.4f, 0.6f };
  det = det_detection (0.9f, 0.25f, 0.25f, 0.5f, 0.5f, 2, back);
  out = detections_to_rects ("NORM_RECT",
                             "rotation_vector_start_keypoint_index: 0 "
                             "rotation_vector_end_keypoint_index: 1 "
                             "rotation_vector_target_angle_degrees: 90",
                             &det, 1, TRUE);
  assert_rect (fv_packet_get_norm_rect (g_ptr_array_index (out, 0)), 0.5, 0.5, 0.5, 0.5,
               -1.9295670);
  g_ptr_array_unref (out);

  /* Without an image size at that timestamp, a rotating node emits nothing. */
  out = detections_to_rects ("NORM_RECT",
                             "rotation_vector_start_keypoint_index: 0 "
                             "rotation_vector_end_keypoint_index: 1 "
                             "rotation_vector_target_angle_degrees: 90",
                             &det, 1, FALSE);
  assert_int_equal (out->len, 0);
  g_ptr_array_unref (out);
}

static void
test_keypoint_mode_and_empty (void **state)
{
  /* USE_KEYPOINTS: the box around (0.4, 0.5), (0.6, 0.6), (0.5, 0.7). */
  const float kps[] = { 0.4f, 0.5f, 0.6f, 0.6f, 0.5f, 0.7f };
  FvDetection det = det_detection (0.9f, 0.0f, 0.0f, 1.0f, 1.0f, 3, kps);
  GPtrArray *out = detections_to_rects ("NORM_RECT", "conversion_mode: USE_KEYPOINTS", &det, 1,
                                        TRUE);
  assert_rect (fv_packet_get_norm_rect (g_ptr_array_index (out, 0)), 0.5, 0.6, 0.2, 0.2, 0.0);
  g_ptr_array_unref (out);

  out = detections_to_rects ("NORM_RECT", "", NULL, 0, TRUE);
  assert_int_equal (out->len, 0);
  g_ptr_array_unref (out);
  out = detections_to_rects ("NORM_RECTS", "output_zero_rect_for_empty_detections: true", NULL,
                             0, TRUE);
  assert_int_equal (out->len, 1);
  const FvNormRects *rs = fv_packet_get_norm_rects (g_ptr_array_index (out, 0));
  assert_int_equal (rs->n, 1);
  assert_rect (&rs->items[0], 0, 0, 0, 0, 0);
  g_ptr_array_unref (out);

  /* A rotation without an image size is refused at validation. */
  char *msg = det_graph_error (
    "input_stream: 'dets'\n"
    "node { calculator: 'DetectionsToRectsCalculator' input_stream: 'DETECTIONS:dets'\n"
    "  output_stream: 'NORM_RECT:out'\n"
    "  options { [mediapipe.DetectionsToRectsCalculatorOptions.ext] {\n"
    "    rotation_vector_start_keypoint_index: 0 rotation_vector_end_keypoint_index: 1\n"
    "    rotation_vector_target_angle: 0 } } }\n");
  assert_non_null (strstr (msg, "needs IMAGE_SIZE"));
  g_free (msg);
}

/* A keypoint index the detection does not have is an error, not a crash; the size
 * comes as a side packet here. */
static void
test_keypoint_out_of_range (void **state)
{
  GHashTable *side = g_hash_table_new (g_str_hash, g_str_equal);
  FvPacket *size = fv_packet_new_image_size (640, 480);
  g_hash_table_insert (side, "size", size);
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'dets' input_side_packet: 'size'\n"
    "node { calculator: 'DetectionsToRectsCalculator' input_stream: 'DETECTION:dets'\n"
    "  input_side_packet: 'IMAGE_SIZE:size' output_stream: 'NORM_RECT:out'\n"
    "  options { [mediapipe.DetectionsToRectsCalculatorOptions.ext] {\n"
    "    rotation_vector_start_keypoint_index: 0 rotation_vector_end_keypoint_index: 5\n"
    "    rotation_vector_target_angle: 0 } } }\n",
    side, &err);
  g_hash_table_destroy (side);
  fv_packet_unref (size);
  if (g == NULL)
    fail_msg ("graph: %s", err->message);
  det_start (g);
  const float eyes[] = { 0.4f, 0.5f, 0.6f, 0.6f };
  FvDetection det = det_detection (0.9f, 0.25f, 0.25f, 0.5f, 0.5f, 2, eyes);
  det_add (g, "dets", det_detections_packet (&det, 1), 1);
  char *msg = det_finish_error (g);
  assert_non_null (msg);
  assert_non_null (strstr (msg, "keypoints 0 -> 5, but the detection has 2"));
  g_free (msg);
  fv_graph_free (g);
}

/* RectTransformation of rect(s) on a 640x480 image. */
static GPtrArray *
transform (const char *in_tag, FvPacket *rects, const char *options)
{
  char *config = g_strdup_printf (
    "input_stream: 'rects' input_stream: 'image'\n"
    "node { calculator: 'ImagePropertiesCalculator' input_stream: 'IMAGE:image'\n"
    "  output_stream: 'SIZE:size' }\n"
    "node { calculator: 'RectTransformationCalculator' input_stream: '%s:rects'\n"
    "  input_stream: 'IMAGE_SIZE:size' output_stream: 'out'\n"
    "  options { [mediapipe.RectTransformationCalculatorOptions.ext] { %s } } }\n",
    in_tag, options);
  FvGraph *g = det_graph_new (config);
  g_free (config);
  DetSink *sink = det_sink_new (g, "out");
  det_start (g);
  det_add (g, "image", image_640x480 (), 4);
  det_add (g, "rects", rects, 4);
  det_finish (g);
  GPtrArray *out = g_ptr_array_ref (sink->packets);
  det_sink_free (sink);
  fv_graph_free (g);
  return out;
}

static void
test_rect_transformation (void **state)
{
  /* 0.25 x 0.5 of 640x480 is 160 x 240 px. shift_y -0.5 moves up by half the height
   * (0.25); square_long makes both sides 240 px = 0.375 x 0.5; scale 1.5 -> 0.5625 x 0.75. */
  FvNormRect r = { .x_center = 0.5f, .y_center = 0.5f, .width = 0.25f, .height = 0.5f };
  GPtrArray *out = transform ("NORM_RECT", fv_packet_new_norm_rect (&r),
                              "scale_x: 1.5 scale_y: 1.5 shift_y: -0.5 square_long: true");
  assert_int_equal (out->len, 1);
  assert_rect (fv_packet_get_norm_rect (g_ptr_array_index (out, 0)), 0.5, 0.25, 0.5625, 0.75,
               0);
  g_ptr_array_unref (out);

  /* Rotated a quarter turn: shift_x 0.5 moves along the rect's own x axis, which now
   * points down the image: by 0.5 * 160 px = 80 px = 80/480 = 0.1666667 in y.
   * square_short: min(160, 240) = 160 px -> 0.25 x 0.3333333. */
  FvNormRects *list = fv_norm_rects_new (2);
  list->items[0] = (FvNormRect) { .x_center = 0.5f, .y_center = 0.5f, .width = 0.25f,
                                  .height = 0.5f, .rotation = (float) (G_PI / 2) };
  list->items[1] = r;
  out = transform ("NORM_RECTS", fv_packet_new_norm_rects (list),
                   "shift_x: 0.5 square_short: true");
  const FvNormRects *rs = fv_packet_get_norm_rects (g_ptr_array_index (out, 0));
  assert_int_equal (rs->n, 2);
  assert_rect (&rs->items[0], 0.5, 0.5 + 80.0 / 480, 0.25, 160.0 / 480, G_PI / 2);
  /* Unrotated: shift_x 0.5 of 0.25 wide -> x + 0.125. */
  assert_rect (&rs->items[1], 0.625, 0.5, 0.25, 160.0 / 480, 0);
  g_ptr_array_unref (out);

  /* rotation_degrees turns the rect first; the shift then follows the new rotation. */
  out = transform ("NORM_RECT", fv_packet_new_norm_rect (&r),
                   "rotation_degrees: 90 shift_x: 0.5");
  assert_rect (fv_packet_get_norm_rect (g_ptr_array_index (out, 0)), 0.5, 0.5 + 80.0 / 480,
               0.25, 0.5, G_PI / 2);
  g_ptr_array_unref (out);

  char *msg = det_graph_error (
    "input_stream: 'rects' input_stream: 'size'\n"
    "node { calculator: 'RectTransformationCalculator' input_stream: 'NORM_RECT:rects'\n"
    "  input_stream: 'IMAGE_SIZE:size' output_stream: 'out'\n"
    "  options { [mediapipe.RectTransformationCalculatorOptions.ext] {\n"
    "    square_long: true square_short: false } } }\n");
  assert_non_null (strstr (msg, "not both"));
  g_free (msg);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_image_properties),
    cmocka_unit_test (test_rotation_from_eyes),
    cmocka_unit_test (test_keypoint_mode_and_empty),
    cmocka_unit_test (test_keypoint_out_of_range),
    cmocka_unit_test (test_rect_transformation),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
