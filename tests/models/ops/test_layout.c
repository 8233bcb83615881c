/* fovea tests — data-movement reference kernels: PAD, RESHAPE, CONCATENATION,
 * DEPTH_TO_SPACE, STRIDED_SLICE. Hand-worked outputs, option edge cases, prepare()
 * rejections and the task split. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_test_util.h"

#define F32 FV_DTYPE_FLOAT32
#define I32 FV_DTYPE_INT32

static void
test_pad_spatial (void **state)
{
  /* [1,2,2,1] padded [[0,0],[1,1],[1,1],[0,0]] -> [1,4,4,1], zero border and corners */
  static const float in[] = { 1, 2, 3, 4 };
  static const int32_t pads[] = { 0, 0, 1, 1, 1, 1, 0, 0 };
  static const float want[] = { 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0 };
  OpTest *t = ot_new (FV_OP_PAD);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 1), in);
  ot_const (t, I32, OT_SHAPE (4, 2), pads);
  int out = ot_output (t, F32, OT_SHAPE (1, 4, 4, 1));
  assert_true (ot_prepare (t, NULL));
  float *o = ot_data (t, out);
  for (int i = 0; i < 16; i++)
    o[i] = 99;   /* the kernel must write the zeros itself */
  ot_run (t, 1);
  ot_assert_floats (want, o, 16, 0);
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_pad_channels_asymmetric (void **state)
{
  /* channel widening [[0,0],[0,0],[0,0],[1,2]] and an uneven H/W pad [[0,1],[2,0]] */
  static const float in[] = { 1, 2, 3, 4 };
  static const int32_t pads_c[] = { 0, 0, 0, 0, 0, 0, 1, 2 };
  static const float want_c[] = { 0, 1, 2, 0, 0, 0, 3, 4, 0, 0 };
  OpTest *t = ot_new (FV_OP_PAD);
  ot_input (t, F32, OT_SHAPE (1, 1, 2, 2), in);
  ot_const (t, I32, OT_SHAPE (4, 2), pads_c);
  int out = ot_output (t, F32, OT_SHAPE (1, 1, 2, 5));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want_c, ot_data (t, out), 10, 0);
  ot_free (t);

  static const int32_t pads_hw[] = { 0, 1, 2, 0 };
  static const float want_hw[] = { 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0 };
  t = ot_new (FV_OP_PAD);
  ot_input (t, F32, OT_SHAPE (2, 2), in);
  ot_const (t, I32, OT_SHAPE (2, 2), pads_hw);
  out = ot_output (t, F32, OT_SHAPE (3, 4));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want_hw, ot_data (t, out), 12, 0);
  ot_free (t);
}

static void
test_pad_rejects (void **state)
{
  static const int32_t neg[] = { 0, 0, -1, 1 };
  OpTest *t = ot_new (FV_OP_PAD);
  ot_input (t, F32, OT_SHAPE (2, 2), NULL);
  ot_const (t, I32, OT_SHAPE (2, 2), neg);
  ot_output (t, F32, OT_SHAPE (2, 2));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  /* paddings that are not a constant, or not [rank, 2] */
  t = ot_new (FV_OP_PAD);
  ot_input (t, F32, OT_SHAPE (2, 2), NULL);
  ot_input (t, I32, OT_SHAPE (2, 2), NULL);
  ot_output (t, F32, OT_SHAPE (2, 2));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  static const int32_t three[] = { 0, 0, 0, 0, 0, 0 };
  t = ot_new (FV_OP_PAD);
  ot_input (t, F32, OT_SHAPE (2, 2), NULL);
  ot_const (t, I32, OT_SHAPE (3, 2), three);
  ot_output (t, F32, OT_SHAPE (2, 2));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* output one column short */
  static const int32_t one[] = { 0, 0, 1, 1 };
  t = ot_new (FV_OP_PAD);
  ot_input (t, F32, OT_SHAPE (2, 2), NULL);
  ot_const (t, I32, OT_SHAPE (2, 2), one);
  ot_output (t, F32, OT_SHAPE (2, 3));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

static void
test_reshape (void **state)
{
  float in[12];
  for (int i = 0; i < 12; i++)
    in[i] = (float) i;
  /* from the options, with one inferred dim */
  OpTest *t = ot_new (FV_OP_RESHAPE);
  ot_input (t, F32, OT_SHAPE (1, 2, 2, 3), in);
  int out = ot_output (t, F32, OT_SHAPE (1, 4, 3));
  FvReshapeOptions *o = &ot_options (t)->reshape;
  *o = (FvReshapeOptions) { TRUE, 3, { 1, -1, 3 } };
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (in, ot_data (t, out), 12, 0);
  ot_check_task_split (t);
  /* the options disagree with the declared output */
  o->new_shape[2] = 4;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  /* two -1 */
  *o = (FvReshapeOptions) { TRUE, 3, { -1, -1, 3 } };
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);

  /* from an INT32 shape tensor */
  static const int32_t shape[] = { 3, 4 };
  t = ot_new (FV_OP_RESHAPE);
  ot_input (t, F32, OT_SHAPE (1, 1, 1, 12), in);
  ot_const (t, I32, OT_SHAPE (2), shape);
  out = ot_output (t, F32, OT_SHAPE (3, 4));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (in, ot_data (t, out), 12, 0);
  t->model->tensors[out].shape[0] = 4;
  t->model->tensors[out].shape[1] = 3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);

  /* neither: only the element count is checked */
  t = ot_new (FV_OP_RESHAPE);
  ot_input (t, F32, OT_SHAPE (2, 6), in);
  out = ot_output (t, F32, OT_SHAPE (12));
  assert_true (ot_prepare (t, NULL));
  t->model->tensors[out].shape[0] = 11;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

