/* fovea — CONV_2D on the "cpu" backend as a register-blocked GEMM (see conv_gemm.h). */
#include "models/cpu/conv_gemm.h"

#include "models/cpu/cpu_geometry.h"
#include "models/cpu/cpu_simd.h"
#include "models/kernel.h"

#define MR 6    /* pixels per micro-tile */
#define NR 16   /* output channels per panel: two 8-float vectors */
/* Floats of im2col rows one unit gathers: 64 KiB, so the rows stay in L2 while every
 * panel of the unit reads them. */
#define CHUNK_FLOATS 16384
#define CHUNK_MAX_PIXELS 240

gboolean
fv_cpu_conv_supports (const FvModel *model, const FvOp *op)
{
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *filter = fv_op_input (model, op, 1);
  const FvTensor *bias = fv_op_input (model, op, 2);
  return in && in->rank == 4 && filter && filter->is_const && filter->data
         && filter->rank == 4 && (!bias || (bias->is_const && bias->data));
}

gboolean
fv_cpu_conv_init (FvCpuConv *c, const FvModel *model, const FvOp *op, GError **error)
{
  const FvConvOptions *o = &op->options.conv;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *filter = fv_op_input (model, op, 1);
  const FvTensor *bias = fv_op_input (model, op, 2);
  memset (c, 0, sizeof *c);
  c->n = in->shape[0];
  c->h = in->shape[1];
  c->w = in->shape[2];
  c->cin = in->shape[3];
  c->cout = filter->shape[0];
  c->kh = filter->shape[1];
  c->kw = filter->shape[2];
  c->stride_h = o->stride_h;
  c->stride_w = o->stride_w;
  c->dil_h = o->dilation_h;
  c->dil_w = o->dilation_w;
  if (!fv_cpu_out_size (o->padding, c->h, (c->kh - 1) * c->dil_h + 1, c->stride_h, &c->oh,
                        &c->pad_t) ||
      !fv_cpu_out_size (o->padding, c->w, (c->kw - 1) * c->dil_w + 1, c->stride_w, &c->ow,
                        &c->pad_l))
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "the filter does not fit the input");
  c->k = c->kh * c->kw * c->cin;
  c->pixels = c->n * c->oh * c->ow;
  c->n_panels = (c->cout + NR - 1) / NR;
  c->direct = c->kh == 1 && c->kw == 1 && c->stride_h == 1 && c->stride_w == 1
              && c->oh == c->h && c->ow == c->w && c->pad_t == 0 && c->pad_l == 0;
  int64_t chunk = CHUNK_FLOATS / c->k / MR * MR;
  chunk = CLAMP (chunk, MR, CHUNK_MAX_PIXELS);
  c->chunk = MIN (chunk, (c->pixels + MR - 1) / MR * MR);
  c->n_chunks = (c->pixels + c->chunk - 1) / c->chunk;
  c->avx2 = fv_cpu_have_avx2 ();
  fv_cpu_act_bounds (o->activation, &c->lo, &c->hi);

  size_t panel_floats = (size_t) c->n_panels * (size_t) c->k * NR;
  c->panels = g_aligned_alloc0 (panel_floats, sizeof (float), 64);
  c->bias = g_aligned_alloc0 ((size_t) c->n_panels * NR, sizeof (float), 64);
  const float *f = filter->data;
  for (int64_t oc = 0; oc < c->cout; oc++) {
    float *dst = c->panels + (oc / NR) * c->k * NR + oc % NR;
    for (int64_t i = 0; i < c->k; i++)
      dst[i * NR] = f[oc * c->k + i];
    if (bias)
      c->bias[oc] = ((const float *) bias->data)[oc];
  }
  return TRUE;
}

void
fv_cpu_conv_clear (FvCpuConv *c)
{
  g_aligned_free (c->panels);
  g_aligned_free (c->bias);
  c->panels = c->bias = NULL;
}

size_t
fv_cpu_conv_scratch_floats (const FvCpuConv *c)
{
  return c->direct ? 0 : (size_t) (c->chunk * c->k);
}

int64_t
fv_cpu_conv_n_units (const FvCpuConv *c)
{
  return c->n_chunks * c->n_panels;
}

