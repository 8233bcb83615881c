/* fovea tests — the load-time decoding kernels DEQUANTIZE (float16 -> float32, every
 * class of half value) and DENSIFY (CSR sparse constants, as in TFLite's FormatConverter),
 * their folding through fv_model_fold_constants, and the builtin kernel table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_test_util.h"
#include "models/ops/ref_kernels.h"

#include <math.h>
#include <string.h>

#define F32 FV_DTYPE_FLOAT32
#define F16 FV_DTYPE_FLOAT16

static void
test_dequantize_half_values (void **state)
{
  static const uint16_t h[] = {
    0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x3555, 0x7c00, 0xfc00,
    0x7e00,
  };
  const float want[] = {
    0.f, -0.f, 1.f, -2.f, 65504.f,
    5.9604644775390625e-08f,      /* smallest subnormal, 2^-24 */
    6.0975551605224609375e-05f,   /* largest subnormal, 1023 * 2^-24 */
    6.103515625e-05f,             /* smallest normal, 2^-14 */
    0.333251953125f,              /* 0x3555 = 1.0101010101b * 2^-2 */
    INFINITY, -INFINITY, NAN,
  };
  OpTest *t = ot_new (FV_OP_DEQUANTIZE);
  ot_const (t, F16, OT_SHAPE (12), h);
  int out = ot_output (t, F32, OT_SHAPE (12));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  const float *got = ot_data (t, out);
  for (int i = 0; i < 11; i++)
    if (memcmp (&got[i], &want[i], sizeof (float)) != 0)
      fail_msg ("half 0x%04x: expected %.10g, got %.10g", h[i], (double) want[i],
                (double) got[i]);
  assert_true (isnan (got[11]));
  assert_true (signbit (got[1]));
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_dequantize_rejects (void **state)
{
  OpTest *t = ot_new (FV_OP_DEQUANTIZE);
  ot_const (t, FV_DTYPE_INT8, OT_SHAPE (4), NULL);
  ot_output (t, F32, OT_SHAPE (4));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
  t = ot_new (FV_OP_DEQUANTIZE);
  ot_const (t, F16, OT_SHAPE (4), NULL);
  ot_output (t, F32, OT_SHAPE (2, 2));
  ot_expect_error (t, FV_MODEL_ERROR_SHAPE);
  ot_free (t);
  t = ot_new (FV_OP_DEQUANTIZE);
  ot_const (t, F16, OT_SHAPE (4), NULL);
  ot_output (t, F16, OT_SHAPE (4));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
}

/* One sparsity level per axis: 'D' dense, 'S' CSR taking the next segments/indices. */
static FvSparsity *
sparsity (const char *formats, const int32_t *shape, const int32_t *const *segments,
          const int *n_segments, const int32_t *const *indices, const int *n_indices)
{
  FvSparsity *s = g_new0 (FvSparsity, 1);
  int rank = (int) strlen (formats), k = 0;
  s->n_traversal_order = s->n_dim_metadata = rank;
  for (int l = 0; l < rank; l++) {
    s->traversal_order[l] = l;
    FvDimMetadata *dm = &s->dim_metadata[l];
    if (formats[l] == 'D') {
      dm->format = FV_DIM_DENSE;
      dm->dense_size = shape[l];
    } else {
      dm->format = FV_DIM_SPARSE_CSR;
      dm->n_segments = n_segments[k];
      dm->segments = g_memdup2 (segments[k], sizeof (int32_t) * (size_t) n_segments[k]);
      dm->n_indices = n_indices[k];
      dm->indices = g_memdup2 (indices[k], sizeof (int32_t) * (size_t) n_indices[k]);
      k++;
    }
  }
  return s;
}

/* [2,3] float32, rows dense, columns CSR: row 0 holds columns 0 and 2, row 1 column 1 */
static OpTest *
densify_2x3 (int *out)
{
  static const int32_t shape[] = { 2, 3 };
  static const int32_t seg[] = { 0, 2, 3 }, idx[] = { 0, 2, 1 };
  static const float values[] = { 1, 2, 3 };
  OpTest *t = ot_new (FV_OP_DENSIFY);
  FvSparsity *s = sparsity ("DS", shape, (const int32_t *const[]) { seg }, (const int[]) { 3 },
                            (const int32_t *const[]) { idx }, (const int[]) { 3 });
  ot_sparse_const (t, F32, OT_SHAPE (2, 3), s, values, sizeof values);
  *out = ot_output (t, F32, OT_SHAPE (2, 3));
  return t;
}

static void
test_densify_csr_rows (void **state)
{
  int out;
  OpTest *t = densify_2x3 (&out);
  assert_true (ot_prepare (t, NULL));
  float *o = ot_data (t, out);
  for (int i = 0; i < 6; i++)
    o[i] = 99;   /* zeros must be written, not assumed */
  ot_run (t, 1);
  ot_assert_floats ((const float[]) { 1, 0, 2, 0, 3, 0 }, o, 6, 0);
  /* a task other than 0 writes nothing, and task 0 of 3 writes everything */
  ot_check_task_split (t);
  ot_free (t);
}

static void
test_densify_sparse_outer_level (void **state)
{
  /* [3,2]: rows CSR (rows 0 and 2 stored), columns dense; the dense level below a CSR level
   * is addressed by the CSR slot: values run row 0 col 0, 1, then row 2 col 0, 1 */
  static const int32_t shape[] = { 3, 2 };
  static const int32_t seg[] = { 0, 2 }, idx[] = { 0, 2 };
  static const float values[] = { 1, 2, 5, 6 };
  OpTest *t = ot_new (FV_OP_DENSIFY);
  FvSparsity *s = sparsity ("SD", shape, (const int32_t *const[]) { seg }, (const int[]) { 2 },
                            (const int32_t *const[]) { idx }, (const int[]) { 2 });
  ot_sparse_const (t, F32, OT_SHAPE (3, 2), s, values, sizeof values);
  int out = ot_output (t, F32, OT_SHAPE (3, 2));
  assert_true (ot_prepare (t, NULL));
  ot_run (t, 1);
  ot_assert_floats ((const float[]) { 1, 2, 0, 0, 5, 6 }, ot_data (t, out), 6, 0);
  ot_free (t);
}

