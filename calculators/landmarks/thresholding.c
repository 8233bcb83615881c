/* fovea — ThresholdingCalculator: compares a score with a threshold (MediaPipe's
 * calculators/util/thresholding_calculator), e.g. a landmark model's presence score.
 *
 * Inputs:  FLOAT ("float"): the value
 *          THRESHOLD ("double", optional): the threshold from this timestamp on
 * Side:    THRESHOLD ("double", optional)
 * Outputs: FLAG (bool, optional): value > threshold
 *          ACCEPT (bool true, optional): only when value > threshold
 *          REJECT (bool false, optional): only when value <= threshold
 * Options (ThresholdingCalculatorOptions): threshold (double; 0 when absent). The option,
 *   the side packet and the stream exclude one another, as in MediaPipe.
 * A timestamp without a value produces nothing.
 */
#include "graph/calculator.h"

typedef struct {
  double threshold;
  int value, threshold_in, flag, accept, reject;
} ThresholdingState;

static gboolean
thresholding_contract (FvContract *cc, GError **error)
{
  gboolean stream = fv_contract_tag_count (cc, FV_PORT_INPUT, "THRESHOLD") > 0;
  gboolean side = fv_contract_tag_count (cc, FV_PORT_SIDE_INPUT, "THRESHOLD") > 0;
  gboolean option = fv_tp_get (fv_contract_options (cc), "threshold") != NULL;
  if (stream + side + option > 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "give the threshold once: as an option, a side packet or a stream");
      return FALSE;
    }
  GError *local = NULL;
  fv_tp_get_double (fv_contract_options (cc), "threshold", 0, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "FLOAT", "float", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "THRESHOLD", "double", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "THRESHOLD", "double", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "FLAG", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "ACCEPT", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "REJECT", "bool", TRUE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
thresholding_open (FvCalculatorContext *ctx, GError **error)
{
  ThresholdingState *st = fv_context_state (ctx);
  st->threshold = fv_tp_get_double (fv_context_options (ctx), "threshold", 0, NULL);
  int side = fv_context_port (ctx, FV_PORT_SIDE_INPUT, "THRESHOLD", 0);
  if (side >= 0)
    st->threshold = fv_packet_get_double (fv_context_side_input (ctx, (guint) side));
  st->value = fv_context_port (ctx, FV_PORT_INPUT, "FLOAT", 0);
  st->threshold_in = fv_context_port (ctx, FV_PORT_INPUT, "THRESHOLD", 0);
  st->flag = fv_context_port (ctx, FV_PORT_OUTPUT, "FLAG", 0);
  st->accept = fv_context_port (ctx, FV_PORT_OUTPUT, "ACCEPT", 0);
  st->reject = fv_context_port (ctx, FV_PORT_OUTPUT, "REJECT", 0);
  return TRUE;
}

static FvProcessStatus
thresholding_process (FvCalculatorContext *ctx, GError **error)
{
  ThresholdingState *st = fv_context_state (ctx);
  if (st->threshold_in >= 0)
    {
      FvPacket *t = fv_context_input (ctx, (guint) st->threshold_in);
      if (t != NULL)
        st->threshold = fv_packet_get_double (t);   /* it stays until the next one */
    }
  FvPacket *v = fv_context_input (ctx, (guint) st->value);
  if (v == NULL)
    return FV_PROCESS_OK;
  gboolean accept = (double) fv_packet_get_float (v) > st->threshold;
  if (st->flag >= 0)
    fv_context_output (ctx, (guint) st->flag, fv_packet_new_bool (accept));
  if (accept && st->accept >= 0)
    fv_context_output (ctx, (guint) st->accept, fv_packet_new_bool (TRUE));
  if (!accept && st->reject >= 0)
    fv_context_output (ctx, (guint) st->reject, fv_packet_new_bool (FALSE));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass thresholding_calculator = {
  .name = "ThresholdingCalculator",
  .state_size = sizeof (ThresholdingState),
  .contract = thresholding_contract,
  .open = thresholding_open,
  .process = thresholding_process,
};
FV_REGISTER_CALCULATOR (thresholding_calculator)
