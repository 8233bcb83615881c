/* fovea — the reference backend: the plain C kernels of models/ops run op by op over one
 * planned arena. It is the oracle every faster backend is compared with. */
#include "models/backend.h"

#include "models/kernel.h"
#include "models/memory_planner.h"

#include <string.h>

/* Per-op pointers resolved at prepare, so run() only loops. */
typedef struct {
  const FvKernel *kernel;
  FvKernelCtx ctx;
} RefStep;

struct _FvBackendState {
  const FvModel *model;
  FvMemoryPlan *plan;
  guint8 *arena;
  RefStep *steps;
  const void **in_ptrs;   /* one block for every op's input pointers */
  void **out_ptrs;
};

static void *
tensor_ptr (FvBackendState *s, int t)
{
  if (t < 0)
    return NULL;
  const FvTensor *tensor = &s->model->tensors[t];
  if (tensor->is_const)
    return tensor->data;
  return s->plan->offsets[t] == FV_PLAN_NONE ? NULL : s->arena + s->plan->offsets[t];
}

static void ref_free (FvBackendState *s);

static FvBackendState *
ref_prepare (const FvModel *model, const FvBackendOptions *options, GError **error)
{
  FvBackendState *s = g_new0 (FvBackendState, 1);
  s->model = model;
  s->plan = fv_memory_plan_new (model, 64, options && options->preserve_all_tensors);
  s->arena = fv_aligned_alloc0 (s->plan->arena_bytes);
  if (!s->arena) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT,
                 "cannot allocate a %zu-byte activation arena", s->plan->arena_bytes);
    ref_free (s);
    return NULL;
  }
  size_t n_in = 0, n_out = 0;
  for (int o = 0; o < model->n_ops; o++)
    n_in += (size_t) model->ops[o].n_inputs, n_out += (size_t) model->ops[o].n_outputs;
  s->in_ptrs = g_new0 (const void *, n_in + 1);
  s->out_ptrs = g_new0 (void *, n_out + 1);
  s->steps = g_new0 (RefStep, model->n_ops + 1);
  const void **in = s->in_ptrs;
  void **out = s->out_ptrs;
  for (int o = 0; o < model->n_ops; o++) {
    const FvOp *op = &model->ops[o];
    const FvKernel *k = fv_ref_kernel (op->type);
    if (!k) {
      fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                   "the reference backend has no kernel for this op");
      ref_free (s);
      return NULL;
    }
    for (int i = 0; i < op->n_inputs; i++)
      in[i] = tensor_ptr (s, op->inputs[i]);
    for (int i = 0; i < op->n_outputs; i++)
      out[i] = tensor_ptr (s, op->outputs[i]);
    s->steps[o] = (RefStep) { k, { model, op, in, out, 0, 1 } };
    in += op->n_inputs;
    out += op->n_outputs;
  }
  return s;
}

static gboolean
ref_run (FvBackendState *s, GError **error)
{
  for (int o = 0; o < s->model->n_ops; o++)
    s->steps[o].kernel->run (&s->steps[o].ctx);
  return TRUE;
}

static float *
ref_tensor_data (FvBackendState *s, int t)
{
  if (t < 0 || t >= s->model->n_tensors || s->model->tensors[t].is_const)
    return NULL;
  return tensor_ptr (s, t);
}

static size_t
ref_arena_bytes (FvBackendState *s)
{
  return s->plan->arena_bytes;
}

static void
ref_free (FvBackendState *s)
{
  if (!s)
    return;
  fv_memory_plan_free (s->plan);
  fv_aligned_free (s->arena);
  g_free (s->steps);
  g_free (s->in_ptrs);
  g_free (s->out_ptrs);
  g_free (s);
}

static const FvBackend ref_backend = {
  .name = "ref",
  .prepare = ref_prepare,
  .run = ref_run,
  .tensor_data = ref_tensor_data,
  .arena_bytes = ref_arena_bytes,
  .free = ref_free,
};

const FvBackend *
fv_backend_ref (void)
{
  return &ref_backend;
}
