/* fovea — greedy-by-size arena planner over tensor lifetimes. */
#include "models/memory_planner.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  int tensor;
  int first, last;      /* op indices; inputs start at -1, outputs end at n_ops */
  size_t size;
} Interval;

static int
by_size_desc (const void *a, const void *b)
{
  const Interval *x = a, *y = b;
  if (x->size != y->size)
    return x->size < y->size ? 1 : -1;
  return x->tensor - y->tensor;   /* deterministic plans */
}

static gboolean
overlaps (const Interval *a, const Interval *b)
{
  return a->first <= b->last && b->first <= a->last;
}

FvMemoryPlan *
fv_memory_plan_new (const FvModel *model, size_t alignment, gboolean preserve_all)
{
  int n = model->n_tensors;
  FvMemoryPlan *plan = g_new0 (FvMemoryPlan, 1);
  plan->n_tensors = n;
  plan->offsets = g_new (size_t, n);
  int *first = g_new (int, n), *last = g_new (int, n);
  for (int t = 0; t < n; t++) {
    plan->offsets[t] = FV_PLAN_NONE;
    first[t] = G_MAXINT;
    last[t] = G_MININT;
  }
#define TOUCH(t, i) do { if ((t) >= 0 && !model->tensors[t].is_const) { \
      first[t] = MIN (first[t], (i)); last[t] = MAX (last[t], (i)); } } while (0)
  for (int i = 0; i < model->n_inputs; i++) {
    TOUCH (model->inputs[i], -1);
    TOUCH (model->inputs[i], model->n_ops);
  }
  for (int i = 0; i < model->n_outputs; i++)
    TOUCH (model->outputs[i], model->n_ops);
  for (int o = 0; o < model->n_ops; o++) {
    const FvOp *op = &model->ops[o];
    for (int i = 0; i < op->n_inputs; i++)
      TOUCH (op->inputs[i], o);
    for (int i = 0; i < op->n_outputs; i++)
      TOUCH (op->outputs[i], o);
  }
#undef TOUCH

  Interval *iv = g_new (Interval, n);
  int m = 0;
  for (int t = 0; t < n; t++) {
    if (first[t] > last[t])
      continue;
    size_t size = (fv_tensor_nbytes (&model->tensors[t]) + alignment - 1) & ~(alignment - 1);
    iv[m++] = (Interval) { t, preserve_all ? -1 : first[t],
                           preserve_all ? model->n_ops : last[t], size };
    plan->naive_bytes += size;
  }
  qsort (iv, m, sizeof *iv, by_size_desc);

  /* Place each interval at the lowest gap among the placed ones it overlaps in time.
   * `placed` stays sorted by offset so one pass finds the first gap that fits. */
  Interval **placed = g_new (Interval *, m ? m : 1);
  int n_placed = 0;
  for (int k = 0; k < m; k++) {
    Interval *cur = &iv[k];
    size_t offset = 0;
    int insert_at = 0;
    for (int j = 0; j < n_placed; j++) {
      const Interval *p = placed[j];
      if (!overlaps (p, cur))
        continue;
      size_t p_off = plan->offsets[p->tensor];
      if (p_off >= offset + cur->size)
        break;   /* the gap before p is big enough */
      offset = MAX (offset, p_off + p->size);
    }
    plan->offsets[cur->tensor] = offset;
    while (insert_at < n_placed && plan->offsets[placed[insert_at]->tensor] <= offset)
      insert_at++;
    memmove (placed + insert_at + 1, placed + insert_at,
             (size_t) (n_placed - insert_at) * sizeof *placed);
    placed[insert_at] = cur;
    n_placed++;
    plan->arena_bytes = MAX (plan->arena_bytes, offset + cur->size);
  }

  /* The liveness peak, for reports: the most bytes alive across any one op. */
  for (int o = -1; o <= model->n_ops; o++) {
    size_t live = 0;
    for (int k = 0; k < m; k++)
      if (iv[k].first <= o && o <= iv[k].last)
        live += iv[k].size;
    plan->peak_bytes = MAX (plan->peak_bytes, live);
  }
  g_free (placed);
  g_free (iv);
  g_free (first);
  g_free (last);
  return plan;
}

void
fv_memory_plan_free (FvMemoryPlan *plan)
{
  if (!plan)
    return;
  g_free (plan->offsets);
  g_free (plan);
}
