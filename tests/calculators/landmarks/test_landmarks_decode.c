/* fovea tests — the tensor decoders of the landmark pipelines, each run in a small graph:
 * TensorsToLandmarksCalculator, TensorsToFloatsCalculator, ThresholdingCalculator,
 * SplitTensorVectorCalculator. Expected values are worked out by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "graph/packet_vector.h"
#include "lmk_test_util.h"

#define EPS 1e-5f
#define LN3 1.0986123f

static const float raw3[15] = {
  96, 48, 19.2f, 0, 3,          /* centre of a 192 x 96 input */
  0, 96, -38.4f, LN3, -1,       /* bottom-left corner */
  192, 0, 0, -LN3, 0.5f,        /* top-right corner */
};

static const char *t2l_config =
  "input_stream: 'tensors' input_stream: 'flip_v'\n"
  "node { calculator: 'TensorsToLandmarksCalculator'\n"
  "  input_stream: 'TENSORS:tensors' input_stream: 'FLIP_VERTICALLY:flip_v'\n"
  "  output_stream: 'NORM_LANDMARKS:norm' output_stream: 'LANDMARKS:raw'\n"
  "  options { [mediapipe.TensorsToLandmarksCalculatorOptions.ext] {\n"
  "    num_landmarks: 3 input_image_width: 192 input_image_height: 96 normalize_z: 2.0\n"
  "    visibility_activation: SIGMOID } } }\n";

static void
check_landmark (const FvLandmark *l, float x, float y, float z, float vis, float pres)
{
  assert_float_equal (l->x, x, EPS);
  assert_float_equal (l->y, y, EPS);
  assert_float_equal (l->z, z, EPS);
  assert_float_equal (l->visibility, vis, EPS);
  assert_float_equal (l->presence, pres, EPS);
}

static void
test_tensors_to_landmarks (void **state)
{
  FvGraph *g = lmk_graph (t2l_config);
  FvPoller *norm = fv_graph_add_poller (g, "norm", NULL);
  FvPoller *raw = fv_graph_add_poller (g, "raw", NULL);
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "tensors", lmk_tensor_packet (raw3, 15), 0);
  lmk_add (g, "flip_v", fv_packet_new_bool (FALSE), 0);
  /* timestamp 1: only the flip flag, no tensors: nothing comes out */
  lmk_add (g, "flip_v", fv_packet_new_bool (TRUE), 1);
  lmk_add (g, "tensors", lmk_tensor_packet (raw3, 15), 2);
  lmk_add (g, "flip_v", fv_packet_new_bool (TRUE), 2);
  g_autoptr (GPtrArray) raws = NULL;
  g_autoptr (GPtrArray) norms = lmk_finish (g, norm, TRUE, NULL);
  raws = lmk_finish (g, raw, TRUE, NULL);
  assert_int_equal (norms->len, 2);
  assert_int_equal (raws->len, 2);
  assert_int_equal (fv_packet_timestamp (norms->pdata[1]), 2);

  /* x / 192, y / 96, z / 192 / 2, visibility sigmoid, presence as is (NONE) */
  const FvLandmarks *l = fv_packet_get_landmarks (norms->pdata[0]);
  assert_int_equal (l->n, 3);
  check_landmark (&l->items[0], 0.5f, 0.5f, 0.05f, 0.5f, 3);
  check_landmark (&l->items[1], 0, 1, -0.1f, 0.75f, -1);
  check_landmark (&l->items[2], 1, 0, 0, 0.25f, 0.5f);
  /* flipped vertically at 2: y -> (96 - y) / 96 */
  l = fv_packet_get_landmarks (norms->pdata[1]);
  check_landmark (&l->items[0], 0.5f, 0.5f, 0.05f, 0.5f, 3);
  check_landmark (&l->items[1], 0, 0, -0.1f, 0.75f, -1);
  check_landmark (&l->items[2], 1, 1, 0, 0.25f, 0.5f);
  /* raw landmarks keep the model's pixels */
  l = fv_packet_get_landmarks (raws->pdata[0]);
  check_landmark (&l->items[1], 0, 96, -38.4f, 0.75f, -1);
  fv_graph_free (g);
}

