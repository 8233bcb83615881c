/* fovea — arithmetic and checks shared by the reference kernels (see ops_util.h). */
#include "models/ops/ops_util.h"

#include <stdio.h>

gboolean
fv_ops_out_size (FvPadding padding, int64_t in, int64_t k, int64_t stride, int64_t *out,
                 int64_t *pad_before)
{
  if (in < 1 || k < 1 || stride < 1)
    return FALSE;
  if (padding == FV_PADDING_SAME) {
    int64_t o = (in + stride - 1) / stride;
    int64_t pad_total = (o - 1) * stride + k - in;
    if (pad_total < 0)
      pad_total = 0;
    *out = o;
    *pad_before = pad_total / 2;
    return TRUE;
  }
  if (padding == FV_PADDING_VALID) {
    if (k > in)
      return FALSE;
    *out = (in - k) / stride + 1;
    *pad_before = 0;
    return TRUE;
  }
  return FALSE;
}

void
fv_ops_task_range (int64_t n, const FvKernelCtx *ctx, int64_t *begin, int64_t *end)
{
  int n_tasks = ctx->n_tasks > 0 ? ctx->n_tasks : 1;
  int task = ctx->task;
  if (task < 0 || task >= n_tasks) {
    *begin = *end = 0;
    return;
  }
  *begin = n * task / n_tasks;
  *end = n * (task + 1) / n_tasks;
}

gboolean
fv_ops_check_f32 (const FvModel *model, const FvOp *op, const FvTensor *t, const char *what,
                  GError **error)
{
  if (!fv_op_check_dtype (model, op, t, FV_DTYPE_FLOAT32, what, error))
    return FALSE;
  if (t->sparsity)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "%s '%s' is a sparse constant; it needs a DENSIFY first", what, t->name);
  if (t->is_const && !t->data)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                        "%s '%s' is a constant without data", what, t->name);
  return TRUE;
}

gboolean
fv_ops_check_const_i32 (const FvModel *model, const FvOp *op, const FvTensor *t,
                        const char *what, GError **error)
{
  if (!fv_op_check_dtype (model, op, t, FV_DTYPE_INT32, what, error))
    return FALSE;
  if (!t->is_const || !t->data || t->sparsity)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "%s '%s' must be a dense constant (dynamic shapes are not supported)",
                        what, t->name);
  if (t->data_bytes < fv_tensor_nbytes (t))
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                        "%s '%s' holds %zu bytes, expected %zu", what, t->name, t->data_bytes,
                        fv_tensor_nbytes (t));
  return TRUE;
}

static void
shape64_str (int rank, const int64_t *shape, char *buf, size_t size)
{
  size_t off = 0;
  buf[0] = '\0';
  if (rank == 0)
    g_strlcpy (buf, "scalar", size);
  for (int i = 0; i < rank && off < size; i++)
    off += (size_t) snprintf (buf + off, size - off, i ? "x%" G_GINT64_FORMAT : "%" G_GINT64_FORMAT,
                              shape[i]);
}

gboolean
fv_ops_check_shape (const FvModel *model, const FvOp *op, const FvTensor *t, int rank,
                    const int64_t *shape, const char *what, GError **error)
{
  gboolean same = (t->rank == rank);
  for (int i = 0; same && i < rank; i++)
    same = (t->shape[i] == shape[i]);
  if (same)
    return TRUE;
  char have[128], want[160];
  fv_tensor_shape_str (t, have, sizeof have);
  shape64_str (rank, shape, want, sizeof want);
  return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                      "%s '%s' has shape %s, but the inputs and options give %s", what, t->name,
                      have, want);
}

gboolean
fv_ops_check_padding (const FvModel *model, const FvOp *op, FvPadding padding, GError **error)
{
  if (padding != FV_PADDING_SAME && padding != FV_PADDING_VALID)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED, "padding %d is not supported",
                        (int) padding);
  return TRUE;
}

void
fv_ops_shape64 (const FvTensor *t, int64_t *shape)
{
  for (int i = 0; i < t->rank; i++)
    shape[i] = t->shape[i];
}

gboolean
fv_ops_broadcast_init (const FvTensor *a, const FvTensor *b, FvBroadcast *bc)
{
  int rank = MAX (a->rank, b->rank);
  bc->rank = rank;
  int64_t sa = 1, sb = 1;
  for (int d = rank - 1; d >= 0; d--) {
    int da = d - (rank - a->rank), db = d - (rank - b->rank);
    int64_t na = da >= 0 ? a->shape[da] : 1;
    int64_t nb = db >= 0 ? b->shape[db] : 1;
    if (na != nb && na != 1 && nb != 1)
      return FALSE;
    bc->shape[d] = MAX (na, nb);
    bc->a_stride[d] = (na == 1) ? 0 : sa;
    bc->b_stride[d] = (nb == 1) ? 0 : sb;
    sa *= na;
    sb *= nb;
  }
  return TRUE;
}

