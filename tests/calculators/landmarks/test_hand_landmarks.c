/* fovea tests — the calculators the hands solution added, in small graphs:
 * TensorsToClassificationCalculator (handedness, and the general classifier options),
 * WorldLandmarkProjectionCalculator, SplitNormalizedLandmarkListCalculator and
 * HandLandmarksToRectCalculator. Expected values are worked out by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "calculators/detection/image_size.h"
#include "graph/classification.h"
#include "graph/detection.h"
#include "lmk_test_util.h"

#define EPS 1e-5f

static const FvClassifications *
classes_at (GPtrArray *res, guint i)
{
  const FvClassifications *c = fv_packet_get_classifications (res->pdata[i]);
  assert_non_null (c);
  return c;
}

static void
check_class (const FvClassification *c, int index, float score, const char *label)
{
  assert_int_equal (c->index, index);
  assert_float_equal (c->score, score, EPS);
  if (label == NULL)
    assert_null (c->label);
  else
    assert_string_equal (c->label, label);
}

/* The hand landmark model's handedness: one probability s of "Left"; binary mode makes
 * {0 Left s, 1 Right 1 - s} and top_k 1 keeps the better one. */
static void
test_classification_binary_handedness (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 't'\n"
    "node { calculator: 'TensorsToClassificationCalculator' input_stream: 'TENSORS:t'\n"
    "  output_stream: 'CLASSIFICATIONS:top' options {\n"
    "  [mediapipe.TensorsToClassificationCalculatorOptions.ext] { top_k: 1\n"
    "    binary_classification: true\n"
    "    label_map { entries { id: 0 label: 'Left' } entries { id: 1 label: 'Right' } } } } }\n"
    "node { calculator: 'TensorsToClassificationCalculator' input_stream: 'TENSORS:t'\n"
    "  output_stream: 'CLASSIFICATIONS:both' options {\n"
    "  [mediapipe.TensorsToClassificationCalculatorOptions.ext] {\n"
    "    binary_classification: true } } }\n");
  FvPoller *top = fv_graph_add_poller (g, "top", NULL);
  FvPoller *both = fv_graph_add_poller (g, "both", NULL);
  assert_true (fv_graph_start (g, NULL));
  const float s0 = 0.8f, s1 = 0.25f;
  lmk_add (g, "t", lmk_tensor_packet (&s0, 1), 0);
  lmk_add (g, "t", lmk_tensor_packet (&s1, 1), 1);
  g_autoptr (GPtrArray) rt = lmk_finish (g, top, TRUE, NULL);
  g_autoptr (GPtrArray) rb = lmk_finish (g, both, TRUE, NULL);
  assert_int_equal (rt->len, 2);
  assert_int_equal (classes_at (rt, 0)->n, 1);
  check_class (&classes_at (rt, 0)->items[0], 0, 0.8f, "Left");
  check_class (&classes_at (rt, 1)->items[0], 1, 0.75f, "Right");
  /* no top_k, no sorting: both classes in index order, no labels */
  assert_int_equal (classes_at (rb, 1)->n, 2);
  check_class (&classes_at (rb, 1)->items[0], 0, 0.25f, NULL);
  check_class (&classes_at (rb, 1)->items[1], 1, 0.75f, NULL);
  fv_graph_free (g);
}

/* Several classes: softmax of (0, ln 2, ln 3, ln 4) is (0.1, 0.2, 0.3, 0.4); class 3 is
 * ignored and 0.1 is under min_score_threshold 0.15, so top_k 2 gives 2 (0.3), 1 (0.2). */
static void
test_classification_softmax_filters_and_top_k (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 't'\n"
    "node { calculator: 'TensorsToClassificationCalculator' input_stream: 'TENSORS:t'\n"
    "  output_stream: 'CLASSIFICATIONS:c' options {\n"
    "  [mediapipe.TensorsToClassificationCalculatorOptions.ext] { activation: SOFTMAX\n"
    "    top_k: 2 min_score_threshold: 0.15 ignore_classes: 3 } } }\n");
  FvPoller *c = fv_graph_add_poller (g, "c", NULL);
  assert_true (fv_graph_start (g, NULL));
  const float logits[4] = { 0, logf (2), logf (3), logf (4) };
  lmk_add (g, "t", lmk_tensor_packet (logits, 4), 0);
  g_autoptr (GPtrArray) r = lmk_finish (g, c, TRUE, NULL);
  assert_int_equal (r->len, 1);
  assert_int_equal (classes_at (r, 0)->n, 2);
  check_class (&classes_at (r, 0)->items[0], 2, 0.3f, NULL);
  check_class (&classes_at (r, 0)->items[1], 1, 0.2f, NULL);
  fv_graph_free (g);
}

