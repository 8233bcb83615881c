/* fovea — CONCATENATION reference kernel.
 *
 * Joins any number of FLOAT32 inputs along `axis` (negative counts from the end); every
 * other dim must agree. out = act(joined), with the fused activation option.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

static gboolean
concatenation_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  const FvConcatOptions *o = &op->options.concat;
  if (!fv_op_check_arity (model, op, 1, G_MAXINT, 1, error) ||
      !fv_op_check_activation (model, op, o->activation, error))
    return FALSE;
  const FvTensor *first = fv_op_input (model, op, 0);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, out, "output", error))
    return FALSE;
  int rank = first->rank;
  if (o->axis < -rank || o->axis >= rank)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "axis %d is out of range for rank %d", o->axis, rank);
  int axis = o->axis < 0 ? o->axis + rank : o->axis;
  int64_t want[FV_MAX_DIMS];
  fv_ops_shape64 (first, want);
  want[axis] = 0;
  for (int i = 0; i < op->n_inputs; i++) {
    const FvTensor *t = fv_op_input (model, op, i);
    if (!t)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "input %d is missing", i);
    if (!fv_ops_check_f32 (model, op, t, "input", error) ||
        !fv_op_check_rank (model, op, t, rank, "input", error))
      return FALSE;
    for (int d = 0; d < rank; d++)
      if (d != axis && t->shape[d] != first->shape[d]) {
        char a[64], b[64];
        return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                            "input %d (%s) does not match input 0 (%s) off axis %d", i,
                            fv_tensor_shape_str (t, a, sizeof a),
                            fv_tensor_shape_str (first, b, sizeof b), axis);
      }
    want[axis] += t->shape[axis];
  }
  return fv_ops_check_shape (model, op, out, rank, want, "output", error);
}

static void
concatenation_run (const FvKernelCtx *ctx)
{
  const FvConcatOptions *o = &ctx->op->options.concat;
  const FvTensor *out_t = fv_op_output (ctx->model, ctx->op, 0);
  int rank = out_t->rank;
  int axis = o->axis < 0 ? o->axis + rank : o->axis;
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; d++)
    outer *= out_t->shape[d];
  for (int d = axis + 1; d < rank; d++)
    inner *= out_t->shape[d];
  int64_t out_chunk = out_t->shape[axis] * inner;
  float *out = ctx->outputs[0];

  int64_t begin, end;
  fv_ops_task_range (outer, ctx, &begin, &end);
  for (int64_t r = begin; r < end; r++) {
    float *dst = out + r * out_chunk;
    for (int i = 0; i < ctx->op->n_inputs; i++) {
      int64_t chunk = fv_op_input (ctx->model, ctx->op, i)->shape[axis] * inner;
      const float *src = (const float *) ctx->inputs[i] + r * chunk;
      for (int64_t k = 0; k < chunk; k++)
        dst[k] = fv_activate (src[k], o->activation);
      dst += chunk;
    }
  }
}

const FvKernel fv_ref_kernel_concatenation = {
  .type = FV_OP_CONCATENATION,
  .prepare = concatenation_prepare,
  .run = concatenation_run,
};