void
fv_ops_broadcast_run (const FvBroadcast *bc, const float *a, const float *b, float *out,
                      FvBinaryRow row, FvActivation act, const FvKernelCtx *ctx)
{
  /* nothing broadcast: one flat row, so small trailing dims cost no per-row overhead */
  gboolean flat = TRUE;
  int64_t numel = 1;
  for (int d = 0; d < bc->rank; d++) {
    numel *= bc->shape[d];
    if (bc->shape[d] != 1 && (bc->a_stride[d] == 0 || bc->b_stride[d] == 0))
      flat = FALSE;
  }
  if (flat) {
    int64_t begin, end;
    fv_ops_task_range (numel, ctx, &begin, &end);
    if (end > begin)
      row (a + begin, 1, b + begin, 1, out + begin, end - begin, act);
    return;
  }

  int last = bc->rank - 1;
  int64_t n = last >= 0 ? bc->shape[last] : 1;
  int64_t sa = last >= 0 ? bc->a_stride[last] : 0;
  int64_t sb = last >= 0 ? bc->b_stride[last] : 0;
  int64_t rows = 1;
  for (int d = 0; d < last; d++)
    rows *= bc->shape[d];

  int64_t begin, end;
  fv_ops_task_range (rows, ctx, &begin, &end);
  for (int64_t r = begin; r < end; r++) {
    /* the row's offset in each operand, from its index over the leading axes */
    int64_t rest = r, oa = 0, ob = 0;
    for (int d = last - 1; d >= 0; d--) {
      int64_t i = rest % bc->shape[d];
      rest /= bc->shape[d];
      oa += i * bc->a_stride[d];
      ob += i * bc->b_stride[d];
    }
    row (a + oa, sa, b + ob, sb, out + r * n, n, act);
  }
}

gboolean
fv_ops_pool_geometry (const FvModel *model, const FvOp *op, FvPoolGeometry *g, GError **error)
{
  const FvPoolOptions *o = &op->options.pool;
  const FvTensor *in = fv_op_input (model, op, 0);
  g->n = in->shape[0];
  g->h = in->shape[1];
  g->w = in->shape[2];
  g->c = in->shape[3];
  if (!fv_ops_out_size (o->padding, g->h, o->filter_h, o->stride_h, &g->oh, &g->pad_t) ||
      !fv_ops_out_size (o->padding, g->w, o->filter_w, o->stride_w, &g->ow, &g->pad_l))
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "a %dx%d window (stride %dx%d) does not fit the %" G_GINT64_FORMAT "x%"
                        G_GINT64_FORMAT " input", o->filter_h, o->filter_w, o->stride_h,
                        o->stride_w, g->h, g->w);
  return TRUE;
}

gboolean
fv_ops_pool_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  const FvPoolOptions *o = &op->options.pool;
  if (!fv_op_check_arity (model, op, 1, 1, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error) ||
      !fv_op_check_rank (model, op, in, 4, "input", error) ||
      !fv_ops_check_padding (model, op, o->padding, error) ||
      !fv_op_check_activation (model, op, o->activation, error))
    return FALSE;
  if (o->stride_w < 1 || o->stride_h < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "stride %dx%d must be >= 1",
                        o->stride_h, o->stride_w);
  if (o->filter_w < 1 || o->filter_h < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "window %dx%d must be >= 1",
                        o->filter_h, o->filter_w);
  FvPoolGeometry g;
  if (!fv_ops_pool_geometry (model, op, &g, error))
    return FALSE;
  int64_t want[4] = { g.n, g.oh, g.ow, g.c };
  return fv_ops_check_shape (model, op, out, 4, want, "output", error);
}

gboolean
fv_ops_binary_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 2, 2, 1, error))
    return FALSE;
  const FvTensor *a = fv_op_input (model, op, 0);
  const FvTensor *b = fv_op_input (model, op, 1);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, a, "input 0", error) ||
      !fv_ops_check_f32 (model, op, b, "input 1", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error))
    return FALSE;
  FvBroadcast bc;
  if (!fv_ops_broadcast_init (a, b, &bc)) {
    char sa[64], sb[64];
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "input shapes %s and %s do not broadcast",
                        fv_tensor_shape_str (a, sa, sizeof sa),
                        fv_tensor_shape_str (b, sb, sizeof sb));
  }
  return fv_ops_check_shape (model, op, out, bc.rank, bc.shape, "output", error);
}

void
fv_ops_binary_run (const FvKernelCtx *ctx, FvBinaryRow row, FvActivation act)
{
  FvBroadcast bc;
  if (!fv_ops_broadcast_init (fv_op_input (ctx->model, ctx->op, 0),
                              fv_op_input (ctx->model, ctx->op, 1), &bc))
    return;
  fv_ops_broadcast_run (&bc, ctx->inputs[0], ctx->inputs[1], ctx->outputs[0], row, act, ctx);
}

gboolean
fv_ops_unary_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 1, 1, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error))
    return FALSE;
  int64_t want[FV_MAX_DIMS];
  fv_ops_shape64 (in, want);
  return fv_ops_check_shape (model, op, out, in->rank, want, "output", error);
}