/* Bad options are refused when the graph is built, with the reason; a tensor that does not
 * fit the options fails the run. */
static void
test_classification_errors (void **state)
{
  const struct {
    const char *options, *expect;
  } bad[] = {
    { "label_map_path: 'labels.txt'", "label_map_path" },
    { "label_map { entries { id: 0 label: 'a' } entries { id: 0 label: 'b' } }", "duplicate" },
    { "label_map { entries { label: 'a' } }", "id" },
    { "activation: TANH", "activation" },
    { "top_k: -1", "top_k" },
    { "binary_classification: true ignore_classes: 1", "binary" },
    { "allow_classes: 1 ignore_classes: 2", "not both" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *cfg = g_strdup_printf (
        "input_stream: 't'\n"
        "node { calculator: 'TensorsToClassificationCalculator' input_stream: 'TENSORS:t'\n"
        "  output_stream: 'CLASSIFICATIONS:c' options {\n"
        "  [mediapipe.TensorsToClassificationCalculatorOptions.ext] { %s } } }\n",
        bad[i].options);
      g_autofree char *msg = lmk_graph_error (cfg);
      if (strstr (msg, bad[i].expect) == NULL)
        fail_msg ("%s: '%s' does not say %s", bad[i].options, msg, bad[i].expect);
    }
  const struct {
    const char *options;
    int n;
    const char *expect;
  } runtime[] = {
    { "binary_classification: true", 2, "one score" },
    { "label_map { entries { id: 0 label: 'a' } }", 2, "label map" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (runtime); i++)
    {
      g_autofree char *cfg = g_strdup_printf (
        "input_stream: 't'\n"
        "node { calculator: 'TensorsToClassificationCalculator' input_stream: 'TENSORS:t'\n"
        "  output_stream: 'CLASSIFICATIONS:c' options {\n"
        "  [mediapipe.TensorsToClassificationCalculatorOptions.ext] { %s } } }\n",
        runtime[i].options);
      FvGraph *g = lmk_graph (cfg);
      FvPoller *c = fv_graph_add_poller (g, "c", NULL);
      assert_true (fv_graph_start (g, NULL));
      const float v[2] = { 0.5f, 0.5f };
      lmk_add (g, "t", lmk_tensor_packet (v, runtime[i].n), 0);
      g_autofree char *msg = NULL;
      g_autoptr (GPtrArray) r = lmk_finish (g, c, FALSE, &msg);
      if (strstr (msg, runtime[i].expect) == NULL)
        fail_msg ("%s: '%s' does not say %s", runtime[i].options, msg, runtime[i].expect);
      fv_graph_free (g);
    }
}

/* World landmarks turn with the ROI about the origin: a quarter turn clockwise (pi/2) takes
 * (1, 0) to (0, 1) and (0, 1) to (-1, 0); z stays. Without NORM_RECT they pass unchanged. */
static void
test_world_landmark_projection (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm' input_stream: 'roi'\n"
    "node { calculator: 'WorldLandmarkProjectionCalculator' input_stream: 'LANDMARKS:lm'\n"
    "  input_stream: 'NORM_RECT:roi' output_stream: 'LANDMARKS:turned' }\n"
    "node { calculator: 'WorldLandmarkProjectionCalculator' input_stream: 'LANDMARKS:lm'\n"
    "  output_stream: 'LANDMARKS:same' }\n");
  FvPoller *turned = fv_graph_add_poller (g, "turned", NULL);
  FvPoller *same = fv_graph_add_poller (g, "same", NULL);
  assert_true (fv_graph_start (g, NULL));
  const float xy[4] = { 1, 0, 0, 1 };
  FvNormRect rect = { 0.3f, 0.6f, 0.2f, 0.1f, (float) G_PI_2, 0 };
  lmk_add (g, "lm", lmk_landmarks_packet (xy, 2, 0.5f), 0);   /* z 0.5, 1.5 */
  lmk_add (g, "roi", fv_packet_new_norm_rect (&rect), 0);
  g_autoptr (GPtrArray) rt = lmk_finish (g, turned, TRUE, NULL);
  g_autoptr (GPtrArray) rs = lmk_finish (g, same, TRUE, NULL);
  const FvLandmarks *t = fv_packet_get_landmarks (rt->pdata[0]);
  assert_float_equal (t->items[0].x, 0, EPS);
  assert_float_equal (t->items[0].y, 1, EPS);
  assert_float_equal (t->items[0].z, 0.5f, EPS);
  assert_float_equal (t->items[1].x, -1, EPS);
  assert_float_equal (t->items[1].y, 0, EPS);
  assert_float_equal (t->items[1].z, 1.5f, EPS);
  const FvLandmarks *s = fv_packet_get_landmarks (rs->pdata[0]);
  assert_float_equal (s->items[1].x, 0, EPS);
  assert_float_equal (s->items[1].y, 1, EPS);
  fv_graph_free (g);
}

/* The hand subset: ranges {0,4} {5,7} {9,11} {13,15} {17,19} of 21 points combined give
 * points 0 1 2 3 5 6 9 10 13 14 17 18; without combine_outputs each range has its stream. */
static void
test_split_landmarks (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'lm'\n"
    "node { calculator: 'SplitNormalizedLandmarkListCalculator' input_stream: 'lm'\n"
    "  output_stream: 'subset' options { [mediapipe.SplitVectorCalculatorOptions.ext] {\n"
    "    ranges: { begin: 0 end: 4 } ranges: { begin: 5 end: 7 } ranges: { begin: 9 end: 11 }\n"
    "    ranges: { begin: 13 end: 15 } ranges: { begin: 17 end: 19 } combine_outputs: true } } }\n"
    "node { calculator: 'SplitLandmarkListCalculator' input_stream: 'lm'\n"
    "  output_stream: 'head' output_stream: 'tail' options {\n"
    "  [mediapipe.SplitVectorCalculatorOptions.ext] {\n"
    "    ranges: { begin: 0 end: 1 } ranges: { begin: 19 end: 21 } } } }\n");
  FvPoller *subset = fv_graph_add_poller (g, "subset", NULL);
  FvPoller *head = fv_graph_add_poller (g, "head", NULL);
  FvPoller *tail = fv_graph_add_poller (g, "tail", NULL);
  assert_true (fv_graph_start (g, NULL));
  float xy[42];
  for (int i = 0; i < 21; i++)
    xy[2 * i] = (float) i, xy[2 * i + 1] = 0;
  lmk_add (g, "lm", lmk_landmarks_packet (xy, 21, 0), 0);
  g_autoptr (GPtrArray) rs = lmk_finish (g, subset, TRUE, NULL);
  g_autoptr (GPtrArray) rh = lmk_finish (g, head, TRUE, NULL);
  g_autoptr (GPtrArray) rt = lmk_finish (g, tail, TRUE, NULL);
  const int want[12] = { 0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18 };
  const FvLandmarks *s = fv_packet_get_landmarks (rs->pdata[0]);
  assert_int_equal (s->n, 12);
  for (int i = 0; i < 12; i++)
    assert_float_equal (s->items[i].x, (float) want[i], 0);
  assert_int_equal (fv_packet_get_landmarks (rh->pdata[0])->n, 1);
  const FvLandmarks *t = fv_packet_get_landmarks (rt->pdata[0]);
  assert_int_equal (t->n, 2);
  assert_float_equal (t->items[1].x, 20, 0);
  fv_graph_free (g);

  /* a list shorter than the ranges fails the run; bad ranges are refused */
  g = lmk_graph (
    "input_stream: 'lm'\n"
    "node { calculator: 'SplitNormalizedLandmarkListCalculator' input_stream: 'lm'\n"
    "  output_stream: 'out' options { [mediapipe.SplitVectorCalculatorOptions.ext] {\n"
    "    ranges: { begin: 0 end: 19 } } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "lm", lmk_landmarks_packet (xy, 5, 0), 0);
  g_autofree char *msg = NULL;
  g_autoptr (GPtrArray) r = lmk_finish (g, out, FALSE, &msg);
  assert_non_null (strstr (msg, "19"));
  fv_graph_free (g);
  g_autofree char *m2 = lmk_graph_error (
    "input_stream: 'lm'\n"
    "node { calculator: 'SplitNormalizedLandmarkListCalculator' input_stream: 'lm'\n"
    "  output_stream: 'out' options { [mediapipe.SplitVectorCalculatorOptions.ext] {\n"
    "    ranges: { begin: 3 end: 3 } } } }\n");
  assert_non_null (strstr (m2, "begin < end"));
}

/* The 12-point subset of an upright hand on a 200 x 100 image, in pixels: wrist (100, 80),
 * the MCPs (points 4, 6, 8) at y 40 with x 90, 100, 110 and the other points spread within
 * x 70..130, y 30..85. Upright: rotation 0, the box is the points' extent, 60 x 55 px.
 * The same hand turned by a about the wrist (clockwise on screen, y down) must give
 * rotation a and the same 60 x 55 box, centred on the turned centre. */
static void
test_hand_landmarks_to_rect (void **state)
{
  const float px[24] = { 100, 80,  80, 70,  75, 55,  70, 45,  90, 40,  90, 30,
                         100, 40,  100, 30, 110, 40,  110, 32,  125, 45,  130, 85 };
  const double W = 200, H = 100;
  const double angles[3] = { 0, 0.5, -2.0 };
  FvGraph *g = lmk_graph (
    "input_stream: 'lm' input_stream: 'size'\n"
    "node { calculator: 'HandLandmarksToRectCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  input_stream: 'IMAGE_SIZE:size' output_stream: 'NORM_RECT:rect' }\n");
  FvPoller *out = fv_graph_add_poller (g, "rect", NULL);
  assert_true (fv_graph_start (g, NULL));
  for (int k = 0; k < 3; k++)
    {
      double c = cos (angles[k]), s = sin (angles[k]);
      float xy[24];
      for (int i = 0; i < 12; i++)
        {
          double dx = px[2 * i] - 100, dy = px[2 * i + 1] - 80;
          xy[2 * i] = (float) ((100 + c * dx - s * dy) / W);
          xy[2 * i + 1] = (float) ((80 + s * dx + c * dy) / H);
        }
      lmk_add (g, "lm", lmk_landmarks_packet (xy, 12, 0), k);
      lmk_add (g, "size", fv_packet_new_image_size ((int) W, (int) H), k);
    }
  g_autoptr (GPtrArray) r = lmk_finish (g, out, TRUE, NULL);
  assert_int_equal (r->len, 3);
  for (int k = 0; k < 3; k++)
    {
      const FvNormRect *rect = fv_packet_get_norm_rect (r->pdata[k]);
      /* upright box: x 70..130, y 30..85, centre (100, 57.5) -> turned about the wrist */
      double c = cos (angles[k]), s = sin (angles[k]);
      double cx = 100 + c * 0 - s * (57.5 - 80), cy = 80 + s * 0 + c * (57.5 - 80);
      assert_float_equal (rect->rotation, angles[k], 1e-4);
      assert_float_equal (rect->width * W, 60, 1e-3);
      assert_float_equal (rect->height * H, 55, 1e-3);
      assert_float_equal (rect->x_center * W, cx, 1e-3);
      assert_float_equal (rect->y_center * H, cy, 1e-3);
    }
  fv_graph_free (g);

  /* fewer points than the subset fails the run */
  g = lmk_graph (
    "input_stream: 'lm' input_stream: 'size'\n"
    "node { calculator: 'HandLandmarksToRectCalculator' input_stream: 'NORM_LANDMARKS:lm'\n"
    "  input_stream: 'IMAGE_SIZE:size' output_stream: 'NORM_RECT:rect' }\n");
  out = fv_graph_add_poller (g, "rect", NULL);
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "lm", lmk_landmarks_packet (px, 5, 0), 0);
  lmk_add (g, "size", fv_packet_new_image_size (200, 100), 0);
  g_autofree char *msg = NULL;
  g_autoptr (GPtrArray) r2 = lmk_finish (g, out, FALSE, &msg);
  assert_non_null (strstr (msg, "12-point"));
  fv_graph_free (g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_classification_binary_handedness),
    cmocka_unit_test (test_classification_softmax_filters_and_top_k),
    cmocka_unit_test (test_classification_errors),
    cmocka_unit_test (test_world_landmark_projection),
    cmocka_unit_test (test_split_landmarks),
    cmocka_unit_test (test_hand_landmarks_to_rect),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
