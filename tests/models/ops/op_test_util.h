/* fovea tests — builds a one-op FvModel in memory and runs it through the reference
 * kernel table (prepare, then run over any task split). */
#pragma once

#include "models/kernel.h"

#include <stdint.h>

/* Shape literal: OT_SHAPE (1, 3, 3, 2) expands to "rank, dims". */
#define OT_SHAPE(...) \
  (int) (sizeof ((int32_t[]) { __VA_ARGS__ }) / sizeof (int32_t)), (const int32_t[]) { __VA_ARGS__ }
#define OT_SCALAR 0, NULL

#define OT_MAX_TENSORS 16

typedef struct {
  FvModel *model;                 /* one op, tensors added in call order */
  void *act[OT_MAX_TENSORS];      /* buffers of non-constant tensors (owned) */
} OpTest;

/* A model whose single op has @type and zeroed options. Free with ot_free(). */
OpTest *ot_new (FvOpType type);
void ot_free (OpTest *t);

/* Each adds a tensor and appends it to the op's inputs (ot_input, ot_const) or outputs
 * (ot_output); returns the tensor index. @data is copied (fv_tensor_nbytes bytes); for
 * ot_input it may be NULL (zeros). */
int ot_input (OpTest *t, FvDType dtype, int rank, const int32_t *shape, const void *data);
int ot_const (OpTest *t, FvDType dtype, int rank, const int32_t *shape, const void *data);
int ot_output (OpTest *t, FvDType dtype, int rank, const int32_t *shape);
/* Appends an absent optional input (FV_TENSOR_ABSENT). */
void ot_absent (OpTest *t);

/* Sparse constant input: takes ownership of @sparsity; @data holds @data_bytes bytes. */
int ot_sparse_const (OpTest *t, FvDType dtype, int rank, const int32_t *shape,
                     FvSparsity *sparsity, const void *data, size_t data_bytes);

FvOpOptions *ot_options (OpTest *t);
FvOp *ot_op (OpTest *t);

/* prepare() of the op's registered reference kernel. */
gboolean ot_prepare (OpTest *t, GError **error);
/* run() with every task of an @n_tasks split, in the order n_tasks-1 .. 0 (so a kernel
 * that ignores its slice would be caught overwriting). Call after ot_prepare succeeded. */
void ot_run (OpTest *t, int n_tasks);

/* Data of tensor @idx (constant data or the activation buffer). */
void *ot_data (OpTest *t, int idx);

/* Runs the op with n_tasks = 1 and with n_tasks = 3 (each time over an output pre-filled
 * with NaN) and checks both runs wrote the same, complete output, and that task 1 of 3
 * alone leaves part of the output to the other tasks. */
void ot_check_task_split (OpTest *t);

/* |got[i] - want[i]| <= tol for every i < n, with a message naming the first mismatch. */
void ot_assert_floats (const float *want, const float *got, size_t n, float tol);

/* prepare() must fail with @code and a message that names the op type. */
void ot_expect_error (OpTest *t, FvModelError code);
