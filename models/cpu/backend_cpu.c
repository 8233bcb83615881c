/* fovea — the optimised, multi-threaded CPU backend "cpu".
 *
 * Same shape as the reference backend (models/backend_ref.c): prepare() plans one arena,
 * resolves every op's pointers and does all allocation; run() only loops over the steps.
 * On top of that, prepare() packs the weights of CONV_2D and DEPTHWISE_CONV_2D for the
 * fast kernels of this folder (ADD, MUL, PRELU, RELU, RELU6, HARD_SWISH and MAX_POOL_2D
 * have fast kernels too), sizes a per-thread scratch for im2col, chooses how many tasks each op is
 * worth, and starts a persistent worker pool. Every other op runs its reference kernel,
 * split over the same tasks. Each op is one barrier: its tasks finish
 * before the next op starts.
 */
#include "models/cpu/backend_cpu.h"

#include "models/cpu/conv_gemm.h"
#include "models/cpu/depthwise_conv.h"
#include "models/cpu/elementwise.h"
#include "models/cpu/max_pool.h"
#include "models/cpu/thread_pool.h"
#include "models/kernel.h"
#include "models/arena.h"

#include <stdlib.h>
#include <string.h>

#define MAX_THREADS_DEFAULT 8
#define MAX_THREADS 64
/* An op big enough for the pool is cut in this many tasks per thread, so that threads the
 * OS runs late, or slower tasks, even out. */
#define TASKS_PER_THREAD 4
/* Below this much work an op runs on the calling thread: waking the pool costs more. */
#define MIN_PARALLEL_MACS 200000
#define MIN_PARALLEL_ELEMENTS 16384

typedef enum {
  STEP_REF,
  STEP_CONV,
  STEP_DEPTHWISE,
  STEP_ELEMENTWISE,
  STEP_MAX_POOL,
} StepKind;

typedef struct {
  StepKind kind;
  int n_tasks;
  FvBackendState *state;
  const FvKernel *kernel;   /* STEP_REF */
  FvKernelCtx ctx;          /* inputs / outputs resolved; task fields set per call */
  FvCpuConv conv;           /* STEP_CONV */
  FvCpuDepthwise dw;        /* STEP_DEPTHWISE */
  FvCpuElementwise ew;      /* STEP_ELEMENTWISE */
  FvCpuMaxPool mp;          /* STEP_MAX_POOL */
} CpuStep;

struct _FvBackendState {
  const FvModel *model;
  FvArena *arena;
  CpuStep *steps;
  int n_threads;
  FvCpuPool *pool;          /* NULL with one thread */
  float *scratch;           /* [n_threads][scratch_stride]: im2col rows, per thread */
  size_t scratch_stride;    /* floats */
};

/* options->n_threads when set, else $FOVEA_NUM_THREADS, else the online CPUs (at most 8). */
static int
choose_threads (const FvBackendOptions *options)
{
  int n = options ? options->n_threads : 0;
  if (n <= 0) {
    const char *env = g_getenv ("FOVEA_NUM_THREADS");
    if (env && *env)
      n = atoi (env);
  }
  if (n <= 0)
    n = MIN ((int) g_get_num_processors (), MAX_THREADS_DEFAULT);
  return CLAMP (n, 1, MAX_THREADS);
}

static int
tasks_for (int n_threads, int64_t work, int64_t min_work, int64_t max_tasks)
{
  if (n_threads <= 1 || work < min_work)
    return 1;
  int64_t n = MIN ((int64_t) n_threads * TASKS_PER_THREAD, max_tasks);
  return (int) CLAMP (n, 1, FV_CPU_POOL_MAX_TASKS);
}

static int64_t
output_elements (const FvModel *model, const FvOp *op)
{
  int64_t n = 0;
  for (int i = 0; i < op->n_outputs; i++)
    if (op->outputs[i] >= 0)
      n += fv_tensor_numel (&model->tensors[op->outputs[i]]);
  return n;
}

static void cpu_free (FvBackendState *s);