int64_t
fv_cpu_conv_macs (const FvCpuConv *c)
{
  return c->pixels * c->k * c->cout;
}

/* Receptive fields of pixels [p0, p0 + np) as rows of k floats: zeros where a tap falls in
 * the padding, which adds +-0 to the sum, exactly what skipping the tap gives. */
FV_CPU_INLINE void
im2col (const FvCpuConv *c, const float *in, float *dst, int64_t p0, int64_t np)
{
  const int64_t cin = c->cin;
  for (int64_t q = 0; q < np; q++) {
    int64_t p = p0 + q;
    int64_t b = p / (c->oh * c->ow), oy = p / c->ow % c->oh, ox = p % c->ow;
    int64_t ix0 = ox * c->stride_w - c->pad_l;
    /* the taps kx in [kx0, kx1) fall inside the row */
    int64_t kx0 = 0, kx1 = c->kw;
    while (kx0 < kx1 && ix0 + kx0 * c->dil_w < 0)
      kx0++;
    while (kx1 > kx0 && ix0 + (kx1 - 1) * c->dil_w >= c->w)
      kx1--;
    for (int64_t ky = 0; ky < c->kh; ky++) {
      int64_t iy = oy * c->stride_h - c->pad_t + ky * c->dil_h;
      float *d = dst + q * c->k + ky * c->kw * cin;
      if (iy < 0 || iy >= c->h || kx0 == kx1) {
        memset (d, 0, (size_t) (c->kw * cin) * sizeof (float));
        continue;
      }
      memset (d, 0, (size_t) (kx0 * cin) * sizeof (float));
      memset (d + kx1 * cin, 0, (size_t) ((c->kw - kx1) * cin) * sizeof (float));
      const float *src = in + ((b * c->h + iy) * c->w + ix0) * cin;
      if (c->dil_w == 1) {
        /* neighbouring taps are neighbouring pixels: one copy for the whole run */
        memcpy (d + kx0 * cin, src + kx0 * cin, (size_t) ((kx1 - kx0) * cin) * sizeof (float));
      } else {
        for (int64_t kx = kx0; kx < kx1; kx++)
          memcpy (d + kx * cin, src + kx * c->dil_w * cin, (size_t) cin * sizeof (float));
      }
    }
  }
}

/* Writes act(acc + bias) to the first @nb channels at @dst. */
FV_CPU_INLINE void
store_row (float *dst, const FvV8f *acc0, const FvV8f *acc1, const float *bias, float lo,
           float hi, int nb)
{
  FvV8f v0 = *acc0 + fv_v8_load (bias), v1 = *acc1 + fv_v8_load (bias + 8);
  v0 = fv_v8_clamp (&v0, lo, hi);
  v1 = fv_v8_clamp (&v1, lo, hi);
  if (nb == NR) {
    fv_v8_store (dst, v0);
    fv_v8_store (dst + 8, v1);
  } else {
    float tmp[NR];
    fv_v8_store (tmp, v0);
    fv_v8_store (tmp + 8, v1);
    memcpy (dst, tmp, (size_t) nb * sizeof (float));
  }
}

/* out rows r < mr, channels [0, nb) of one panel: sum over i < k of a_r[i] * panel[i][j].
 * Rows r >= mr repeat row 0's input and are not stored. */
