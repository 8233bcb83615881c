/* fovea — VisibilitySmoothingCalculator: a low-pass filter on each landmark's visibility,
 * against flicker on video (MediaPipe's calculators/util/visibility_smoothing_calculator;
 * the pose graph uses alpha 0.1 for its landmarks and world landmarks).
 *
 * Inputs:  NORM_LANDMARKS or LANDMARKS ("landmarks")
 * Side:    ENABLE, DISABLE (bool, optional; fovea's): the filter runs when ENABLE is true (or
 *          absent) and DISABLE false (or absent), else landmarks pass unchanged
 * Outputs: NORM_FILTERED_LANDMARKS or FILTERED_LANDMARKS ("landmarks")
 * Options (VisibilitySmoothingCalculatorOptions): no_filter {} or low_pass_filter { alpha
 *   (0.1), in [0, 1] }: visibility' = alpha v + (1 - alpha) previous', the first value as is.
 * Coordinates, presence and the score are kept. A timestamp without landmarks resets the
 * filters and emits nothing, as does a change in the number of landmarks.
 */
#include <math.h>

#include "calculators/landmarks/one_euro_filter.h"
#include "graph/calculator.h"
#include "graph/landmark.h"

typedef struct {
  gboolean enabled;
  double alpha;
  int n;
  FvLowPassFilter *filters;
} VisibilitySmoothingState;

static gboolean
load_options (const FvTpMessage *opts, gboolean *filter, double *alpha, GError **error)
{
  const FvTpMessage *low_pass = fv_tp_get_message (opts, "low_pass_filter");
  if (low_pass == NULL && fv_tp_get (opts, "no_filter") == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "options need low_pass_filter { alpha: ... } or no_filter {}");
      return FALSE;
    }
  *filter = low_pass != NULL;
  GError *local = NULL;
  *alpha = low_pass ? fv_tp_get_double (low_pass, "alpha", 0.1, &local) : 0.1;
  if (local == NULL && !(*alpha >= 0 && *alpha <= 1))
    g_set_error (&local, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "low_pass_filter alpha must be in [0, 1], not %g", *alpha);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
visibility_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  gboolean norm = fv_contract_tag_count (cc, FV_PORT_INPUT, "NORM_LANDMARKS") == 1;
  gboolean abs = fv_contract_tag_count (cc, FV_PORT_INPUT, "LANDMARKS") == 1;
  const char *out = norm ? "NORM_FILTERED_LANDMARKS" : "FILTERED_LANDMARKS";
  if (norm == abs || fv_contract_tag_count (cc, FV_PORT_OUTPUT, out) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs NORM_LANDMARKS in and NORM_FILTERED_LANDMARKS out, or LANDMARKS in "
                   "and FILTERED_LANDMARKS out");
      return FALSE;
    }
  gboolean filter;
  double alpha;
  if (!load_options (fv_contract_options (cc), &filter, &alpha, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, norm ? "NORM_LANDMARKS" : "LANDMARKS",
                                    landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "ENABLE", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "DISABLE", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, out, landmarks, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  /* a frame without landmarks must reach process() to reset the filters */
  fv_contract_set_process_timestamp_bounds (cc, TRUE);
  return TRUE;
}

static gboolean
side_flag (FvCalculatorContext *ctx, const char *tag, gboolean absent)
{
  int port = fv_context_port (ctx, FV_PORT_SIDE_INPUT, tag, 0);
  return port >= 0 ? fv_packet_get_bool (fv_context_side_input (ctx, (guint) port)) : absent;
}

static gboolean
visibility_open (FvCalculatorContext *ctx, GError **error)
{
  VisibilitySmoothingState *st = fv_context_state (ctx);
  gboolean filter;
  if (!load_options (fv_context_options (ctx), &filter, &st->alpha, error))
    return FALSE;
  st->enabled = filter && side_flag (ctx, "ENABLE", TRUE) && !side_flag (ctx, "DISABLE", FALSE);
  st->n = 0;
  return TRUE;
}

static FvProcessStatus
visibility_process (FvCalculatorContext *ctx, GError **error)
{
  VisibilitySmoothingState *st = fv_context_state (ctx);
  FvPacket *packet = fv_context_input (ctx, 0);
  const FvLandmarks *in = packet ? fv_packet_get_landmarks (packet) : NULL;
  if (in == NULL)
    {
      st->n = 0;
      return FV_PROCESS_OK;
    }
  if (!st->enabled)
    {
      fv_context_output (ctx, 0, fv_packet_ref (packet));
      return FV_PROCESS_OK;
    }
  if (st->n != in->n)
    {
      g_free (st->filters);
      st->filters = g_new0 (FvLowPassFilter, (gsize) in->n);
      st->n = in->n;
    }
  FvLandmarks *out = fv_landmarks_copy (in);
  for (int i = 0; i < in->n; i++)
    out->items[i].visibility =
      (float) fv_low_pass_filter_apply (&st->filters[i], st->alpha, in->items[i].visibility);
  fv_context_output (ctx, 0, fv_packet_new_landmarks (out));
  return FV_PROCESS_OK;
}

static void
visibility_destroy (gpointer state)
{
  VisibilitySmoothingState *st = state;
  g_clear_pointer (&st->filters, g_free);
}

static const FvCalculatorClass visibility_smoothing_calculator = {
  .name = "VisibilitySmoothingCalculator",
  .state_size = sizeof (VisibilitySmoothingState),
  .contract = visibility_contract,
  .open = visibility_open,
  .process = visibility_process,
  .destroy_state = visibility_destroy,
};
FV_REGISTER_CALCULATOR (visibility_smoothing_calculator)
