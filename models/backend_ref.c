/* fovea — the reference backend: the plain C kernels of models/ops run op by op over one
 * planned arena. It is the oracle every faster backend is compared with. */
#include "models/backend.h"

#include "models/arena.h"
#include "models/kernel.h"

/* Per-op kernel and context resolved at prepare, so run() only loops. */
typedef struct {
  const FvKernel *kernel;
  FvKernelCtx ctx;
} RefStep;

struct _FvBackendState {
  const FvModel *model;
  FvArena *arena;
  RefStep *steps;
};

static void ref_free (FvBackendState *s);

static FvBackendState *
ref_prepare (const FvModel *model, const FvBackendOptions *options, GError **error)
{
  FvBackendState *s = g_new0 (FvBackendState, 1);
  s->model = model;
  s->steps = g_new0 (RefStep, model->n_ops + 1);
  s->arena = fv_arena_new (model, options && options->preserve_all_tensors, error);
  if (!s->arena) {
    ref_free (s);
    return NULL;
  }
  for (int o = 0; o < model->n_ops; o++) {
    const FvOp *op = &model->ops[o];
    const FvKernel *k = fv_ref_kernel (op->type);
    if (!k) {
      fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                   "the reference backend has no kernel for this op");
      ref_free (s);
      return NULL;
    }
    s->steps[o] = (RefStep) { k, { model, op, fv_arena_op_inputs (s->arena, o),
                                   fv_arena_op_outputs (s->arena, o), 0, 1 } };
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
  return fv_arena_activation (s->arena, t);
}

static size_t
ref_arena_bytes (FvBackendState *s)
{
  return s->arena->plan->arena_bytes;
}

static void
ref_free (FvBackendState *s)
{
  if (!s)
    return;
  fv_arena_free (s->arena);
  g_free (s->steps);
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
