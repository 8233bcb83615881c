/* fovea tests — MAX_POOL_2D and AVERAGE_POOL_2D reference kernels: SAME edge windows
 * leave padded cells out (of the max and of the average's count), VALID drops the
 * remainder, global pooling, fused activations, prepare() rejections, task split. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_test_util.h"

#define F32 FV_DTYPE_FLOAT32

static OpTest *
pool (FvOpType type, int h, int w, int c, const float *in, int oh, int ow, int k, int stride,
      FvPadding padding, FvActivation act, int *out)
{
  OpTest *t = ot_new (type);
  ot_input (t, F32, OT_SHAPE (1, h, w, c), in);
  *out = ot_output (t, F32, OT_SHAPE (1, oh, ow, c));
  FvPoolOptions *o = &ot_options (t)->pool;
  o->padding = padding;
  o->filter_h = o->filter_w = k;
  o->stride_h = o->stride_w = stride;
  o->activation = act;
  return t;
}

static void
test_max_pool_same_edges (void **state)
{
  /* all-negative 3x3; 2x2 s2 SAME pads only bottom/right: a padded 0 must never win */
  static const float in[] = { -1, -2, -3, -4, -5, -6, -7, -8, -9 };
  static const float want[] = { -1, -3, -7, -9 };
  int out;
  OpTest *t = pool (FV_OP_MAX_POOL_2D, 3, 3, 1, in, 2, 2, 2, 2, FV_PADDING_SAME, FV_ACT_NONE,
                    &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 4, 0);
  /* RELU on top of the max */
  ot_options (t)->pool.activation = FV_ACT_RELU;
  ot_run (t, 1);
  static const float zeros[] = { 0, 0, 0, 0 };
  ot_assert_floats (zeros, ot_data (t, out), 4, 0);
  ot_free (t);
}

static void
test_max_pool_valid_channels (void **state)
{
  /* 5x5x2, 2x2 s2 VALID -> 2x2 (last row and column dropped); channel 1 = -channel 0 */
  float in[50];
  for (int i = 0; i < 25; i++) {
    in[2 * i] = (float) i;
    in[2 * i + 1] = (float) -i;
  }
  /* ch0 max = bottom-right of each window, ch1 max = top-left */
  static const float want[] = { 6, 0, 8, -2, 16, -10, 18, -12 };
  int out;
  OpTest *t = pool (FV_OP_MAX_POOL_2D, 5, 5, 2, in, 2, 2, 2, 2, FV_PADDING_VALID, FV_ACT_NONE,
                    &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 8, 0);
  /* RELU6 */
  ot_options (t)->pool.activation = FV_ACT_RELU6;
  ot_run (t, 1);
  static const float want6[] = { 6, 0, 6, 0, 6, 0, 6, 0 };
  ot_assert_floats (want6, ot_data (t, out), 8, 0);
  ot_free (t);
}

static void
test_average_pool_same_edges (void **state)
{
  /* 1..9 in a 3x3; 2x2 s2 SAME: edge windows average only their real cells */
  static const float in[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  static const float want[] = { 3, 4.5f, 7.5f, 9 };
  int out;
  OpTest *t = pool (FV_OP_AVERAGE_POOL_2D, 3, 3, 1, in, 2, 2, 2, 2, FV_PADDING_SAME,
                    FV_ACT_NONE, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 4, 0);
  /* RELU_N1_TO_1 */
  ot_options (t)->pool.activation = FV_ACT_RELU_N1_TO_1;
  ot_run (t, 1);
  static const float want1[] = { 1, 1, 1, 1 };
  ot_assert_floats (want1, ot_data (t, out), 4, 0);
  ot_free (t);
}

static void
test_average_pool_same_3x3 (void **state)
{
  /* 3x3 s1 SAME: corners average 4 cells, edges 6, the centre 9 */
  static const float in[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  static const float want[] = { 3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7 };
  int out;
  OpTest *t = pool (FV_OP_AVERAGE_POOL_2D, 3, 3, 1, in, 3, 3, 3, 1, FV_PADDING_SAME,
                    FV_ACT_NONE, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 9, 1e-6f);
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_average_pool_global (void **state)
{
  /* 4x4 window on a 4x4 map (selfie_segmentation's SE blocks): mean of 1..16 */
  float in[16];
  for (int i = 0; i < 16; i++)
    in[i] = (float) (i + 1);
  static const float want[] = { 8.5f };
  int out;
  OpTest *t = pool (FV_OP_AVERAGE_POOL_2D, 4, 4, 1, in, 1, 1, 4, 4, FV_PADDING_VALID,
                    FV_ACT_NONE, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 1, 0);
  ot_free (t);
}

static void
test_pool_rejects (void **state)
{
  int out;
  /* wrong output shape */
  OpTest *t = pool (FV_OP_MAX_POOL_2D, 3, 3, 1, NULL, 1, 1, 2, 2, FV_PADDING_SAME, FV_ACT_NONE,
                    &out);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* window larger than the input under VALID */
  t = pool (FV_OP_AVERAGE_POOL_2D, 3, 3, 1, NULL, 1, 1, 4, 1, FV_PADDING_VALID, FV_ACT_NONE,
            &out);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* zero window, zero stride */
  t = pool (FV_OP_MAX_POOL_2D, 3, 3, 1, NULL, 3, 3, 0, 1, FV_PADDING_SAME, FV_ACT_NONE, &out);
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  ot_free (t);
  t = pool (FV_OP_AVERAGE_POOL_2D, 3, 3, 1, NULL, 3, 3, 1, 0, FV_PADDING_SAME, FV_ACT_NONE,
            &out);
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  ot_free (t);
  /* bad padding / activation values */
  t = pool (FV_OP_MAX_POOL_2D, 3, 3, 1, NULL, 3, 3, 1, 1, (FvPadding) 3, FV_ACT_NONE, &out);
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  t = pool (FV_OP_MAX_POOL_2D, 3, 3, 1, NULL, 3, 3, 1, 1, FV_PADDING_SAME, (FvActivation) 5,
            &out);
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  /* rank-3 input, int32 input */
  t = ot_new (FV_OP_MAX_POOL_2D);
  ot_input (t, F32, OT_SHAPE (3, 3, 1), NULL);
  ot_output (t, F32, OT_SHAPE (3, 3, 1));
  ot_options (t)->pool = (FvPoolOptions) { FV_PADDING_SAME, 1, 1, 1, 1, FV_ACT_NONE };
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_AVERAGE_POOL_2D);
  ot_input (t, FV_DTYPE_INT32, OT_SHAPE (1, 3, 3, 1), NULL);
  ot_output (t, F32, OT_SHAPE (1, 3, 3, 1));
  ot_options (t)->pool = (FvPoolOptions) { FV_PADDING_SAME, 1, 1, 1, 1, FV_ACT_NONE };
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_max_pool_same_edges),
    cmocka_unit_test (test_max_pool_valid_channels),
    cmocka_unit_test (test_average_pool_same_edges),
    cmocka_unit_test (test_average_pool_same_3x3),
    cmocka_unit_test (test_average_pool_global),
    cmocka_unit_test (test_pool_rejects),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
