/* fovea — a model's activation memory on the host, for CPU backends.
 *
 * One block planned by the memory planner (memory_planner.h) plus, per op, the resolved
 * data pointers of its inputs and outputs (constants point at the model's data,
 * activations into the block), so a backend's run loop only hands them to kernels.
 * Everything is allocated by fv_arena_new(); nothing afterwards.
 */
#pragma once

#include "models/memory_planner.h"

G_BEGIN_DECLS

typedef struct {
  const FvModel *model;      /* transfer none */
  FvMemoryPlan *plan;
  guint8 *memory;            /* plan->arena_bytes, 64-byte aligned */
  const void **op_inputs;    /* per op o: op_inputs + op_input_offset[o], n_inputs entries */
  void **op_outputs;
  size_t *op_input_offset;   /* [n_ops] */
  size_t *op_output_offset;  /* [n_ops] */
} FvArena;

/* Plans and allocates @model's activations (every tensor its own bytes when
 * @preserve_all). NULL with @error when the memory cannot be had. */
FvArena *fv_arena_new (const FvModel *model, gboolean preserve_all, GError **error);
void fv_arena_free (FvArena *arena);

/* The data of tensor @t: a constant's data, an activation's place in the arena, or NULL
 * (t < 0, or an activation no op touches). */
void *fv_arena_tensor (const FvArena *arena, int t);
/* Like fv_arena_tensor, but NULL for constants and out-of-range indices: the memory a
 * backend exposes through FvBackend.tensor_data. */
float *fv_arena_activation (const FvArena *arena, int t);

static inline const void *const *
fv_arena_op_inputs (const FvArena *arena, int op)
{
  return arena->op_inputs + arena->op_input_offset[op];
}

static inline void *const *
fv_arena_op_outputs (const FvArena *arena, int op)
{
  return arena->op_outputs + arena->op_output_offset[op];
}

G_END_DECLS
