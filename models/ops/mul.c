/* fovea — MUL reference kernel.
 *
 * out = act(a * b), numpy-style broadcasting of a and b (shapes aligned from the right,
 * each dim equal or 1). Inputs: a, b (FLOAT32); option: fused activation.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

static gboolean
mul_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  return fv_ops_binary_prepare (model, op, error) &&
         fv_op_check_activation (model, op, op->options.elementwise.activation, error);
}

static void
mul_row (const float *a, int64_t sa, const float *b, int64_t sb, float *out, int64_t n,
         FvActivation act)
{
  for (int64_t i = 0; i < n; i++)
    out[i] = fv_activate (a[i * sa] * b[i * sb], act);
}

static void
mul_run (const FvKernelCtx *ctx)
{
  fv_ops_binary_run (ctx, mul_row, ctx->op->options.elementwise.activation);
}

const FvKernel fv_ref_kernel_mul = {
  .type = FV_OP_MUL,
  .prepare = mul_prepare,
  .run = mul_run,
};
