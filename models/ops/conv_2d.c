/* fovea — CONV_2D reference kernel.
 *
 * out[b, y, x, o] = act(sum over ky, kx, c of in[b, y*sh - pt + ky*dh, x*sw - pl + kx*dw, c]
 *                                          * filter[o, ky, kx, c]  +  bias[o])
 * Inputs: input [N,H,W,Cin], filter [Cout,Kh,Kw,Cin] (OHWI), optional bias [Cout].
 * Options: padding SAME/VALID (TF rule, see ops_util.h), strides, dilations, fused
 * activation. Taps that fall in the padding are skipped (zero padding). Like TFLite's
 * reference kernel the sum is accumulated in float in (ky, kx, c) order and the bias is
 * added last.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

/* Output channels computed side by side: their sums are independent, so the CPU overlaps
 * them, while each one still adds its terms in TFLite's (ky, kx, c) order. */
#define OC_BLOCK 8

typedef struct {
  int64_t n, h, w, cin, cout, kh, kw, oh, ow, pad_t, pad_l;
} ConvGeometry;

static gboolean
conv_geometry (const FvModel *model, const FvOp *op, ConvGeometry *g, GError **error)
{
  const FvConvOptions *o = &op->options.conv;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *filter = fv_op_input (model, op, 1);
  g->n = in->shape[0];
  g->h = in->shape[1];
  g->w = in->shape[2];
  g->cin = in->shape[3];
  g->cout = filter->shape[0];
  g->kh = filter->shape[1];
  g->kw = filter->shape[2];
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
conv_2d_prepare (const FvModel *model, const FvOp *op, GError **error)
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
  if (filter->shape[3] != in->shape[3]) {
    if (in->shape[3] % filter->shape[3] == 0)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                          "grouped convolution (input has %d channels, filter %d) is not "
                          "supported", in->shape[3], filter->shape[3]);
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "filter '%s' has %d input channels, the input has %d", filter->name,
                        filter->shape[3], in->shape[3]);
  }
  if (bias) {
    int64_t want[1] = { filter->shape[0] };
    if (!fv_ops_check_shape (model, op, bias, 1, want, "bias", error))
      return FALSE;
  }
  ConvGeometry g;
  if (!conv_geometry (model, op, &g, error))
    return FALSE;
  int64_t want[4] = { g.n, g.oh, g.ow, g.cout };
  return fv_ops_check_shape (model, op, out, 4, want, "output", error);
}

static void
conv_2d_run (const FvKernelCtx *ctx)
{
  const FvConvOptions *o = &ctx->op->options.conv;
  ConvGeometry g;
  if (!conv_geometry (ctx->model, ctx->op, &g, NULL))
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
      for (int64_t oc0 = 0; oc0 < g.cout; oc0 += OC_BLOCK) {
        int64_t nb = MIN (OC_BLOCK, g.cout - oc0);
        float total[OC_BLOCK] = { 0 };
        for (int64_t ky = 0; ky < g.kh; ky++) {
          int64_t iy = oy * o->stride_h - g.pad_t + ky * o->dilation_h;
          if (iy < 0 || iy >= g.h)
            continue;
          for (int64_t kx = 0; kx < g.kw; kx++) {
            int64_t ix = ox * o->stride_w - g.pad_l + kx * o->dilation_w;
            if (ix < 0 || ix >= g.w)
              continue;
            const float *src = in + ((b * g.h + iy) * g.w + ix) * g.cin;
            const float *f[OC_BLOCK];
            for (int64_t j = 0; j < nb; j++)
              f[j] = filter + (((oc0 + j) * g.kh + ky) * g.kw + kx) * g.cin;
            if (nb == OC_BLOCK) {
              for (int64_t c = 0; c < g.cin; c++) {
                float x = src[c];
                for (int j = 0; j < OC_BLOCK; j++)
                  total[j] += x * f[j][c];
              }
            } else {
              for (int64_t j = 0; j < nb; j++)
                for (int64_t c = 0; c < g.cin; c++)
                  total[j] += src[c] * f[j][c];
            }
          }
        }
        for (int64_t j = 0; j < nb; j++)
          dst[oc0 + j] = fv_activate (total[j] + (bias ? bias[oc0 + j] : 0.f), o->activation);
      }
    }
  }
}

const FvKernel fv_ref_kernel_conv_2d = {
  .type = FV_OP_CONV_2D,
  .prepare = conv_2d_prepare,
  .run = conv_2d_run,
};
