/* fovea tests — reference kernel of MediaPipe's Landmarks2TransformMatrix (v2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_model.h"

#include <math.h>

#define OP FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX

/* landmarks [1,n,3] -> matrix [1,4,4] */
static FvModel *
l2m_model (int n, int left, int right, float target, int out_w, int out_h, float scale_x,
           float scale_y, int n_subset, const int32_t *subset)
{
  const TestShape in[1] = { { 3, { 1, n, 3 } } };
  const TestShape out[1] = { { 3, { 1, 4, 4 } } };
  FvModel *m = test_op_model_new (OP, 2, 1, in, 1, out);
  FvLandmarksToMatrixOptions *o = &test_op (m)->options.landmarks_to_matrix;
  o->left_rotation_idx = left;
  o->right_rotation_idx = right;
  o->target_rotation_radians = target;
  o->output_width = out_w;
  o->output_height = out_h;
  o->scale_x = scale_x;
  o->scale_y = scale_y;
  o->n_subset_idxs = n_subset;
  o->subset_idxs = n_subset ? g_memdup2 (subset, sizeof (int32_t) * (size_t) n_subset) : NULL;
  return m;
}

static void
run_l2m (const FvModel *m, const float *landmarks, float got[16])
{
  const float *ins[1] = { landmarks };
  float *outs[1] = { got };
  GError *error = NULL;
  gboolean ok = test_op_model_run (m, ins, outs, 2, &error);
  if (!ok)
    g_printerr ("%s\n", error->message);
  assert_true (ok);
}

/* Eyes on a vertical line: left (2,2), right (2,4), so atan2(2, 0) = pi/2 and
 * r = 0 - pi/2. R(r) = [[0, 1], [-1, 0]] maps (x, y) to (y, -x):
 *   subset 2 (1,2) -> (2,-1), 3 (3,2) -> (2,-3), 4 (3,6) -> (6,-3)
 * box x' in [2,6], y' in [-3,-1]: w = 4, h = 2, centre (4,-2); R(-r) = [[0,-1],[1,0]]
 * takes it back to (2,4). The list {2,3,4} has odd length: dropping the last index would
 * leave a box of width 0. Landmark 5 is far away and not in the subset; z is never read.
 * Output 16 x 4, scale 1.5: sx = 1.5*4/16 = 0.375, sy = 1.5*2/4 = 0.75.
 *   M = T(2,4) * R(-r) * S(0.375, 0.75) * T(-8,-2)
 *   R(-r) S = [[0, -0.75], [0.375, 0]]; its image of (-8,-2) is (1.5, -3); + (2,4) = (3.5, 1)
 * Check: the output centre (8,2) goes to (-1.5 + 3.5, 3 + 1) = (2,4), the crop centre. */
static void
test_rotated_box (void **state)
{
  const float lm[18] = { 2, 2, 7,  2, 4, 7,  1, 2, 7,  3, 2, 7,  3, 6, 7,  100, 100, 7 };
  const int32_t subset[3] = { 2, 3, 4 };
  g_autoptr (FvModel) m = l2m_model (6, 0, 1, 0.f, 16, 4, 1.5f, 1.5f, 3, subset);
  const float want[16] = { 0,     -0.75f, 0, 3.5f,
                           0.375f, 0,     0, 1,
                           0,      0,     1, 0,
                           0,      0,     0, 1 };
  float got[16];
  run_l2m (m, lm, got);
  assert_true (test_floats_close (got, want, 16, 1e-5f));
}

/* Horizontal eyes (0,0) -> (5,0): r = 0. Subset (10,20), (14,22): w = 4, h = 2,
 * centre (12,21). Output 4 x 2 at scale 1: S = I, so M = T(12,21) * T(-2,-1), a pure
 * translation by (10,20). */
static void
test_axis_aligned (void **state)
{
  const float lm[12] = { 0, 0, 0,  5, 0, 0,  10, 20, 0,  14, 22, 0 };
  const int32_t subset[2] = { 2, 3 };
  g_autoptr (FvModel) m = l2m_model (4, 0, 1, 0.f, 4, 2, 1.f, 1.f, 2, subset);
  const float want[16] = { 1, 0, 0, 10,
                           0, 1, 0, 20,
                           0, 0, 1, 0,
                           0, 0, 0, 1 };
  float got[16];
  run_l2m (m, lm, got);
  assert_true (test_floats_close (got, want, 16, 1e-5f));
}

