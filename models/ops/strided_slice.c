/* fovea — STRIDED_SLICE reference kernel (TFLite strided_slice_logic semantics).
 *
 * Inputs: x (FLOAT32), begin, end, strides (INT32 constants of n <= rank entries; axes past
 * n are taken whole). Per axis d (size S, stride s != 0):
 *   start = begin[d] (or the first/last element under begin_mask), + S if negative, clamped
 *           to [0, S] (s > 0) or [-1, S-1] (s < 0);
 *   stop  = end[d] (+ begin[d] with the offset option; the far end under end_mask),
 *           + S if negative, clamped the same way; start + 1 under shrink_axis_mask;
 *   size  = max(ceil((stop - start) / s), 0), dropped from the output under shrink_axis_mask.
 * out[i0, .., ik] = x[start0 + i0*s0, .., startk + ik*sk]. ellipsis_mask and new_axis_mask
 * are not supported.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

typedef struct {
  int rank;
  int64_t start[FV_MAX_DIMS], stride[FV_MAX_DIMS], size[FV_MAX_DIMS];
  int out_rank;
  int64_t out_shape[FV_MAX_DIMS];
} SlicePlan;

static int64_t
clamp64 (int64_t v, int64_t lo, int64_t hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

static gboolean
slice_plan (const FvModel *model, const FvOp *op, SlicePlan *p, GError **error)
{
  const FvStridedSliceOptions *o = &op->options.strided_slice;
  const FvTensor *in = fv_op_input (model, op, 0);
  const int32_t *begin = fv_op_input (model, op, 1)->data;
  const int32_t *end = fv_op_input (model, op, 2)->data;
  const int32_t *strides = fv_op_input (model, op, 3)->data;
  int64_t n = fv_tensor_numel (fv_op_input (model, op, 1));
  p->rank = in->rank;
  p->out_rank = 0;
  for (int d = 0; d < in->rank; d++) {
    int64_t size_d = in->shape[d];
    if (d >= n) {
      p->start[d] = 0;
      p->stride[d] = 1;
      p->size[d] = size_d;
      p->out_shape[p->out_rank++] = size_d;
      continue;
    }
    int64_t s = strides[d];
    if (s == 0)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "stride on axis %d is 0", d);
    gboolean shrink = (o->shrink_axis_mask >> d) & 1;
    int64_t start = begin[d];
    if ((o->begin_mask >> d) & 1)
      start = s > 0 ? G_MININT32 : G_MAXINT32;
    if (start < 0)
      start += size_d;
    start = s > 0 ? clamp64 (start, 0, size_d) : clamp64 (start, -1, size_d - 1);
    int64_t stop;
    if (shrink) {
      if (start < 0 || start >= size_d)
        return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                            "shrink_axis index %d is out of range for axis %d of size %"
                            G_GINT64_FORMAT, begin[d], d, size_d);
      stop = start + 1;
    } else {
      stop = end[d];
      if (o->offset)
        stop += begin[d];
      if ((o->end_mask >> d) & 1)
        stop = s > 0 ? G_MAXINT32 : G_MININT32;
      if (stop < 0)
        stop += size_d;
      stop = s > 0 ? clamp64 (stop, 0, size_d) : clamp64 (stop, -1, size_d - 1);
    }
    int64_t len = stop - start;
    int64_t count = len / s + ((len % s) != 0 ? 1 : 0);
    if (count < 0)
      count = 0;
    p->start[d] = start;
    p->stride[d] = s;
    p->size[d] = count;
    if (!shrink)
      p->out_shape[p->out_rank++] = count;
  }
  return TRUE;
}

static gboolean
strided_slice_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  const FvStridedSliceOptions *o = &op->options.strided_slice;
  if (!fv_op_check_arity (model, op, 4, 4, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error))
    return FALSE;
  const char *names[3] = { "begin", "end", "strides" };
  int64_t n = -1;
  for (int i = 1; i <= 3; i++) {
    const FvTensor *t = fv_op_input (model, op, i);
    if (!fv_ops_check_const_i32 (model, op, t, names[i - 1], error))
      return FALSE;
    if (t->rank != 1)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE, "%s '%s' has rank %d, expected 1",
                          names[i - 1], t->name, t->rank);
    if (n >= 0 && t->shape[0] != n)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                          "begin, end and strides differ in length");
    n = t->shape[0];
  }
  if (n > in->rank)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "%" G_GINT64_FORMAT " slice entries for a rank %d input", n, in->rank);
  if (o->ellipsis_mask)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "ellipsis_mask %d is not supported", o->ellipsis_mask);
  if (o->new_axis_mask)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "new_axis_mask %d is not supported", o->new_axis_mask);
  SlicePlan p;
  if (!slice_plan (model, op, &p, error))
    return FALSE;
  return fv_ops_check_shape (model, op, out, p.out_rank, p.out_shape, "output", error);
}

static void
strided_slice_run (const FvKernelCtx *ctx)
{
  SlicePlan p;
  if (!slice_plan (ctx->model, ctx->op, &p, NULL))
    return;
  const FvTensor *in_t = fv_op_input (ctx->model, ctx->op, 0);
  const float *in = ctx->inputs[0];
  float *out = ctx->outputs[0];
  int64_t in_stride[FV_MAX_DIMS];
  int64_t s = 1;
  for (int d = p.rank - 1; d >= 0; d--) {
    in_stride[d] = s;
    s *= in_t->shape[d];
  }
  /* rows: every slice axis but the last; a scalar input is one row of one element */
  int last = p.rank - 1;
  int64_t n = last >= 0 ? p.size[last] : 1;
  int64_t step = last >= 0 ? p.stride[last] * in_stride[last] : 0;
  int64_t first = last >= 0 ? p.start[last] * in_stride[last] : 0;
  int64_t rows = 1;
  for (int d = 0; d < last; d++)
    rows *= p.size[d];

  int64_t begin, end;
  fv_ops_task_range (rows, ctx, &begin, &end);
  for (int64_t r = begin; r < end; r++) {
    int64_t rest = r, off = first;
    for (int d = last - 1; d >= 0; d--) {
      off += (p.start[d] + (rest % p.size[d]) * p.stride[d]) * in_stride[d];
      rest /= p.size[d];
    }
    float *dst = out + r * n;
    for (int64_t i = 0; i < n; i++)
      dst[i] = in[off + i * step];
  }
}

const FvKernel fv_ref_kernel_strided_slice = {
  .type = FV_OP_STRIDED_SLICE,
  .prepare = strided_slice_prepare,
  .run = strided_slice_run,
};
