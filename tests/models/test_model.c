/* The in-memory model's own rules: load-time folding and the validation that keeps
 * hostile op wiring away from the kernels. Models are built by hand here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/model.h"

#include <string.h>

/* A model with n tensors of shape [1,2,2,1] FLOAT32 (data NULL) and n_ops empty ops. */
static FvModel *
new_model (int n_tensors, int n_ops)
{
  FvModel *m = g_new0 (FvModel, 1);
  m->description = g_strdup ("");
  m->n_tensors = n_tensors;
  m->tensors = g_new0 (FvTensor, n_tensors);
  for (int i = 0; i < n_tensors; i++) {
    FvTensor *t = &m->tensors[i];
    t->name = g_strdup_printf ("t%d", i);
    t->dtype = FV_DTYPE_FLOAT32;
    t->rank = 4;
    t->shape[0] = 1, t->shape[1] = 2, t->shape[2] = 2, t->shape[3] = 1;
  }
  m->n_ops = n_ops;
  m->ops = g_new0 (FvOp, n_ops);
  return m;
}

static void
set_op (FvModel *m, int o, FvOpType type, int in0, int in1, int out0)
{
  FvOp *op = &m->ops[o];
  op->type = type;
  op->version = 1;
  op->n_inputs = in1 >= 0 ? 2 : 1;
  op->inputs = g_new (int, op->n_inputs);
  op->inputs[0] = in0;
  if (in1 >= 0)
    op->inputs[1] = in1;
  op->n_outputs = 1;
  op->outputs = g_new (int, 1);
  op->outputs[0] = out0;
}

static void
make_const (FvModel *m, int t, FvDType dtype)
{
  FvTensor *tensor = &m->tensors[t];
  tensor->dtype = dtype;
  tensor->is_const = TRUE;
  tensor->data_bytes = fv_tensor_nbytes (tensor);
  tensor->data = fv_aligned_alloc0 (tensor->data_bytes);
}

static void
set_io (FvModel *m, int in, int out)
{
  m->n_inputs = 1;
  m->inputs = g_new (int, 1);
  m->inputs[0] = in;
  m->n_outputs = 1;
  m->outputs = g_new (int, 1);
  m->outputs[0] = out;
}

static void
test_valid_model (void **state)
{
  /* t0 -> ADD(t0, t1 const) -> t2 */
  g_autoptr (FvModel) m = new_model (3, 1);
  make_const (m, 1, FV_DTYPE_FLOAT32);
  set_op (m, 0, FV_OP_ADD, 0, 1, 2);
  set_io (m, 0, 2);
  g_autoptr (GError) error = NULL;
  assert_true (fv_model_validate (m, &error));
}

static void
test_output_is_constant (void **state)
{
  /* a kernel would write 16 bytes into a constant: refused */
  g_autoptr (FvModel) m = new_model (3, 1);
  make_const (m, 1, FV_DTYPE_FLOAT32);
  make_const (m, 2, FV_DTYPE_FLOAT32);
  set_op (m, 0, FV_OP_RELU, 0, -1, 2);
  set_io (m, 0, 1);
  g_autoptr (GError) error = NULL;
  assert_false (fv_model_validate (m, &error));
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_CORRUPT));
  assert_non_null (strstr (error->message, "RELU"));
  assert_non_null (strstr (error->message, "constant"));
}

static void
test_output_is_own_input (void **state)
{
  g_autoptr (FvModel) m = new_model (2, 1);
  set_op (m, 0, FV_OP_RELU, 1, -1, 1);
  set_io (m, 0, 1);
  g_autoptr (GError) error = NULL;
  assert_false (fv_model_validate (m, &error));
  assert_non_null (strstr (error->message, "both input"));
}

static void
test_constant_model_input (void **state)
{
  g_autoptr (FvModel) m = new_model (2, 1);
  make_const (m, 0, FV_DTYPE_FLOAT32);
  set_op (m, 0, FV_OP_RELU, 0, -1, 1);
  set_io (m, 0, 1);
  g_autoptr (GError) error = NULL;
  assert_false (fv_model_validate (m, &error));
  assert_non_null (strstr (error->message, "input 0"));
}

static void
test_fold (void **state)
{
  /* RELU(t0) -> t1 is kept; DEQUANTIZE(t2 fp16 const) -> t3 folds into a constant */
  g_autoptr (FvModel) m = new_model (4, 2);
  set_op (m, 0, FV_OP_RELU, 0, -1, 1);
  make_const (m, 2, FV_DTYPE_FLOAT16);
  guint16 *half = m->tensors[2].data;
  half[0] = 0x3c00;   /* 1.0 */
  half[1] = 0xc000;   /* -2.0 */
  set_op (m, 1, FV_OP_DEQUANTIZE, 2, -1, 3);
  set_io (m, 0, 1);
  g_autoptr (GError) error = NULL;
  assert_true (fv_model_fold_constants (m, &error));
  assert_int_equal (m->n_ops, 1);
  assert_int_equal (m->ops[0].type, FV_OP_RELU);
  assert_true (m->tensors[3].is_const);
  const float *f = m->tensors[3].data;
  assert_float_equal (f[0], 1.0f, 0);
  assert_float_equal (f[1], -2.0f, 0);
}

static void
test_fold_failure_frees_once (void **state)
{
  /* Regression: a kept op moved down, then a fold failing, freed the moved op's arrays
   * twice. DEQUANTIZE of a FLOAT32 constant is refused by its kernel. */
  g_autoptr (FvModel) m = new_model (6, 3);
  make_const (m, 2, FV_DTYPE_FLOAT16);
  set_op (m, 0, FV_OP_DEQUANTIZE, 2, -1, 3);   /* folds */
  set_op (m, 1, FV_OP_RELU, 0, -1, 1);         /* kept, moved to slot 0 */
  make_const (m, 4, FV_DTYPE_FLOAT32);
  set_op (m, 2, FV_OP_DEQUANTIZE, 4, -1, 5);   /* fails */
  set_io (m, 0, 1);
  g_autoptr (GError) error = NULL;
  assert_false (fv_model_fold_constants (m, &error));
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED));
  /* g_autoptr frees the model: ASan reports a double free if the move copied */
}

static void
test_load_errors (void **state)
{
  g_autoptr (GError) error = NULL;
  assert_null (fv_model_load_bytes (NULL, 0, &error));
  assert_non_null (error);
  g_clear_error (&error);
  static const guint8 junk[64] = { 1, 2, 3 };
  assert_null (fv_model_load_bytes (junk, sizeof junk, &error));
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_CORRUPT));
  g_clear_error (&error);
  assert_null (fv_model_load_file ("/nonexistent.tflite", &error));
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_IO));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_valid_model),
    cmocka_unit_test (test_output_is_constant),
    cmocka_unit_test (test_output_is_own_input),
    cmocka_unit_test (test_constant_model_input),
    cmocka_unit_test (test_fold),
    cmocka_unit_test (test_fold_failure_frees_once),
    cmocka_unit_test (test_load_errors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
