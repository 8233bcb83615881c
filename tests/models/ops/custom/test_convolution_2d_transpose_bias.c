/* fovea tests — reference kernel of MediaPipe's Convolution2DTransposeBias. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_model.h"

#include <string.h>

#define OP FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS

/* x [1,h,w,cin], weights [cout,kh,kw,cin], bias [cout] -> out [1,oh,ow,cout] */
static FvModel *
conv_model (int h, int w, int cin, int cout, int kh, int kw, int oh, int ow, FvPadding padding,
            int stride_w, int stride_h)
{
  const TestShape in[3] = {
    { 4, { 1, h, w, cin } },
    { 4, { cout, kh, kw, cin } },
    { 1, { cout } },
  };
  const TestShape out[1] = { { 4, { 1, oh, ow, cout } } };
  FvModel *m = test_op_model_new (OP, 1, 3, in, 1, out);
  test_op (m)->options.transpose_conv =
    (FvTransposeConvOptions) { .padding = padding, .stride_w = stride_w, .stride_h = stride_h };
  return m;
}

/* The selfie-segmentation head: 2x2 kernel, stride 2, SAME. pad = max(0, 2 - 1%2 - 1) = 0,
 * so each input pixel writes its own 2x2 block: out[2iy+fy][2ix+fx] = x[iy][ix]*w[fy][fx]
 * + bias. */
static void
test_stride2_2x2_same (void **state)
{
  g_autoptr (FvModel) m = conv_model (2, 2, 1, 1, 2, 2, 4, 4, FV_PADDING_SAME, 2, 2);
  const float x[4] = { 1, 2,
                       3, 4 };
  const float w[4] = { 1, 10,
                       100, 1000 };
  const float bias[1] = { 0.5f };
  const float want[16] = {
    1.5f,   10.5f,   2.5f,   20.5f,    /* iy 0, fy 0: 1*(1,10),      2*(1,10) */
    100.5f, 1000.5f, 200.5f, 2000.5f,  /* iy 0, fy 1: 1*(100,1000),  2*(100,1000) */
    3.5f,   30.5f,   4.5f,   40.5f,    /* iy 1, fy 0: 3*(1,10),      4*(1,10) */
    300.5f, 3000.5f, 400.5f, 4000.5f,  /* iy 1, fy 1: 3*(100,1000),  4*(100,1000) */
  };
  float got[16];
  const float *ins[3] = { x, w, bias };
  float *outs[1] = { got };
  GError *error = NULL;
  assert_true (test_op_model_run (m, ins, outs, 1, &error));
  assert_true (test_floats_close (got, want, 16, 0.f));

  /* Split into 3 row slices: the same result. */
  assert_true (test_op_model_run (m, ins, outs, 3, &error));
  assert_true (test_floats_close (got, want, 16, 0.f));
}

/* 3x3 kernel of ones, stride 2, SAME on 2x2: pad = max(0, 3 - 1%2 - 1) = 1, OH = 2*1+3-1 = 4,
 * pad_before = 1/2 = 0 (the cut is all at the end). Input pixel (iy,ix) adds x to the
 * rows 2iy..2iy+2 and columns 2ix..2ix+2:
 *   row 0, 1: only iy 0        -> cols: x00, x00, x00+x01, x01           = 1 1 3 2
 *   row 2:    iy 0 and iy 1    -> cols: x00+x10, same, all four, x01+x11 = 4 4 10 6
 *   row 3:    only iy 1        -> cols: x10, x10, x10+x11, x11           = 3 3 7 4 */