static void
test_tensors_to_landmarks_flip_option_and_3d (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'tensors'\n"
    "node { calculator: 'TensorsToLandmarksCalculator' input_stream: 'TENSORS:tensors'\n"
    "  output_stream: 'NORM_LANDMARKS:norm'\n"
    "  options { [mediapipe.TensorsToLandmarksCalculatorOptions.ext] {\n"
    "    num_landmarks: 2 input_image_width: 100 input_image_height: 50\n"
    "    flip_horizontally: true } } }\n");
  FvPoller *norm = fv_graph_add_poller (g, "norm", NULL);
  assert_true (fv_graph_start (g, NULL));
  /* 6 values / 2 landmarks = 3 dims: x, y, z only */
  const float v[6] = { 25, 10, 5, 100, 50, -10 };
  lmk_add (g, "tensors", lmk_tensor_packet (v, 6), 0);
  g_autoptr (GPtrArray) out = lmk_finish (g, norm, TRUE, NULL);
  assert_int_equal (out->len, 1);
  const FvLandmarks *l = fv_packet_get_landmarks (out->pdata[0]);
  check_landmark (&l->items[0], 0.75f, 0.2f, 0.05f, 0, 0);   /* (100 - 25) / 100 */
  check_landmark (&l->items[1], 0, 1, -0.1f, 0, 0);
  fv_graph_free (g);
}

static void
test_tensors_to_landmarks_errors (void **state)
{
  /* no num_landmarks */
  g_autofree char *m1 = lmk_graph_error (
    "input_stream: 't' node { calculator: 'TensorsToLandmarksCalculator'\n"
    " input_stream: 'TENSORS:t' output_stream: 'NORM_LANDMARKS:n' }");
  assert_non_null (strstr (m1, "num_landmarks"));
  /* NORM_LANDMARKS without the input size */
  g_autofree char *m2 = lmk_graph_error (
    "input_stream: 't' node { calculator: 'TensorsToLandmarksCalculator'\n"
    " input_stream: 'TENSORS:t' output_stream: 'NORM_LANDMARKS:n'\n"
    " options { [mediapipe.TensorsToLandmarksCalculatorOptions.ext] { num_landmarks: 2 } } }");
  assert_non_null (strstr (m2, "input_image_width"));
  /* an unknown activation */
  g_autofree char *m3 = lmk_graph_error (
    "input_stream: 't' node { calculator: 'TensorsToLandmarksCalculator'\n"
    " input_stream: 'TENSORS:t' output_stream: 'LANDMARKS:n'\n"
    " options { [mediapipe.TensorsToLandmarksCalculatorOptions.ext] { num_landmarks: 2\n"
    "   presence_activation: TANH } } }");
  assert_non_null (strstr (m3, "TANH"));
  /* a tensor smaller than num_landmarks fails the run, with the node named */
  FvGraph *g = lmk_graph (
    "input_stream: 't' node { name: 'decode' calculator: 'TensorsToLandmarksCalculator'\n"
    " input_stream: 'TENSORS:t' output_stream: 'LANDMARKS:n'\n"
    " options { [mediapipe.TensorsToLandmarksCalculatorOptions.ext] { num_landmarks: 4 } } }");
  assert_true (fv_graph_start (g, NULL));
  const float v[3] = { 1, 2, 3 };
  lmk_add (g, "t", lmk_tensor_packet (v, 3), 0);
  g_autofree char *msg = NULL;
  g_autoptr (GPtrArray) none = lmk_finish (g, NULL, FALSE, &msg);
  assert_non_null (strstr (msg, "decode"));
  assert_non_null (strstr (msg, "fewer than num_landmarks"));
  fv_graph_free (g);
}

static void
test_tensors_to_floats (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'one' input_stream: 'many'\n"
    "node { calculator: 'TensorsToFloatsCalculator' input_stream: 'TENSORS:one'\n"
    "  output_stream: 'FLOAT:score' output_stream: 'FLOATS:scores'\n"
    "  options { [mediapipe.TensorsToFloatsCalculatorOptions.ext] { activation: SIGMOID } } }\n"
    "node { calculator: 'TensorsToFloatsCalculator' input_stream: 'TENSORS:many'\n"
    "  output_stream: 'FLOATS:raw' }\n");
  FvPoller *score = fv_graph_add_poller (g, "score", NULL);
  FvPoller *scores = fv_graph_add_poller (g, "scores", NULL);
  FvPoller *raw = fv_graph_add_poller (g, "raw", NULL);
  assert_true (fv_graph_start (g, NULL));
  const float ln3 = LN3, many[3] = { -2, 0, 7.5f };
  lmk_add (g, "one", lmk_tensor_packet (&ln3, 1), 10);
  lmk_add (g, "many", lmk_tensor_packet (many, 3), 10);
  g_autoptr (GPtrArray) s1 = lmk_finish (g, score, TRUE, NULL);
  g_autoptr (GPtrArray) s2 = lmk_finish (g, scores, TRUE, NULL);
  g_autoptr (GPtrArray) s3 = lmk_finish (g, raw, TRUE, NULL);
  assert_int_equal (s1->len, 1);
  assert_int_equal (fv_packet_type (s1->pdata[0]), FV_TYPE_FLOAT);
  assert_int_equal (fv_packet_timestamp (s1->pdata[0]), 10);
  assert_float_equal (fv_packet_get_float (s1->pdata[0]), 0.75f, EPS);  /* 1 / (1 + 1/3) */
  const GPtrArray *v = fv_packet_get_vector (s2->pdata[0]);
  assert_int_equal (v->len, 1);
  assert_float_equal (fv_packet_get_float (v->pdata[0]), 0.75f, EPS);
  v = fv_packet_get_vector (s3->pdata[0]);
  assert_int_equal (v->len, 3);
  for (int i = 0; i < 3; i++)   /* NONE: unchanged */
    assert_float_equal (fv_packet_get_float (v->pdata[i]), many[i], 0);
  fv_graph_free (g);

  /* FLOAT needs exactly one value */
  g = lmk_graph ("input_stream: 't' node { calculator: 'TensorsToFloatsCalculator'\n"
                 " input_stream: 'TENSORS:t' output_stream: 'FLOAT:f' }");
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "t", lmk_tensor_packet (many, 3), 0);
  g_autofree char *msg = NULL;
  g_autoptr (GPtrArray) none = lmk_finish (g, NULL, FALSE, &msg);
  assert_non_null (strstr (msg, "one value"));
  fv_graph_free (g);
}

