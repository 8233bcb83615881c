/* fovea — figures about a loaded model for reports: MACs, weights, op histogram. */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef struct {
  int64_t macs;               /* multiply-accumulates of one run (conv, depthwise, FC,
                                 transpose conv; element-wise ops not counted) */
  size_t weight_bytes;        /* bytes of float32 constants after load-time decoding */
  int n_const_tensors;
  int op_counts[FV_OP_COUNT]; /* ops left to run (after folding) */
} FvModelStats;

void fv_model_stats (const FvModel *model, FvModelStats *stats);
/* MACs of one op (0 for ops that are not counted). */
int64_t fv_op_macs (const FvModel *model, const FvOp *op);

G_END_DECLS