static void
test_overlap_same_asymmetric (void **state)
{
  g_autoptr (FvModel) m = conv_model (2, 2, 1, 1, 3, 3, 4, 4, FV_PADDING_SAME, 2, 2);
  const float x[4] = { 1, 2, 3, 4 };
  const float w[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  const float bias[1] = { 0 };
  const float want[16] = { 1, 1, 3, 2,
                           1, 1, 3, 2,
                           4, 4, 10, 6,
                           3, 3, 7, 4 };
  float got[16];
  const float *ins[3] = { x, w, bias };
  float *outs[1] = { got };
  GError *error = NULL;
  assert_true (test_op_model_run (m, ins, outs, 2, &error));
  assert_true (test_floats_close (got, want, 16, 0.f));
}

/* One row, x = (1, 2), kernel (1, 2, 3, 4) along W, stride_w 2, SAME.
 * Width: pad = 4 - 1%2 - 1 = 2, OW = 2*1 + 4 - 2 = 4, pad_before = 1.
 * The uncut result full[j] = sum_i x[i] * w[j - 2i] is 1, 2, 3+2, 4+4, 6, 8; cutting 1
 * before gives 2, 5, 8, 6. Height: H = Kh = stride_h = 1, nothing to pad. */
static void
test_pad_before (void **state)
{
  g_autoptr (FvModel) m = conv_model (1, 2, 1, 1, 1, 4, 1, 4, FV_PADDING_SAME, 2, 1);
  const float x[2] = { 1, 2 };
  const float w[4] = { 1, 2, 3, 4 };
  const float bias[1] = { 0 };
  const float want[4] = { 2, 5, 8, 6 };
  float got[4];
  const float *ins[3] = { x, w, bias };
  float *outs[1] = { got };
  GError *error = NULL;
  assert_true (test_op_model_run (m, ins, outs, 1, &error));
  assert_true (test_floats_close (got, want, 4, 0.f));
}

/* 1x1 kernel, stride 1, VALID, 2 -> 3 channels: a per-pixel matrix product plus bias.
 * w rows (per output channel): (1,0), (0,1), (1,1); bias (0.5, -1, 10).
 *   pixel (1,2) -> (0.5+1, -1+2, 10+1+2) = (1.5, 1, 13)
 *   pixel (3,4) -> (0.5+3, -1+4, 10+3+4) = (3.5, 3, 17) */
static void
test_channels_valid (void **state)
{
  g_autoptr (FvModel) m = conv_model (1, 2, 2, 3, 1, 1, 1, 2, FV_PADDING_VALID, 1, 1);
  const float x[4] = { 1, 2, 3, 4 };
  const float w[6] = { 1, 0, 0, 1, 1, 1 };
  const float bias[3] = { 0.5f, -1, 10 };
  const float want[6] = { 1.5f, 1, 13, 3.5f, 3, 17 };
  float got[6];
  const float *ins[3] = { x, w, bias };
  float *outs[1] = { got };
  GError *error = NULL;
  assert_true (test_op_model_run (m, ins, outs, 1, &error));
  assert_true (test_floats_close (got, want, 6, 0.f));
}

/* VALID keeps the whole scatter: 3x3 kernel, stride 2 on 2x2 -> 2*1+3 = 5. */
static void
test_valid_shape (void **state)
{
  GError *error = NULL;
  g_autoptr (FvModel) ok = conv_model (2, 2, 1, 1, 3, 3, 5, 5, FV_PADDING_VALID, 2, 2);
  assert_true (test_op_model_prepare (ok, &error));
  g_autoptr (FvModel) bad = conv_model (2, 2, 1, 1, 3, 3, 4, 4, FV_PADDING_VALID, 2, 2);
  assert_false (test_op_model_prepare (bad, &error));
  assert_true (test_error_is (error, FV_MODEL_ERROR_SHAPE, "Convolution2DTransposeBias"));
  assert_non_null (strstr (error->message, "1x5x5x1"));
  g_clear_error (&error);
}

static void
test_rejects_bad_models (void **state)
{
  GError *error = NULL;

  g_autoptr (FvModel) stride0 = conv_model (2, 2, 1, 1, 2, 2, 4, 4, FV_PADDING_SAME, 0, 2);
  assert_false (test_op_model_prepare (stride0, &error));
  assert_true (test_error_is (error, FV_MODEL_ERROR_UNSUPPORTED, "stride"));
  g_clear_error (&error);

  g_autoptr (FvModel) padding = conv_model (2, 2, 1, 1, 2, 2, 4, 4, (FvPadding) 7, 2, 2);
  assert_false (test_op_model_prepare (padding, &error));
  assert_true (test_error_is (error, FV_MODEL_ERROR_UNSUPPORTED, "padding"));
  g_clear_error (&error);

  /* weights want 3 input channels, the input has 2 */
  const TestShape cin_in[3] = { { 4, { 1, 2, 2, 2 } }, { 4, { 1, 2, 2, 3 } }, { 1, { 1 } } };
  const TestShape cin_out[1] = { { 4, { 1, 4, 4, 1 } } };
  g_autoptr (FvModel) cin = test_op_model_new (OP, 1, 3, cin_in, 1, cin_out);
  test_op (cin)->options.transpose_conv = (FvTransposeConvOptions) { FV_PADDING_SAME, 2, 2 };
  assert_false (test_op_model_prepare (cin, &error));
  assert_true (test_error_is (error, FV_MODEL_ERROR_SHAPE, "input channels"));
  g_clear_error (&error);

  /* bias of 2 for 1 output channel */
  const TestShape bias_in[3] = { { 4, { 1, 2, 2, 1 } }, { 4, { 1, 2, 2, 1 } }, { 1, { 2 } } };
  g_autoptr (FvModel) bias = test_op_model_new (OP, 1, 3, bias_in, 1, cin_out);
  test_op (bias)->options.transpose_conv = (FvTransposeConvOptions) { FV_PADDING_SAME, 2, 2 };
  assert_false (test_op_model_prepare (bias, &error));
  assert_true (test_error_is (error, FV_MODEL_ERROR_SHAPE, "bias"));
  g_clear_error (&error);

  /* two inputs only */
  g_autoptr (FvModel) arity = test_op_model_new (OP, 1, 2, bias_in, 1, cin_out);
  assert_false (test_op_model_prepare (arity, &error));
  assert_true (test_error_is (error, FV_MODEL_ERROR_CORRUPT, "Convolution2DTransposeBias"));
  g_clear_error (&error);

  /* int32 weights */
  g_autoptr (FvModel) dtype = conv_model (2, 2, 1, 1, 2, 2, 4, 4, FV_PADDING_SAME, 2, 2);
  dtype->tensors[1].dtype = FV_DTYPE_INT32;
  assert_false (test_op_model_prepare (dtype, &error));
  assert_true (test_error_is (error, FV_MODEL_ERROR_UNSUPPORTED, "weights"));
  g_clear_error (&error);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_stride2_2x2_same),
    cmocka_unit_test (test_overlap_same_asymmetric),
    cmocka_unit_test (test_pad_before),
    cmocka_unit_test (test_channels_valid),
    cmocka_unit_test (test_valid_shape),
    cmocka_unit_test (test_rejects_bad_models),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
