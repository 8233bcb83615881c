/* fovea tests — CONV_2D and DEPTHWISE_CONV_2D reference kernels: hand-worked outputs,
 * TF SAME padding on even and odd inputs, every fused activation, prepare() rejections
 * and the task split. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_test_util.h"

#define F32 FV_DTYPE_FLOAT32

static void
set_conv (OpTest *t, FvPadding padding, int stride, FvActivation act)
{
  FvConvOptions *o = &ot_options (t)->conv;
  o->padding = padding;
  o->stride_h = o->stride_w = stride;
  o->dilation_h = o->dilation_w = 1;
  o->depth_multiplier = 1;
  o->activation = act;
}

/* 1x1 conv, two output channels: out[p, o] = bias[o] + sum_c in[p, c] * f[o, c] */
static OpTest *
pointwise_conv (FvActivation act, int *out)
{
  static const float in[] = { 1, 2, 3, 4, 5, 6, -1, 0, 1, 2, 2, 2 };
  static const float filter[] = { 1, 0, -1, 0.5f, 0.5f, 0.5f };
  static const float bias[] = { 0.25f, -1 };
  OpTest *t = ot_new (FV_OP_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 3), in);
  ot_const (t, F32, OT_SHAPE (2, 1, 1, 3), filter);
  ot_const (t, F32, OT_SHAPE (2), bias);
  *out = ot_output (t, F32, OT_SHAPE (1, 2, 2, 2));
  set_conv (t, FV_PADDING_VALID, 1, act);
  return t;
}

static void
test_conv_pointwise_activations (void **state)
{
  /* per pixel (x0, x1, x2): o0 = x0 - x2 + 0.25, o1 = (x0 + x1 + x2) / 2 - 1 */
  static const float none[] = { -1.75f, 2, -1.75f, 6.5f, -1.75f, -1, 0.25f, 2 };
  static const float relu[] = { 0, 2, 0, 6.5f, 0, 0, 0.25f, 2 };
  static const float relu6[] = { 0, 2, 0, 6, 0, 0, 0.25f, 2 };
  static const float relu_n1[] = { -1, 1, -1, 1, -1, -1, 0.25f, 1 };
  const struct { FvActivation act; const float *want; } cases[] = {
    { FV_ACT_NONE, none }, { FV_ACT_RELU, relu }, { FV_ACT_RELU6, relu6 },
    { FV_ACT_RELU_N1_TO_1, relu_n1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    int out;
    OpTest *t = pointwise_conv (cases[i].act, &out);
    assert_true (ot_prepare (t, NULL));
    ot_run (t, 1);
    ot_assert_floats (cases[i].want, ot_data (t, out), 8, 0);
    ot_free (t);
  }
}

/* 3x3 all-ones filter over in[y][x] = y*W + x */
static OpTest *
box_conv (int size, int stride, FvPadding padding, int out_size, int *out)
{
  float in[64];
  float ones[9];
  for (int i = 0; i < size * size; i++)
    in[i] = (float) i;
  for (int i = 0; i < 9; i++)
    ones[i] = 1;
  OpTest *t = ot_new (FV_OP_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, size, size, 1), in);
  ot_const (t, F32, OT_SHAPE (1, 3, 3, 1), ones);
  ot_absent (t);
  *out = ot_output (t, F32, OT_SHAPE (1, out_size, out_size, 1));
  set_conv (t, padding, stride, FV_ACT_NONE);
  return t;
}

static void
test_conv_same_stride2_even (void **state)
{
  /* 4x4, s2: out 2x2, pad_total 1 -> 0 before, 1 after: windows rows {0,1,2} and {2,3} */
  static const float want[] = { 45, 39, 66, 50 };
  int out;
  OpTest *t = box_conv (4, 2, FV_PADDING_SAME, 2, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 4, 0);
  ot_free (t);
}

