/* fovea — DENSIFY reference kernel (TFLite FormatConverter::SparseToDense).
 *
 * Input: a sparse FLOAT16 or FLOAT32 constant. Its `sparsity` describes one level per axis
 * (identity traversal order, no blocks): a DENSE level visits all dense_size indices, a
 * SPARSE_CSR level visits indices[segments[p]] .. indices[segments[p+1] - 1], where p is
 * the position reached in the level above (for a dense level above, p = parent * size +
 * index; for a CSR level above, p = its slot in indices). Each leaf takes the next stored
 * value of `data`, in order. Output: the dense tensor of the same dtype and shape, zero
 * where nothing is stored.
 */
#include "models/ops/ops_util.h"
#include "models/ops/ref_kernels.h"

#include <string.h>

static gboolean
densify_prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 1, 1, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (in->dtype != FV_DTYPE_FLOAT16 && in->dtype != FV_DTYPE_FLOAT32)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "input '%s' is %s; only FLOAT16 and FLOAT32 are supported", in->name,
                        fv_dtype_name (in->dtype));
  if (!fv_op_check_dtype (model, op, out, in->dtype, "output", error))
    return FALSE;
  if (!in->is_const || !in->sparsity || !in->data)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "input '%s' must be a sparse constant", in->name);
  int64_t want[FV_MAX_DIMS];
  fv_ops_shape64 (in, want);
  if (!fv_ops_check_shape (model, op, out, in->rank, want, "output", error))
    return FALSE;

  const FvSparsity *sp = in->sparsity;
  if (sp->n_block_map != 0)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "block-sparse input '%s' is not supported", in->name);
  if (sp->n_traversal_order != in->rank || sp->n_dim_metadata != in->rank)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                        "sparsity of '%s' has %d traversal entries and %d levels for rank %d",
                        in->name, sp->n_traversal_order, sp->n_dim_metadata, in->rank);
  for (int l = 0; l < in->rank; l++)
    if (sp->traversal_order[l] != l)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                          "sparse input '%s' has a non-identity traversal order", in->name);

  /* The positions reached at each level form one range [lo, hi): follow it down, checking
   * every segment and index run() will read. */
  int64_t lo = 0, hi = 1;
  for (int l = 0; l < in->rank; l++) {
    const FvDimMetadata *dm = &sp->dim_metadata[l];
    int64_t size = in->shape[l];
    if (dm->format == FV_DIM_DENSE) {
      if (dm->dense_size != size)
        return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                            "level %d of '%s' is dense of size %d, the axis has %" G_GINT64_FORMAT,
                            l, in->name, dm->dense_size, size);
      lo *= size;
      hi *= size;
    } else if (dm->format == FV_DIM_SPARSE_CSR) {
      if (dm->n_segments < hi + 1 || !dm->segments || (dm->n_indices > 0 && !dm->indices))
        return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                            "level %d of '%s' has %d segments, needs %" G_GINT64_FORMAT, l,
                            in->name, dm->n_segments, hi + 1);
      for (int64_t p = lo; p <= hi; p++)
        if (dm->segments[p] < 0 || dm->segments[p] > dm->n_indices ||
            (p > lo && dm->segments[p] < dm->segments[p - 1]))
          return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                              "level %d of '%s': segment %" G_GINT64_FORMAT " = %d is out of "
                              "order or range", l, in->name, p, dm->segments[p]);
      int64_t new_lo = dm->segments[lo], new_hi = dm->segments[hi];
      for (int64_t i = new_lo; i < new_hi; i++)
        if (dm->indices[i] < 0 || dm->indices[i] >= size)
          return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                              "level %d of '%s': index %d is outside the axis of size %"
                              G_GINT64_FORMAT, l, in->name, dm->indices[i], size);
      lo = new_lo;
      hi = new_hi;
    } else {
      return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                          "level %d of '%s' has unknown format %d", l, in->name, (int) dm->format);
    }
  }
  size_t elem = fv_dtype_size (in->dtype);
  size_t stored = in->data_bytes / elem;
  if ((size_t) (hi - lo) > stored)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                        "sparsity of '%s' visits %" G_GINT64_FORMAT " values, %zu are stored",
                        in->name, hi - lo, stored);
  return TRUE;
}

typedef struct {
  const FvTensor *t;
  const guint8 *src;
  guint8 *dst;
  size_t elem;
  int64_t next;                /* next stored value to place */
} Densify;

static void
populate (Densify *d, int level, int64_t prev, int64_t flat)
{
  const FvTensor *t = d->t;
  if (level == t->rank) {
    memcpy (d->dst + flat * d->elem, d->src + d->next * d->elem, d->elem);
    d->next++;
    return;
  }
  if (level >= FV_MAX_DIMS)   /* never: rank <= FV_MAX_DIMS; tells the compiler so */
    return;
  const FvDimMetadata *dm = &t->sparsity->dim_metadata[level];
  int64_t size = t->shape[level];
  if (dm->format == FV_DIM_DENSE) {
    for (int64_t i = 0; i < size; i++)
      populate (d, level + 1, prev * size + i, flat * size + i);
  } else {
    for (int64_t i = dm->segments[prev]; i < dm->segments[prev + 1]; i++)
      populate (d, level + 1, i, flat * size + dm->indices[i]);
  }
}

static void
densify_run (const FvKernelCtx *ctx)
{
  if (ctx->task != 0)
    return;
  const FvTensor *in = fv_op_input (ctx->model, ctx->op, 0);
  Densify d = { in, in->data, ctx->outputs[0], fv_dtype_size (in->dtype), 0 };
  memset (d.dst, 0, fv_tensor_nbytes (in));
  populate (&d, 0, 0, 0);
}

const FvKernel fv_ref_kernel_densify = {
  .type = FV_OP_DENSIFY,
  .prepare = densify_prepare,
  .run = densify_run,
};
