/* fovea tests — reference kernel of MediaPipe's TransformTensorBilinear (v2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_model.h"

#include <math.h>

#define OP FV_OP_TRANSFORM_TENSOR_BILINEAR

/* x [1,h,w,c], matrix [1,4,4] -> [1,oh,ow,c] */
static FvModel *
ttb_model (int h, int w, int c, int oh, int ow)
{
  const TestShape in[2] = { { 4, { 1, h, w, c } }, { 3, { 1, 4, 4 } } };
  const TestShape out[1] = { { 4, { 1, oh, ow, c } } };
  FvModel *m = test_op_model_new (OP, 2, 2, in, 1, out);
  test_op (m)->options.transform_tensor =
    (FvTransformTensorOptions) { .output_height = oh, .output_width = ow };
  return m;
}

/* A map whose value is linear in the position, so bilinear sampling reproduces it:
 * f(y, x, ch) = 10y + x + 100ch. */
static float
ramp (float y, float x, int ch)
{
  return 10.f * y + x + 100.f * (float) ch;
}

static void
fill_ramp (float *x, int h, int w, int c)
{
  for (int iy = 0; iy < h; iy++)
    for (int ix = 0; ix < w; ix++)
      for (int ch = 0; ch < c; ch++)
        x[(iy * w + ix) * c + ch] = ramp ((float) iy, (float) ix, ch);
}

static void
run_ttb (const FvModel *m, const float *x, const float mat[16], float *got)
{
  const float *ins[2] = { x, mat };
  float *outs[1] = { got };
  GError *error = NULL;
  gboolean ok = test_op_model_run (m, ins, outs, 2, &error);
  if (!ok)
    g_printerr ("%s\n", error->message);
  assert_true (ok);
}

/* Identity: the correction adds 0.5*1 + 0.5*0 - 0.5 = 0, so every output pixel samples
 * its own input pixel exactly, the last column and row (x = W-1, y = H-1) included. */
