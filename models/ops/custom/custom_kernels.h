/* fovea — reference kernels for MediaPipe's custom TFLite ops (private to models/ops/custom/).
 *
 * Each kernel lives in its own file; registry.c maps FvOpType to them. The kernels are
 * statically allocated: transfer none everywhere.
 */
#pragma once

#include "models/kernel.h"

G_BEGIN_DECLS

extern const FvKernel fv_ref_kernel_convolution_2d_transpose_bias;
extern const FvKernel fv_ref_kernel_landmarks_to_transform_matrix;
extern const FvKernel fv_ref_kernel_transform_tensor_bilinear;
extern const FvKernel fv_ref_kernel_transform_landmarks;

/* The slice [*begin, *end) of n items that task @task of @n_tasks handles: contiguous,
 * disjoint, and together covering 0..n. */
static inline void
fv_custom_task_range (int n, int task, int n_tasks, int *begin, int *end)
{
  if (n_tasks < 1)
    n_tasks = 1;
  *begin = (int) ((int64_t) n * task / n_tasks);
  *end = (int) ((int64_t) n * (task + 1) / n_tasks);
}

/* Checks that @t has exactly the shape @dims[0..rank), else sets FV_MODEL_ERROR_SHAPE
 * naming @what. */
gboolean fv_custom_check_shape (const FvModel *model, const FvOp *op, const FvTensor *t,
                                int rank, const int64_t *dims, const char *what,
                                GError **error);

G_END_DECLS
