/* fovea — CONV_2D, DEPTHWISE_CONV_2D and MediaPipe's Convolution2DTransposeBias for the
 * OpenCL model backend. Tensors are NHWC, stored as fv_store_t (storage.cl: float32, or half with
 * float arithmetic); every operand is a buffer plus an
 * element offset (activations live at offsets of one arena buffer, so an input and the
 * output of an op may share that buffer). Sums run in the reference kernels' order (input
 * channels innermost, taps top-left first) so results stay within float rounding of them. */

/* Any filter size, stride, dilation, padding: one work item per output element, channels
 * fastest so neighbouring items share the input pixels. */
__kernel void
conv2d_generic (__global const fv_store_t *xb, int xo, __global const fv_store_t *fb, int fo,
                __global const fv_store_t *bb, int bo, int has_bias, __global fv_store_t *yb, int yo,
                int h, int w, int cin, int oh, int ow, int cout, int kh, int kw,
                int stride_h, int stride_w, int dil_h, int dil_w, int pad_t, int pad_l, int act,
                int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int oc = i % cout;
  int pix = i / cout;
  int ox = pix % ow;
  int rest = pix / ow;
  int oy = rest % oh;
  int b = rest / oh;
  __global const fv_store_t *x = xb + xo;
  __global const fv_store_t *f = fb + fo + (size_t) oc * kh * kw * cin;
  float acc = 0.f;
  for (int ky = 0; ky < kh; ky++) {
    int iy = oy * stride_h - pad_t + ky * dil_h;
    if (iy < 0 || iy >= h)
      continue;
    for (int kx = 0; kx < kw; kx++) {
      int ix = ox * stride_w - pad_l + kx * dil_w;
      if (ix < 0 || ix >= w)
        continue;
      __global const fv_store_t *src = x + ((size_t) (b * h + iy) * w + ix) * cin;
      __global const fv_store_t *fr = f + (ky * kw + kx) * cin;
      for (int c = 0; c < cin; c++)
        acc += FV_LD (src, c) * FV_LD (fr, c);
    }
  }
  FV_ST (yb, yo + i, fv_act (acc + (has_bias ? FV_LD (bb, bo + oc) : 0.f), act));
}

/* 1x1, stride 1, no padding (95% of the convolutions): a matrix product of the
 * [pixels, cin] input by the [cout, cin] filter. One work item makes 4 output channels of
 * one pixel, reading the pixel's channels once for all four. */
__kernel void
conv2d_1x1 (__global const fv_store_t *xb, int xo, __global const fv_store_t *fb, int fo,
            __global const fv_store_t *bb, int bo, int has_bias, __global fv_store_t *yb, int yo,
            int pixels, int cin, int cout, int act)
{
  int ocb = get_global_id (0) * 4;
  int p = get_global_id (1);
  if (ocb >= cout || p >= pixels)
    return;
  __global const fv_store_t *src = xb + xo + (size_t) p * cin;
  __global const fv_store_t *f = fb + fo;
  int n = min (4, cout - ocb);
  float acc[4] = { 0.f, 0.f, 0.f, 0.f };
  if (n == 4) {
    __global const fv_store_t *f0 = f + (size_t) ocb * cin;
    __global const fv_store_t *f1 = f0 + cin;
    __global const fv_store_t *f2 = f1 + cin;
    __global const fv_store_t *f3 = f2 + cin;
    for (int c = 0; c < cin; c++) {
      float v = FV_LD (src, c);
      acc[0] += v * FV_LD (f0, c);
      acc[1] += v * FV_LD (f1, c);
      acc[2] += v * FV_LD (f2, c);
      acc[3] += v * FV_LD (f3, c);
    }
  } else {
    for (int j = 0; j < n; j++) {
      __global const fv_store_t *fr = f + (size_t) (ocb + j) * cin;
      for (int c = 0; c < cin; c++)
        acc[j] += FV_LD (src, c) * FV_LD (fr, c);
    }
  }
  __global fv_store_t *dst = yb + yo + (size_t) p * cout + ocb;
  for (int j = 0; j < n; j++)
    FV_ST (dst, j, fv_act (acc[j] + (has_bias ? FV_LD (bb, bo + ocb + j) : 0.f), act));
}

/* Filter [1, kh, kw, cout], cout = cin * mult; one work item per output element. */
__kernel void
depthwise_conv2d (__global const fv_store_t *xb, int xo, __global const fv_store_t *fb, int fo,
                  __global const fv_store_t *bb, int bo, int has_bias, __global fv_store_t *yb, int yo,
                  int h, int w, int cin, int oh, int ow, int cout, int mult, int kh, int kw,
                  int stride_h, int stride_w, int dil_h, int dil_w, int pad_t, int pad_l,
                  int act, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int oc = i % cout;
  int pix = i / cout;
  int ox = pix % ow;
  int rest = pix / ow;
  int oy = rest % oh;
  int b = rest / oh;
  int ic = oc / mult;
  __global const fv_store_t *x = xb + xo;
  __global const fv_store_t *f = fb + fo;
  float acc = 0.f;
  for (int ky = 0; ky < kh; ky++) {
    int iy = oy * stride_h - pad_t + ky * dil_h;
    if (iy < 0 || iy >= h)
      continue;
    for (int kx = 0; kx < kw; kx++) {
      int ix = ox * stride_w - pad_l + kx * dil_w;
      if (ix < 0 || ix >= w)
        continue;
      acc += FV_LD (x, ((size_t) (b * h + iy) * w + ix) * cin + ic)
             * FV_LD (f, (ky * kw + kx) * cout + oc);
    }
  }
  FV_ST (yb, yo + i, fv_act (acc + (has_bias ? FV_LD (bb, bo + oc) : 0.f), act));
}

/* Convolution2DTransposeBias as a gather over outputs, taps backwards as the reference
 * (and MediaPipe's scatter loop) visit them. */
__kernel void
transpose_conv_bias (__global const fv_store_t *xb, int xo, __global const fv_store_t *wb, int wo,
                     __global const fv_store_t *bb, int bo, __global fv_store_t *yb, int yo,
                     int in_h, int in_w, int cin, int out_h, int out_w, int cout, int kh, int kw,
                     int sh, int sw, int top, int left, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int co = i % cout;
  int pix = i / cout;
  int ox = pix % out_w;
  int rest = pix / out_w;
  int oy = rest % out_h;
  int n = rest / out_h;
  __global const fv_store_t *x = xb + xo;
  __global const fv_store_t *wt = wb + wo;
  float acc = FV_LD (bb, bo + co);
  for (int fy = kh - 1; fy >= 0; fy--) {
    int ty = oy + top - fy;
    if (ty < 0 || ty % sh != 0 || ty / sh >= in_h)
      continue;
    int iy = ty / sh;
    for (int fx = kw - 1; fx >= 0; fx--) {
      int tx = ox + left - fx;
      if (tx < 0 || tx % sw != 0 || tx / sw >= in_w)
        continue;
      int ix = tx / sw;
      __global const fv_store_t *xp = x + ((size_t) (n * in_h + iy) * in_w + ix) * cin;
      __global const fv_store_t *wp = wt + ((size_t) (co * kh + fy) * kw + fx) * cin;
      for (int ci = 0; ci < cin; ci++)
        acc += FV_LD (xp, ci) * FV_LD (wp, ci);
    }
  }
  FV_ST (yb, yo + i, acc);
}