FV_CPU_INLINE void
micro_tile (int64_t k, const float *const *a, const float *restrict panel, const float *bias,
            float *const *out, int mr, int nb, float lo, float hi)
{
  const float *restrict a0 = a[0], *restrict a1 = a[1], *restrict a2 = a[2];
  const float *restrict a3 = a[3], *restrict a4 = a[4], *restrict a5 = a[5];
  FvV8f c00 = { 0 }, c01 = { 0 }, c10 = { 0 }, c11 = { 0 }, c20 = { 0 }, c21 = { 0 };
  FvV8f c30 = { 0 }, c31 = { 0 }, c40 = { 0 }, c41 = { 0 }, c50 = { 0 }, c51 = { 0 };
  for (int64_t i = 0; i < k; i++) {
    FvV8f b0 = fv_v8_load (panel + i * NR), b1 = fv_v8_load (panel + i * NR + 8);
    c00 += a0[i] * b0; c01 += a0[i] * b1;
    c10 += a1[i] * b0; c11 += a1[i] * b1;
    c20 += a2[i] * b0; c21 += a2[i] * b1;
    c30 += a3[i] * b0; c31 += a3[i] * b1;
    c40 += a4[i] * b0; c41 += a4[i] * b1;
    c50 += a5[i] * b0; c51 += a5[i] * b1;
  }
  store_row (out[0], &c00, &c01, bias, lo, hi, nb);
  if (mr > 1) store_row (out[1], &c10, &c11, bias, lo, hi, nb);
  if (mr > 2) store_row (out[2], &c20, &c21, bias, lo, hi, nb);
  if (mr > 3) store_row (out[3], &c30, &c31, bias, lo, hi, nb);
  if (mr > 4) store_row (out[4], &c40, &c41, bias, lo, hi, nb);
  if (mr > 5) store_row (out[5], &c50, &c51, bias, lo, hi, nb);
}

/* A lone pixel (a conv whose output is one pixel, or the last of a chunk): one row of
 * sums, so no work is spent on rows that are not stored. */
FV_CPU_INLINE void
micro_row (int64_t k, const float *restrict a, const float *restrict panel, const float *bias,
           float *out, int nb, float lo, float hi)
{
  FvV8f c0 = { 0 }, c1 = { 0 };
  for (int64_t i = 0; i < k; i++) {
    c0 += a[i] * fv_v8_load (panel + i * NR);
    c1 += a[i] * fv_v8_load (panel + i * NR + 8);
  }
  store_row (out, &c0, &c1, bias, lo, hi, nb);
}

FV_CPU_INLINE void
conv_body (const FvCpuConv *c, const float *in, float *out, float *scratch, int task,
           int n_tasks)
{
  float lo = c->lo, hi = c->hi;
  int64_t u0, u1;
  fv_cpu_task_range (fv_cpu_conv_n_units (c), task, n_tasks, &u0, &u1);
  int64_t built = -1;
  for (int64_t u = u0; u < u1; u++) {
    int64_t chunk = u / c->n_panels, panel = u % c->n_panels;
    int64_t p0 = chunk * c->chunk, np = MIN (c->chunk, c->pixels - p0);
    const float *rows = in + p0 * c->k;
    if (!c->direct) {
      if (built != chunk)
        im2col (c, in, scratch, p0, np);
      built = chunk;
      rows = scratch;
    }
    const float *w = c->panels + panel * c->k * NR;
    const float *bias = c->bias + panel * NR;
    int nb = (int) MIN (NR, c->cout - panel * NR);
    float *dst = out + p0 * c->cout + panel * NR;
    for (int64_t t = 0; t < np; t += MR) {
      int mr = (int) MIN (MR, np - t);
      if (mr == 1) {
        micro_row (c->k, rows + t * c->k, w, bias, dst + t * c->cout, nb, lo, hi);
        continue;
      }
      const float *a[MR];
      float *o[MR];
      for (int r = 0; r < MR; r++) {
        a[r] = rows + (t + (r < mr ? r : 0)) * c->k;
        o[r] = dst + (t + (r < mr ? r : 0)) * c->cout;
      }
      micro_tile (c->k, a, w, bias, o, mr, nb, lo, hi);
    }
  }
}

#if FV_CPU_X86
FV_CPU_TARGET_AVX2 static void
conv_avx2 (const FvCpuConv *c, const float *in, float *out, float *scratch, int task,
           int n_tasks)
{
  conv_body (c, in, out, scratch, task, n_tasks);
}
#endif

static void
conv_portable (const FvCpuConv *c, const float *in, float *out, float *scratch, int task,
               int n_tasks)
{
  conv_body (c, in, out, scratch, task, n_tasks);
}

void
fv_cpu_conv_run (const FvCpuConv *c, const float *in, float *out, float *scratch, int task,
                 int n_tasks)
{
#if FV_CPU_X86
  if (c->avx2) {
    conv_avx2 (c, in, out, scratch, task, n_tasks);
    return;
  }
#endif
  conv_portable (c, in, out, scratch, task, n_tasks);
}
