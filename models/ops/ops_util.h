/* fovea — arithmetic and checks shared by the reference kernels: TF SAME/VALID output
 * sizes, task slices, operand checks and numpy-style broadcasting of two operands.
 * Private to models/ops/. */
#pragma once

#include "models/kernel.h"

G_BEGIN_DECLS

/* Output size and leading (top/left) pad of one spatial axis under TF's rules:
 * SAME: out = ceil(in / stride), pad_total = max((out - 1) * stride + k - in, 0),
 * pad_before = pad_total / 2 (the odd pixel goes to the bottom/right);
 * VALID: out = (in - k) / stride + 1, no pad. @k is the (dilated) filter extent.
 * Returns FALSE when the output would be empty or the padding is not SAME/VALID. */
gboolean fv_ops_out_size (FvPadding padding, int64_t in, int64_t k, int64_t stride,
                          int64_t *out, int64_t *pad_before);

/* The slice [*begin, *end) of @n independent items that ctx->task handles. */
void fv_ops_task_range (int64_t n, const FvKernelCtx *ctx, int64_t *begin, int64_t *end);

/* @t is FLOAT32 and dense (a sparse constant's data is compressed: never read it raw). */
gboolean fv_ops_check_f32 (const FvModel *model, const FvOp *op, const FvTensor *t,
                           const char *what, GError **error);

/* @t is an INT32 constant whose data run() may read (from model->tensors[].data). */
gboolean fv_ops_check_const_i32 (const FvModel *model, const FvOp *op, const FvTensor *t,
                                 const char *what, GError **error);

/* @t has exactly the shape computed from the op's inputs and options; otherwise an
 * FV_MODEL_ERROR_SHAPE naming both shapes. */
gboolean fv_ops_check_shape (const FvModel *model, const FvOp *op, const FvTensor *t,
                             int rank, const int64_t *shape, const char *what,
                             GError **error);

gboolean fv_ops_check_padding (const FvModel *model, const FvOp *op, FvPadding padding,
                               GError **error);

/* The two operands of an element-wise op aligned from the right (numpy rules). */
typedef struct {
  int rank;                        /* of the result: max of both ranks */
  int64_t shape[FV_MAX_DIMS];
  int64_t a_stride[FV_MAX_DIMS];   /* element strides, 0 along broadcast axes */
  int64_t b_stride[FV_MAX_DIMS];
} FvBroadcast;

/* FALSE when a pair of dims is neither equal nor 1. */
gboolean fv_ops_broadcast_init (const FvTensor *a, const FvTensor *b, FvBroadcast *bc);

/* One row of a binary op: out[i] = f(a[i * sa], b[i * sb]) for i < n. */
typedef void (*FvBinaryRow) (const float *a, int64_t sa, const float *b, int64_t sb,
                             float *out, int64_t n, FvActivation act);

/* Applies @row over the whole broadcast result, rows (every axis but the last) split by
 * ctx->task. */
void fv_ops_broadcast_run (const FvBroadcast *bc, const float *a, const float *b, float *out,
                           FvBinaryRow row, FvActivation act, const FvKernelCtx *ctx);

/* Geometry of MAX_POOL_2D / AVERAGE_POOL_2D (NHWC, TF padding). */
typedef struct {
  int64_t n, h, w, c, oh, ow, pad_t, pad_l;
} FvPoolGeometry;

/* Everything both pools check: one FLOAT32 rank-4 input, the options, the output shape. */
gboolean fv_ops_pool_prepare (const FvModel *model, const FvOp *op, GError **error);
gboolean fv_ops_pool_geometry (const FvModel *model, const FvOp *op, FvPoolGeometry *g,
                               GError **error);

/* Checks of a two-operand element-wise op (ADD, MUL, PRELU): FLOAT32 operands whose shapes
 * broadcast, and an output of the broadcast shape. */
gboolean fv_ops_binary_prepare (const FvModel *model, const FvOp *op, GError **error);

/* Runs a prepared two-operand element-wise op. */
void fv_ops_binary_run (const FvKernelCtx *ctx, FvBinaryRow row, FvActivation act);

/* Checks of a one-operand element-wise op: FLOAT32 input, FLOAT32 output of the same
 * shape. */
gboolean fv_ops_unary_prepare (const FvModel *model, const FvOp *op, GError **error);

/* Shape of a tensor widened to int64 (the form fv_ops_check_shape takes). */
void fv_ops_shape64 (const FvTensor *t, int64_t *shape);

G_END_DECLS
