/* fovea — RELU and RELU6 reference kernels.
 *
 * RELU: out = max(x, 0); RELU6: out = min(max(x, 0), 6). One FLOAT32 input, an output of
 * the same shape, no options.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

static void
clamp_run (const FvKernelCtx *ctx, FvActivation act)
{
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];
  int64_t begin, end;
  fv_ops_task_range (fv_tensor_numel (fv_op_input (ctx->model, ctx->op, 0)), ctx, &begin, &end);
  for (int64_t i = begin; i < end; i++)
    out[i] = fv_activate (in[i], act);
}

static void
relu_run (const FvKernelCtx *ctx)
{
  clamp_run (ctx, FV_ACT_RELU);
}

static void
relu6_run (const FvKernelCtx *ctx)
{
  clamp_run (ctx, FV_ACT_RELU6);
}

const FvKernel fv_ref_kernel_relu = {
  .type = FV_OP_RELU,
  .prepare = fv_ops_unary_prepare,
  .run = relu_run,
};

const FvKernel fv_ref_kernel_relu6 = {
  .type = FV_OP_RELU6,
  .prepare = fv_ops_unary_prepare,
  .run = relu6_run,
};