/* Same points, target rotation pi/2: r = pi/2 - 0. R(r) = [[0,-1],[1,0]] maps (x, y) to
 * (-y, x): (10,20) -> (-20,10), (14,22) -> (-22,14); box w = 2, h = 4, centre (-21,12),
 * which R(-r) = [[0,1],[-1,0]] takes back to (12,21). Output 2 x 4 at scale 1: S = I.
 *   M = T(12,21) * R(-r) * T(-1,-2); R(-r) (-1,-2) = (-2, 1); + (12,21) = (10, 22). */
static void
test_target_rotation (void **state)
{
  const float lm[12] = { 0, 0, 0,  1, 0, 0,  10, 20, 0,  14, 22, 0 };
  const int32_t subset[2] = { 2, 3 };
  g_autoptr (FvModel) m = l2m_model (4, 0, 1, (float) G_PI_2, 2, 4, 1.f, 1.f, 2, subset);
  const float want[16] = { 0,  1, 0, 10,
                           -1, 0, 0, 22,
                           0,  0, 1, 0,
                           0,  0, 0, 1 };
  float got[16];
  run_l2m (m, lm, got);
  assert_true (test_floats_close (got, want, 16, 1e-5f));
}

static void
expect_rejected (FvModel *m, int code, const char *needle)
{
  GError *error = NULL;
  assert_false (test_op_model_prepare (m, &error));
  assert_true (test_error_is (error, code, "Landmarks2TransformMatrix"));
  assert_true (test_error_is (error, code, needle));
  g_clear_error (&error);
  fv_model_free (m);
}

static void
test_rejects_bad_models (void **state)
{
  const int32_t ok[2] = { 2, 3 };
  const int32_t far[3] = { 2, 4, 3 };
  const int32_t neg[2] = { 2, -1 };
  expect_rejected (l2m_model (4, 4, 1, 0, 4, 2, 1, 1, 2, ok), FV_MODEL_ERROR_SHAPE,
                   "left_rotation_idx 4");
  expect_rejected (l2m_model (4, 0, -1, 0, 4, 2, 1, 1, 2, ok), FV_MODEL_ERROR_SHAPE,
                   "right_rotation_idx -1");
  expect_rejected (l2m_model (4, 0, 1, 0, 4, 2, 1, 1, 3, far), FV_MODEL_ERROR_SHAPE,
                   "subset_idxs[1] = 4");
  expect_rejected (l2m_model (4, 0, 1, 0, 4, 2, 1, 1, 2, neg), FV_MODEL_ERROR_SHAPE,
                   "subset_idxs[1] = -1");
  expect_rejected (l2m_model (4, 0, 1, 0, 4, 2, 1, 1, 0, NULL), FV_MODEL_ERROR_UNSUPPORTED,
                   "empty");
  expect_rejected (l2m_model (4, 0, 1, 0, 0, 2, 1, 1, 2, ok), FV_MODEL_ERROR_UNSUPPORTED,
                   "output size");
  expect_rejected (l2m_model (4, 0, 1, 0, 4, 2, 0, 1, 2, ok), FV_MODEL_ERROR_UNSUPPORTED,
                   "scale");
  expect_rejected (l2m_model (4, 0, 1, NAN, 4, 2, 1, 1, 2, ok), FV_MODEL_ERROR_UNSUPPORTED,
                   "rotation");

  FvModel *out_shape = l2m_model (4, 0, 1, 0, 4, 2, 1, 1, 2, ok);
  out_shape->tensors[1].shape[2] = 3;
  expect_rejected (out_shape, FV_MODEL_ERROR_SHAPE, "expected 1x4x4");

  /* 2-D landmarks: MediaPipe reads them with a stride of 3, so they would be misread */
  FvModel *xy = l2m_model (4, 0, 1, 0, 4, 2, 1, 1, 2, ok);
  xy->tensors[0].shape[2] = 2;
  expect_rejected (xy, FV_MODEL_ERROR_SHAPE, "input");

  FvModel *rank = l2m_model (4, 0, 1, 0, 4, 2, 1, 1, 2, ok);
  rank->tensors[0].rank = 2;
  expect_rejected (rank, FV_MODEL_ERROR_SHAPE, "rank 2");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rotated_box),
    cmocka_unit_test (test_axis_aligned),
    cmocka_unit_test (test_target_rotation),
    cmocka_unit_test (test_rejects_bad_models),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