static void
test_densify_rejects (void **state)
{
  int out;
  OpTest *t = densify_2x3 (&out);
  FvSparsity *s = t->model->tensors[0].sparsity;
  /* column index 3 of 3 */
  s->dim_metadata[1].indices[2] = 3;
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  s->dim_metadata[1].indices[2] = 1;
  /* segments going backwards */
  s->dim_metadata[1].segments[1] = 4;
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  s->dim_metadata[1].segments[1] = 2;
  /* too few segments for 2 rows */
  s->dim_metadata[1].n_segments = 2;
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  s->dim_metadata[1].n_segments = 3;
  /* dense level that disagrees with the shape */
  s->dim_metadata[0].dense_size = 3;
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  s->dim_metadata[0].dense_size = 2;
  /* fewer stored values than the metadata visits */
  t->model->tensors[0].data_bytes = 2 * sizeof (float);
  ot_expect_error (t, FV_MODEL_ERROR_CORRUPT);
  t->model->tensors[0].data_bytes = 3 * sizeof (float);
  /* blocks and permuted traversal are not supported */
  s->n_block_map = 1;
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  s->n_block_map = 0;
  s->traversal_order[0] = 1;
  s->traversal_order[1] = 0;
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  s->traversal_order[0] = 0;
  s->traversal_order[1] = 1;
  /* output of another dtype, and the restored model passes */
  t->model->tensors[out].dtype = F16;
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  t->model->tensors[out].dtype = F32;
  assert_true (ot_prepare (t, NULL));
  ot_free (t);
  /* a dense input */
  t = ot_new (FV_OP_DENSIFY);
  ot_const (t, F32, OT_SHAPE (2, 3), NULL);
  ot_output (t, F32, OT_SHAPE (2, 3));
  ot_expect_error (t, FV_MODEL_ERROR_UNSUPPORTED);
  ot_free (t);
}

static void
test_fold_sparse_half_chain (void **state)
{
  /* MediaPipe's chain: sparse fp16 [2,1,1,4] (D,D,D,CSR) -> DENSIFY -> DEQUANTIZE -> float32
   * constant, folded at load by fv_model_fold_constants */
  static const int32_t shape[] = { 2, 1, 1, 4 };
  static const int32_t seg[] = { 0, 1, 3 }, idx[] = { 3, 0, 1 };
  static const uint16_t halves[] = { 0x3c00, 0xc000, 0x3800 };   /* 1, -2, 0.5 */
  OpTest *t = ot_new (FV_OP_DENSIFY);
  FvSparsity *s = sparsity ("DDDS", shape, (const int32_t *const[]) { seg }, (const int[]) { 3 },
                            (const int32_t *const[]) { idx }, (const int[]) { 3 });
  ot_sparse_const (t, F16, OT_SHAPE (2, 1, 1, 4), s, halves, sizeof halves);
  int dense = ot_output (t, F16, OT_SHAPE (2, 1, 1, 4));
  FvModel *m = t->model;
  /* second op: DEQUANTIZE dense -> f32 */
  int f32 = m->n_tensors++;
  m->tensors[f32] = (FvTensor) { .name = g_strdup ("w"), .dtype = F32, .rank = 4,
                                 .shape = { 2, 1, 1, 4 } };
  m->ops = g_renew (FvOp, m->ops, 2);
  m->n_ops = 2;
  m->ops[1] = (FvOp) { .type = FV_OP_DEQUANTIZE, .version = 3, .n_inputs = 1,
                       .inputs = g_new (int, 1), .n_outputs = 1, .outputs = g_new (int, 1) };
  m->ops[1].inputs[0] = dense;
  m->ops[1].outputs[0] = f32;
  GError *error = NULL;
  if (!fv_model_fold_constants (m, &error))
    fail_msg ("%s", error->message);
  assert_int_equal (m->n_ops, 0);
  assert_true (m->tensors[f32].is_const);
  ot_assert_floats ((const float[]) { 0, 0, 0, 1, -2, 0.5f, 0, 0 }, m->tensors[f32].data, 8, 0);
  ot_free (t);
}

static void
test_builtin_table (void **state)
{
  for (int type = 0; type < FV_OP_COUNT; type++) {
    const FvKernel *k = fv_ref_kernel_builtin ((FvOpType) type);
    gboolean custom = type >= FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS;
    if (custom) {
      assert_null (k);
      continue;
    }
    if (!k)
      fail_msg ("no reference kernel for %s", fv_op_type_name ((FvOpType) type));
    assert_int_equal (k->type, type);
    assert_non_null (k->prepare);
    assert_non_null (k->run);
  }
  assert_null (fv_ref_kernel_builtin (FV_OP_COUNT));
  assert_null (fv_ref_kernel_builtin ((FvOpType) -1));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_dequantize_half_values),
    cmocka_unit_test (test_dequantize_rejects),
    cmocka_unit_test (test_densify_csr_rows),
    cmocka_unit_test (test_densify_sparse_outer_level),
    cmocka_unit_test (test_densify_rejects),
    cmocka_unit_test (test_fold_sparse_half_chain),
    cmocka_unit_test (test_builtin_table),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
