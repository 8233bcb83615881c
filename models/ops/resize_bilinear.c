/* fovea — RESIZE_BILINEAR reference kernel (TFLite reference_ops::ResizeBilinear).
 *
 * Inputs: x [N,H,W,C] (FLOAT32), size (INT32 constant [2] = new height, width). Output
 * [N,h,w,C]. Per output row y (columns alike), with scale = H / h, or (H-1)/(h-1) under
 * align_corners when h > 1:
 *   src = half_pixel_centers ? (y + 0.5) * scale - 0.5 : y * scale
 *   y0 = max(floor(src), 0), y1 = min(ceil(src), H - 1), dy = src - y0
 *   out = in[y0,x0]*(1-dy)*(1-dx) + in[y1,x0]*dy*(1-dx) + in[y0,x1]*(1-dy)*dx
 *         + in[y1,x1]*dy*dx
 * in float, in that order, so results match TFLite's. align_corners together with
 * half_pixel_centers is rejected, as TFLite does.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

#include <math.h>

static gboolean
resize_bilinear_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  const FvResizeOptions *o = &op->options.resize;
  if (!fv_op_check_arity (model, op, 2, 2, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *size = fv_op_input (model, op, 1);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error) ||
      !fv_op_check_rank (model, op, in, 4, "input", error) ||
      !fv_ops_check_const_i32 (model, op, size, "size", error))
    return FALSE;
  if (o->align_corners && o->half_pixel_centers)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "align_corners=TRUE with half_pixel_centers=TRUE is not supported");
  int64_t want_size[1] = { 2 };
  if (!fv_ops_check_shape (model, op, size, 1, want_size, "size", error))
    return FALSE;
  const int32_t *s = size->data;
  if (s[0] < 1 || s[1] < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE, "size %dx%d must be positive",
                        s[0], s[1]);
  int64_t want[4] = { in->shape[0], s[0], s[1], in->shape[3] };
  return fv_ops_check_shape (model, op, out, 4, want, "output", error);
}

static void
interpolation (int64_t o, float scale, gboolean half_pixel, int64_t in_size, float *src,
               int64_t *lo, int64_t *hi)
{
  float v = half_pixel ? ((float) o + 0.5f) * scale - 0.5f : (float) o * scale;
  *src = v;
  *lo = MAX ((int64_t) floorf (v), 0);
  *hi = MIN ((int64_t) ceilf (v), in_size - 1);
  /* only float rounding on inputs of millions of rows could push these out; keep every read
   * inside the tensor regardless */
  *lo = MIN (*lo, in_size - 1);
  *hi = MAX (*hi, 0);
}

static void
resize_bilinear_run (const FvKernelCtx *ctx)
{
  const FvResizeOptions *o = &ctx->op->options.resize;
  const FvTensor *in_t = fv_op_input (ctx->model, ctx->op, 0);
  const FvTensor *out_t = fv_op_output (ctx->model, ctx->op, 0);
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];
  int64_t n = in_t->shape[0], h = in_t->shape[1], w = in_t->shape[2], c = in_t->shape[3];
  int64_t oh = out_t->shape[1], ow = out_t->shape[2];
  float scale_y = (float) h / (float) oh;
  float scale_x = (float) w / (float) ow;
  if (o->align_corners && oh > 1)
    scale_y = (float) (h - 1) / (float) (oh - 1);
  if (o->align_corners && ow > 1)
    scale_x = (float) (w - 1) / (float) (ow - 1);

  int64_t begin, end;
  fv_ops_task_range (n * oh, ctx, &begin, &end);
  for (int64_t row = begin; row < end; row++) {
    int64_t b = row / oh, y = row % oh;
    float sy;
    int64_t y0, y1;
    interpolation (y, scale_y, o->half_pixel_centers, h, &sy, &y0, &y1);
    float dy = sy - (float) y0;
    for (int64_t x = 0; x < ow; x++) {
      float sx;
      int64_t x0, x1;
      interpolation (x, scale_x, o->half_pixel_centers, w, &sx, &x0, &x1);
      float dx = sx - (float) x0;
      const float *p00 = in + ((b * h + y0) * w + x0) * c;
      const float *p10 = in + ((b * h + y1) * w + x0) * c;
      const float *p01 = in + ((b * h + y0) * w + x1) * c;
      const float *p11 = in + ((b * h + y1) * w + x1) * c;
      float *dst = out + ((b * oh + y) * ow + x) * c;
      for (int64_t k = 0; k < c; k++)
        dst[k] = p00[k] * (1 - dy) * (1 - dx) + p10[k] * dy * (1 - dx) +
                 p01[k] * (1 - dy) * dx + p11[k] * dy * dx;
    }
  }
}

const FvKernel fv_ref_kernel_resize_bilinear = {
  .type = FV_OP_RESIZE_BILINEAR,
  .prepare = resize_bilinear_prepare,
  .run = resize_bilinear_run,
};
