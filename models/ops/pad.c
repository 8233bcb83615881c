/* fovea — PAD reference kernel.
 *
 * out[i0, .., ik] = in[i0 - before0, .., ik - beforek] where that lies inside the input,
 * else 0. Inputs: x (FLOAT32, rank 1..6), paddings (INT32 constant [rank, 2] of
 * (before, after) pairs, all >= 0). Output dim d = in[d] + before[d] + after[d].
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

#include <string.h>

static gboolean
pad_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 2, 2, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *pads = fv_op_input (model, op, 1);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error) ||
      !fv_ops_check_const_i32 (model, op, pads, "paddings", error))
    return FALSE;
  if (in->rank < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE, "cannot pad a scalar");
  int64_t want_pads[2] = { in->rank, 2 };
  if (!fv_ops_check_shape (model, op, pads, 2, want_pads, "paddings", error))
    return FALSE;
  const int32_t *p = pads->data;
  int64_t want[FV_MAX_DIMS];
  for (int d = 0; d < in->rank; d++) {
    if (p[2 * d] < 0 || p[2 * d + 1] < 0)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                          "negative padding [%d, %d] on axis %d", p[2 * d], p[2 * d + 1], d);
    want[d] = (int64_t) in->shape[d] + p[2 * d] + p[2 * d + 1];
  }
  return fv_ops_check_shape (model, op, out, in->rank, want, "output", error);
}

static void
pad_run (const FvKernelCtx *ctx)
{
  const FvTensor *in_t = fv_op_input (ctx->model, ctx->op, 0);
  const FvTensor *out_t = fv_op_output (ctx->model, ctx->op, 0);
  const int32_t *p = fv_op_input (ctx->model, ctx->op, 1)->data;
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];
  int last = in_t->rank - 1;
  int64_t n_in = in_t->shape[last], n_out = out_t->shape[last];
  int64_t before = p[2 * last];
  int64_t rows = fv_tensor_numel (out_t) / n_out;

  int64_t begin, end;
  fv_ops_task_range (rows, ctx, &begin, &end);
  for (int64_t r = begin; r < end; r++) {
    float *dst = out + r * n_out;
    /* the output row's index on each leading axis, mapped back into the input */
    int64_t rest = r, src_row = 0, stride = 1;
    gboolean inside = TRUE;
    for (int d = last - 1; d >= 0; d--) {
      int64_t i = rest % out_t->shape[d] - p[2 * d];
      rest /= out_t->shape[d];
      if (i < 0 || i >= in_t->shape[d])
        inside = FALSE;
      src_row += i * stride;
      stride *= in_t->shape[d];
    }
    if (!inside) {
      memset (dst, 0, (size_t) n_out * sizeof (float));
      continue;
    }
    const float *src = in + src_row * n_in;
    for (int64_t i = 0; i < before; i++)
      dst[i] = 0.f;
    memcpy (dst + before, src, (size_t) n_in * sizeof (float));
    for (int64_t i = before + n_in; i < n_out; i++)
      dst[i] = 0.f;
  }
}

const FvKernel fv_ref_kernel_pad = {
  .type = FV_OP_PAD,
  .prepare = pad_prepare,
  .run = pad_run,
};
