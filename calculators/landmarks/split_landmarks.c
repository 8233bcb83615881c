/* fovea — SplitNormalizedLandmarkListCalculator (also registered as
 * SplitLandmarkListCalculator): cuts a landmark list into sub-lists by index ranges
 * (MediaPipe's SplitVectorCalculator for landmark lists,
 * calculators/core/split_proto_list_calculator); the hand tracking ROI is made from a
 * subset of the 21 hand landmarks cut this way.
 *
 * Inputs:  one untagged "landmarks" stream
 * Outputs: one "landmarks" stream per range (untagged), each holding the points
 *          [begin, end); with combine_outputs, a single output with all ranges in order
 * Options (SplitVectorCalculatorOptions): ranges { begin end } (repeated; 0 <= begin < end),
 *   element_only (false; every range must then have size 1 — the output is still a list,
 *   of one point), combine_outputs (false).
 * The outputs keep the list's score. A list shorter than the largest end is an error; a
 * timestamp without landmarks produces nothing.
 */
#include "graph/calculator.h"
#include "graph/landmark.h"

typedef struct {
  int begin, end;
} Range;

typedef struct {
  GArray *ranges;   /* Range */
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
      if (local != NULL || b < 0 || e < 0 || b >= e || e > (1 << 20)
          || (element_only && e - b != 1))
        {
          if (local != NULL)
            g_propagate_error (error, local);
          else
            g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                         "ranges (line %d): need 0 <= begin < end <= %d%s", f->line, 1 << 20,
                         element_only ? " and, with element_only, end = begin + 1" : "");
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
  for (guint i = 0; i < st->ranges->len; i++)
    {
      const Range *r = &g_array_index (st->ranges, Range, i);
      st->max_end = MAX (st->max_end, r->end);
      st->total += r->end - r->begin;
    }
  return TRUE;
}

static FvLandmarks *
copy_range (const FvLandmarks *in, FvLandmarks *out, int at, const Range *r)
{
  for (int k = r->begin; k < r->end; k++)
    out->items[at++] = in->items[k];
  return out;
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
                   "the list has %d landmarks; the ranges need %d", in->n, st->max_end);
      return FV_PROCESS_ERROR;
    }
  if (st->combine)
    {
      FvLandmarks *out = fv_landmarks_new (st->total);
      out->score = in->score;
      int at = 0;
      for (guint i = 0; i < st->ranges->len; i++)
        {
          const Range *r = &g_array_index (st->ranges, Range, i);
          copy_range (in, out, at, r);
          at += r->end - r->begin;
        }
      fv_context_output (ctx, 0, fv_packet_new_landmarks (out));
      return FV_PROCESS_OK;
    }
  for (guint i = 0; i < st->ranges->len; i++)
    {
      const Range *r = &g_array_index (st->ranges, Range, i);
      FvLandmarks *out = fv_landmarks_new (r->end - r->begin);
      out->score = in->score;
      fv_context_output (ctx, i, fv_packet_new_landmarks (copy_range (in, out, 0, r)));
    }
  return FV_PROCESS_OK;
}

static void
split_destroy_state (gpointer state)
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
  .destroy_state = split_destroy_state,
};
FV_REGISTER_CALCULATOR (split_normalized_landmark_list_calculator)

/* fovea has one landmark payload for normalized and world points, so MediaPipe's two
 * names are one calculator. */
static const FvCalculatorClass split_landmark_list_calculator = {
  .name = "SplitLandmarkListCalculator",
  .state_size = sizeof (SplitLandmarksState),
  .contract = split_contract,
  .open = split_open,
  .process = split_process,
  .destroy_state = split_destroy_state,
};
FV_REGISTER_CALCULATOR (split_landmark_list_calculator)
