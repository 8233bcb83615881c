/* fovea — CONV_2D on the "cpu" backend as a GEMM: [pixels x Kh*Kw*Cin] * [Kh*Kw*Cin x Cout].
 * Private to models/cpu/.
 *
 * At prepare the OHWI filter is re-laid out in panels of 16 output channels,
 * [Cout/16][Kh][Kw][Cin][16] (zero-padded), so the micro-kernel reads one contiguous row of
 * 16 weights per input value. A 1x1 stride-1 unpadded conv reads its input pixels in
 * place; any other geometry first copies a chunk of pixels' receptive fields (im2col, zeros
 * for the padding) into the task's scratch. The micro-kernel keeps 6 pixels x 16 channels
 * of sums in registers; every sum adds its terms in (ky, kx, c) order and the bias last, as
 * the reference kernel does. Work is split into units of (pixel chunk, channel panel).
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef struct {
  int64_t n, h, w, cin, cout, kh, kw, oh, ow, pad_t, pad_l;
  int64_t stride_h, stride_w, dil_h, dil_w;
  int64_t k;            /* Kh * Kw * Cin: the GEMM depth */
  int64_t pixels;       /* N * Oh * Ow */
  int64_t n_panels;     /* ceil (Cout / 16) */
  int64_t chunk;        /* pixels per unit (a multiple of 6) */
  int64_t n_chunks;
  gboolean direct;      /* 1x1, stride 1, no padding: no im2col */
  gboolean avx2;
  float lo, hi;         /* the fused activation as clamp bounds */
  float *panels;        /* [n_panels][k][16]; owned */
  float *bias;          /* [n_panels * 16]; owned */
} FvCpuConv;

/* TRUE when this kernel runs @op (constant filter and bias); otherwise the backend falls
 * back to the reference kernel. */
gboolean fv_cpu_conv_supports (const FvModel *model, const FvOp *op);

/* Packs the CONV_2D @op of @model, which the reference prepare has accepted (FALSE with
 * @error only if its geometry is still wrong). Free with fv_cpu_conv_clear(). */
gboolean fv_cpu_conv_init (FvCpuConv *conv, const FvModel *model, const FvOp *op,
                           GError **error);
void fv_cpu_conv_clear (FvCpuConv *conv);

/* Floats of scratch each task needs (0 for the direct path). */
size_t fv_cpu_conv_scratch_floats (const FvCpuConv *conv);
/* Independent units of work; at most this many tasks are useful. */
int64_t fv_cpu_conv_n_units (const FvCpuConv *conv);
/* Multiply-accumulates of one run (for choosing the number of tasks). */
int64_t fv_cpu_conv_macs (const FvCpuConv *conv);

/* Computes task @task of @n_tasks of the output. @scratch: fv_cpu_conv_scratch_floats()
 * floats owned by this task. */
void fv_cpu_conv_run (const FvCpuConv *conv, const float *in, float *out, float *scratch,
                      int task, int n_tasks);

G_END_DECLS
