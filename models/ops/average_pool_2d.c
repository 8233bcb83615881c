/* fovea — AVERAGE_POOL_2D reference kernel.
 *
 * out[b, y, x, c] = act(sum of in[b, iy, ix, c] over the window cells inside the input
 *                       / the number of those cells)
 * Input [N,H,W,C]; options: window, strides, padding SAME/VALID (TF rule; padded cells are
 * excluded from both the sum and the count, as in TFLite), fused activation. The sum runs
 * in float in (ky, kx) order like TFLite's reference kernel.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

static void
average_pool_2d_run (const FvKernelCtx *ctx)
{
  const FvPoolOptions *o = &ctx->op->options.pool;
  FvPoolGeometry g;
  if (!fv_ops_pool_geometry (ctx->model, ctx->op, &g, NULL))
    return;
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];

  int64_t begin, end;
  fv_ops_task_range (g.n * g.oh, ctx, &begin, &end);
  for (int64_t row = begin; row < end; row++) {
    int64_t b = row / g.oh, oy = row % g.oh;
    int64_t y0 = oy * o->stride_h - g.pad_t;
    for (int64_t ox = 0; ox < g.ow; ox++) {
      int64_t x0 = ox * o->stride_w - g.pad_l;
      float *dst = out + ((b * g.oh + oy) * g.ow + ox) * g.c;
      for (int64_t c = 0; c < g.c; c++)
        dst[c] = 0.f;
      int64_t count = 0;
      for (int64_t iy = MAX (y0, 0); iy < MIN (y0 + o->filter_h, g.h); iy++)
        for (int64_t ix = MAX (x0, 0); ix < MIN (x0 + o->filter_w, g.w); ix++) {
          const float *src = in + ((b * g.h + iy) * g.w + ix) * g.c;
          for (int64_t c = 0; c < g.c; c++)
            dst[c] += src[c];
          count++;
        }
      /* TF padding always leaves at least one real cell in a window; the guard only keeps a
       * division by zero impossible */
      for (int64_t c = 0; c < g.c; c++)
        dst[c] = fv_activate (count > 0 ? dst[c] / (float) count : 0.f, o->activation);
    }
  }
}

const FvKernel fv_ref_kernel_average_pool_2d = {
  .type = FV_OP_AVERAGE_POOL_2D,
  .prepare = fv_ops_pool_prepare,
  .run = average_pool_2d_run,
};
