/* fovea — kernel lookup and the checks every kernel's prepare() shares. */
#include "models/kernel.h"

#include <stdarg.h>

const FvKernel *
fv_ref_kernel (FvOpType type)
{
  const FvKernel *k = fv_ref_kernel_builtin (type);
  return k ? k : fv_ref_kernel_custom (type);
}

gboolean
fv_op_error (GError **error, const FvModel *model, const FvOp *op, FvModelError code,
             const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  long index = (model && op >= model->ops && op < model->ops + model->n_ops)
    ? (long) (op - model->ops) : -1;
  g_set_error (error, FV_MODEL_ERROR, code, "op %ld (%s v%d): %s", index,
               fv_op_type_name (op->type), op->version, msg);
  return FALSE;
}

gboolean
fv_op_check_arity (const FvModel *model, const FvOp *op, int min_in, int max_in, int n_out,
                   GError **error)
{
  if (op->n_inputs < min_in || op->n_inputs > max_in)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                        "has %d inputs, expected %d to %d", op->n_inputs, min_in, max_in);
  if (op->n_outputs != n_out)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "has %d outputs, expected %d",
                        op->n_outputs, n_out);
  for (int i = 0; i < min_in; i++)
    if (op->inputs[i] < 0)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "input %d is missing", i);
  for (int i = 0; i < n_out; i++)
    if (op->outputs[i] < 0)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "output %d is missing", i);
  return TRUE;
}

gboolean
fv_op_check_dtype (const FvModel *model, const FvOp *op, const FvTensor *t, FvDType dtype,
                   const char *what, GError **error)
{
  if (t->dtype != dtype)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED, "%s '%s' is %s, expected %s",
                        what, t->name, fv_dtype_name (t->dtype), fv_dtype_name (dtype));
  return TRUE;
}

gboolean
fv_op_check_rank (const FvModel *model, const FvOp *op, const FvTensor *t, int rank,
                  const char *what, GError **error)
{
  if (t->rank != rank)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE, "%s '%s' has rank %d, expected %d",
                        what, t->name, t->rank, rank);
  return TRUE;
}

gboolean
fv_op_check_activation (const FvModel *model, const FvOp *op, FvActivation act, GError **error)
{
  switch (act) {
  case FV_ACT_NONE: case FV_ACT_RELU: case FV_ACT_RELU6: case FV_ACT_RELU_N1_TO_1:
    return TRUE;
  }
  return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                      "fused activation %d is not supported", (int) act);
}
