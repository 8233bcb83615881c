/* fovea tests — reference kernel of MediaPipe's TransformLandmarks (v2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_model.h"

#define OP FV_OP_TRANSFORM_LANDMARKS

/* landmarks [1,n,d], matrix [1,4,4] -> [1,n,d] */
static FvModel *
tl_model (int n, int d)
{
  const TestShape in[2] = { { 3, { 1, n, d } }, { 3, { 1, 4, 4 } } };
  const TestShape out[1] = { { 3, { 1, n, d } } };
  return test_op_model_new (OP, 2, 2, in, 1, out);
}

static void
run_tl (const FvModel *m, const float *p, const float mat[16], float *got, int n_tasks)
{
  const float *ins[2] = { p, mat };
  float *outs[1] = { got };
  GError *error = NULL;
  gboolean ok = test_op_model_run (m, ins, outs, n_tasks, &error);
  if (!ok)
    g_printerr ("%s\n", error->message);
  assert_true (ok);
}

static void
test_identity (void **state)
{
  g_autoptr (FvModel) m = tl_model (3, 2);
  const float p[6] = { 1, 2,  3, 4,  -1, 0.5f };
  const float id[16] = { 1, 0, 0, 0,  0, 1, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  float got[6];
  run_tl (m, p, id, got, 1);
  assert_true (test_floats_close (got, p, 6, 0.f));
}

/* Translation by (5, -2), no half-pixel shift (unlike TransformTensorBilinear). */
static void
test_translation (void **state)
{
  g_autoptr (FvModel) m = tl_model (3, 2);
  const float p[6] = { 1, 2,  3, 4,  -1, 0.5f };
  const float t[16] = { 1, 0, 0, 5,  0, 1, 0, -2,  0, 0, 1, 0,  0, 0, 0, 1 };
  const float want[6] = { 6, 0,  8, 2,  4, -1.5f };
  float got[6];
  run_tl (m, p, t, got, 2);
  assert_true (test_floats_close (got, want, 6, 0.f));
}

/* 3-D landmarks through rotate-by-90-and-double plus shift:
 *   rows 0, 1 = (0, -2, 9, 1), (2, 0, 9, -1): (x, y) -> (-2y + 1, 2x - 1)
 * Column 2 is 9, but the point is taken as (x, y, 0, 1), so it adds nothing; z is copied
 * through untouched and rows 2, 3 (all 99) are never read.
 *   (1, 2, 5)   -> (-3, 1, 5)
 *   (3, -1, -7) -> (3, 5, -7) */
static void
test_rotation_scale_3d (void **state)
{
  g_autoptr (FvModel) m = tl_model (2, 3);
  const float p[6] = { 1, 2, 5,  3, -1, -7 };
  const float mat[16] = { 0, -2, 9, 1,  2, 0, 9, -1,  99, 99, 99, 99,  99, 99, 99, 99 };
  const float want[6] = { -3, 1, 5,  3, 5, -7 };
  float got[6];
  run_tl (m, p, mat, got, 3);
  assert_true (test_floats_close (got, want, 6, 0.f));
}

static void
expect_rejected (FvModel *m, int code, const char *needle)
{
  GError *error = NULL;
  assert_false (test_op_model_prepare (m, &error));
  assert_true (test_error_is (error, code, "TransformLandmarks"));
  assert_true (test_error_is (error, code, needle));
  g_clear_error (&error);
  fv_model_free (m);
}

static void
test_rejects_bad_models (void **state)
{
  expect_rejected (tl_model (3, 4), FV_MODEL_ERROR_UNSUPPORTED, "4 values each");

  FvModel *count = tl_model (3, 2);
  count->tensors[2].shape[1] = 4;
  expect_rejected (count, FV_MODEL_ERROR_SHAPE, "expected 1x3x2");

  FvModel *mat = tl_model (3, 2);
  mat->tensors[1].shape[2] = 3;
  expect_rejected (mat, FV_MODEL_ERROR_SHAPE, "matrix");

  FvModel *batch = tl_model (3, 2);
  batch->tensors[0].shape[0] = 2;
  batch->tensors[2].shape[0] = 2;
  expect_rejected (batch, FV_MODEL_ERROR_SHAPE, "landmarks");

  FvModel *rank = tl_model (3, 2);
  rank->tensors[0].rank = 4;
  rank->tensors[0].shape[3] = 1;
  expect_rejected (rank, FV_MODEL_ERROR_SHAPE, "rank 4");

  FvModel *arity = tl_model (3, 2);
  test_op (arity)->n_inputs = 1;
  expect_rejected (arity, FV_MODEL_ERROR_CORRUPT, "inputs");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_identity),
    cmocka_unit_test (test_translation),
    cmocka_unit_test (test_rotation_scale_3d),
    cmocka_unit_test (test_rejects_bad_models),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
