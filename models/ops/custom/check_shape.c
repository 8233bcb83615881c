/* fovea — the exact-shape check shared by the custom-op kernels' prepare(). */
#include "models/ops/custom/custom_kernels.h"

#include <stdio.h>

gboolean
fv_custom_check_shape (const FvModel *model, const FvOp *op, const FvTensor *t, int rank,
                       const int64_t *dims, const char *what, GError **error)
{
  gboolean same = t->rank == rank;
  for (int i = 0; same && i < rank; i++)
    same = t->shape[i] == dims[i];
  if (same)
    return TRUE;

  char want[96] = "";
  size_t off = 0;
  for (int i = 0; i < rank && off < sizeof want; i++)
    off += (size_t) snprintf (want + off, sizeof want - off, i ? "x%" G_GINT64_FORMAT
                              : "%" G_GINT64_FORMAT, dims[i]);
  char have[64];
  return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE, "%s '%s' is %s, expected %s",
                      what, t->name, fv_tensor_shape_str (t, have, sizeof have), want);
}
