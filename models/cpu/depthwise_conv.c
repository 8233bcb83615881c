/* fovea — DEPTHWISE_CONV_2D on the "cpu" backend (see depthwise_conv.h). */
#include "models/cpu/depthwise_conv.h"

#include "models/cpu/cpu_geometry.h"
#include "models/cpu/cpu_simd.h"
#include "models/kernel.h"

gboolean
fv_cpu_depthwise_supports (const FvModel *model, const FvOp *op)
{
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *filter = fv_op_input (model, op, 1);
  const FvTensor *bias = fv_op_input (model, op, 2);
  return in && filter && filter->is_const && filter->data && filter->rank == 4
         && in->rank == 4 && filter->shape[3] == in->shape[3]
         && (!bias || (bias->is_const && bias->data));
}

gboolean
fv_cpu_depthwise_init (FvCpuDepthwise *d, const FvModel *model, const FvOp *op,
                       GError **error)
{
  const FvConvOptions *o = &op->options.conv;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *filter = fv_op_input (model, op, 1);
  const FvTensor *bias = fv_op_input (model, op, 2);
  memset (d, 0, sizeof *d);
  d->n = in->shape[0];
  d->h = in->shape[1];
  d->w = in->shape[2];
  d->c = in->shape[3];
  d->kh = filter->shape[1];
  d->kw = filter->shape[2];
  d->stride_h = o->stride_h;
  d->stride_w = o->stride_w;
  d->dil_h = o->dilation_h;
  d->dil_w = o->dilation_w;
  if (!fv_cpu_out_size (o->padding, d->h, (d->kh - 1) * d->dil_h + 1, d->stride_h, &d->oh,
                        &d->pad_t) ||
      !fv_cpu_out_size (o->padding, d->w, (d->kw - 1) * d->dil_w + 1, d->stride_w, &d->ow,
                        &d->pad_l))
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "the filter does not fit the input");
  d->avx2 = fv_cpu_have_avx2 ();
  fv_cpu_act_bounds (o->activation, &d->lo, &d->hi);
  d->filter = filter->data;
  d->bias = g_new0 (float, d->c);
  if (bias)
    memcpy (d->bias, bias->data, (size_t) d->c * sizeof (float));
  return TRUE;
}

void
fv_cpu_depthwise_clear (FvCpuDepthwise *d)
{
  g_free (d->bias);
  d->bias = NULL;
}

int64_t
fv_cpu_depthwise_n_rows (const FvCpuDepthwise *d)
{
  return d->n * d->oh;
}

int64_t
fv_cpu_depthwise_macs (const FvCpuDepthwise *d)
{
  return d->n * d->oh * d->ow * d->c * d->kh * d->kw;
}

FV_CPU_INLINE void
bias_act_store (float *dst, const FvV8f *sum, const float *bias, float lo, float hi)
{
  FvV8f v = *sum + fv_v8_load (bias);
  fv_v8_store (dst, fv_v8_clamp (&v, lo, hi));
}

/* One output pixel, every tap in range: 32, then 8, then 1 channel at a time. */
FV_CPU_INLINE void
dw_pixel (const FvCpuDepthwise *d, const float *in_b, float *dst, int64_t iy0, int64_t ix0,
          int64_t ky0, int64_t ky1, int64_t kx0, int64_t kx1, int64_t c)
{
  const int64_t C = d->c;
  const float lo = d->lo, hi = d->hi;
  for (; c + 32 <= C; c += 32) {
    FvV8f s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
    for (int64_t ky = ky0; ky < ky1; ky++)
      for (int64_t kx = kx0; kx < kx1; kx++) {
        const float *x = in_b + ((iy0 + ky * d->dil_h) * d->w + ix0 + kx * d->dil_w) * C + c;
        const float *f = d->filter + (ky * d->kw + kx) * C + c;
        s0 += fv_v8_load (x) * fv_v8_load (f);
        s1 += fv_v8_load (x + 8) * fv_v8_load (f + 8);
        s2 += fv_v8_load (x + 16) * fv_v8_load (f + 16);
        s3 += fv_v8_load (x + 24) * fv_v8_load (f + 24);
      }
    bias_act_store (dst + c, &s0, d->bias + c, lo, hi);
    bias_act_store (dst + c + 8, &s1, d->bias + c + 8, lo, hi);
    bias_act_store (dst + c + 16, &s2, d->bias + c + 16, lo, hi);
    bias_act_store (dst + c + 24, &s3, d->bias + c + 24, lo, hi);
  }
  for (; c + 8 <= C; c += 8) {
    FvV8f s = { 0 };
    for (int64_t ky = ky0; ky < ky1; ky++)
      for (int64_t kx = kx0; kx < kx1; kx++) {
        const float *x = in_b + ((iy0 + ky * d->dil_h) * d->w + ix0 + kx * d->dil_w) * C + c;
        s += fv_v8_load (x) * fv_v8_load (d->filter + (ky * d->kw + kx) * C + c);
      }
    bias_act_store (dst + c, &s, d->bias + c, lo, hi);
  }
  for (; c < C; c++) {
    float s = 0.f;
    for (int64_t ky = ky0; ky < ky1; ky++)
      for (int64_t kx = kx0; kx < kx1; kx++)
        s += in_b[((iy0 + ky * d->dil_h) * d->w + ix0 + kx * d->dil_w) * C + c]
             * d->filter[(ky * d->kw + kx) * C + c];
    dst[c] = fv_cpu_clamp (s + d->bias[c], lo, hi);
  }
}

