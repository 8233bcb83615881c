/* fovea — VisibilityCopyCalculator: copies visibility and presence from one landmark list
 * to another of the same length (MediaPipe's calculators/util/visibility_copy_calculator);
 * the pose model has no visibility of its own for world landmarks, so the image landmarks'
 * are copied in.
 *
 * Inputs:  LANDMARKS_FROM or NORM_LANDMARKS_FROM ("landmarks"): the source
 *          LANDMARKS_TO or NORM_LANDMARKS_TO ("landmarks"): the points to complete
 * Outputs: LANDMARKS_TO or NORM_LANDMARKS_TO ("landmarks"): the TO points, with the FROM
 *          visibility / presence
 * Options (VisibilityCopyCalculatorOptions): copy_visibility (true), copy_presence (true).
 * Lists of different lengths are an error; a timestamp without either list produces
 * nothing.
 */
#include "graph/calculator.h"
#include "graph/landmark.h"

typedef struct {
  gboolean visibility, presence;
  int from, to;
} VisibilityCopyState;

static const char *
tag_of (FvContract *cc, FvPortKind kind, const char *a, const char *b)
{
  guint na = fv_contract_tag_count (cc, kind, a), nb = fv_contract_tag_count (cc, kind, b);
  return na + nb == 1 ? (na ? a : b) : NULL;
}

static gboolean
copy_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  const char *from = tag_of (cc, FV_PORT_INPUT, "LANDMARKS_FROM", "NORM_LANDMARKS_FROM");
  const char *to = tag_of (cc, FV_PORT_INPUT, "LANDMARKS_TO", "NORM_LANDMARKS_TO");
  const char *out = tag_of (cc, FV_PORT_OUTPUT, "LANDMARKS_TO", "NORM_LANDMARKS_TO");
  if (from == NULL || to == NULL || out == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs one [NORM_]LANDMARKS_FROM input, one [NORM_]LANDMARKS_TO input and "
                   "one [NORM_]LANDMARKS_TO output");
      return FALSE;
    }
  GError *local = NULL;
  fv_tp_get_bool (fv_contract_options (cc), "copy_visibility", TRUE, &local);
  if (local == NULL)
    fv_tp_get_bool (fv_contract_options (cc), "copy_presence", TRUE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, from, landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, to, landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, out, landmarks, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
copy_open (FvCalculatorContext *ctx, GError **error)
{
  VisibilityCopyState *st = fv_context_state (ctx);
  const FvTpMessage *opts = fv_context_options (ctx);
  st->visibility = fv_tp_get_bool (opts, "copy_visibility", TRUE, NULL);
  st->presence = fv_tp_get_bool (opts, "copy_presence", TRUE, NULL);
  st->from = fv_context_port (ctx, FV_PORT_INPUT, "LANDMARKS_FROM", 0);
  if (st->from < 0)
    st->from = fv_context_port (ctx, FV_PORT_INPUT, "NORM_LANDMARKS_FROM", 0);
  st->to = fv_context_port (ctx, FV_PORT_INPUT, "LANDMARKS_TO", 0);
  if (st->to < 0)
    st->to = fv_context_port (ctx, FV_PORT_INPUT, "NORM_LANDMARKS_TO", 0);
  return TRUE;
}

static FvProcessStatus
copy_process (FvCalculatorContext *ctx, GError **error)
{
  VisibilityCopyState *st = fv_context_state (ctx);
  const FvLandmarks *from = fv_packet_get_landmarks (fv_context_input (ctx, (guint) st->from));
  const FvLandmarks *to = fv_packet_get_landmarks (fv_context_input (ctx, (guint) st->to));
  if (from == NULL || to == NULL)
    return FV_PROCESS_OK;
  if (from->n != to->n)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the lists have %d and %d landmarks", from->n, to->n);
      return FV_PROCESS_ERROR;
    }
  FvLandmarks *out = fv_landmarks_new (to->n);
  out->score = to->score;
  for (int i = 0; i < to->n; i++)
    {
      out->items[i] = to->items[i];
      if (st->visibility)
        out->items[i].visibility = from->items[i].visibility;
      if (st->presence)
        out->items[i].presence = from->items[i].presence;
    }
  fv_context_output (ctx, 0, fv_packet_new_landmarks (out));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass visibility_copy_calculator = {
  .name = "VisibilityCopyCalculator",
  .state_size = sizeof (VisibilityCopyState),
  .contract = copy_contract,
  .open = copy_open,
  .process = copy_process,
};
FV_REGISTER_CALCULATOR (visibility_copy_calculator)
