/* fovea — TF's SAME/VALID output-size rule for the "cpu" kernels (the same rule as the
 * reference kernels' fv_ops_out_size, which is private to models/ops/). Private to
 * models/cpu/. */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

/* SAME: out = ceil(in / stride), pad_before = max((out - 1) * stride + k - in, 0) / 2;
 * VALID: out = (in - k) / stride + 1, no pad. @k is the dilated filter extent. FALSE when
 * the output would be empty. */
static inline gboolean
fv_cpu_out_size (FvPadding padding, int64_t in, int64_t k, int64_t stride, int64_t *out,
                 int64_t *pad_before)
{
  if (in < 1 || k < 1 || stride < 1)
    return FALSE;
  if (padding == FV_PADDING_SAME) {
    *out = (in + stride - 1) / stride;
    int64_t pad_total = (*out - 1) * stride + k - in;
    *pad_before = pad_total > 0 ? pad_total / 2 : 0;
    return TRUE;
  }
  if (padding != FV_PADDING_VALID || k > in)
    return FALSE;
  *out = (in - k) / stride + 1;
  *pad_before = 0;
  return TRUE;
}

/* The slice [*begin, *end) of @n items that task @task of @n_tasks handles. */
static inline void
fv_cpu_task_range (int64_t n, int task, int n_tasks, int64_t *begin, int64_t *end)
{
  *begin = n * task / n_tasks;
  *end = n * (task + 1) / n_tasks;
}

G_END_DECLS