static void
test_concatenation (void **state)
{
  /* rank 3 along axis 1: [1,2,2] + [1,1,2] -> [1,3,2] */
  static const float a[] = { 1, 2, 3, 4 };
  static const float b[] = { -5, 6 };
  static const float want[] = { 1, 2, 3, 4, -5, 6 };
  OpTest *t = ot_new (FV_OP_CONCATENATION);
  ot_input (t, F32, OT_SHAPE (1, 2, 2), a);
  ot_input (t, F32, OT_SHAPE (1, 1, 2), b);
  int out = ot_output (t, F32, OT_SHAPE (1, 3, 2));
  ot_options (t)->concat.axis = 1;
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 6, 0);
  ot_free (t);

  /* three inputs along the last axis given as -1, with RELU: rows interleave */
  static const float c[] = { 7, 8 };
  static const float want_last[] = { 1, 2, 0, 7, 3, 4, 6, 8 };
  t = ot_new (FV_OP_CONCATENATION);
  ot_input (t, F32, OT_SHAPE (2, 2), a);
  ot_input (t, F32, OT_SHAPE (2, 1), b);
  ot_input (t, F32, OT_SHAPE (2, 1), c);
  out = ot_output (t, F32, OT_SHAPE (2, 4));
  ot_options (t)->concat = (FvConcatOptions) { -1, FV_ACT_RELU };
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want_last, ot_data (t, out), 8, 0);
  ot_check_task_split (t);
  /* axis out of range, both ways */
  ot_options (t)->concat.axis = 2;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_options (t)->concat.axis = -3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  /* axis 0 would need equal columns */
  ot_options (t)->concat.axis = 0;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
}

static void
test_depth_to_space (void **state)
{
  /* [1,1,2,4] block 2 -> [1,2,4,1]: out[by][w*2+bx] = in[w][by*2+bx] */
  static const float in[] = { 0, 1, 2, 3, 10, 11, 12, 13 };
  static const float want[] = { 0, 1, 10, 11, 2, 3, 12, 13 };
  OpTest *t = ot_new (FV_OP_DEPTH_TO_SPACE);
  ot_input (t, F32, OT_SHAPE (1, 1, 2, 4), in);
  int out = ot_output (t, F32, OT_SHAPE (1, 2, 4, 1));
  ot_options (t)->depth_to_space.block_size = 2;
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), 8, 0);
  ot_check_task_split (t);
  /* block 3 needs channels in multiples of 9; block 0 is corrupt */
  ot_options (t)->depth_to_space.block_size = 3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_options (t)->depth_to_space.block_size = 0;
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  ot_free (t);

  /* two output channels: out[0, by, bx, c] = in[0, 0, 0, (by*2+bx)*2 + c], an identity */
  float in8[8];
  for (int i = 0; i < 8; i++)
    in8[i] = (float) i;
  t = ot_new (FV_OP_DEPTH_TO_SPACE);
  ot_input (t, F32, OT_SHAPE (1, 1, 1, 8), in8);
  out = ot_output (t, F32, OT_SHAPE (1, 2, 2, 2));
  ot_options (t)->depth_to_space.block_size = 2;
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats (in8, ot_data (t, out), 8, 0);
  ot_free (t);
}

/* x [3,4] = r*10 + c sliced by begin/end/strides with the given masks */
static OpTest *
slice (const int32_t *begin, const int32_t *end, const int32_t *strides, int out_rank,
       const int32_t *out_shape, FvStridedSliceOptions opts, int *out)
{
  float x[12];
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 4; c++)
      x[r * 4 + c] = (float) (r * 10 + c);
  OpTest *t = ot_new (FV_OP_STRIDED_SLICE);
  ot_input (t, F32, OT_SHAPE (3, 4), x);
  ot_const (t, I32, OT_SHAPE (2), begin);
  ot_const (t, I32, OT_SHAPE (2), end);
  ot_const (t, I32, OT_SHAPE (2), strides);
  *out = ot_output (t, F32, out_rank, out_shape);
  ot_options (t)->strided_slice = opts;
  return t;
}

