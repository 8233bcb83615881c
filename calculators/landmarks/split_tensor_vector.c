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

#include "graph/calculator.h"
#include "graph/tensor_list.h"

typedef struct {
  int begin, end;
} Range;

typedef struct {
  GArray *ranges;   /* Range */
  gboolean combine;
  int max_end;
} SplitState;

static GArray *
load_ranges (const FvTpMessage *opts, gboolean *combine, GError **error)
{
  GError *local = NULL;
  gboolean element_only = fv_tp_get_bool (opts, "element_only", FALSE, &local);
  if (local == NULL)
    *combine = fv_tp_get_bool (opts, "combine_outputs", FALSE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  for (guint i = 0; i < fv_tp_count (opts, "ranges"); i++)
    {
      const FvTpField *f = fv_tp_get_nth (opts, "ranges", i);
      gint64 b = -1, e = -1;
      if (f->kind == FV_TP_MESSAGE)
        {
          b = fv_tp_get_int (f->msg, "begin", 0, &local);
          if (local == NULL)
            e = fv_tp_get_int (f->msg, "end", 0, &local);
        }
      if (local != NULL || b < 0 || e < 0 || b >= e || e > G_MAXINT)
        {
          if (local != NULL)
            g_propagate_error (error, local);
          else
            g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                         "ranges (line %d): indices should be non-negative and begin less "
                         "than end", f->line);
          g_array_unref (ranges);
          return NULL;
        }
      if (element_only && e - b != 1)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "since element_only is true, all ranges should be of size 1");
          g_array_unref (ranges);
          return NULL;
        }
      Range r = { (int) b, (int) e };
      g_array_append_val (ranges, r);
    }
  if (ranges->len == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "options need ranges");
      g_array_unref (ranges);
      return NULL;
    }
  return ranges;
}

static gboolean
split_contract (FvContract *cc, GError **error)
{
  gboolean combine;
  GArray *ranges = load_ranges (fv_contract_options (cc), &combine, error);
  if (ranges == NULL)
    return FALSE;
  guint n_ranges = ranges->len;
  g_array_unref (ranges);
  guint n_out = fv_contract_num_ports (cc, FV_PORT_OUTPUT);
  if (fv_contract_num_ports (cc, FV_PORT_INPUT) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "needs exactly one input");
      return FALSE;
    }
  if (combine ? n_out != 1 : n_out != n_ranges)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   combine ? "combine_outputs needs exactly one output, not %u"
                           : "the number of outputs (%u) should match the number of ranges (%u)",
                   n_out, n_ranges);
      return FALSE;
    }
  const char *tensors = fv_type_name (fv_type_tensors ());
  if (!fv_contract_set_all_types (cc, FV_PORT_INPUT, tensors, error)
      || !fv_contract_set_all_types (cc, FV_PORT_OUTPUT, tensors, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
split_open (FvCalculatorContext *ctx, GError **error)
{
  SplitState *st = fv_context_state (ctx);
  st->ranges = load_ranges (fv_context_options (ctx), &st->combine, error);
  if (st->ranges == NULL)
    return FALSE;
  st->max_end = 0;
  for (guint i = 0; i < st->ranges->len; i++)
    st->max_end = MAX (st->max_end, g_array_index (st->ranges, Range, i).end);
  return TRUE;
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
  if (in->n < st->max_end)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the list has %d tensors, but the ranges reach %d", in->n, st->max_end);
      return FV_PROCESS_ERROR;
    }
  int total = 0;
  for (guint r = 0; r < st->ranges->len; r++)
    total += g_array_index (st->ranges, Range, r).end - g_array_index (st->ranges, Range, r).begin;
  FvTensorList *combined = st->combine ? fv_tensor_list_new (total) : NULL;
  int next = 0;
  for (guint r = 0; r < st->ranges->len; r++)
    {
      const Range *range = &g_array_index (st->ranges, Range, r);
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
  g_clear_pointer (&st->ranges, g_array_unref);
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
