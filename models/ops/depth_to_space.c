/* fovea — DEPTH_TO_SPACE reference kernel (TF/TFLite DCR order).
 *
 * With block size b and Cout = C / (b*b):
 *   out[n, h*b + by, w*b + bx, c] = in[n, h, w, (by*b + bx)*Cout + c]
 * Input [N,H,W,C] FLOAT32 with C a multiple of b*b; output [N, H*b, W*b, Cout].
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

#include <string.h>

static gboolean
depth_to_space_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  int bs = op->options.depth_to_space.block_size;
  if (!fv_op_check_arity (model, op, 1, 1, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error) ||
      !fv_op_check_rank (model, op, in, 4, "input", error))
    return FALSE;
  if (bs < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "block_size %d must be >= 1",
                        bs);
  int64_t bb = (int64_t) bs * bs;
  if (in->shape[3] % bb != 0)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "%d channels are not a multiple of block_size^2 = %" G_GINT64_FORMAT,
                        in->shape[3], bb);
  int64_t want[4] = { in->shape[0], (int64_t) in->shape[1] * bs, (int64_t) in->shape[2] * bs,
                      in->shape[3] / bb };
  return fv_ops_check_shape (model, op, out, 4, want, "output", error);
}

static void
depth_to_space_run (const FvKernelCtx *ctx)
{
  const FvTensor *in_t = fv_op_input (ctx->model, ctx->op, 0);
  int64_t bs = ctx->op->options.depth_to_space.block_size;
  int64_t h = in_t->shape[1], w = in_t->shape[2], c = in_t->shape[3];
  int64_t oh = h * bs, ow = w * bs, oc = c / (bs * bs);
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];

  int64_t begin, end;
  fv_ops_task_range (in_t->shape[0] * oh, ctx, &begin, &end);
  for (int64_t row = begin; row < end; row++) {
    int64_t n = row / oh, oy = row % oh;
    int64_t y = oy / bs, by = oy % bs;
    for (int64_t ox = 0; ox < ow; ox++) {
      int64_t x = ox / bs, bx = ox % bs;
      const float *src = in + ((n * h + y) * w + x) * c + (by * bs + bx) * oc;
      memcpy (out + (row * ow + ox) * oc, src, (size_t) oc * sizeof (float));
    }
  }
}

const FvKernel fv_ref_kernel_depth_to_space = {
  .type = FV_OP_DEPTH_TO_SPACE,
  .prepare = depth_to_space_prepare,
  .run = depth_to_space_run,
};
