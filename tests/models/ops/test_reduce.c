/* fovea tests — MEAN, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR and FULLY_CONNECTED
 * reference kernels: hand-worked outputs (keep_dims both ways, resize edges under each coordinate rule,
 * batch flattening), prepare() rejections and the task split. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_test_util.h"

#define F32 FV_DTYPE_FLOAT32
#define I32 FV_DTYPE_INT32

/* [1,2,2,2]: channel 0 = 1, 2, 3, 4; channel 1 = 10, 20, 30, 40 */
static const float mean_in[] = { 1, 10, 2, 20, 3, 30, 4, 40 };

static OpTest *
mean_op (int n_axes, const int32_t *axes, gboolean keep, int out_rank, const int32_t *out_shape,
         int *out)
{
  OpTest *t = ot_new (FV_OP_MEAN);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 2), mean_in);
  ot_const (t, I32, 1, (const int32_t[]) { n_axes }, axes);
  *out = ot_output (t, F32, out_rank, out_shape);
  ot_options (t)->reducer.keep_dims = keep;
  return t;
}

static void
test_mean (void **state)
{
  int out;
  /* spatial mean, keep_dims: [1,1,1,2] */
  OpTest *t = mean_op (2, (const int32_t[]) { 1, 2 }, TRUE, OT_SHAPE (1, 1, 1, 2), &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats ((const float[]) { 2.5f, 25 }, ot_data (t, out), 2, 0);
  ot_free (t);
  /* same without keep_dims: [1,2] */
  t = mean_op (2, (const int32_t[]) { 1, 2 }, FALSE, OT_SHAPE (1, 2), &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats ((const float[]) { 2.5f, 25 }, ot_data (t, out), 2, 0);
  /* the keep_dims shape is wrong here */
  ot_options (t)->reducer.keep_dims = TRUE;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* last axis given as -1: per-pixel channel mean [1,2,2] */
  t = mean_op (1, (const int32_t[]) { -1 }, FALSE, OT_SHAPE (1, 2, 2), &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats ((const float[]) { 5.5f, 11, 16.5f, 22 }, ot_data (t, out), 4, 0);
  ot_check_task_split (t);
  ot_free (t);
  /* every axis, one repeated: a scalar, mean of all 8 values = 110 / 8 */
  t = mean_op (5, (const int32_t[]) { 0, 1, 2, 3, -1 }, FALSE, OT_SCALAR, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats ((const float[]) { 13.75f }, ot_data (t, out), 1, 0);
  ot_free (t);
  /* axis 4 of rank 4; axes that are not a constant */
  t = mean_op (2, (const int32_t[]) { 1, 4 }, TRUE, OT_SHAPE (1, 1, 1, 2), &out);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_MEAN);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 2), mean_in);
  ot_input (t, I32, OT_SHAPE (2), NULL);
  ot_output (t, F32, OT_SHAPE (1, 2));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
}

/* in[y][x] = 8y + 4x on a 2x2 map, resized to @size */
static OpTest *
resize_op (int size, gboolean align, gboolean half, int *out)
{
  static const float in[] = { 0, 4, 8, 12 };
  OpTest *t = ot_new (FV_OP_RESIZE_BILINEAR);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 1), in);
  ot_const (t, I32, OT_SHAPE (2), ((const int32_t[]) { size, size }));
  *out = ot_output (t, F32, OT_SHAPE (1, size, size, 1));
  ot_options (t)->resize = (FvResizeOptions) { align, half };
  return t;
}