/* Four neighbouring output pixels whose taps are all inside the row, 8 channels at a time:
 * each weight vector loaded once serves four sums. Channels past the last multiple of 8
 * go through dw_pixel. */
FV_CPU_INLINE void
dw_quad (const FvCpuDepthwise *d, const float *in_b, float *dst, int64_t iy0, int64_t ix0,
         int64_t ky0, int64_t ky1)
{
  const int64_t C = d->c, step = d->stride_w * C;
  int64_t c = 0;
  for (; c + 8 <= C; c += 8) {
    FvV8f s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
    for (int64_t ky = ky0; ky < ky1; ky++) {
      const float *x = in_b + ((iy0 + ky * d->dil_h) * d->w + ix0) * C + c;
      const float *f = d->filter + ky * d->kw * C + c;
      for (int64_t kx = 0; kx < d->kw; kx++, x += d->dil_w * C, f += C) {
        FvV8f w = fv_v8_load (f);
        s0 += fv_v8_load (x) * w;
        s1 += fv_v8_load (x + step) * w;
        s2 += fv_v8_load (x + 2 * step) * w;
        s3 += fv_v8_load (x + 3 * step) * w;
      }
    }
    bias_act_store (dst + c, &s0, d->bias + c, d->lo, d->hi);
    bias_act_store (dst + C + c, &s1, d->bias + c, d->lo, d->hi);
    bias_act_store (dst + 2 * C + c, &s2, d->bias + c, d->lo, d->hi);
    bias_act_store (dst + 3 * C + c, &s3, d->bias + c, d->lo, d->hi);
  }
  if (c < C)
    for (int q = 0; q < 4; q++)
      dw_pixel (d, in_b, dst + q * C, iy0, ix0 + q * d->stride_w, ky0, ky1, 0, d->kw, c);
}

FV_CPU_INLINE void
dw_body (const FvCpuDepthwise *d, const float *in, float *out, int task, int n_tasks)
{
  const int64_t C = d->c;
  /* output columns [ox_lo, ox_hi) have every kx tap inside the input */
  int64_t ox_lo = d->pad_l > 0 ? (d->pad_l + d->stride_w - 1) / d->stride_w : 0;
  int64_t last = d->w - 1 + d->pad_l - (d->kw - 1) * d->dil_w;   /* largest ox * stride_w */
  int64_t ox_hi = last < 0 ? 0 : MIN (d->ow, last / d->stride_w + 1);
  int64_t r0, r1;
  fv_cpu_task_range (d->n * d->oh, task, n_tasks, &r0, &r1);
  for (int64_t row = r0; row < r1; row++) {
    int64_t b = row / d->oh, oy = row % d->oh;
    int64_t iy0 = oy * d->stride_h - d->pad_t;
    /* taps that fall inside the input rows: ky in [ky0, ky1) */
    int64_t ky0 = 0, ky1 = d->kh;
    while (ky0 < ky1 && iy0 + ky0 * d->dil_h < 0)
      ky0++;
    while (ky1 > ky0 && iy0 + (ky1 - 1) * d->dil_h >= d->h)
      ky1--;
    const float *in_b = in + b * d->h * d->w * C;
    float *dst_row = out + row * d->ow * C;
    for (int64_t ox = 0; ox < d->ow;) {
      int64_t ix0 = ox * d->stride_w - d->pad_l;
      if (ox >= ox_lo && ox + 4 <= ox_hi) {
        dw_quad (d, in_b, dst_row + ox * C, iy0, ix0, ky0, ky1);
        ox += 4;
        continue;
      }
      int64_t kx0 = 0, kx1 = d->kw;
      while (kx0 < kx1 && ix0 + kx0 * d->dil_w < 0)
        kx0++;
      while (kx1 > kx0 && ix0 + (kx1 - 1) * d->dil_w >= d->w)
        kx1--;
      dw_pixel (d, in_b, dst_row + ox * C, iy0, ix0, ky0, ky1, kx0, kx1, 0);
      ox++;
    }
  }
}

#if FV_CPU_X86
FV_CPU_TARGET_AVX2 static void
dw_avx2 (const FvCpuDepthwise *d, const float *in, float *out, int task, int n_tasks)
{
  dw_body (d, in, out, task, n_tasks);
}
#endif

static void
dw_portable (const FvCpuDepthwise *d, const float *in, float *out, int task, int n_tasks)
{
  dw_body (d, in, out, task, n_tasks);
}

void
fv_cpu_depthwise_run (const FvCpuDepthwise *d, const float *in, float *out, int task,
                      int n_tasks)
{
#if FV_CPU_X86
  if (d->avx2) {
    dw_avx2 (d, in, out, task, n_tasks);
    return;
  }
#endif
  dw_portable (d, in, out, task, n_tasks);
}
