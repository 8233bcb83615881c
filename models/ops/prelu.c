/* fovea — PRELU reference kernel.
 *
 * out = x >= 0 ? x : x * alpha, with alpha broadcast against x (numpy rules: [C], [1,1,C],
 * [1,1,1,C] or any shape that broadcasts). Inputs: x, alpha (FLOAT32); no options.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

static void
prelu_row (const float *x, int64_t sx, const float *alpha, int64_t sa, float *out, int64_t n,
           FvActivation act)
{
  for (int64_t i = 0; i < n; i++) {
    float v = x[i * sx];
    out[i] = v >= 0.f ? v : v * alpha[i * sa];
  }
}

static void
prelu_run (const FvKernelCtx *ctx)
{
  fv_ops_binary_run (ctx, prelu_row, FV_ACT_NONE);
}

const FvKernel fv_ref_kernel_prelu = {
  .type = FV_OP_PRELU,
  .prepare = fv_ops_binary_prepare,
  .run = prelu_run,
};
