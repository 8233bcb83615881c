/* fovea — MergeCalculator: forwards, at each timestamp, the packet of the first input that
 * has one (MediaPipe's calculators/core/merge_calculator); the pose graph takes its ROI from
 * the detector or, when tracking, from the previous frame, one of which is present.
 *
 * Inputs:  one or more untagged streams of the same type
 * Outputs: one untagged stream of that type
 * No options. A timestamp where no input has a packet emits nothing (the bound advances).
 */
#include "graph/calculator.h"

static gboolean
merge_contract (FvContract *cc, GError **error)
{
  if (fv_contract_num_ports (cc, FV_PORT_INPUT) < 1
      || fv_contract_num_ports (cc, FV_PORT_OUTPUT) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs at least one input and exactly one output");
      return FALSE;
    }
  if (!fv_contract_set_all_types (cc, FV_PORT_INPUT, "any", error))
    return FALSE;
  fv_contract_set_same_as (cc, FV_PORT_OUTPUT, 0, FV_PORT_INPUT, 0);
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
merge_process (FvCalculatorContext *ctx, GError **error)
{
  for (guint i = 0; i < fv_context_num_ports (ctx, FV_PORT_INPUT); i++)
    {
      FvPacket *p = fv_context_input (ctx, i);
      if (p != NULL)
        {
          fv_context_output (ctx, 0, fv_packet_ref (p));
          break;
        }
    }
  return FV_PROCESS_OK;
}

static const FvCalculatorClass merge_calculator = {
  .name = "MergeCalculator",
  .contract = merge_contract,
  .process = merge_process,
};
FV_REGISTER_CALCULATOR (merge_calculator)