static FvBackendState *
cpu_prepare (const FvModel *model, const FvBackendOptions *options, GError **error)
{
  FvBackendState *s = g_new0 (FvBackendState, 1);
  s->model = model;
  s->n_threads = choose_threads (options);
  /* the ops' own checks first: the fast kernels trust the shapes they accept */
  for (int o = 0; o < model->n_ops; o++) {
    const FvOp *op = &model->ops[o];
    const FvKernel *k = fv_ref_kernel (op->type);
    if (!k) {
      fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                   "the cpu backend has no kernel for this op");
      goto fail;
    }
    if (!k->prepare (model, op, error))
      goto fail;
  }
  s->arena = fv_arena_new (model, options && options->preserve_all_tensors, error);
  if (!s->arena)
    goto fail;
  s->steps = g_new0 (CpuStep, model->n_ops + 1);
  for (int o = 0; o < model->n_ops; o++) {
    const FvOp *op = &model->ops[o];
    CpuStep *step = &s->steps[o];
    step->state = s;
    step->kernel = fv_ref_kernel (op->type);
    step->ctx = (FvKernelCtx) { model, op, fv_arena_op_inputs (s->arena, o),
                                fv_arena_op_outputs (s->arena, o), 0, 1 };

    if (op->type == FV_OP_CONV_2D && fv_cpu_conv_supports (model, op)) {
      if (!fv_cpu_conv_init (&step->conv, model, op, error))
        goto fail;
      step->kind = STEP_CONV;
      step->n_tasks = tasks_for (s->n_threads, fv_cpu_conv_macs (&step->conv),
                                 MIN_PARALLEL_MACS, fv_cpu_conv_n_units (&step->conv));
      s->scratch_stride = MAX (s->scratch_stride, fv_cpu_conv_scratch_floats (&step->conv));
    } else if (op->type == FV_OP_DEPTHWISE_CONV_2D && fv_cpu_depthwise_supports (model, op)) {
      if (!fv_cpu_depthwise_init (&step->dw, model, op, error))
        goto fail;
      step->kind = STEP_DEPTHWISE;
      step->n_tasks = tasks_for (s->n_threads, fv_cpu_depthwise_macs (&step->dw),
                                 MIN_PARALLEL_MACS / 4, fv_cpu_depthwise_n_rows (&step->dw));
    } else if (fv_cpu_elementwise_init (&step->ew, model, op)) {
      step->kind = STEP_ELEMENTWISE;
      step->n_tasks = tasks_for (s->n_threads, step->ew.n, MIN_PARALLEL_ELEMENTS,
                                 step->ew.n / 1024);
    } else if (op->type == FV_OP_MAX_POOL_2D && fv_cpu_max_pool_init (&step->mp, model, op)) {
      step->kind = STEP_MAX_POOL;
      step->n_tasks = tasks_for (s->n_threads, output_elements (model, op),
                                 MIN_PARALLEL_ELEMENTS, fv_cpu_max_pool_n_rows (&step->mp));
    } else {
      step->kind = STEP_REF;
      step->n_tasks = tasks_for (s->n_threads, output_elements (model, op),
                                 MIN_PARALLEL_ELEMENTS, output_elements (model, op));
    }
  }
  /* whole cache lines per thread, so neighbours never share one */
  s->scratch_stride = (s->scratch_stride + 15) / 16 * 16;
  if (s->scratch_stride)
    s->scratch = g_aligned_alloc0 ((size_t) s->n_threads * s->scratch_stride, sizeof (float),
                                   64);
  if (s->n_threads > 1) {
    s->pool = fv_cpu_pool_new (s->n_threads, error);
    if (!s->pool)
      goto fail;
  }
  return s;

fail:
  cpu_free (s);
  return NULL;
}

static void
step_task (void *arg, int task, int n_tasks, int thread)
{
  const CpuStep *step = arg;
  FvBackendState *s = step->state;
  switch (step->kind) {
  case STEP_CONV:
    fv_cpu_conv_run (&step->conv, step->ctx.inputs[0], step->ctx.outputs[0],
                     s->scratch ? s->scratch + (size_t) thread * s->scratch_stride : NULL, task,
                     n_tasks);
    break;
  case STEP_DEPTHWISE:
    fv_cpu_depthwise_run (&step->dw, step->ctx.inputs[0], step->ctx.outputs[0], task, n_tasks);
    break;
  case STEP_ELEMENTWISE:
    fv_cpu_elementwise_run (&step->ew, step->ctx.inputs[0],
                            step->ctx.op->n_inputs > 1 ? step->ctx.inputs[1] : NULL,
                            step->ctx.outputs[0], task, n_tasks);
    break;
  case STEP_MAX_POOL:
    fv_cpu_max_pool_run (&step->mp, step->ctx.inputs[0], step->ctx.outputs[0], task, n_tasks);
    break;
  case STEP_REF:
  default: {
    FvKernelCtx ctx = step->ctx;
    ctx.task = task;
    ctx.n_tasks = n_tasks;
    step->kernel->run (&ctx);
    break;
  }
  }
}

static gboolean
cpu_run (FvBackendState *s, GError **error)
{
  for (int o = 0; o < s->model->n_ops; o++) {
    CpuStep *step = &s->steps[o];
    if (s->pool && step->n_tasks > 1)
      fv_cpu_pool_run (s->pool, step_task, step, step->n_tasks);
    else
      step_task (step, 0, 1, 0);
  }
  return TRUE;
}

static float *
cpu_tensor_data (FvBackendState *s, int t)
{
  return fv_arena_activation (s->arena, t);
}

static size_t
cpu_arena_bytes (FvBackendState *s)
{
  return s->arena->plan->arena_bytes;
}

static void
cpu_free (FvBackendState *s)
{
  if (!s)
    return;
  fv_cpu_pool_free (s->pool);
  if (s->steps)
    for (int o = 0; o < s->model->n_ops; o++) {
      if (s->steps[o].kind == STEP_CONV)
        fv_cpu_conv_clear (&s->steps[o].conv);
      else if (s->steps[o].kind == STEP_DEPTHWISE)
        fv_cpu_depthwise_clear (&s->steps[o].dw);
    }
  fv_arena_free (s->arena);
  g_aligned_free (s->scratch);
  g_free (s->steps);
  g_free (s);
}

static const FvBackend cpu_backend = {
  .name = "cpu",
  .prepare = cpu_prepare,
  .run = cpu_run,
  .tensor_data = cpu_tensor_data,
  .arena_bytes = cpu_arena_bytes,
  .free = cpu_free,
};

const FvBackend *
fv_backend_cpu (void)
{
  return &cpu_backend;
}
