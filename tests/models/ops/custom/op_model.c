/* fovea tests — building and running one-op FvModels for the custom-op kernel tests. */
#include "op_model.h"

#include <math.h>
#include <string.h>

static void
set_tensor (FvTensor *t, const char *name, const TestShape *s)
{
  t->name = g_strdup (name);
  t->dtype = FV_DTYPE_FLOAT32;
  t->rank = s->rank;
  for (int i = 0; i < s->rank; i++)
    t->shape[i] = s->dims[i];
}

FvModel *
test_op_model_new (FvOpType type, int version, int n_inputs, const TestShape *inputs,
                   int n_outputs, const TestShape *outputs)
{
  FvModel *m = g_new0 (FvModel, 1);
  m->description = g_strdup ("");
  m->n_tensors = n_inputs + n_outputs;
  m->tensors = g_new0 (FvTensor, m->n_tensors);
  for (int i = 0; i < n_inputs; i++) {
    g_autofree char *name = g_strdup_printf ("in%d", i);
    set_tensor (&m->tensors[i], name, &inputs[i]);
  }
  for (int i = 0; i < n_outputs; i++) {
    g_autofree char *name = g_strdup_printf ("out%d", i);
    set_tensor (&m->tensors[n_inputs + i], name, &outputs[i]);
  }

  m->n_ops = 1;
  m->ops = g_new0 (FvOp, 1);
  FvOp *op = &m->ops[0];
  op->type = type;
  op->version = version;
  op->n_inputs = n_inputs;
  op->inputs = g_new (int, n_inputs);
  op->n_outputs = n_outputs;
  op->outputs = g_new (int, n_outputs);
  m->n_inputs = n_inputs;
  m->inputs = g_new (int, n_inputs);
  m->n_outputs = n_outputs;
  m->outputs = g_new (int, n_outputs);
  for (int i = 0; i < n_inputs; i++)
    op->inputs[i] = m->inputs[i] = i;
  for (int i = 0; i < n_outputs; i++)
    op->outputs[i] = m->outputs[i] = n_inputs + i;
  return m;
}

FvOp *
test_op (FvModel *model)
{
  return &model->ops[0];
}

gboolean
test_op_model_prepare (const FvModel *model, GError **error)
{
  const FvOp *op = &model->ops[0];
  const FvKernel *k = fv_ref_kernel (op->type);
  if (!k) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED, "no kernel for %s",
                 fv_op_type_name (op->type));
    return FALSE;
  }
  return k->prepare (model, op, error);
}

gboolean
test_op_model_run (const FvModel *model, const float *const *inputs, float *const *outputs,
                   int n_tasks, GError **error)
{
  if (!test_op_model_prepare (model, error))
    return FALSE;
  const FvOp *op = &model->ops[0];
  for (int j = 0; j < op->n_outputs; j++) {
    int64_t n = fv_tensor_numel (&model->tensors[op->outputs[j]]);
    for (int64_t i = 0; i < n; i++)
      outputs[j][i] = NAN;
  }
  /* Reverse order: a kernel that leans on an earlier slice having run shows up. */
  for (int task = n_tasks - 1; task >= 0; task--) {
    FvKernelCtx ctx = { model, op, (const void *const *) inputs, (void *const *) outputs,
                        task, n_tasks };
    fv_ref_kernel (op->type)->run (&ctx);
  }
  return TRUE;
}

gboolean
test_floats_close (const float *got, const float *want, size_t n, float tol)
{
  for (size_t i = 0; i < n; i++)
    if (!(fabsf (got[i] - want[i]) <= tol)) {
      g_printerr ("element %zu: got %.9g, want %.9g (tolerance %g)\n", i, got[i], want[i],
                  tol);
      return FALSE;
    }
  return TRUE;
}

gboolean
test_error_is (const GError *error, int code, const char *needle)
{
  if (!error) {
    g_printerr ("expected an error containing '%s', got none\n", needle);
    return FALSE;
  }
  if (!g_error_matches (error, FV_MODEL_ERROR, code) || !strstr (error->message, needle)) {
    g_printerr ("error '%s' (code %d) does not match code %d / '%s'\n", error->message,
                error->code, code, needle);
    return FALSE;
  }
  return TRUE;
}