static void
test_thresholding (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'score'\n"
    "node { calculator: 'ThresholdingCalculator' input_stream: 'FLOAT:score'\n"
    "  output_stream: 'FLAG:flag' output_stream: 'ACCEPT:yes' output_stream: 'REJECT:no'\n"
    "  options { [mediapipe.ThresholdingCalculatorOptions.ext] { threshold: 0.5 } } }\n");
  FvPoller *flag = fv_graph_add_poller (g, "flag", NULL);
  FvPoller *yes = fv_graph_add_poller (g, "yes", NULL);
  FvPoller *no = fv_graph_add_poller (g, "no", NULL);
  assert_true (fv_graph_start (g, NULL));
  /* the comparison is strict: exactly the threshold is rejected */
  const float values[5] = { 0.5f, 0.50001f, 0.49999f, -INFINITY, 1.0f };
  const gboolean expect[5] = { FALSE, TRUE, FALSE, FALSE, TRUE };
  for (int i = 0; i < 5; i++)
    lmk_add (g, "score", fv_packet_new_float (values[i]), i);
  g_autoptr (GPtrArray) f = lmk_finish (g, flag, TRUE, NULL);
  g_autoptr (GPtrArray) y = lmk_finish (g, yes, TRUE, NULL);
  g_autoptr (GPtrArray) n = lmk_finish (g, no, TRUE, NULL);
  assert_int_equal (f->len, 5);
  for (int i = 0; i < 5; i++)
    assert_int_equal (fv_packet_get_bool (f->pdata[i]), expect[i]);
  assert_int_equal (y->len, 2);
  assert_int_equal (fv_packet_timestamp (y->pdata[0]), 1);
  assert_int_equal (fv_packet_timestamp (y->pdata[1]), 4);
  assert_true (fv_packet_get_bool (y->pdata[0]));
  assert_int_equal (n->len, 3);
  assert_false (fv_packet_get_bool (n->pdata[0]));
  fv_graph_free (g);
}

static void
test_thresholding_stream_threshold (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'score' input_stream: 'th'\n"
    "node { calculator: 'ThresholdingCalculator' input_stream: 'FLOAT:score'\n"
    "  input_stream: 'THRESHOLD:th' output_stream: 'FLAG:flag' }\n");
  FvPoller *flag = fv_graph_add_poller (g, "flag", NULL);
  assert_true (fv_graph_start (g, NULL));
  /* no threshold yet: 0 (0.1 > 0); then 0.3 holds for the following timestamps too */
  lmk_add (g, "score", fv_packet_new_float (0.1f), 0);
  lmk_add (g, "th", fv_packet_new_double (0.3), 1);
  lmk_add (g, "score", fv_packet_new_float (0.2f), 1);
  lmk_add (g, "score", fv_packet_new_float (0.31f), 2);
  lmk_add (g, "score", fv_packet_new_float (0.29f), 3);
  g_autoptr (GPtrArray) f = lmk_finish (g, flag, TRUE, NULL);
  const gboolean expect[4] = { TRUE, FALSE, TRUE, FALSE };
  assert_int_equal (f->len, 4);
  for (int i = 0; i < 4; i++)
    assert_int_equal (fv_packet_get_bool (f->pdata[i]), expect[i]);
  fv_graph_free (g);

  /* option and stream together are refused */
  g_autofree char *msg = lmk_graph_error (
    "input_stream: 'score' input_stream: 'th'\n"
    "node { calculator: 'ThresholdingCalculator' input_stream: 'FLOAT:score'\n"
    "  input_stream: 'THRESHOLD:th' output_stream: 'FLAG:flag'\n"
    "  options { [mediapipe.ThresholdingCalculatorOptions.ext] { threshold: 0.5 } } }\n");
  assert_non_null (strstr (msg, "threshold"));
}

