/* fovea — SplitNormalizedLandmarkListCalculator (and SplitLandmarkListCalculator, the same
 * node for world landmarks): cuts a landmark list into several by index ranges (MediaPipe's
 * SplitVectorCalculator specialisations, calculators/core/split_landmarks_calculator); the
 * pose graph separates its 33 body landmarks from the 2 auxiliary ones (and drops the
 * model's 4 others) this way.
 *
 * Inputs:  one untagged "landmarks" stream
 * Outputs: one "landmarks" stream per range (untagged), points [begin, end) in order; with
 *          combine_outputs, one output holding all ranges in order
 * Options (SplitVectorCalculatorOptions): ranges { begin end } (repeated; 0 <= begin < end),
 *   combine_outputs (false). element_only (single-landmark outputs) is refused: fovea has
 *   no single-landmark payload.
 * The score of the list is kept. A list shorter than the largest end is an error; a
 * timestamp without landmarks produces nothing.
 */
#include <string.h>

#include "graph/calculator.h"
#include "graph/landmark.h"

typedef struct {
  GArray *ranges;   /* gint pairs: begin, end */
  gboolean combine;
  int max_end, total;
} SplitLandmarksState;

static GArray *
load_ranges (const FvTpMessage *opts, gboolean *combine, GError **error)
{
  GError *local = NULL;
  gboolean element_only = fv_tp_get_bool (opts, "element_only", FALSE, &local);
  if (local == NULL)
    *combine = fv_tp_get_bool (opts, "combine_outputs", FALSE, &local);
  if (local == NULL && element_only)
    g_set_error (&local, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "element_only is not supported (outputs are landmark lists)");
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (int));
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
      if (local != NULL || b < 0 || e < 0 || b >= e || e > (1 << 20))
        {
          if (local != NULL)
            g_propagate_error (error, local);
          else
            g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                         "ranges (line %d): indices should be in 0..2^20 and begin less "
                         "than end", f->line);
          g_array_unref (ranges);
          return NULL;
        }
      int be[2] = { (int) b, (int) e };
      g_array_append_vals (ranges, be, 2);
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
  guint n_ranges = ranges->len / 2;
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
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  if (!fv_contract_set_all_types (cc, FV_PORT_INPUT, landmarks, error)
      || !fv_contract_set_all_types (cc, FV_PORT_OUTPUT, landmarks, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
split_open (FvCalculatorContext *ctx, GError **error)
{
  SplitLandmarksState *st = fv_context_state (ctx);
  st->ranges = load_ranges (fv_context_options (ctx), &st->combine, error);
  if (st->ranges == NULL)
    return FALSE;
  st->max_end = st->total = 0;
  for (guint i = 0; i < st->ranges->len; i += 2)
    {
      int b = g_array_index (st->ranges, int, i), e = g_array_index (st->ranges, int, i + 1);
      st->max_end = MAX (st->max_end, e);
      st->total += e - b;
    }
  return TRUE;
}

static FvProcessStatus
split_process (FvCalculatorContext *ctx, GError **error)
{
  SplitLandmarksState *st = fv_context_state (ctx);
  const FvLandmarks *in = fv_packet_get_landmarks (fv_context_input (ctx, 0));
  if (in == NULL)
    return FV_PROCESS_OK;
  if (in->n < st->max_end)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the list has %d landmarks, but the ranges reach %d", in->n, st->max_end);
      return FV_PROCESS_ERROR;
    }
  FvLandmarks *combined = st->combine ? fv_landmarks_new (st->total) : NULL;
  int next = 0;
  for (guint r = 0; r < st->ranges->len / 2; r++)
    {
      int b = g_array_index (st->ranges, int, 2 * r), e = g_array_index (st->ranges, int, 2 * r + 1);
      FvLandmarks *out = combined ? combined : fv_landmarks_new (e - b);
      int at = combined ? next : 0;
      memcpy (out->items + at, in->items + b, sizeof (FvLandmark) * (gsize) (e - b));
      out->score = in->score;
      next = at + (e - b);
      if (combined == NULL)
        fv_context_output (ctx, r, fv_packet_new_landmarks (out));
    }
  if (combined != NULL)
    fv_context_output (ctx, 0, fv_packet_new_landmarks (combined));
  return FV_PROCESS_OK;
}

static void
split_destroy (gpointer state)
{
  SplitLandmarksState *st = state;
  g_clear_pointer (&st->ranges, g_array_unref);
}

static const FvCalculatorClass split_normalized_landmark_list_calculator = {
  .name = "SplitNormalizedLandmarkListCalculator",
  .state_size = sizeof (SplitLandmarksState),
  .contract = split_contract,
  .open = split_open,
  .process = split_process,
  .destroy_state = split_destroy,
};
FV_REGISTER_CALCULATOR (split_normalized_landmark_list_calculator)

static const FvCalculatorClass split_landmark_list_calculator = {
  .name = "SplitLandmarkListCalculator",
  .state_size = sizeof (SplitLandmarksState),
  .contract = split_contract,
  .open = split_open,
  .process = split_process,
  .destroy_state = split_destroy,
};
FV_REGISTER_CALCULATOR (split_landmark_list_calculator)