static void
test_conv_same_stride2_odd (void **state)
{
  /* 5x5, s2: out 3x3, pad_total 2 -> 1 before, 1 after: rows {0,1}, {1,2,3}, {3,4};
   * out = n_cols * 5 * sum(rows) + n_rows * sum(cols) */
  static const float want[] = { 12, 27, 24, 63, 108, 81, 72, 117, 84 };
  int out;
  OpTest *t = box_conv (5, 2, FV_PADDING_SAME, 3, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 9, 0);
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_conv_valid_multichannel (void **state)
{
  /* 3x3x2 input, 2x2 filter, Cin 2 -> Cout 1, VALID: out 2x2.
   * channel 0 = y*3+x, channel 1 = 1; filter ch0 = [[1,0],[0,1]], ch1 = all 2 */
  float in[18];
  for (int i = 0; i < 9; i++) {
    in[2 * i] = (float) i;
    in[2 * i + 1] = 1;
  }
  static const float filter[] = { 1, 2, 0, 2, 0, 2, 1, 2 };
  static const float bias[] = { -8 };
  /* in[y][x] + in[y+1][x+1] + 4 * 2 - 8 = 2*(3y + x) + 4 */
  static const float want[] = { 4, 6, 10, 12 };
  OpTest *t = ot_new (FV_OP_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 3, 3, 2), in);
  ot_const (t, F32, OT_SHAPE (1, 2, 2, 2), filter);
  ot_const (t, F32, OT_SHAPE (1), bias);
  int out = ot_output (t, F32, OT_SHAPE (1, 2, 2, 1));
  set_conv (t, FV_PADDING_VALID, 1, FV_ACT_NONE);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 4, 0);
  ot_free (t);
}

static void
test_conv_dilation (void **state)
{
  /* 2x2 filter dilated by 2 spans 3x3: taps (0,0) (0,2) (2,0) (2,2) of y*3+x */
  float in[9];
  for (int i = 0; i < 9; i++)
    in[i] = (float) i;
  static const float filter[] = { 1, 10, 100, 1000 };
  static const float want[] = { 0 * 1 + 2 * 10 + 6 * 100 + 8 * 1000 };
  OpTest *t = ot_new (FV_OP_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 3, 3, 1), in);
  ot_const (t, F32, OT_SHAPE (1, 2, 2, 1), filter);
  int out = ot_output (t, F32, OT_SHAPE (1, 1, 1, 1));
  set_conv (t, FV_PADDING_VALID, 1, FV_ACT_NONE);
  ot_options (t)->conv.dilation_h = ot_options (t)->conv.dilation_w = 2;
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 1, 0);
  ot_free (t);
}

static void
test_conv_rejects (void **state)
{
  int out;
  /* output shape off by one */
  OpTest *t = box_conv (4, 2, FV_PADDING_SAME, 3, &out);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* the 3x3 filter does not fit a 2x2 input under VALID */
  t = box_conv (2, 1, FV_PADDING_VALID, 1, &out);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* stride 0 */
  t = box_conv (4, 2, FV_PADDING_SAME, 2, &out);
  ot_options (t)->conv.stride_w = 0;
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  ot_free (t);
  /* unknown activation and padding values */
  t = box_conv (4, 2, FV_PADDING_SAME, 2, &out);
  ot_options (t)->conv.activation = (FvActivation) 9;
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  t = box_conv (4, 2, FV_PADDING_SAME, 2, &out);
  ot_options (t)->conv.padding = (FvPadding) 7;
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  /* a float16 filter that was never dequantized */
  t = ot_new (FV_OP_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 1), NULL);
  ot_const (t, FV_DTYPE_FLOAT16, OT_SHAPE (1, 1, 1, 1), NULL);
  ot_output (t, F32, OT_SHAPE (1, 2, 2, 1));
  set_conv (t, FV_PADDING_VALID, 1, FV_ACT_NONE);
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  /* filter Cin 3 against input C 2, and a grouped conv (C 4, filter Cin 2) */
  t = ot_new (FV_OP_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 2), NULL);
  ot_const (t, F32, OT_SHAPE (1, 1, 1, 3), NULL);
  ot_output (t, F32, OT_SHAPE (1, 2, 2, 1));
  set_conv (t, FV_PADDING_VALID, 1, FV_ACT_NONE);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 4), NULL);
  ot_const (t, F32, OT_SHAPE (1, 1, 1, 2), NULL);
  ot_output (t, F32, OT_SHAPE (1, 2, 2, 1));
  set_conv (t, FV_PADDING_VALID, 1, FV_ACT_NONE);
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  /* bias of the wrong length; missing filter */
  t = pointwise_conv (FV_ACT_NONE, &out);
  t->model->tensors[ot_op (t)->inputs[2]].shape[0] = 3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  t->model->tensors[ot_op (t)->inputs[2]].shape[0] = 2;
  ot_op (t)->inputs[1] = FV_TENSOR_ABSENT;
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  ot_free (t);
}

