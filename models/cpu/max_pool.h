/* fovea — MAX_POOL_2D on the "cpu" backend: the reference kernel's loop (start at -FLT_MAX,
 * keep a tap when the running max is smaller, taps in the padding skipped, then the fused
 * activation) with 8 channels per step. Private to models/cpu/. */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef struct {
  int64_t n, h, w, c, oh, ow, pad_t, pad_l, stride_h, stride_w, filter_h, filter_w;
  float lo, hi;
  gboolean avx2;
} FvCpuMaxPool;

/* Sets up @mp for a MAX_POOL_2D @op that passed the reference prepare; FALSE means "use the
 * reference kernel". */
gboolean fv_cpu_max_pool_init (FvCpuMaxPool *mp, const FvModel *model, const FvOp *op);
int64_t fv_cpu_max_pool_n_rows (const FvCpuMaxPool *mp);
void fv_cpu_max_pool_run (const FvCpuMaxPool *mp, const float *in, float *out, int task,
                          int n_tasks);

G_END_DECLS
