/* fovea — RESIZE_NEAREST_NEIGHBOR reference kernel (TFLite reference_ops::
 * ResizeNearestNeighbor); Keras' UpSampling2D(interpolation="nearest") of the TF.js
 * super-resolution models becomes this op.
 *
 * Inputs: x [N,H,W,C] (FLOAT32), size (INT32 constant [2] = new height, width). Output
 * [N,h,w,C]. Per output row y (columns alike), with scale = H / h, or (H-1)/(h-1) under
 * align_corners when h > 1, and offset = half_pixel_centers ? 0.5 : 0:
 *   src = align_corners ? round((y + offset) * scale) : floor((y + offset) * scale)
 *   src = clamp(src, 0, H - 1)
 * in float, as TFLite computes it. For an integer upscale (h = k*H) this is y / k.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

#include <math.h>
#include <string.h>

static gboolean
resize_nearest_prepare (const FvModel *model, const FvOp *op, GError **error)
{
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

/* The source index of output index @o along an axis of @in_size inputs. */
static int64_t
nearest (int64_t o, float scale, const FvResizeOptions *opt, int64_t in_size)
{
  float offset = opt->half_pixel_centers ? 0.5f : 0.f;
  float v = ((float) o + offset) * scale;
  int64_t src = opt->align_corners ? (int64_t) roundf (v) : (int64_t) floorf (v);
  return CLAMP (src, 0, in_size - 1);
}

static void
resize_nearest_run (const FvKernelCtx *ctx)
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
    int64_t sy = nearest (y, scale_y, o, h);
    for (int64_t x = 0; x < ow; x++) {
      int64_t sx = nearest (x, scale_x, o, w);
      memcpy (out + ((b * oh + y) * ow + x) * c, in + ((b * h + sy) * w + sx) * c,
              (size_t) c * sizeof (float));
    }
  }
}

const FvKernel fv_ref_kernel_resize_nearest_neighbor = {
  .type = FV_OP_RESIZE_NEAREST_NEIGHBOR,
  .prepare = resize_nearest_prepare,
  .run = resize_nearest_run,
};
