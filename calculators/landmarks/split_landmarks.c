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
#include "calculators/util/split_ranges.h"
#include "graph/graph_error.h"
#include "graph/landmark.h"

typedef struct {
  FvSplitRanges sr;
} SplitLandmarksState;

static gboolean
split_contract (FvContract *cc, GError **error)
{
  return fv_split_ranges_contract (cc, fv_type_name (fv_type_landmarks ()), error);
}

static gboolean
split_open (FvCalculatorContext *ctx, GError **error)
{
  SplitLandmarksState *st = fv_context_state (ctx);
  return fv_split_ranges_load (&st->sr, fv_context_options (ctx), error);
}

static FvLandmarks *
copy_range (const FvLandmarks *in, FvLandmarks *out, int at, const FvSplitRange *r)
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
  if (in->n < st->sr.max_end)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the list has %d landmarks; the ranges need %d", in->n, st->sr.max_end);
      return FV_PROCESS_ERROR;
    }
  if (st->sr.combine)
    {
      FvLandmarks *out = fv_landmarks_new (st->sr.total);
      out->score = in->score;
      int at = 0;
      for (guint i = 0; i < st->sr.ranges->len; i++)
        {
          const FvSplitRange *r = &g_array_index (st->sr.ranges, FvSplitRange, i);
          copy_range (in, out, at, r);
          at += r->end - r->begin;
        }
      fv_context_output (ctx, 0, fv_packet_new_landmarks (out));
      return FV_PROCESS_OK;
    }
  for (guint i = 0; i < st->sr.ranges->len; i++)
    {
      const FvSplitRange *r = &g_array_index (st->sr.ranges, FvSplitRange, i);
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
  fv_split_ranges_clear (&st->sr);
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
