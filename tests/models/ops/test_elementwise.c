/* fovea tests — element-wise reference kernels: ADD and MUL (same shape, broadcasting,
 * fused activations), PRELU, RELU, RELU6, LOGISTIC, HARD_SWISH; prepare() rejections and
 * the task split. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_test_util.h"

#include <math.h>

#define F32 FV_DTYPE_FLOAT32

static void
test_add_same_shape_activations (void **state)
{
  static const float a[] = { -3, -0.5f, 0.25f, 2, 5, 7 };
  static const float b[] = { 1, -1, 0.5f, 0, 2, -0.5f };
  static const float sum[] = { -2, -1.5f, 0.75f, 2, 7, 6.5f };
  static const float relu[] = { 0, 0, 0.75f, 2, 7, 6.5f };
  static const float relu6[] = { 0, 0, 0.75f, 2, 6, 6 };
  static const float relu1[] = { -1, -1, 0.75f, 1, 1, 1 };
  const struct { FvActivation act; const float *want; } cases[] = {
    { FV_ACT_NONE, sum }, { FV_ACT_RELU, relu }, { FV_ACT_RELU6, relu6 },
    { FV_ACT_RELU_N1_TO_1, relu1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    OpTest *t = ot_new (FV_OP_ADD);
    ot_input (t, F32, OT_SHAPE (1, 2, 3), a);
    ot_input (t, F32, OT_SHAPE (1, 2, 3), b);
    int out = ot_output (t, F32, OT_SHAPE (1, 2, 3));
    ot_options (t)->elementwise.activation = cases[i].act;
    assert_true (ot_prepare (t, NULL));
    ot_run (t, 1);
    ot_assert_floats (cases[i].want, ot_data (t, out), 6, 0);
    ot_free (t);
  }
}

static void
test_add_broadcast (void **state)
{
  /* [2,3] + [3]: the row vector is added to each row */
  static const float a[] = { 0, 1, 2, 10, 11, 12 };
  static const float b[] = { 100, 200, 300 };
  static const float want[] = { 100, 201, 302, 110, 211, 312 };
  OpTest *t = ot_new (FV_OP_ADD);
  ot_input (t, F32, OT_SHAPE (2, 3), a);
  ot_const (t, F32, OT_SHAPE (3), b);
  int out = ot_output (t, F32, OT_SHAPE (2, 3));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 6, 0);
  ot_free (t);
}

static void
test_mul_broadcast (void **state)
{
  /* [1,2,2,2] x [1,1,1,2] (SE-block scaling): channel 0 x2, channel 1 x-1 */
  static const float a[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  static const float s[] = { 2, -1 };
  static const float want[] = { 2, -2, 6, -4, 10, -6, 14, -8 };
  OpTest *t = ot_new (FV_OP_MUL);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 2), a);
  ot_input (t, F32, OT_SHAPE (1, 1, 1, 2), s);
  int out = ot_output (t, F32, OT_SHAPE (1, 2, 2, 2));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 8, 0);
  ot_check_task_split (t);
  /* RELU drops the negatives */
  ot_options (t)->elementwise.activation = FV_ACT_RELU;
  ot_run (t, 1);
  static const float relu[] = { 2, 0, 6, 0, 10, 0, 14, 0 };
  ot_assert_floats (relu, ot_data (t, out), 8, 0);
  ot_free (t);

  /* [1,3,2] x [1] scalar (face mesh landmarks x 0.25) */
  static const float lm[] = { 4, 8, -12, 16, 20, 1 };
  static const float quarter[] = { 0.25f };
  static const float want_lm[] = { 1, 2, -3, 4, 5, 0.25f };
  t = ot_new (FV_OP_MUL);
  ot_input (t, F32, OT_SHAPE (1, 3, 2), lm);
  ot_const (t, F32, OT_SHAPE (1), quarter);
  out = ot_output (t, F32, OT_SHAPE (1, 3, 2));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want_lm, ot_data (t, out), 6, 0);
  ot_free (t);

  /* [2,1] x [1,3]: both sides broadcast into [2,3] (outer product) */
  static const float col[] = { 2, 3 };
  static const float row[] = { 1, 10, 100 };
  static const float outer[] = { 2, 20, 200, 3, 30, 300 };
  t = ot_new (FV_OP_MUL);
  ot_input (t, F32, OT_SHAPE (2, 1), col);
  ot_input (t, F32, OT_SHAPE (1, 3), row);
  out = ot_output (t, F32, OT_SHAPE (2, 3));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (outer, ot_data (t, out), 6, 0);
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_binary_rejects (void **state)
{
  /* [2,3] and [2] do not broadcast */
  OpTest *t = ot_new (FV_OP_ADD);
  ot_input (t, F32, OT_SHAPE (2, 3), NULL);
  ot_input (t, F32, OT_SHAPE (2), NULL);
  ot_output (t, F32, OT_SHAPE (2, 3));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* the output must have the broadcast shape */
  t = ot_new (FV_OP_MUL);
  ot_input (t, F32, OT_SHAPE (2, 3), NULL);
  ot_input (t, F32, OT_SHAPE (3), NULL);
  ot_output (t, F32, OT_SHAPE (3));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* int32 operand, unknown activation, one operand only */
  t = ot_new (FV_OP_ADD);
  ot_input (t, F32, OT_SHAPE (3), NULL);
  ot_input (t, FV_DTYPE_INT32, OT_SHAPE (3), NULL);
  ot_output (t, F32, OT_SHAPE (3));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  t = ot_new (FV_OP_MUL);
  ot_input (t, F32, OT_SHAPE (3), NULL);
  ot_input (t, F32, OT_SHAPE (3), NULL);
  ot_output (t, F32, OT_SHAPE (3));
  ot_options (t)->elementwise.activation = (FvActivation) 4;
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  t = ot_new (FV_OP_ADD);
  ot_input (t, F32, OT_SHAPE (3), NULL);
  ot_output (t, F32, OT_SHAPE (3));
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  ot_free (t);
}

