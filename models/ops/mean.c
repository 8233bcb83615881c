/* fovea — MEAN reference kernel.
 *
 * out = the average of x over the axes listed in the INT32 constant `axes` (scalar or 1-D;
 * negative axes count from the end; repeats are allowed and count once). keep_dims keeps
 * the reduced axes as size 1, otherwise they are dropped (reducing every axis gives a
 * scalar). Sums run in double, then divide by the number of reduced elements.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

typedef struct {
  int rank;
  int64_t shape[FV_MAX_DIMS];       /* input */
  int64_t stride[FV_MAX_DIMS];      /* input element strides */
  gboolean reduced[FV_MAX_DIMS];
  int out_rank;
  int64_t out_shape[FV_MAX_DIMS];
} MeanPlan;

static gboolean
mean_plan (const FvModel *model, const FvOp *op, MeanPlan *m, GError **error)
{
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *axes = fv_op_input (model, op, 1);
  const int32_t *ax = axes->data;
  int64_t n_axes = fv_tensor_numel (axes);
  m->rank = in->rank;
  int64_t s = 1;
  for (int d = in->rank - 1; d >= 0; d--) {
    m->shape[d] = in->shape[d];
    m->stride[d] = s;
    s *= in->shape[d];
    m->reduced[d] = FALSE;
  }
  for (int64_t i = 0; i < n_axes; i++) {
    if (ax[i] < -in->rank || ax[i] >= in->rank)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                          "axis %d is out of range for rank %d", ax[i], in->rank);
    m->reduced[ax[i] < 0 ? ax[i] + in->rank : ax[i]] = TRUE;
  }
  m->out_rank = 0;
  for (int d = 0; d < in->rank; d++) {
    if (!m->reduced[d])
      m->out_shape[m->out_rank++] = in->shape[d];
    else if (op->options.reducer.keep_dims)
      m->out_shape[m->out_rank++] = 1;
  }
  return TRUE;
}

static gboolean
mean_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 2, 2, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *axes = fv_op_input (model, op, 1);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error) ||
      !fv_ops_check_const_i32 (model, op, axes, "axes", error))
    return FALSE;
  if (axes->rank > 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE, "axes '%s' has rank %d, expected 0 or 1",
                        axes->name, axes->rank);
  MeanPlan m;
  if (!mean_plan (model, op, &m, error))
    return FALSE;
  return fv_ops_check_shape (model, op, out, m.out_rank, m.out_shape, "output", error);
}

static void
mean_run (const FvKernelCtx *ctx)
{
  MeanPlan m;
  if (!mean_plan (ctx->model, ctx->op, &m, NULL))
    return;
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];
  int64_t n_out = 1, n_red = 1;
  for (int d = 0; d < m.rank; d++) {
    if (m.reduced[d])
      n_red *= m.shape[d];
    else
      n_out *= m.shape[d];
  }

  int64_t begin, end;
  fv_ops_task_range (n_out, ctx, &begin, &end);
  for (int64_t o = begin; o < end; o++) {
    /* where this output element starts in the input: its index on the kept axes */
    int64_t base = 0, rest = o;
    for (int d = m.rank - 1; d >= 0; d--)
      if (!m.reduced[d]) {
        base += (rest % m.shape[d]) * m.stride[d];
        rest /= m.shape[d];
      }
    double sum = 0.0;
    for (int64_t r = 0; r < n_red; r++) {
      int64_t off = base;
      rest = r;
      for (int d = m.rank - 1; d >= 0; d--)
        if (m.reduced[d]) {
          off += (rest % m.shape[d]) * m.stride[d];
          rest /= m.shape[d];
        }
      sum += in[off];
    }
    out[o] = (float) (sum / (double) n_red);
  }
}

const FvKernel fv_ref_kernel_mean = {
  .type = FV_OP_MEAN,
  .prepare = mean_prepare,
  .run = mean_run,
};
