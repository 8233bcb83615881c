/* fovea — the per-op kernel contract shared by every backend.
 *
 * A kernel is two functions. prepare() runs once at load: it checks the op's options
 * and the shapes/dtypes of its tensors, and returns a GError naming the op and the value
 * it does not support. After a successful prepare(), run() may trust every shape: it
 * never checks again, never allocates, never fails.
 *
 * Multi-threading: run() receives a slice [task, n_tasks) of the work. A kernel splits
 * its outermost independent loop (rows, channels) by it; a kernel that cannot split does
 * all the work when task == 0 and nothing otherwise. The reference backend calls run()
 * once with task 0 of 1.
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef struct {
  const FvModel *model;
  const FvOp *op;
  const void *const *inputs;  /* [op->n_inputs]: data of each input, NULL when absent */
  void *const *outputs;       /* [op->n_outputs] */
  int task;                   /* 0 <= task < n_tasks */
  int n_tasks;
} FvKernelCtx;

typedef struct {
  FvOpType type;
  gboolean (*prepare) (const FvModel *model, const FvOp *op, GError **error);
  void (*run) (const FvKernelCtx *ctx);
} FvKernel;

/* The reference (oracle) kernel of an op type, or NULL if none. Reference kernels are
 * plain C that reads like the math; faster backends are tested against them. */
const FvKernel *fv_ref_kernel (FvOpType type);

/* Tables filled by models/ops/registry.c (builtins) and models/ops/custom/registry.c
 * (MediaPipe's custom ops); fv_ref_kernel() looks in both. */
const FvKernel *fv_ref_kernel_builtin (FvOpType type);
const FvKernel *fv_ref_kernel_custom (FvOpType type);

/* Helpers for kernels */
static inline const FvTensor *
fv_op_input (const FvModel *m, const FvOp *op, int i)
{
  return (i < op->n_inputs && op->inputs[i] >= 0) ? &m->tensors[op->inputs[i]] : NULL;
}

static inline const FvTensor *
fv_op_output (const FvModel *m, const FvOp *op, int i)
{
  return (i < op->n_outputs && op->outputs[i] >= 0) ? &m->tensors[op->outputs[i]] : NULL;
}

static inline float
fv_activate (float x, FvActivation act)
{
  switch (act) {
  case FV_ACT_RELU: return x < 0.f ? 0.f : x;
  case FV_ACT_RELU6: return x < 0.f ? 0.f : (x > 6.f ? 6.f : x);
  case FV_ACT_RELU_N1_TO_1: return x < -1.f ? -1.f : (x > 1.f ? 1.f : x);
  case FV_ACT_NONE: default: return x;
  }
}

/* Sets a FV_MODEL_ERROR naming the op (type and index in model->ops) and returns FALSE. */
gboolean fv_op_error (GError **error, const FvModel *model, const FvOp *op, FvModelError code,
                      const char *fmt, ...) G_GNUC_PRINTF (5, 6);

/* Common prepare checks; each sets an fv_op_error on failure. */
gboolean fv_op_check_arity (const FvModel *model, const FvOp *op, int min_in, int max_in,
                            int n_out, GError **error);
gboolean fv_op_check_dtype (const FvModel *model, const FvOp *op, const FvTensor *t,
                            FvDType dtype, const char *what, GError **error);
gboolean fv_op_check_rank (const FvModel *model, const FvOp *op, const FvTensor *t, int rank,
                           const char *what, GError **error);
gboolean fv_op_check_activation (const FvModel *model, const FvOp *op, FvActivation act,
                                 GError **error);

G_END_DECLS
