/* fovea — SplitTensorVectorCalculator: splits a tensor list into several lists by index
 * ranges (MediaPipe's SplitVectorCalculator<Tensor>, calculators/core/split_vector_calculator);
 * the attention face mesh uses it to separate its six landmark tensors from the face flag.
 *
 * Inputs:  one untagged "tensors" stream
 * Outputs: one "tensors" stream per range (untagged), each holding copies of the tensors
 *          [begin, end); with combine_outputs, a single output with all ranges in order
 * Options (SplitVectorCalculatorOptions): ranges { begin end } (repeated; 0 <= begin < end),
 *   element_only (false; every range must then have size 1 — the output is still a list,
 *   of one tensor), combine_outputs (false).
 * A list shorter than the largest end is an error; a timestamp without tensors produces
 * nothing.
 */
#include <string.h>

#include "calculators/util/split_ranges.h"
#include "graph/graph_error.h"
#include "graph/tensor_list.h"

typedef struct {
  FvSplitRanges sr;
} SplitState;

static gboolean
split_contract (FvContract *cc, GError **error)
{
  return fv_split_ranges_contract (cc, fv_type_name (fv_type_tensors ()), error);
}

static gboolean
split_open (FvCalculatorContext *ctx, GError **error)
{
  SplitState *st = fv_context_state (ctx);
  return fv_split_ranges_load (&st->sr, fv_context_options (ctx), error);
}

static gboolean
copy_tensor (FvTensorList *dst, int i, const FvTensorBuffer *src, GError **error)
{
  if (!fv_tensor_list_alloc (dst, i, src->rank, src->shape, error))
    return FALSE;
  memcpy (dst->tensors[i].data, src->data, src->n * sizeof (float));
  return TRUE;
}

static FvProcessStatus
split_process (FvCalculatorContext *ctx, GError **error)
{
  SplitState *st = fv_context_state (ctx);
  const FvTensorList *in = fv_packet_get_tensors (fv_context_input (ctx, 0));
  if (in == NULL)
    return FV_PROCESS_OK;
  if (in->n < st->sr.max_end)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the list has %d tensors, but the ranges reach %d", in->n, st->sr.max_end);
      return FV_PROCESS_ERROR;
    }
  FvTensorList *combined = st->sr.combine ? fv_tensor_list_new (st->sr.total) : NULL;
  int next = 0;
  for (guint r = 0; r < st->sr.ranges->len; r++)
    {
      const FvSplitRange *range = &g_array_index (st->sr.ranges, FvSplitRange, r);
      FvTensorList *out = combined;
      int at = next;
      if (out == NULL)
        {
          out = fv_tensor_list_new (range->end - range->begin);
          at = 0;
        }
      for (int i = range->begin; i < range->end; i++)
        if (!copy_tensor (out, at++, &in->tensors[i], error))
          {
            fv_tensor_list_free (out);
            return FV_PROCESS_ERROR;
          }
      next = at;
      if (combined == NULL)
        fv_context_output (ctx, r, fv_packet_new_tensors (out));
    }
  if (combined != NULL)
    fv_context_output (ctx, 0, fv_packet_new_tensors (combined));
  return FV_PROCESS_OK;
}

static void
split_destroy (gpointer state)
{
  SplitState *st = state;
  fv_split_ranges_clear (&st->sr);
}

static const FvCalculatorClass split_tensor_vector_calculator = {
  .name = "SplitTensorVectorCalculator",
  .state_size = sizeof (SplitState),
  .contract = split_contract,
  .open = split_open,
  .process = split_process,
  .destroy_state = split_destroy,
};
FV_REGISTER_CALCULATOR (split_tensor_vector_calculator)
