/* fovea — DEPTHWISE_CONV_2D (depth multiplier 1) on the "cpu" backend. Private to
 * models/cpu/.
 *
 * The [1][Kh][Kw][C] filter is already laid out with channels innermost, so it is used in
 * place. Each output pixel keeps 32 (then 8, then 1) channels of sums in registers while
 * it walks the taps in (ky, kx) order, adds the bias last and applies the fused activation
 * — the reference kernel's order, so the sums round identically. Tasks split output rows.
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef struct {
  int64_t n, h, w, c, kh, kw, oh, ow, pad_t, pad_l;
  int64_t stride_h, stride_w, dil_h, dil_w;
  gboolean avx2;
  float lo, hi;
  const float *filter;  /* [Kh][Kw][C]: the model's constant (transfer none) */
  float *bias;          /* [C], zeros when the op has none; owned */
} FvCpuDepthwise;

/* TRUE when this kernel runs @op (depth multiplier 1, constant filter); otherwise the
 * backend falls back to the reference kernel. */
gboolean fv_cpu_depthwise_supports (const FvModel *model, const FvOp *op);

/* Sets up @dw for a supported @op that the reference prepare has accepted. Free with
 * fv_cpu_depthwise_clear(). */
gboolean fv_cpu_depthwise_init (FvCpuDepthwise *dw, const FvModel *model, const FvOp *op,
                                GError **error);
void fv_cpu_depthwise_clear (FvCpuDepthwise *dw);

/* Output rows (N * Oh): at most this many tasks are useful. */
int64_t fv_cpu_depthwise_n_rows (const FvCpuDepthwise *dw);
int64_t fv_cpu_depthwise_macs (const FvCpuDepthwise *dw);

void fv_cpu_depthwise_run (const FvCpuDepthwise *dw, const float *in, float *out, int task,
                           int n_tasks);

G_END_DECLS
