/* fovea — MAC and weight counting, with the conventions of the op inventory:
 * CONV_2D N*Ho*Wo*Cout*Kh*Kw*Cin, DEPTHWISE_CONV_2D N*Ho*Wo*C*Kh*Kw,
 * FULLY_CONNECTED rows*in*out, transpose conv N*Hi*Wi*Cin*Kh*Kw*Cout. */
#include "models/model_stats.h"

#include "models/kernel.h"

#include <string.h>

int64_t
fv_op_macs (const FvModel *m, const FvOp *op)
{
  const FvTensor *in = fv_op_input (m, op, 0), *w = fv_op_input (m, op, 1);
  const FvTensor *out = fv_op_output (m, op, 0);
  if (!in || !w || !out)
    return 0;
  switch (op->type) {
  case FV_OP_CONV_2D:
    /* output numel * Kh*Kw*Cin */
    return fv_tensor_numel (out) * (w->rank == 4 ? (int64_t) w->shape[1] * w->shape[2] * w->shape[3] : 0);
  case FV_OP_DEPTHWISE_CONV_2D:
    return fv_tensor_numel (out) * (w->rank == 4 ? (int64_t) w->shape[1] * w->shape[2] : 0);
  case FV_OP_FULLY_CONNECTED:
    return fv_tensor_numel (out) * (w->rank == 2 ? w->shape[1] : 0);
  case FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS:
    return fv_tensor_numel (in) * (w->rank == 4 ? (int64_t) w->shape[0] * w->shape[1] * w->shape[2] : 0);
  default:
    return 0;
  }
}

void
fv_model_stats (const FvModel *model, FvModelStats *stats)
{
  memset (stats, 0, sizeof *stats);
  for (int i = 0; i < model->n_ops; i++) {
    const FvOp *op = &model->ops[i];
    stats->op_counts[op->type]++;
    stats->macs += fv_op_macs (model, op);
  }
  for (int t = 0; t < model->n_tensors; t++)
    if (model->tensors[t].is_const && model->tensors[t].dtype == FV_DTYPE_FLOAT32) {
      stats->weight_bytes += fv_tensor_nbytes (&model->tensors[t]);
      stats->n_const_tensors++;
    }
}
