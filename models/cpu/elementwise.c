/* fovea — contiguous element-wise ops on the "cpu" backend (see elementwise.h). */
#include "models/cpu/elementwise.h"

#include "models/cpu/cpu_geometry.h"
#include "models/cpu/cpu_simd.h"
#include "models/kernel.h"

#include <math.h>

/* Elements handed out per unit of work, so tasks never split a cache line. */
#define GRAIN 64

static gboolean
is_channel_vector (const FvTensor *b, const FvTensor *out)
{
  if (b->rank < 1 || b->rank > out->rank || b->shape[b->rank - 1] != out->shape[out->rank - 1])
    return FALSE;
  for (int i = 0; i < b->rank - 1; i++)
    if (b->shape[i] != 1)
      return FALSE;
  return TRUE;
}

gboolean
fv_cpu_elementwise_init (FvCpuElementwise *ew, const FvModel *model, const FvOp *op)
{
  memset (ew, 0, sizeof *ew);
  const FvTensor *out = fv_op_output (model, op, 0);
  const FvTensor *a = fv_op_input (model, op, 0);
  const FvTensor *b = fv_op_input (model, op, 1);
  if (!out || !a)
    return FALSE;
  ew->n = fv_tensor_numel (out);
  ew->c = 1;
  ew->avx2 = fv_cpu_have_avx2 ();
  switch (op->type) {
  case FV_OP_ADD:
    ew->kind = FV_CPU_EW_ADD;
    fv_cpu_act_bounds (op->options.elementwise.activation, &ew->lo, &ew->hi);
    break;
  case FV_OP_MUL:
    ew->kind = FV_CPU_EW_MUL;
    fv_cpu_act_bounds (op->options.elementwise.activation, &ew->lo, &ew->hi);
    break;
  case FV_OP_PRELU:
    ew->kind = FV_CPU_EW_PRELU;
    break;
  case FV_OP_RELU:
  case FV_OP_RELU6:
    ew->kind = FV_CPU_EW_CLAMP;
    fv_cpu_act_bounds (op->type == FV_OP_RELU ? FV_ACT_RELU : FV_ACT_RELU6, &ew->lo, &ew->hi);
    return fv_tensor_same_shape (a, out);
  case FV_OP_HARD_SWISH:
    ew->kind = FV_CPU_EW_HARD_SWISH;
    return fv_tensor_same_shape (a, out);
  default:
    return FALSE;
  }
  if (!b || op->n_inputs != 2)
    return FALSE;
  if (!fv_tensor_same_shape (a, out)) {
    /* only ADD and MUL may take the full operand second: a + b == b + a exactly */
    if (ew->kind == FV_CPU_EW_PRELU || !fv_tensor_same_shape (b, out))
      return FALSE;
    ew->swap = TRUE;
    const FvTensor *t = a;
    a = b;
    b = t;
  }
  if (fv_tensor_same_shape (b, out)) {
    ew->layout = FV_CPU_EW_SAME;
  } else if (fv_tensor_numel (b) == 1) {
    ew->layout = FV_CPU_EW_SCALAR;
  } else if (is_channel_vector (b, out)) {
    ew->layout = FV_CPU_EW_CHANNEL;
    ew->c = out->shape[out->rank - 1];
  } else {
    return FALSE;
  }
  return TRUE;
}

/* one element: the reference kernels' expression */
FV_CPU_INLINE float
ew_one (FvCpuEwKind kind, float x, float y, float lo, float hi)
{
  switch (kind) {
  case FV_CPU_EW_ADD: return fv_cpu_clamp (x + y, lo, hi);
  case FV_CPU_EW_MUL: return fv_cpu_clamp (x * y, lo, hi);
  case FV_CPU_EW_PRELU: return x >= 0.f ? x : x * y;
  case FV_CPU_EW_HARD_SWISH: return x * fv_cpu_clamp (x + 3.f, 0.f, 6.f) / 6.f;
  case FV_CPU_EW_CLAMP: default: return fv_cpu_clamp (x, lo, hi);
  }
}

