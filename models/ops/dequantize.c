/* fovea — DEQUANTIZE reference kernel.
 *
 * out = (float) x for a dense FLOAT16 input (the only DEQUANTIZE MediaPipe models use:
 * float16 weights decoded to float32, folded at load time). Output FLOAT32 of the same
 * shape. Quantized integer inputs are not supported.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

#include <math.h>
#include <string.h>

float
fv_half_to_float (uint16_t h)
{
  uint32_t sign = (uint32_t) (h >> 15) << 31;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    /* zero or subnormal: mantissa * 2^-24, exact in float */
    float v = ldexpf ((float) mantissa, -24);
    return sign ? -v : v;
  }
  if (exponent == 31)
    bits = sign | 0x7f800000u | (mantissa << 13);          /* inf, or NaN keeping its payload */
  else
    bits = sign | ((exponent - 15 + 127) << 23) | (mantissa << 13);
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

static gboolean
dequantize_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 1, 1, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (in->dtype != FV_DTYPE_FLOAT16)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "input '%s' is %s; only FLOAT16 inputs are supported", in->name,
                        fv_dtype_name (in->dtype));
  if (in->sparsity)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "input '%s' is sparse; it needs a DENSIFY first", in->name);
  if (in->is_const && (!in->data || in->data_bytes < fv_tensor_nbytes (in)))
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                        "constant '%s' lacks its data", in->name);
  if (!fv_ops_check_f32 (model, op, out, "output", error))
    return FALSE;
  int64_t want[FV_MAX_DIMS];
  fv_ops_shape64 (in, want);
  return fv_ops_check_shape (model, op, out, in->rank, want, "output", error);
}

static void
dequantize_run (const FvKernelCtx *ctx)
{
  const uint16_t *in = ctx->inputs[0];
  float *out = ctx->outputs[0];
  int64_t begin, end;
  fv_ops_task_range (fv_tensor_numel (fv_op_input (ctx->model, ctx->op, 0)), ctx, &begin, &end);
  for (int64_t i = begin; i < end; i++)
    out[i] = fv_half_to_float (in[i]);
}

const FvKernel fv_ref_kernel_dequantize = {
  .type = FV_OP_DEQUANTIZE,
  .prepare = dequantize_prepare,
  .run = dequantize_run,
};