static void
test_resize_half_pixel (void **state)
{
  /* x2 with half-pixel centres: src = (d + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25; the
   * edges clamp to the border row/column (y0 = max(floor, 0), y1 = min(ceil, H - 1)), so
   * the effective source coordinates are 0, 0.25, 0.75, 1 and out = 8 sy + 4 sx */
  static const float want[] = { 0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12 };
  int out;
  OpTest *t = resize_op (4, FALSE, TRUE, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 16, 0);
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_resize_legacy_and_align_corners (void **state)
{
  /* neither flag: src = d / 2 = 0, 0.5, 1, 1.5 -> clamped 0, 0.5, 1, 1 */
  static const float legacy[] = { 0, 2, 4, 4, 4, 6, 8, 8, 8, 10, 12, 12, 8, 10, 12, 12 };
  int out;
  OpTest *t = resize_op (4, FALSE, FALSE, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (legacy, ot_data (t, out), 16, 0);
  ot_free (t);
  /* align_corners 2 -> 3: scale (2-1)/(3-1), src = 0, 0.5, 1: corners land on corners */
  static const float aligned[] = { 0, 2, 4, 4, 6, 8, 8, 10, 12 };
  t = resize_op (3, TRUE, FALSE, &out);
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (aligned, ot_data (t, out), 9, 0);
  ot_free (t);
}

/* RESIZE_NEAREST_NEIGHBOR of in[y][x][c] = 10 y + x + 100 c (3x3, 2 channels) to
 * @oh x @ow; the expected source rows / columns are worked out by hand per rule. */
static void
check_nearest (int oh, int ow, gboolean align, gboolean half, const int *rows,
               const int *cols)
{
  float in[3 * 3 * 2];
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 3; x++)
      for (int c = 0; c < 2; c++)
        in[(y * 3 + x) * 2 + c] = (float) (10 * y + x + 100 * c);
  OpTest *t = ot_new (FV_OP_RESIZE_NEAREST_NEIGHBOR);
  ot_input (t, F32, OT_SHAPE (1, 3, 3, 2), in);
  ot_const (t, I32, OT_SHAPE (2), ((const int32_t[]) { oh, ow }));
  int out = ot_output (t, F32, OT_SHAPE (1, oh, ow, 2));
  ot_options (t)->resize = (FvResizeOptions) { align, half };
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  float want[12 * 12 * 2];
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++)
      for (int c = 0; c < 2; c++)
        want[(y * ow + x) * 2 + c] = (float) (10 * rows[y] + cols[x] + 100 * c);
  ot_assert_floats (want, ot_data (t, out), (size_t) (oh * ow * 2), 0);
  if (oh > 1)
    ot_check_task_split (t);
  ot_free (t);
}

static void
test_resize_nearest (void **state)
{
  /* Keras UpSampling2D (2, 3): src = floor (d * 3 / 6) rows, floor (d * 3 / 9) columns */
  check_nearest (6, 9, FALSE, FALSE, (const int[]) { 0, 0, 1, 1, 2, 2 },
                 (const int[]) { 0, 0, 0, 1, 1, 1, 2, 2, 2 });
  /* down 3 -> 2: scale 1.5; floor (0, 1.5) = 0, 1 */
  check_nearest (2, 2, FALSE, FALSE, (const int[]) { 0, 1 }, (const int[]) { 0, 1 });
  /* half-pixel: floor ((d + 0.5) 1.5) = floor (0.75, 2.25) = 0, 2 */
  check_nearest (2, 2, FALSE, TRUE, (const int[]) { 0, 2 }, (const int[]) { 0, 2 });
  /* align corners 3 -> 2: scale 2, round (0, 2); 3 -> 5: scale 0.5, round (0, 0.5, 1, 1.5,
   * 2) with halves away from zero = 0, 1, 1, 2, 2 */
  check_nearest (2, 5, TRUE, FALSE, (const int[]) { 0, 2 }, (const int[]) { 0, 1, 1, 2, 2 });
  /* up 3 -> 4 with half-pixel: floor ((d + 0.5) 0.75) = 0, 1, 1, 2 */
  check_nearest (4, 4, FALSE, TRUE, (const int[]) { 0, 1, 1, 2 },
                 (const int[]) { 0, 1, 1, 2 });

  /* a wrong output shape, a size that is not a 2-vector */
  OpTest *t = ot_new (FV_OP_RESIZE_NEAREST_NEIGHBOR);
  ot_input (t, F32, OT_SHAPE (1, 3, 3, 2), NULL);
  ot_const (t, I32, OT_SHAPE (2), ((const int32_t[]) { 6, 6 }));
  ot_output (t, F32, OT_SHAPE (1, 6, 5, 2));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_RESIZE_NEAREST_NEIGHBOR);
  ot_input (t, F32, OT_SHAPE (1, 3, 3, 2), NULL);
  ot_const (t, I32, OT_SHAPE (1), ((const int32_t[]) { 6 }));
  ot_output (t, F32, OT_SHAPE (1, 6, 6, 2));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