static FvPacket *
three_tensors (void)
{
  FvTensorList *list = fv_tensor_list_new (3);
  for (int i = 0; i < 3; i++)
    {
      gint32 shape[1] = { i + 1 };
      assert_true (fv_tensor_list_alloc (list, i, 1, shape, NULL));
      for (int k = 0; k <= i; k++)
        list->tensors[i].data[k] = (float) (10 * i + k);
    }
  return fv_packet_new_tensors (list);
}

static void
test_split_tensor_vector (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'in'\n"
    "node { calculator: 'SplitTensorVectorCalculator' input_stream: 'in'\n"
    "  output_stream: 'a' output_stream: 'b'\n"
    "  options { [mediapipe.SplitVectorCalculatorOptions.ext] {\n"
    "    ranges: { begin: 0 end: 1 } ranges: { begin: 1 end: 3 } } } }\n"
    "node { calculator: 'SplitTensorVectorCalculator' input_stream: 'in'\n"
    "  output_stream: 'c'\n"
    "  options { [mediapipe.SplitVectorCalculatorOptions.ext] { combine_outputs: true\n"
    "    ranges: { begin: 2 end: 3 } ranges: { begin: 0 end: 1 } } } }\n");
  FvPoller *pa = fv_graph_add_poller (g, "a", NULL);
  FvPoller *pb = fv_graph_add_poller (g, "b", NULL);
  FvPoller *pc = fv_graph_add_poller (g, "c", NULL);
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "in", three_tensors (), 5);
  g_autoptr (GPtrArray) a = lmk_finish (g, pa, TRUE, NULL);
  g_autoptr (GPtrArray) b = lmk_finish (g, pb, TRUE, NULL);
  g_autoptr (GPtrArray) c = lmk_finish (g, pc, TRUE, NULL);
  const FvTensorList *ta = fv_packet_get_tensors (a->pdata[0]);
  const FvTensorList *tb = fv_packet_get_tensors (b->pdata[0]);
  const FvTensorList *tc = fv_packet_get_tensors (c->pdata[0]);
  assert_int_equal (fv_packet_timestamp (a->pdata[0]), 5);
  assert_int_equal (ta->n, 1);
  assert_int_equal (ta->tensors[0].n, 1);
  assert_float_equal (ta->tensors[0].data[0], 0, 0);
  assert_int_equal (tb->n, 2);
  assert_int_equal (tb->tensors[1].rank, 1);
  assert_int_equal (tb->tensors[1].shape[0], 3);
  assert_float_equal (tb->tensors[1].data[2], 22, 0);
  assert_int_equal (tc->n, 2);   /* tensor 2 then tensor 0 */
  assert_int_equal (tc->tensors[0].n, 3);
  assert_float_equal (tc->tensors[0].data[0], 20, 0);
  assert_int_equal (tc->tensors[1].n, 1);
  fv_graph_free (g);

  g_autofree char *m1 = lmk_graph_error (
    "input_stream: 'in' node { calculator: 'SplitTensorVectorCalculator' input_stream: 'in'\n"
    " output_stream: 'a' options { [mediapipe.SplitVectorCalculatorOptions.ext] {\n"
    " ranges: { begin: 2 end: 2 } } } }");
  assert_non_null (strstr (m1, "begin"));
  g_autofree char *m2 = lmk_graph_error (
    "input_stream: 'in' node { calculator: 'SplitTensorVectorCalculator' input_stream: 'in'\n"
    " output_stream: 'a' options { [mediapipe.SplitVectorCalculatorOptions.ext] {\n"
    " ranges: { begin: 0 end: 1 } ranges: { begin: 1 end: 2 } } } }");
  assert_non_null (strstr (m2, "number of outputs"));

  /* a range past the list's end fails the run */
  g = lmk_graph (
    "input_stream: 'in' node { calculator: 'SplitTensorVectorCalculator' input_stream: 'in'\n"
    " output_stream: 'a' options { [mediapipe.SplitVectorCalculatorOptions.ext] {\n"
    " ranges: { begin: 1 end: 4 } } } }");
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "in", three_tensors (), 0);
  g_autofree char *m3 = NULL;
  g_autoptr (GPtrArray) none = lmk_finish (g, NULL, FALSE, &m3);
  assert_non_null (strstr (m3, "reach 4"));
  fv_graph_free (g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tensors_to_landmarks),
    cmocka_unit_test (test_tensors_to_landmarks_flip_option_and_3d),
    cmocka_unit_test (test_tensors_to_landmarks_errors),
    cmocka_unit_test (test_tensors_to_floats),
    cmocka_unit_test (test_thresholding),
    cmocka_unit_test (test_thresholding_stream_threshold),
    cmocka_unit_test (test_split_tensor_vector),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