static void
test_depthwise_valid (void **state)
{
  /* 3x3x2, 2x2 filter. ch0 = y*3+x with taps [[1,0],[0,1]], bias 1: 6y + 2x + 5;
   * ch1 = 10 everywhere with taps all 0.5, bias -2: 18 */
  float in[18];
  for (int i = 0; i < 9; i++) {
    in[2 * i] = (float) i;
    in[2 * i + 1] = 10;
  }
  static const float filter[] = { 1, 0.5f, 0, 0.5f, 0, 0.5f, 1, 0.5f };
  static const float bias[] = { 1, -2 };
  static const float want[] = { 5, 18, 7, 18, 11, 18, 13, 18 };
  OpTest *t = ot_new (FV_OP_DEPTHWISE_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 3, 3, 2), in);
  ot_const (t, F32, OT_SHAPE (1, 2, 2, 2), filter);
  ot_const (t, F32, OT_SHAPE (2), bias);
  int out = ot_output (t, F32, OT_SHAPE (1, 2, 2, 2));
  set_conv (t, FV_PADDING_VALID, 1, FV_ACT_NONE);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 8, 0);
  /* RELU6 clamps the 18s and the 7, 11, 13 */
  ot_options (t)->conv.activation = FV_ACT_RELU6;
  ot_run (t, 1);
  static const float want6[] = { 5, 6, 6, 6, 6, 6, 6, 6 };
  ot_assert_floats (want6, ot_data (t, out), 8, 0);
  ot_free (t);
}

static void
test_depthwise_multiplier (void **state)
{
  /* output channel c*2 + m = in[c] * filter[c*2 + m] */
  static const float in[] = { 2, 3 };
  static const float filter[] = { 1, 2, 3, 4 };
  static const float want[] = { 2, 4, 9, 12 };
  OpTest *t = ot_new (FV_OP_DEPTHWISE_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 1, 1, 2), in);
  ot_const (t, F32, OT_SHAPE (1, 1, 1, 4), filter);
  int out = ot_output (t, F32, OT_SHAPE (1, 1, 1, 4));
  set_conv (t, FV_PADDING_SAME, 1, FV_ACT_NONE);
  ot_options (t)->conv.depth_multiplier = 2;
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 4, 0);
  /* the option must agree with the filter */
  ot_options (t)->conv.depth_multiplier = 3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

static OpTest *
depthwise_5x5_s2 (int *out)
{
  float in[16];
  float ones[25];
  for (int i = 0; i < 16; i++)
    in[i] = (float) i;
  for (int i = 0; i < 25; i++)
    ones[i] = 1;
  OpTest *t = ot_new (FV_OP_DEPTHWISE_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 4, 4, 1), in);
  ot_const (t, F32, OT_SHAPE (1, 5, 5, 1), ones);
  *out = ot_output (t, F32, OT_SHAPE (1, 2, 2, 1));
  set_conv (t, FV_PADDING_SAME, 2, FV_ACT_NONE);
  return t;
}

static void
test_depthwise_same_stride2_even (void **state)
{
  /* 4x4, 5x5 s2: out 2x2, pad_total 3 -> 1 before, 2 after: rows {0..3} then {1..3} */
  static const float want[] = { 120, 96, 114, 90 };
  int out;
  OpTest *t = depthwise_5x5_s2 (&out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 4, 0);
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_depthwise_rejects (void **state)
{
  int out;
  OpTest *t = depthwise_5x5_s2 (&out);
  t->model->tensors[out].shape[2] = 3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* filter must be [1, Kh, Kw, C*M] */
  t = ot_new (FV_OP_DEPTHWISE_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 2), NULL);
  ot_const (t, F32, OT_SHAPE (2, 1, 1, 2), NULL);
  ot_output (t, F32, OT_SHAPE (1, 2, 2, 2));
  set_conv (t, FV_PADDING_SAME, 1, FV_ACT_NONE);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_DEPTHWISE_CONV_2D);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 2), NULL);
  ot_const (t, F32, OT_SHAPE (1, 1, 1, 3), NULL);
  ot_output (t, F32, OT_SHAPE (1, 2, 2, 3));
  set_conv (t, FV_PADDING_SAME, 1, FV_ACT_NONE);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* dilation 0 is corrupt */
  t = depthwise_5x5_s2 (&out);
  ot_options (t)->conv.dilation_h = 0;
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  ot_free (t);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_conv_pointwise_activations),
    cmocka_unit_test (test_conv_same_stride2_even),
    cmocka_unit_test (test_conv_same_stride2_odd),
    cmocka_unit_test (test_conv_valid_multichannel),
    cmocka_unit_test (test_conv_dilation),
    cmocka_unit_test (test_conv_rejects),
    cmocka_unit_test (test_depthwise_valid),
    cmocka_unit_test (test_depthwise_multiplier),
    cmocka_unit_test (test_depthwise_same_stride2_even),
    cmocka_unit_test (test_depthwise_rejects),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
