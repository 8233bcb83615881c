/* fovea — DEPTHWISE_CONV_2D reference kernel.
 *
 * With M = Cout / Cin (the depth multiplier) and output channel o = c*M + m:
 * out[b, y, x, o] = act(sum over ky, kx of in[b, y*sh - pt + ky*dh, x*sw - pl + kx*dw, c]
 *                                         * filter[0, ky, kx, o]  +  bias[o])
 * Inputs: input [N,H,W,Cin], filter [1,Kh,Kw,Cout], optional bias [Cout].
 * Options: padding SAME/VALID (TF rule), strides, dilations, depth_multiplier (must agree
 * with the filter), fused activation. Each channel's sum runs in (ky, kx) order in float
 * and the bias comes last, as in TFLite's reference kernel; the output pixel itself is the
 * accumulator so that the innermost loop runs over contiguous channels.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

typedef struct {
  int64_t n, h, w, cin, cout, mult, kh, kw, oh, ow, pad_t, pad_l;
} DwGeometry;

static gboolean
dw_geometry (const FvModel *model, const FvOp *op, DwGeometry *g, GError **error)
{
  const FvConvOptions *o = &op->options.conv;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *filter = fv_op_input (model, op, 1);
  g->n = in->shape[0];
  g->h = in->shape[1];
  g->w = in->shape[2];
  g->cin = in->shape[3];
  g->kh = filter->shape[1];
  g->kw = filter->shape[2];
  g->cout = filter->shape[3];
  g->mult = g->cout / g->cin;
  int64_t kh_eff = (g->kh - 1) * o->dilation_h + 1;
  int64_t kw_eff = (g->kw - 1) * o->dilation_w + 1;
  if (!fv_ops_out_size (o->padding, g->h, kh_eff, o->stride_h, &g->oh, &g->pad_t) ||
      !fv_ops_out_size (o->padding, g->w, kw_eff, o->stride_w, &g->ow, &g->pad_l))
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "a %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " filter (stride %dx%d) does "
                        "not fit the %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " input",
                        kh_eff, kw_eff, o->stride_h, o->stride_w, g->h, g->w);
  return TRUE;
}

static gboolean
depthwise_conv_2d_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  const FvConvOptions *o = &op->options.conv;
  if (!fv_op_check_arity (model, op, 2, 3, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *filter = fv_op_input (model, op, 1);
  const FvTensor *bias = fv_op_input (model, op, 2);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, filter, "filter", error) ||
      (bias && !fv_ops_check_f32 (model, op, bias, "bias", error)) ||
      !fv_ops_check_f32 (model, op, out, "output", error) ||
      !fv_op_check_rank (model, op, in, 4, "input", error) ||
      !fv_op_check_rank (model, op, filter, 4, "filter", error) ||
      !fv_ops_check_padding (model, op, o->padding, error) ||
      !fv_op_check_activation (model, op, o->activation, error))
    return FALSE;
  if (o->stride_w < 1 || o->stride_h < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "stride %dx%d must be >= 1",
                        o->stride_h, o->stride_w);
  if (o->dilation_w < 1 || o->dilation_h < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "dilation %dx%d must be >= 1",
                        o->dilation_h, o->dilation_w);
  if (filter->shape[0] != 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "filter '%s' has leading dim %d, expected 1", filter->name,
                        filter->shape[0]);
  if (filter->shape[3] % in->shape[3] != 0)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "filter '%s' has %d channels, not a multiple of the input's %d",
                        filter->name, filter->shape[3], in->shape[3]);
  int mult = filter->shape[3] / in->shape[3];
  /* 0 is how older files leave the multiplier unset; anything else must agree */
  if (o->depth_multiplier != 0 && o->depth_multiplier != mult)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "depth_multiplier %d disagrees with the filter (%d channels from %d)",
                        o->depth_multiplier, filter->shape[3], in->shape[3]);
  if (bias) {
    int64_t want[1] = { filter->shape[3] };
    if (!fv_ops_check_shape (model, op, bias, 1, want, "bias", error))
      return FALSE;
  }
  DwGeometry g;
  if (!dw_geometry (model, op, &g, error))
    return FALSE;
  int64_t want[4] = { g.n, g.oh, g.ow, g.cout };
  return fv_ops_check_shape (model, op, out, 4, want, "output", error);
}

static void
depthwise_conv_2d_run (const FvKernelCtx *ctx)
{
  const FvConvOptions *o = &ctx->op->options.conv;
  DwGeometry g;
  if (!dw_geometry (ctx->model, ctx->op, &g, NULL))
    return;
  const float *in = ctx->inputs[0];
  const float *filter = ctx->inputs[1];
  const float *bias = ctx->op->n_inputs > 2 ? ctx->inputs[2] : NULL;
  float *out = ctx->outputs[0];

  int64_t begin, end;
  fv_ops_task_range (g.n * g.oh, ctx, &begin, &end);
  for (int64_t row = begin; row < end; row++) {
    int64_t b = row / g.oh, oy = row % g.oh;
    for (int64_t ox = 0; ox < g.ow; ox++) {
      float *dst = out + ((b * g.oh + oy) * g.ow + ox) * g.cout;
      for (int64_t oc = 0; oc < g.cout; oc++)
        dst[oc] = 0.f;
      for (int64_t ky = 0; ky < g.kh; ky++) {
        int64_t iy = oy * o->stride_h - g.pad_t + ky * o->dilation_h;
        if (iy < 0 || iy >= g.h)
          continue;
        for (int64_t kx = 0; kx < g.kw; kx++) {
          int64_t ix = ox * o->stride_w - g.pad_l + kx * o->dilation_w;
          if (ix < 0 || ix >= g.w)
            continue;
          const float *src = in + ((b * g.h + iy) * g.w + ix) * g.cin;
          const float *f = filter + (ky * g.kw + kx) * g.cout;
          if (g.mult == 1) {
            for (int64_t c = 0; c < g.cin; c++)
              dst[c] += src[c] * f[c];
          } else {
            for (int64_t c = 0; c < g.cin; c++)
              for (int64_t m = 0; m < g.mult; m++)
                dst[c * g.mult + m] += src[c] * f[c * g.mult + m];
          }
        }
      }
      for (int64_t oc = 0; oc < g.cout; oc++)
        dst[oc] = fv_activate (dst[oc] + (bias ? bias[oc] : 0.f), o->activation);
    }
  }
}

const FvKernel fv_ref_kernel_depthwise_conv_2d = {
  .type = FV_OP_DEPTHWISE_CONV_2D,
  .prepare = depthwise_conv_2d_prepare,
  .run = depthwise_conv_2d_run,
};
