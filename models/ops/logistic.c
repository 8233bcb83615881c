/* fovea — LOGISTIC reference kernel.
 *
 * out = 1 / (1 + exp(-x)), element-wise; one FLOAT32 input, same-shape output, no options.
 * Like TFLite's reference kernel it saturates to 1 above x = 16.619047 and uses exp(x)
 * below -9, where 1 / (1 + exp(-x)) and exp(x) agree to float precision anyway.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

#include <math.h>

static void
logistic_run (const FvKernelCtx *ctx)
{
  const float cutoff_upper = 16.619047164916992188f;
  const float cutoff_lower = -9.f;
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];
  int64_t begin, end;
  fv_ops_task_range (fv_tensor_numel (fv_op_input (ctx->model, ctx->op, 0)), ctx, &begin, &end);
  for (int64_t i = begin; i < end; i++) {
    float x = in[i];
    if (x > cutoff_upper)
      out[i] = 1.f;
    else if (x < cutoff_lower)
      out[i] = expf (x);
    else
      out[i] = 1.f / (1.f + expf (-x));
  }
}

const FvKernel fv_ref_kernel_logistic = {
  .type = FV_OP_LOGISTIC,
  .prepare = fv_ops_unary_prepare,
  .run = logistic_run,
};