FV_CPU_INLINE FvV8f
ew_v8 (FvCpuEwKind kind, const FvV8f *xp, const FvV8f *y, float lo, float hi)
{
  FvV8f v, x = *xp;
  switch (kind) {
  case FV_CPU_EW_ADD: v = x + *y; return fv_v8_clamp (&v, lo, hi);
  case FV_CPU_EW_MUL: v = x * *y; return fv_v8_clamp (&v, lo, hi);
  case FV_CPU_EW_PRELU: {
    FvV8i keep = x >= (FvV8f) { 0 };
    v = x * *y;
    return (FvV8f) ((keep & (FvV8i) x) | (~keep & (FvV8i) v));
  }
  case FV_CPU_EW_HARD_SWISH:
    v = x + 3.f;
    v = fv_v8_clamp (&v, 0.f, 6.f);
    return x * v / 6.f;
  case FV_CPU_EW_CLAMP: default: return fv_v8_clamp (&x, lo, hi);
  }
}

/* out[i] = f(a[i], b[i]) for i < n; @b_step 0 repeats b[0] (a scalar operand). */
FV_CPU_INLINE void
ew_span (FvCpuEwKind kind, const float *a, const float *b, int b_step, float *out, int64_t n,
         float lo, float hi)
{
  int64_t i = 0;
  FvV8f y = fv_v8_splat (b ? b[0] : 0.f);
  for (; i + 8 <= n; i += 8) {
    if (b && b_step)
      y = fv_v8_load (b + i);
    FvV8f x = fv_v8_load (a + i);
    FvV8f v = ew_v8 (kind, &x, &y, lo, hi);
    fv_v8_store (out + i, v);
  }
  for (; i < n; i++)
    out[i] = ew_one (kind, a[i], b ? b[b_step ? i : 0] : 0.f, lo, hi);
}

FV_CPU_INLINE void
ew_body (const FvCpuElementwise *ew, const float *a, const float *b, float *out, int task,
         int n_tasks)
{
  if (ew->swap) {
    const float *t = a;
    a = b;
    b = t;
  }
  if (ew->layout == FV_CPU_EW_CHANNEL) {
    int64_t r0, r1;
    fv_cpu_task_range (ew->n / ew->c, task, n_tasks, &r0, &r1);
    for (int64_t r = r0; r < r1; r++)
      ew_span (ew->kind, a + r * ew->c, b, 1, out + r * ew->c, ew->c, ew->lo, ew->hi);
    return;
  }
  int64_t g0, g1;
  fv_cpu_task_range ((ew->n + GRAIN - 1) / GRAIN, task, n_tasks, &g0, &g1);
  int64_t i0 = g0 * GRAIN, i1 = MIN (g1 * GRAIN, ew->n);
  if (i1 <= i0)
    return;
  if (ew->layout == FV_CPU_EW_SAME && b)
    ew_span (ew->kind, a + i0, b + i0, 1, out + i0, i1 - i0, ew->lo, ew->hi);
  else
    ew_span (ew->kind, a + i0, b, 0, out + i0, i1 - i0, ew->lo, ew->hi);
}

#if FV_CPU_X86
FV_CPU_TARGET_AVX2 static void
ew_avx2 (const FvCpuElementwise *ew, const float *a, const float *b, float *out, int task,
         int n_tasks)
{
  ew_body (ew, a, b, out, task, n_tasks);
}
#endif

static void
ew_portable (const FvCpuElementwise *ew, const float *a, const float *b, float *out, int task,
             int n_tasks)
{
  ew_body (ew, a, b, out, task, n_tasks);
}

void
fv_cpu_elementwise_run (const FvCpuElementwise *ew, const float *a, const float *b, float *out,
                        int task, int n_tasks)
{
#if FV_CPU_X86
  if (ew->avx2) {
    ew_avx2 (ew, a, b, out, task, n_tasks);
    return;
  }
#endif
  ew_portable (ew, a, b, out, task, n_tasks);
}
