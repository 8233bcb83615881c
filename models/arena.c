/* fovea — a model's planned activation arena with per-op operand pointers. */
#include "models/arena.h"

void *
fv_arena_tensor (const FvArena *a, int t)
{
  if (t < 0 || t >= a->model->n_tensors)
    return NULL;
  const FvTensor *tensor = &a->model->tensors[t];
  if (tensor->is_const)
    return tensor->data;
  return a->plan->offsets[t] == FV_PLAN_NONE ? NULL : a->memory + a->plan->offsets[t];
}

float *
fv_arena_activation (const FvArena *a, int t)
{
  if (t < 0 || t >= a->model->n_tensors || a->model->tensors[t].is_const)
    return NULL;
  return fv_arena_tensor (a, t);
}

FvArena *
fv_arena_new (const FvModel *model, gboolean preserve_all, GError **error)
{
  FvArena *a = g_new0 (FvArena, 1);
  a->model = model;
  a->plan = fv_memory_plan_new (model, 64, preserve_all);
  a->memory = g_aligned_alloc0 (MAX (a->plan->arena_bytes, 1), 1, 64);
  if (!a->memory) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT,
                 "cannot allocate a %zu-byte activation arena", a->plan->arena_bytes);
    fv_arena_free (a);
    return NULL;
  }
  size_t n_in = 0, n_out = 0;
  a->op_input_offset = g_new (size_t, model->n_ops + 1);
  a->op_output_offset = g_new (size_t, model->n_ops + 1);
  for (int o = 0; o < model->n_ops; o++) {
    a->op_input_offset[o] = n_in;
    a->op_output_offset[o] = n_out;
    n_in += (size_t) model->ops[o].n_inputs;
    n_out += (size_t) model->ops[o].n_outputs;
  }
  a->op_inputs = g_new0 (const void *, n_in + 1);
  a->op_outputs = g_new0 (void *, n_out + 1);
  for (int o = 0; o < model->n_ops; o++) {
    const FvOp *op = &model->ops[o];
    for (int i = 0; i < op->n_inputs; i++)
      a->op_inputs[a->op_input_offset[o] + i] = fv_arena_tensor (a, op->inputs[i]);
    for (int i = 0; i < op->n_outputs; i++)
      a->op_outputs[a->op_output_offset[o] + i] = fv_arena_tensor (a, op->outputs[i]);
  }
  return a;
}

void
fv_arena_free (FvArena *a)
{
  if (!a)
    return;
  fv_memory_plan_free (a->plan);
  g_aligned_free (a->memory);
  g_free (a->op_inputs);
  g_free (a->op_outputs);
  g_free (a->op_input_offset);
  g_free (a->op_output_offset);
  g_free (a);
}
