/* fovea — ADD, MUL, PRELU, RELU/RELU6 and HARD_SWISH on the "cpu" backend for the operand layouts the
 * models use: equal shapes, a scalar, or one value per channel (a [1,..,1,C] operand
 * broadcast along the last axis). Private to models/cpu/.
 *
 * The reference kernels walk a general broadcast with strided rows, which the compiler
 * cannot vectorise; these loops are contiguous. Each output element is the same single
 * IEEE operations as in the reference (a + b, a * b, x >= 0 ? x : x * alpha,
 * x * relu6(x + 3) / 6), so results are identical. Other layouts fall back to the reference kernel.
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef enum {
  FV_CPU_EW_ADD,
  FV_CPU_EW_MUL,
  FV_CPU_EW_PRELU,
  FV_CPU_EW_CLAMP,   /* RELU, RELU6: the activation bounds alone */
  FV_CPU_EW_HARD_SWISH,
} FvCpuEwKind;

typedef enum {
  FV_CPU_EW_SAME,      /* b has a's shape */
  FV_CPU_EW_SCALAR,    /* b is one value */
  FV_CPU_EW_CHANNEL,   /* b is [1,..,1,C]; a's last dim is C */
} FvCpuEwLayout;

typedef struct {
  FvCpuEwKind kind;
  FvCpuEwLayout layout;
  gboolean swap;     /* the full-shape operand is input 1 (ADD, MUL commute exactly) */
  int64_t n;         /* output elements */
  int64_t c;         /* channels (CHANNEL), else 1 */
  float lo, hi;
  gboolean avx2;
} FvCpuElementwise;

/* TRUE (and @ew set up) when @op is one of the ops and layouts above; FALSE means "use the
 * reference kernel". @op must have passed the reference prepare. */
gboolean fv_cpu_elementwise_init (FvCpuElementwise *ew, const FvModel *model, const FvOp *op);

/* inputs as the op lists them (@b NULL for the one-input ops). */
void fv_cpu_elementwise_run (const FvCpuElementwise *ew, const float *a, const float *b,
                             float *out, int task, int n_tasks);

G_END_DECLS
