/* fovea — HARD_SWISH reference kernel.
 *
 * out = x * relu6(x + 3) / 6, element-wise (evaluated as (x * relu6(x + 3)) / 6, TFLite's
 * order); one FLOAT32 input, same-shape output, no options.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

static void
hard_swish_run (const FvKernelCtx *ctx)
{
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];
  int64_t begin, end;
  fv_ops_task_range (fv_tensor_numel (fv_op_input (ctx->model, ctx->op, 0)), ctx, &begin, &end);
  for (int64_t i = begin; i < end; i++) {
    float x = in[i];
    out[i] = x * fv_activate (x + 3.f, FV_ACT_RELU6) / 6.f;
  }
}

const FvKernel fv_ref_kernel_hard_swish = {
  .type = FV_OP_HARD_SWISH,
  .prepare = fv_ops_unary_prepare,
  .run = hard_swish_run,
};
