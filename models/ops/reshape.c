/* fovea — RESHAPE reference kernel.
 *
 * Same elements, new shape. The shape comes from the INT32 shape tensor (second input)
 * when there is one, else from ReshapeOptions.new_shape; one entry may be -1 (inferred
 * from the element count). With neither (or a non-constant shape tensor) the declared
 * output shape is taken as is, provided the element count matches. run() is a copy: the
 * output buffer must not alias the input.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

#include <string.h>

static gboolean
resolve_shape (const FvModel *model, const FvOp *op, const int32_t *dims, int64_t rank,
               int64_t numel, int64_t *shape, GError **error)
{
  if (rank > FV_MAX_DIMS)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "new shape has rank %" G_GINT64_FORMAT ", at most %d supported", rank,
                        FV_MAX_DIMS);
  int infer = -1;
  int64_t known = 1;
  for (int i = 0; i < rank; i++) {
    if (dims[i] == -1 && infer < 0) {
      infer = i;
      continue;
    }
    if (dims[i] < 1)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                          "new shape has dim %d = %d", i, dims[i]);
    known *= dims[i];
    if (known > FV_MAX_TENSOR_ELEMENTS)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE, "new shape is too large");
    shape[i] = dims[i];
  }
  if (infer >= 0) {
    if (numel % known != 0)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                          "cannot infer the -1 dim: %" G_GINT64_FORMAT " elements are not a "
                          "multiple of %" G_GINT64_FORMAT, numel, known);
    shape[infer] = numel / known;
  }
  return TRUE;
}

static gboolean
reshape_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 1, 2, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *shape_t = fv_op_input (model, op, 1);
  const FvTensor *out = fv_op_output (model, op, 0);
  const FvReshapeOptions *o = &op->options.reshape;
  if (!fv_ops_check_f32 (model, op, in, "input", error) ||
      !fv_ops_check_f32 (model, op, out, "output", error))
    return FALSE;
  int64_t numel = fv_tensor_numel (in);
  int64_t shape[FV_MAX_DIMS];
  if (shape_t && shape_t->is_const) {
    if (!fv_ops_check_const_i32 (model, op, shape_t, "shape", error))
      return FALSE;
    if (shape_t->rank != 1)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                          "shape '%s' has rank %d, expected 1", shape_t->name, shape_t->rank);
    int64_t rank = fv_tensor_numel (shape_t);
    if (!resolve_shape (model, op, shape_t->data, rank, numel, shape, error) ||
        !fv_ops_check_shape (model, op, out, (int) rank, shape, "output", error))
      return FALSE;
  } else if (o->has_new_shape) {
    if (o->rank < 0 ||
        !resolve_shape (model, op, o->new_shape, o->rank, numel, shape, error) ||
        !fv_ops_check_shape (model, op, out, o->rank, shape, "output", error))
      return FALSE;
  }
  if (fv_tensor_numel (out) != numel) {
    char a[64], b[64];
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "output shape %s does not hold the %s input's elements",
                        fv_tensor_shape_str (out, a, sizeof a), fv_tensor_shape_str (in, b, sizeof b));
  }
  return TRUE;
}

static void
reshape_run (const FvKernelCtx *ctx)
{
  const FvTensor *in = fv_op_input (ctx->model, ctx->op, 0);
  const float *src = ctx->inputs[0];
  float *dst = ctx->outputs[0];
  int64_t begin, end;
  fv_ops_task_range (fv_tensor_numel (in), ctx, &begin, &end);
  if (end > begin)
    memcpy (dst + begin, src + begin, (size_t) (end - begin) * sizeof (float));
}

const FvKernel fv_ref_kernel_reshape = {
  .type = FV_OP_RESHAPE,
  .prepare = reshape_prepare,
  .run = reshape_run,
};
