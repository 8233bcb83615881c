/* fovea — reference kernel for MediaPipe's TransformLandmarks custom op, version 2.
 *
 * Inputs:  landmarks p [1,N,D] with D = 2 (x, y) or 3 (x, y, z), matrix M [1,4,4]
 *          (row-major); FLOAT32.
 * Options: none; D is the last dimension of the output, which equals the input's shape.
 * Output:  q [1,N,D], each landmark mapped through the first two rows of M as the point
 *          (x, y, 0, 1):
 *            q.x = M[0] . (x, y, 0, 1),  q.y = M[1] . (x, y, 0, 1),  q.z = p.z (D = 3)
 * Unlike TransformTensorBilinear, no half-pixel correction is applied.
 */
#include "models/ops/custom/custom_kernels.h"

static gboolean
prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 2, 2, 1, error))
    return FALSE;
  const FvTensor *p = fv_op_input (model, op, 0);
  const FvTensor *mat = fv_op_input (model, op, 1);
  const FvTensor *q = fv_op_output (model, op, 0);
  if (!fv_op_check_dtype (model, op, p, FV_DTYPE_FLOAT32, "landmarks", error)
      || !fv_op_check_dtype (model, op, mat, FV_DTYPE_FLOAT32, "matrix", error)
      || !fv_op_check_dtype (model, op, q, FV_DTYPE_FLOAT32, "output", error)
      || !fv_op_check_rank (model, op, p, 3, "landmarks", error))
    return FALSE;
  const int d = p->shape[2];
  if (d != 2 && d != 3)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "landmarks '%s' have %d values each, expected 2 or 3", p->name, d);
  const int64_t p_dims[3] = { 1, p->shape[1], d };
  const int64_t mat_dims[3] = { 1, 4, 4 };
  return fv_custom_check_shape (model, op, p, 3, p_dims, "landmarks", error)
    && fv_custom_check_shape (model, op, mat, 3, mat_dims, "matrix", error)
    && fv_custom_check_shape (model, op, q, 3, p_dims, "output", error);
}

static float
dot4 (const float a[4], float x, float y, float z, float w)
{
  return a[0] * x + a[1] * y + a[2] * z + a[3] * w;
}

static void
run (const FvKernelCtx *ctx)
{
  const FvTensor *pt = fv_op_input (ctx->model, ctx->op, 0);
  const float *p = ctx->inputs[0], *mat = ctx->inputs[1];
  float *q = ctx->outputs[0];
  const int n = pt->shape[1], d = pt->shape[2];

  int begin, end;
  fv_custom_task_range (n, ctx->task, ctx->n_tasks, &begin, &end);
  for (int i = begin; i < end; i++) {
    const float *in = p + (size_t) i * d;
    float *out = q + (size_t) i * d;
    const float x = in[0], y = in[1];
    out[0] = dot4 (mat, x, y, 0.f, 1.f);
    out[1] = dot4 (mat + 4, x, y, 0.f, 1.f);
    if (d == 3)
      out[2] = in[2];
  }
}

const FvKernel fv_ref_kernel_transform_landmarks = {
  .type = FV_OP_TRANSFORM_LANDMARKS,
  .prepare = prepare,
  .run = run,
};