static void
test_resize_rejects (void **state)
{
  int out;
  OpTest *t = resize_op (4, TRUE, TRUE, &out);
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  t = resize_op (4, FALSE, TRUE, &out);
  t->model->tensors[out].shape[1] = 3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* size of 3 entries; size as a runtime tensor; a zero size */
  t = ot_new (FV_OP_RESIZE_BILINEAR);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 1), NULL);
  ot_const (t, I32, OT_SHAPE (3), ((const int32_t[]) { 4, 4, 4 }));
  ot_output (t, F32, OT_SHAPE (1, 4, 4, 1));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_RESIZE_BILINEAR);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 1), NULL);
  ot_input (t, I32, OT_SHAPE (2), NULL);
  ot_output (t, F32, OT_SHAPE (1, 4, 4, 1));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  t = ot_new (FV_OP_RESIZE_BILINEAR);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 1), NULL);
  ot_const (t, I32, OT_SHAPE (2), ((const int32_t[]) { 0, 4 }));
  ot_output (t, F32, OT_SHAPE (1, 1, 4, 1));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

static void
test_fully_connected (void **state)
{
  /* out0 = 1 + 3 + 0.5 = 4.5; out1 = -1 + 2 + 1.5 - 1 = 1.5 */
  static const float x[] = { 1, 2, 3 };
  static const float w[] = { 1, 0, 1, -1, 1, 0.5f };
  static const float bias[] = { 0.5f, -1 };
  OpTest *t = ot_new (FV_OP_FULLY_CONNECTED);
  ot_input (t, F32, OT_SHAPE (1, 3), x);
  ot_const (t, F32, OT_SHAPE (2, 3), w);
  ot_const (t, F32, OT_SHAPE (2), bias);
  int out = ot_output (t, F32, OT_SHAPE (1, 2));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats ((const float[]) { 4.5f, 1.5f }, ot_data (t, out), 2, 0);
  ot_options (t)->fully_connected.activation = FV_ACT_RELU_N1_TO_1;
  ot_run (t, 1);
  ot_assert_floats ((const float[]) { 1, 1 }, ot_data (t, out), 2, 0);
  ot_check_task_split (t);
  /* bias of the wrong length */
  t->model->tensors[ot_op (t)->inputs[2]].shape[0] = 3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

static void
test_fully_connected_batches (void **state)
{
  /* [1,6] read as two rows of K = 3, no bias: [2,2] */
  static const float x[] = { 1, 2, 3, 4, 5, 6 };
  static const float w[] = { 1, 1, 1, 1, 0, -1 };
  static const float want[] = { 6, -2, 15, -2 };
  OpTest *t = ot_new (FV_OP_FULLY_CONNECTED);
  ot_input (t, F32, OT_SHAPE (1, 6), x);
  ot_const (t, F32, OT_SHAPE (2, 3), w);
  ot_absent (t);
  int out = ot_output (t, F32, OT_SHAPE (2, 2));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 4, 0);
  /* keep_num_dims needs [.., K] in and keeps the leading dims */
  ot_options (t)->fully_connected.keep_num_dims = TRUE;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_FULLY_CONNECTED);
  ot_input (t, F32, OT_SHAPE (2, 1, 3), x);
  ot_const (t, F32, OT_SHAPE (2, 3), w);
  out = ot_output (t, F32, OT_SHAPE (2, 1, 2));
  ot_options (t)->fully_connected.keep_num_dims = TRUE;
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 4, 0);
  ot_free (t);
  /* 5 elements are not rows of 3; weights of rank 3 */
  t = ot_new (FV_OP_FULLY_CONNECTED);
  ot_input (t, F32, OT_SHAPE (1, 5), x);
  ot_const (t, F32, OT_SHAPE (2, 3), w);
  ot_output (t, F32, OT_SHAPE (1, 2));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_FULLY_CONNECTED);
  ot_input (t, F32, OT_SHAPE (1, 3), x);
  ot_const (t, F32, OT_SHAPE (2, 3, 1), w);
  ot_output (t, F32, OT_SHAPE (1, 2));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_mean),
    cmocka_unit_test (test_resize_half_pixel),
    cmocka_unit_test (test_resize_legacy_and_align_corners),
    cmocka_unit_test (test_resize_rejects),
    cmocka_unit_test (test_resize_nearest),
    cmocka_unit_test (test_fully_connected),
    cmocka_unit_test (test_fully_connected_batches),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