static void
test_identity (void **state)
{
  g_autoptr (FvModel) m = ttb_model (3, 4, 2, 3, 4);
  float x[24], got[24];
  fill_ramp (x, 3, 4, 2);
  const float id[16] = { 1, 0, 0, 0,  0, 1, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  run_ttb (m, x, id, got);
  assert_true (test_floats_close (got, x, 24, 0.f));
}

/* Translation by (+0.5, +1): the output pixel (ox, oy) samples (ox+0.5, oy+1). It lies in
 * [0,3] x [0,2] for ox <= 2 and oy <= 1, where the value is f(oy+1, ox+0.5); the last
 * column (3.5 > 3) and the last row (3 > 2) are outside and give 0. */
static void
test_translation_right_edge (void **state)
{
  g_autoptr (FvModel) m = ttb_model (3, 4, 2, 3, 4);
  float x[24], got[24], want[24];
  fill_ramp (x, 3, 4, 2);
  const float t[16] = { 1, 0, 0, 0.5f,  0, 1, 0, 1,  0, 0, 1, 0,  0, 0, 0, 1 };
  for (int oy = 0; oy < 3; oy++)
    for (int ox = 0; ox < 4; ox++)
      for (int ch = 0; ch < 2; ch++)
        want[(oy * 4 + ox) * 2 + ch] = (ox <= 2 && oy <= 1)
          ? ramp ((float) oy + 1.f, (float) ox + 0.5f, ch) : 0.f;
  run_ttb (m, x, t, got);
  assert_true (test_floats_close (got, want, 24, 1e-5f));
}

/* Translation by (-0.25, -1): the first column (x = -0.25) and the first row (y = -1)
 * fall before the map and give 0; the rest is f(oy-1, ox-0.25). */
static void
test_translation_left_edge (void **state)
{
  g_autoptr (FvModel) m = ttb_model (3, 4, 2, 3, 4);
  float x[24], got[24], want[24];
  fill_ramp (x, 3, 4, 2);
  const float t[16] = { 1, 0, 0, -0.25f,  0, 1, 0, -1,  0, 0, 1, 0,  0, 0, 0, 1 };
  for (int oy = 0; oy < 3; oy++)
    for (int ox = 0; ox < 4; ox++)
      for (int ch = 0; ch < 2; ch++)
        want[(oy * 4 + ox) * 2 + ch] = (ox >= 1 && oy >= 1)
          ? ramp ((float) oy - 1.f, (float) ox - 0.25f, ch) : 0.f;
  run_ttb (m, x, t, got);
  assert_true (test_floats_close (got, want, 24, 1e-5f));
}

/* Halving a 4x4 map to 2x2 with M = diag(2, 2, 1, 1). With half-pixel centres the output
 * pixel ox has its centre at ox + 0.5, which M sends to 2ox + 1, i.e. input index
 * 2ox + 0.5 (the correction gives a[3] = 2*0.5 - 0.5 = 0.5). So the output is
 * f(2oy + 0.5, 2ox + 0.5) = 10(2oy + 0.5) + 2ox + 0.5: 5.5, 7.5, 25.5, 27.5.
 * (Version 1, without the correction, would give 0, 2, 20, 22.) */
static void
test_downscale_half_pixel (void **state)
{
  g_autoptr (FvModel) m = ttb_model (4, 4, 1, 2, 2);
  float x[16], got[4];
  fill_ramp (x, 4, 4, 1);
  const float s[16] = { 2, 0, 0, 0,  0, 2, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  const float want[4] = { 5.5f, 7.5f, 25.5f, 27.5f };
  run_ttb (m, x, s, got);
  assert_true (test_floats_close (got, want, 4, 1e-5f));
}

/* A matrix of NaN (say, from degenerate landmarks) samples nowhere: all zeros. */
static void
test_nan_matrix (void **state)
{
  g_autoptr (FvModel) m = ttb_model (3, 4, 2, 3, 4);
  float x[24], got[24];
  const float zero[24] = { 0 };
  fill_ramp (x, 3, 4, 2);
  float nan_m[16];
  for (int i = 0; i < 16; i++)
    nan_m[i] = NAN;
  run_ttb (m, x, nan_m, got);
  assert_true (test_floats_close (got, zero, 24, 0.f));
}

static void
expect_rejected (FvModel *m, int code, const char *needle)
{
  GError *error = NULL;
  assert_false (test_op_model_prepare (m, &error));
  assert_true (test_error_is (error, code, "TransformTensorBilinear"));
  assert_true (test_error_is (error, code, needle));
  g_clear_error (&error);
  fv_model_free (m);
}

static void
test_rejects_bad_models (void **state)
{
  FvModel *size = ttb_model (3, 4, 2, 3, 4);
  test_op (size)->options.transform_tensor.output_width = 5;
  expect_rejected (size, FV_MODEL_ERROR_SHAPE, "expected 1x3x5x2");

  FvModel *zero = ttb_model (3, 4, 2, 3, 4);
  test_op (zero)->options.transform_tensor.output_height = 0;
  expect_rejected (zero, FV_MODEL_ERROR_UNSUPPORTED, "output size");

  FvModel *channels = ttb_model (3, 4, 2, 3, 4);
  channels->tensors[2].shape[3] = 3;
  expect_rejected (channels, FV_MODEL_ERROR_SHAPE, "output");

  FvModel *mat = ttb_model (3, 4, 2, 3, 4);
  mat->tensors[1].rank = 2;
  mat->tensors[1].shape[0] = 2;
  mat->tensors[1].shape[1] = 4;
  expect_rejected (mat, FV_MODEL_ERROR_SHAPE, "matrix");

  FvModel *batch = ttb_model (3, 4, 2, 3, 4);
  batch->tensors[0].shape[0] = 2;
  expect_rejected (batch, FV_MODEL_ERROR_SHAPE, "input");

  FvModel *rank = ttb_model (3, 4, 2, 3, 4);
  rank->tensors[0].rank = 3;
  expect_rejected (rank, FV_MODEL_ERROR_SHAPE, "rank 3");

  FvModel *dtype = ttb_model (3, 4, 2, 3, 4);
  dtype->tensors[2].dtype = FV_DTYPE_FLOAT16;
  expect_rejected (dtype, FV_MODEL_ERROR_UNSUPPORTED, "FLOAT16");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_identity),
    cmocka_unit_test (test_translation_right_edge),
    cmocka_unit_test (test_translation_left_edge),
    cmocka_unit_test (test_downscale_half_pixel),
    cmocka_unit_test (test_nan_matrix),
    cmocka_unit_test (test_rejects_bad_models),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
