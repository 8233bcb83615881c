/* fovea — activation memory planned from tensor lifetimes.
 *
 * Every non-constant tensor an op touches gets an offset in one arena. Two tensors share
 * bytes only when their lifetimes (first op that writes, last op that reads) do not
 * overlap. Graph inputs and outputs live for the whole run, so callers can write inputs
 * once and run many times, and read outputs after a run.
 *
 * Placement is greedy by size (the largest tensor first, at the lowest offset that fits
 * beside everything already placed whose lifetime overlaps), as TFLite's and ggml's
 * planners do: near the liveness peak on these models, and O(n^2) in tensors, done once.
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

#define FV_PLAN_NONE ((size_t) -1)   /* tensor not in the arena (constant or unused) */

typedef struct {
  size_t arena_bytes;   /* bytes the arena needs */
  size_t naive_bytes;   /* bytes one buffer per tensor would need, for reports */
  size_t peak_bytes;    /* largest sum of tensors alive across one op (a lower bound) */
  size_t *offsets;      /* [n_tensors]: byte offset, or FV_PLAN_NONE; owned */
  int n_tensors;
} FvMemoryPlan;

/* Plans @model's activations with @alignment-byte alignment (a power of two). When
 * @preserve_all is TRUE every tensor gets its own bytes (for debugging and for reading
 * intermediate tensors after a run). Returns a plan to free with fv_memory_plan_free(). */
FvMemoryPlan *fv_memory_plan_new (const FvModel *model, size_t alignment, gboolean preserve_all);
void fv_memory_plan_free (FvMemoryPlan *plan);

G_END_DECLS
