/* fovea — FULLY_CONNECTED reference kernel.
 *
 * The input [..., K] is read as [batch, K] (batch = elements / K, K = weights' dim 1);
 * out[b, n] = act(sum over k of in[b, k] * weights[n, k]  +  bias[n]), summed in float in
 * k order with the bias added last (TFLite's reference order). Inputs: input, weights
 * [N,K], optional bias [N]. Output [batch, N], or with keep_num_dims the input's dims with
 * the last replaced by N.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

static gboolean
fully_connected_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  const FvFullyConnectedOptions *o = &op->options.fully_connected;
  if (!fv_op_check_arity (model, op, 2, 3, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *weights = fv_op_input (model, op, 1);
  const FvTensor *bias = fv_op_input (model, op, 2);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, weights, "weights", error) ||
      (bias && !fv_ops_check_f32 (model, op, bias, "bias", error)) ||
      !fv_ops_check_f32 (model, op, out, "output", error) ||
      !fv_op_check_rank (model, op, weights, 2, "weights", error) ||
      !fv_op_check_activation (model, op, o->activation, error))
    return FALSE;
  int64_t n = weights->shape[0], k = weights->shape[1];
  if (bias) {
    int64_t want_bias[1] = { n };
    if (!fv_ops_check_shape (model, op, bias, 1, want_bias, "bias", error))
      return FALSE;
  }
  int64_t numel = fv_tensor_numel (in);
  int64_t want[FV_MAX_DIMS];
  if (o->keep_num_dims) {
    if (in->rank < 1 || in->shape[in->rank - 1] != k)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                          "with keep_num_dims the input's last dim must be K = %" G_GINT64_FORMAT,
                          k);
    fv_ops_shape64 (in, want);
    want[in->rank - 1] = n;
    return fv_ops_check_shape (model, op, out, in->rank, want, "output", error);
  }
  if (numel % k != 0)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "the input's %" G_GINT64_FORMAT " elements are not rows of K = %"
                        G_GINT64_FORMAT, numel, k);
  want[0] = numel / k;
  want[1] = n;
  return fv_ops_check_shape (model, op, out, 2, want, "output", error);
}

static void
fully_connected_run (const FvKernelCtx *ctx)
{
  const FvFullyConnectedOptions *o = &ctx->op->options.fully_connected;
  const FvTensor *weights_t = fv_op_input (ctx->model, ctx->op, 1);
  int64_t n = weights_t->shape[0], k = weights_t->shape[1];
  int64_t batch = fv_tensor_numel (fv_op_input (ctx->model, ctx->op, 0)) / k;
  const float *in = ctx->inputs[0];
  const float *weights = ctx->inputs[1];
  const float *bias = ctx->op->n_inputs > 2 ? ctx->inputs[2] : NULL;
  float *out = ctx->outputs[0];

  /* split over (row, output unit) pairs: batch is 1 in every MediaPipe model */
  int64_t begin, end;
  fv_ops_task_range (batch * n, ctx, &begin, &end);
  for (int64_t i = begin; i < end; i++) {
    int64_t b = i / n, u = i % n;
    const float *x = in + b * k;
    const float *wr = weights + u * k;
    float total = 0.f;
    for (int64_t j = 0; j < k; j++)
      total += x[j] * wr[j];
    out[i] = fv_activate (total + (bias ? bias[u] : 0.f), o->activation);
  }
}

const FvKernel fv_ref_kernel_fully_connected = {
  .type = FV_OP_FULLY_CONNECTED,
  .prepare = fully_connected_prepare,
  .run = fully_connected_run,
};
