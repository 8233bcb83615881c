/* fovea — PacketPresenceCalculator: a bool saying that a stream has a packet (MediaPipe's
 * calculators/util/packet_presence_calculator); the pose graph skips the detector while a
 * tracked ROI is present.
 *
 * Inputs:  PACKET (any)
 * Outputs: PRESENCE ("bool"): true at each timestamp where PACKET has a packet. Where it
 *          has none, only the bound advances (MediaPipe emits false there): downstream, a
 *          GateCalculator with empty_packets_as_allow reads that as "not present".
 * No options.
 */
#include "graph/calculator.h"

static gboolean
presence_contract (FvContract *cc, GError **error)
{
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "PACKET", "any", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "PRESENCE", "bool", FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
presence_process (FvCalculatorContext *ctx, GError **error)
{
  if (fv_context_input (ctx, 0) != NULL)
    fv_context_output (ctx, 0, fv_packet_new_bool (TRUE));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass packet_presence_calculator = {
  .name = "PacketPresenceCalculator",
  .contract = presence_contract,
  .process = presence_process,
};
FV_REGISTER_CALCULATOR (packet_presence_calculator)
