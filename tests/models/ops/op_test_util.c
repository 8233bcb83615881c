/* fovea tests — the one-op model builder (see op_test_util.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "op_test_util.h"

#include <math.h>
#include <string.h>

OpTest *
ot_new (FvOpType type)
{
  OpTest *t = g_new0 (OpTest, 1);
  t->model = g_new0 (FvModel, 1);
  t->model->description = g_strdup ("");
  t->model->tensors = g_new0 (FvTensor, OT_MAX_TENSORS);
  t->model->n_ops = 1;
  t->model->ops = g_new0 (FvOp, 1);
  t->model->ops[0].type = type;
  t->model->ops[0].version = 1;
  t->model->ops[0].inputs = g_new0 (int, OT_MAX_TENSORS);
  t->model->ops[0].outputs = g_new0 (int, OT_MAX_TENSORS);
  return t;
}

void
ot_free (OpTest *t)
{
  for (int i = 0; i < OT_MAX_TENSORS; i++)
    fv_aligned_free (t->act[i]);
  fv_model_free (t->model);
  g_free (t);
}

static int
add_tensor (OpTest *t, FvDType dtype, int rank, const int32_t *shape, gboolean is_const,
            const void *data)
{
  FvModel *m = t->model;
  assert_true (m->n_tensors < OT_MAX_TENSORS);
  assert_true (rank >= 0 && rank <= FV_MAX_DIMS);
  int idx = m->n_tensors++;
  FvTensor *ten = &m->tensors[idx];
  ten->name = g_strdup_printf ("t%d", idx);
  ten->dtype = dtype;
  ten->rank = rank;
  for (int i = 0; i < rank; i++)
    ten->shape[i] = shape[i];
  size_t nbytes = fv_tensor_nbytes (ten);
  void *buf = fv_aligned_alloc0 (nbytes);
  assert_non_null (buf);
  if (data)
    memcpy (buf, data, nbytes);
  if (is_const) {
    ten->is_const = TRUE;
    ten->data = buf;
    ten->data_bytes = nbytes;
  } else {
    t->act[idx] = buf;
  }
  return idx;
}

int
ot_input (OpTest *t, FvDType dtype, int rank, const int32_t *shape, const void *data)
{
  int idx = add_tensor (t, dtype, rank, shape, FALSE, data);
  FvOp *op = &t->model->ops[0];
  op->inputs[op->n_inputs++] = idx;
  return idx;
}

int
ot_const (OpTest *t, FvDType dtype, int rank, const int32_t *shape, const void *data)
{
  int idx = add_tensor (t, dtype, rank, shape, TRUE, data);
  FvOp *op = &t->model->ops[0];
  op->inputs[op->n_inputs++] = idx;
  return idx;
}

int
ot_sparse_const (OpTest *t, FvDType dtype, int rank, const int32_t *shape, FvSparsity *sparsity,
                 const void *data, size_t data_bytes)
{
  FvModel *m = t->model;
  assert_true (m->n_tensors < OT_MAX_TENSORS);
  int idx = m->n_tensors++;
  FvTensor *ten = &m->tensors[idx];
  ten->name = g_strdup_printf ("t%d", idx);
  ten->dtype = dtype;
  ten->rank = rank;
  for (int i = 0; i < rank; i++)
    ten->shape[i] = shape[i];
  ten->is_const = TRUE;
  ten->sparsity = sparsity;
  ten->data = fv_aligned_alloc0 (data_bytes);
  assert_non_null (ten->data);
  memcpy (ten->data, data, data_bytes);
  ten->data_bytes = data_bytes;
  FvOp *op = &m->ops[0];
  op->inputs[op->n_inputs++] = idx;
  return idx;
}

int
ot_output (OpTest *t, FvDType dtype, int rank, const int32_t *shape)
{
  int idx = add_tensor (t, dtype, rank, shape, FALSE, NULL);
  FvOp *op = &t->model->ops[0];
  op->outputs[op->n_outputs++] = idx;
  return idx;
}

void
ot_absent (OpTest *t)
{
  FvOp *op = &t->model->ops[0];
  op->inputs[op->n_inputs++] = FV_TENSOR_ABSENT;
}

FvOpOptions *
ot_options (OpTest *t)
{
  return &t->model->ops[0].options;
}

FvOp *
ot_op (OpTest *t)
{
  return &t->model->ops[0];
}

gboolean
ot_prepare (OpTest *t, GError **error)
{
  const FvKernel *k = fv_ref_kernel (t->model->ops[0].type);
  assert_non_null (k);
  assert_int_equal (k->type, t->model->ops[0].type);
  return k->prepare (t->model, &t->model->ops[0], error);
}

void *
ot_data (OpTest *t, int idx)
{
  assert_true (idx >= 0 && idx < t->model->n_tensors);
  return t->model->tensors[idx].is_const ? t->model->tensors[idx].data : t->act[idx];
}

void
ot_run (OpTest *t, int n_tasks)
{
  const FvOp *op = &t->model->ops[0];
  const FvKernel *k = fv_ref_kernel (op->type);
  assert_non_null (k);
  const void *in[OT_MAX_TENSORS] = { 0 };
  void *out[OT_MAX_TENSORS] = { 0 };
  for (int i = 0; i < op->n_inputs; i++)
    in[i] = op->inputs[i] >= 0 ? ot_data (t, op->inputs[i]) : NULL;
  for (int i = 0; i < op->n_outputs; i++)
    out[i] = ot_data (t, op->outputs[i]);
  for (int task = n_tasks - 1; task >= 0; task--) {
    FvKernelCtx ctx = { t->model, op, in, out, task, n_tasks };
    k->run (&ctx);
  }
}

void
ot_expect_error (OpTest *t, FvModelError code)
{
  GError *error = NULL;
  gboolean ok = ot_prepare (t, &error);
  assert_false (ok);
  assert_non_null (error);
  if (error->code != (int) code)
    fail_msg ("expected error code %d, got %d: %s", code, error->code, error->message);
  assert_int_equal (error->domain, FV_MODEL_ERROR);
  assert_non_null (strstr (error->message, fv_op_type_name (t->model->ops[0].type)));
  g_error_free (error);
}

void
ot_check_task_split (OpTest *t)
{
  const FvOp *op = &t->model->ops[0];
  int idx = op->outputs[0];
  size_t nbytes = fv_tensor_nbytes (&t->model->tensors[idx]);
  float *out = ot_data (t, idx);
  memset (out, 0xff, nbytes);
  ot_run (t, 1);
  void *once = g_memdup2 (out, nbytes);
  memset (out, 0xff, nbytes);
  ot_run (t, 3);
  size_t n = nbytes / sizeof (float);
  for (size_t i = 0; i < n; i++)
    if (isnan (out[i]) && !isnan (((float *) once)[i]))
      fail_msg ("element %zu was not written by the 3-task run", i);
  assert_memory_equal (once, out, nbytes);
  g_free (once);

  /* task 1 of 3 alone must leave something to the others: a kernel that ignores its slice
   * would race with them in a threaded backend */
  memset (out, 0xff, nbytes);
  FvKernelCtx ctx = { 0 };
  const void *in[OT_MAX_TENSORS] = { 0 };
  void *outs[OT_MAX_TENSORS] = { 0 };
  for (int i = 0; i < op->n_inputs; i++)
    in[i] = op->inputs[i] >= 0 ? ot_data (t, op->inputs[i]) : NULL;
  for (int i = 0; i < op->n_outputs; i++)
    outs[i] = ot_data (t, op->outputs[i]);
  ctx = (FvKernelCtx) { t->model, op, in, outs, 1, 3 };
  fv_ref_kernel (op->type)->run (&ctx);
  size_t untouched = 0;
  for (size_t i = 0; i < n; i++)
    untouched += isnan (out[i]) ? 1 : 0;
  if (untouched == 0)
    fail_msg ("task 1 of 3 wrote the whole output");
}

void
ot_assert_floats (const float *want, const float *got, size_t n, float tol)
{
  for (size_t i = 0; i < n; i++) {
    gboolean ok = (isnan (want[i]) && isnan (got[i])) || want[i] == got[i] ||
                  fabsf (want[i] - got[i]) <= tol;
    if (!ok)
      fail_msg ("element %zu: expected %.9g, got %.9g", i, (double) want[i], (double) got[i]);
  }
}