static void
test_prelu (void **state)
{
  /* [1,2,2,2] with per-channel alpha [1,1,2] = (0.1, 2): only negatives are scaled */
  static const float x[] = { -1, -1, 2, 3, -10, 0, 0.5f, -0.5f };
  static const float alpha[] = { 0.1f, 2 };
  static const float want[] = { -0.1f, -2, 2, 3, -1, 0, 0.5f, -1 };
  OpTest *t = ot_new (FV_OP_PRELU);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 2), x);
  ot_const (t, F32, OT_SHAPE (1, 1, 2), alpha);
  int out = ot_output (t, F32, OT_SHAPE (1, 2, 2, 2));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 8, 1e-7f);
  ot_check_task_split (t);
  ot_free (t);
  /* alpha with 3 channels against 2 */
  t = ot_new (FV_OP_PRELU);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 2), NULL);
  ot_const (t, F32, OT_SHAPE (1, 1, 3), NULL);
  ot_output (t, F32, OT_SHAPE (1, 2, 2, 2));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

static OpTest *
unary (FvOpType type, const float *x, int n, int *out)
{
  OpTest *t = ot_new (type);
  ot_input (t, F32, 1, (const int32_t[]) { n }, x);
  *out = ot_output (t, F32, 1, (const int32_t[]) { n });
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  return t;
}

static void
test_relu_relu6 (void **state)
{
  static const float x[] = { -7, -0.0001f, 0, 0.5f, 5.99f, 6, 6.01f, 100 };
  static const float relu[] = { 0, 0, 0, 0.5f, 5.99f, 6, 6.01f, 100 };
  static const float relu6[] = { 0, 0, 0, 0.5f, 5.99f, 6, 6, 6 };
  int out;
  OpTest *t = unary (FV_OP_RELU, x, 8, &out);
  ot_assert_floats (relu, ot_data (t, out), 8, 0);
  ot_free (t);
  t = unary (FV_OP_RELU6, x, 8, &out);
  ot_assert_floats (relu6, ot_data (t, out), 8, 0);
  ot_free (t);
}

static void
test_logistic (void **state)
{
  /* sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4; far tails saturate to 1 and e^x */
  float x[] = { 0, logf (3.f), -logf (3.f), 2, 20, -20 };
  float want[] = { 0.5f, 0.75f, 0.25f, 0.880797078f, 1, 2.061153622e-9f };
  int out;
  OpTest *t = unary (FV_OP_LOGISTIC, x, 6, &out);
  const float *got = ot_data (t, out);
  ot_assert_floats (want, got, 5, 1e-6f);
  assert_true (fabsf (got[5] - want[5]) < 1e-12f);
  ot_free (t);
}

static void
test_hard_swish (void **state)
{
  /* x * relu6(x + 3) / 6 */
  static const float x[] = { -4, -3, -1, 0, 1, 3, 4 };
  static const float want[] = { 0, 0, -1.f / 3, 0, 2.f / 3, 3, 4 };
  int out;
  OpTest *t = unary (FV_OP_HARD_SWISH, x, 7, &out);
  ot_assert_floats (want, ot_data (t, out), 7, 1e-7f);
  ot_free (t);
}

static void
test_unary_task_split_and_rejects (void **state)
{
  float x[101];
  for (int i = 0; i < 101; i++)
    x[i] = (float) (i - 50) * 0.1f;
  const FvOpType types[] = { FV_OP_RELU, FV_OP_RELU6, FV_OP_LOGISTIC, FV_OP_HARD_SWISH };
  for (size_t i = 0; i < G_N_ELEMENTS (types); i++) {
    int out;
    OpTest *t = unary (types[i], x, 101, &out);
    ot_check_task_split (t);
    /* output shape must equal the input's */
    t->model->tensors[out].shape[0] = 100;
    ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
    ot_free (t);
    t = ot_new (types[i]);
    ot_input (t, FV_DTYPE_FLOAT16, OT_SHAPE (4), NULL);
    ot_output (t, F32, OT_SHAPE (4));
    ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
    ot_free (t);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_add_same_shape_activations),
    cmocka_unit_test (test_add_broadcast),
    cmocka_unit_test (test_mul_broadcast),
    cmocka_unit_test (test_binary_rejects),
    cmocka_unit_test (test_prelu),
    cmocka_unit_test (test_relu_relu6),
    cmocka_unit_test (test_logistic),
    cmocka_unit_test (test_hard_swish),
    cmocka_unit_test (test_unary_task_split_and_rejects),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