static void
check_slice (const int32_t *begin, const int32_t *end, const int32_t *strides, int out_rank,
             const int32_t *out_shape, FvStridedSliceOptions opts, const float *want, int n)
{
  int out;
  OpTest *t = slice (begin, end, strides, out_rank, out_shape, opts, &out);
  GError *error = NULL;
  if (!ot_prepare (t, &error))
    fail_msg ("%s", error->message);
  ot_run (t, 1);
  ot_assert_floats (want, ot_data (t, out), (size_t) n, 0);
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_strided_slice (void **state)
{
  const FvStridedSliceOptions none = { 0 };
  /* rows 0, 2; columns from the last backwards by 2: 3, 1 */
  check_slice ((const int32_t[]) { 0, -1 }, (const int32_t[]) { 3, 0 },
               (const int32_t[]) { 2, -2 }, OT_SHAPE (2, 2), none,
               (const float[]) { 3, 1, 23, 21 }, 4);
  /* begin_mask on axis 0 (ignore begin 5), end_mask on axis 1 (ignore end 0) */
  check_slice ((const int32_t[]) { 5, 1 }, (const int32_t[]) { 1, 0 },
               (const int32_t[]) { 1, 1 }, OT_SHAPE (1, 3),
               (FvStridedSliceOptions) { .begin_mask = 1, .end_mask = 2 },
               (const float[]) { 1, 2, 3 }, 3);
  /* shrink axis 0 at row -1 (the last): output rank 1 */
  check_slice ((const int32_t[]) { -1, 0 }, (const int32_t[]) { 0, 4 },
               (const int32_t[]) { 1, 1 }, OT_SHAPE (4),
               (FvStridedSliceOptions) { .shrink_axis_mask = 1 },
               (const float[]) { 20, 21, 22, 23 }, 4);
  /* offset: end is relative to begin */
  check_slice ((const int32_t[]) { 1, 1 }, (const int32_t[]) { 2, 2 },
               (const int32_t[]) { 1, 1 }, OT_SHAPE (2, 2),
               (FvStridedSliceOptions) { .offset = TRUE },
               (const float[]) { 11, 12, 21, 22 }, 4);
  /* out-of-range begin/end are clamped: the whole tensor */
  float all[12];
  for (int i = 0; i < 12; i++)
    all[i] = (float) ((i / 4) * 10 + i % 4);
  check_slice ((const int32_t[]) { -100, -100 }, (const int32_t[]) { 100, 100 },
               (const int32_t[]) { 1, 1 }, OT_SHAPE (3, 4), none, all, 12);
}

static void
test_strided_slice_rejects (void **state)
{
  const int32_t b[] = { 0, 0 }, e[] = { 3, 4 }, s[] = { 1, 1 }, s0[] = { 1, 0 };
  int out;
  OpTest *t = slice (b, e, s, OT_SHAPE (3, 4), (FvStridedSliceOptions) { .ellipsis_mask = 1 },
                     &out);
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_options (t)->strided_slice = (FvStridedSliceOptions) { .new_axis_mask = 2 };
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_options (t)->strided_slice = (FvStridedSliceOptions) { 0 };
  assert_true (ot_prepare (t, NULL));
  t->model->tensors[out].shape[1] = 3;
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = slice (b, e, s0, OT_SHAPE (3, 4), (FvStridedSliceOptions) { 0 }, &out);
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  ot_free (t);
  /* shrinking at row 3 of 3 */
  t = slice ((const int32_t[]) { 3, 0 }, e, s, OT_SHAPE (4),
             (FvStridedSliceOptions) { .shrink_axis_mask = 1 }, &out);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* an empty slice cannot match any declared output */
  t = slice ((const int32_t[]) { 2, 0 }, (const int32_t[]) { 1, 4 }, s, OT_SHAPE (1, 4),
             (FvStridedSliceOptions) { 0 }, &out);
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  /* begin that is not a constant */
  t = ot_new (FV_OP_STRIDED_SLICE);
  ot_input (t, F32, OT_SHAPE (3, 4), NULL);
  ot_input (t, I32, OT_SHAPE (2), b);
  ot_const (t, I32, OT_SHAPE (2), e);
  ot_const (t, I32, OT_SHAPE (2), s);
  ot_output (t, F32, OT_SHAPE (3, 4));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_pad_spatial),
    cmocka_unit_test (test_pad_channels_asymmetric),
    cmocka_unit_test (test_pad_rejects),
    cmocka_unit_test (test_reshape),
    cmocka_unit_test (test_concatenation),
    cmocka_unit_test (test_depth_to_space),
    cmocka_unit_test (test_strided_slice),
    cmocka_unit_test (test_strided_slice_rejects),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
