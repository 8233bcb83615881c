/* fovea — reference kernel for MediaPipe's Convolution2DTransposeBias custom op.
 *
 * Inputs:  x [N,H,W,Cin], weights [Cout,Kh,Kw,Cin] (OHWI), bias [Cout]; all FLOAT32.
 * Options: FvTransposeConvOptions {padding, stride_w, stride_h} (the raw
 *          TfLiteTransposeConvParams MediaPipe stores in custom_options).
 * Output:  y [N,OH,OW,Cout] with, per axis (shown for height),
 *            pad   = SAME ? max(0, Kh - (H-1) % stride_h - 1) : 0
 *            OH    = stride_h * (H-1) + Kh - pad
 *            top   = pad / 2            (the padding cut off before row 0)
 *          and
 *            y[n,oy,ox,co] = bias[co] + sum over iy, ix, fy, fx, ci with
 *                              oy = iy*stride_h - top + fy, ox = ix*stride_w - left + fx
 *                            of x[n,iy,ix,ci] * weights[co,fy,fx,ci].
 *          Every input pixel scatters a Kh x Kw patch of weights into the output;
 *          contributions falling outside the output are dropped.
 */
#include "models/ops/custom/custom_kernels.h"

static int
transpose_conv_pad (FvPadding padding, int in, int kernel, int stride)
{
  if (padding != FV_PADDING_SAME)
    return 0;
  int pad = kernel - (in - 1) % stride - 1;
  return pad > 0 ? pad : 0;
}

static gboolean
prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 3, 3, 1, error))
    return FALSE;
  const FvTensor *x = fv_op_input (model, op, 0);
  const FvTensor *w = fv_op_input (model, op, 1);
  const FvTensor *b = fv_op_input (model, op, 2);
  const FvTensor *y = fv_op_output (model, op, 0);
  if (!fv_op_check_dtype (model, op, x, FV_DTYPE_FLOAT32, "input", error)
      || !fv_op_check_dtype (model, op, w, FV_DTYPE_FLOAT32, "weights", error)
      || !fv_op_check_dtype (model, op, b, FV_DTYPE_FLOAT32, "bias", error)
      || !fv_op_check_dtype (model, op, y, FV_DTYPE_FLOAT32, "output", error)
      || !fv_op_check_rank (model, op, x, 4, "input", error)
      || !fv_op_check_rank (model, op, w, 4, "weights", error))
    return FALSE;

  const FvTransposeConvOptions *o = &op->options.transpose_conv;
  if (o->padding != FV_PADDING_SAME && o->padding != FV_PADDING_VALID)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED, "padding %d is not supported",
                        (int) o->padding);
  if (o->stride_w < 1 || o->stride_h < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "stride %dx%d (w x h) must be at least 1", o->stride_w, o->stride_h);

  int cin = x->shape[3], cout = w->shape[0], kh = w->shape[1], kw = w->shape[2];
  if (w->shape[3] != cin)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "weights '%s' have %d input channels, input '%s' has %d", w->name,
                        w->shape[3], x->name, cin);
  const int64_t bias_dims[1] = { cout };
  if (!fv_custom_check_shape (model, op, b, 1, bias_dims, "bias", error))
    return FALSE;

  int h = x->shape[1], wd = x->shape[2];
  int64_t oh = (int64_t) o->stride_h * (h - 1) + kh - transpose_conv_pad (o->padding, h, kh, o->stride_h);
  int64_t ow = (int64_t) o->stride_w * (wd - 1) + kw - transpose_conv_pad (o->padding, wd, kw, o->stride_w);
  const int64_t out_dims[4] = { x->shape[0], oh, ow, cout };
  return fv_custom_check_shape (model, op, y, 4, out_dims, "output", error);
}

static void
run (const FvKernelCtx *ctx)
{
  const FvModel *m = ctx->model;
  const FvOp *op = ctx->op;
  const FvTensor *xt = fv_op_input (m, op, 0), *wt = fv_op_input (m, op, 1);
  const FvTensor *yt = fv_op_output (m, op, 0);
  const float *x = ctx->inputs[0], *w = ctx->inputs[1], *bias = ctx->inputs[2];
  float *y = ctx->outputs[0];
  const FvTransposeConvOptions *o = &op->options.transpose_conv;

  const int batches = xt->shape[0], in_h = xt->shape[1], in_w = xt->shape[2], cin = xt->shape[3];
  const int cout = wt->shape[0], kh = wt->shape[1], kw = wt->shape[2];
  const int out_h = yt->shape[1], out_w = yt->shape[2];
  const int sh = o->stride_h, sw = o->stride_w;
  const int top = transpose_conv_pad (o->padding, in_h, kh, sh) / 2;
  const int left = transpose_conv_pad (o->padding, in_w, kw, sw) / 2;

  /* Written as a gather over output rows so tasks own disjoint rows. The filter taps run
   * backwards so that, for each output, the input pixels arrive in the same (iy, ix, ci)
   * order as in MediaPipe's scatter loop: the float sums then match it exactly. */
  int begin, end;
  fv_custom_task_range (batches * out_h, ctx->task, ctx->n_tasks, &begin, &end);
  for (int row = begin; row < end; row++) {
    const int n = row / out_h, oy = row % out_h;
    for (int ox = 0; ox < out_w; ox++) {
      for (int co = 0; co < cout; co++) {
        float acc = bias[co];
        for (int fy = kh - 1; fy >= 0; fy--) {
          const int ty = oy + top - fy;       /* = iy * sh when this tap hits */
          if (ty < 0 || ty % sh != 0 || ty / sh >= in_h)
            continue;
          const int iy = ty / sh;
          for (int fx = kw - 1; fx >= 0; fx--) {
            const int tx = ox + left - fx;
            if (tx < 0 || tx % sw != 0 || tx / sw >= in_w)
              continue;
            const int ix = tx / sw;
            const float *xp = x + (((size_t) n * in_h + iy) * in_w + ix) * cin;
            const float *wp = w + (((size_t) co * kh + fy) * kw + fx) * cin;
            for (int ci = 0; ci < cin; ci++)
              acc += xp[ci] * wp[ci];
          }
        }
        y[(((size_t) n * out_h + oy) * out_w + ox) * cout + co] = acc;
      }
    }
  }
}

const FvKernel fv_ref_kernel_convolution_2d_transpose_bias = {
  .type = FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS,
  .prepare = prepare,
  .run = run,
};
