/* fovea — reference kernel for MediaPipe's TransformTensorBilinear custom op, version 2.
 *
 * Inputs:  feature map x [1,H,W,C], matrix M [1,4,4] (row-major); FLOAT32.
 * Options: FvTransformTensorOptions {output_height, output_width}.
 * Output:  y [1,output_height,output_width,C].
 *
 * Version 2 treats pixels as unit squares with centres at +0.5 (half-pixel centres): the
 * output pixel (ox, oy) has its centre at (ox+0.5, oy+0.5), M maps that to the input, and
 * the input sample at continuous position p sits at index p - 0.5. Folded into M's first
 * two rows (the only ones used; z = 0, w = 1):
 *   a = M[0][*],  a[3] += 0.5*a[0] + 0.5*a[1] - 0.5      (same for b = M[1][*])
 *   (sx, sy) = (a . (ox, oy, 0, 1), b . (ox, oy, 0, 1))
 * If 0 <= sx <= W-1 and 0 <= sy <= H-1 the result is the bilinear blend of the four
 * pixels around (sx, sy), a neighbour beyond the last row/column counting as 0 (its
 * weight is then 0 anyway); otherwise, NaN included, the output is 0 in every channel.
 */
#include "models/ops/custom/custom_kernels.h"

#include <math.h>

static gboolean
prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 2, 2, 1, error))
    return FALSE;
  const FvTensor *x = fv_op_input (model, op, 0);
  const FvTensor *mat = fv_op_input (model, op, 1);
  const FvTensor *y = fv_op_output (model, op, 0);
  if (!fv_op_check_dtype (model, op, x, FV_DTYPE_FLOAT32, "input", error)
      || !fv_op_check_dtype (model, op, mat, FV_DTYPE_FLOAT32, "matrix", error)
      || !fv_op_check_dtype (model, op, y, FV_DTYPE_FLOAT32, "output", error)
      || !fv_op_check_rank (model, op, x, 4, "input", error))
    return FALSE;

  const FvTransformTensorOptions *o = &op->options.transform_tensor;
  if (o->output_height < 1 || o->output_width < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "output size %dx%d (h x w) must be at least 1x1", o->output_height,
                        o->output_width);
  const int64_t in_dims[4] = { 1, x->shape[1], x->shape[2], x->shape[3] };
  const int64_t mat_dims[3] = { 1, 4, 4 };
  const int64_t out_dims[4] = { 1, o->output_height, o->output_width, x->shape[3] };
  return fv_custom_check_shape (model, op, x, 4, in_dims, "input", error)
    && fv_custom_check_shape (model, op, mat, 3, mat_dims, "matrix", error)
    && fv_custom_check_shape (model, op, y, 4, out_dims, "output", error);
}

static float
dot4 (const float a[4], float x, float y, float z, float w)
{
  return a[0] * x + a[1] * y + a[2] * z + a[3] * w;
}

/* x[0, iy, ix, ch], or 0 beyond the map */
static float
pixel (const float *x, int h, int w, int c, int iy, int ix, int ch)
{
  if (iy < 0 || ix < 0 || iy >= h || ix >= w)
    return 0.f;
  return x[((size_t) iy * w + ix) * c + ch];
}

static void
run (const FvKernelCtx *ctx)
{
  const FvTensor *xt = fv_op_input (ctx->model, ctx->op, 0);
  const FvTensor *yt = fv_op_output (ctx->model, ctx->op, 0);
  const float *x = ctx->inputs[0], *mat = ctx->inputs[1];
  float *y = ctx->outputs[0];
  const int in_h = xt->shape[1], in_w = xt->shape[2], c = xt->shape[3];
  const int out_h = yt->shape[1], out_w = yt->shape[2];

  float a[4] = { mat[0], mat[1], mat[2], mat[3] };
  float b[4] = { mat[4], mat[5], mat[6], mat[7] };
  a[3] += a[0] * 0.5f + a[1] * 0.5f - 0.5f;
  b[3] += b[0] * 0.5f + b[1] * 0.5f - 0.5f;

  int begin, end;
  fv_custom_task_range (out_h, ctx->task, ctx->n_tasks, &begin, &end);
  for (int oy = begin; oy < end; oy++) {
    for (int ox = 0; ox < out_w; ox++) {
      float *out = y + ((size_t) oy * out_w + ox) * c;
      const float sx = dot4 (a, (float) ox, (float) oy, 0.f, 1.f);
      const float sy = dot4 (b, (float) ox, (float) oy, 0.f, 1.f);
      /* Written as "inside" so that NaN lands in the zero branch. */
      const gboolean inside = sx >= 0.f && sx <= (float) (in_w - 1)
        && sy >= 0.f && sy <= (float) (in_h - 1);
      if (!inside) {
        for (int ch = 0; ch < c; ch++)
          out[ch] = 0.f;
        continue;
      }
      const int x0 = (int) floorf (sx), y0 = (int) floorf (sy);
      const float fx = sx - (float) x0, fy = sy - (float) y0;
      for (int ch = 0; ch < c; ch++) {
        const float q00 = pixel (x, in_h, in_w, c, y0, x0, ch);
        const float q01 = pixel (x, in_h, in_w, c, y0, x0 + 1, ch);
        const float q10 = pixel (x, in_h, in_w, c, y0 + 1, x0, ch);
        const float q11 = pixel (x, in_h, in_w, c, y0 + 1, x0 + 1, ch);
        const float upper = (1.f - fx) * q00 + fx * q01;
        const float lower = (1.f - fx) * q10 + fx * q11;
        out[ch] = fy * lower + (1.f - fy) * upper;
      }
    }
  }
}

const FvKernel fv_ref_kernel_transform_tensor_bilinear = {
  .type = FV_OP_TRANSFORM_TENSOR_BILINEAR,
  .prepare = prepare,
  .run = run,
};
