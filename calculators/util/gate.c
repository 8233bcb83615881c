/* fovea — GateCalculator: forwards its data streams only while allowed.
 *
 * The control is an ALLOW or DISALLOW bool, as an input stream (per timestamp) or an
 * input side packet (for the whole run); without either, options { allow: } decides
 * (default false, as in MediaPipe). A timestamp with no control packet is allowed when
 * options { empty_packets_as_allow: true }. Data ports are the untagged (or otherwise
 * tagged) inputs, mapped in order to the outputs. Gated-out timestamps advance the output
 * bounds, so downstream nodes do not wait for them.
 */
#include <string.h>

#include "graph/calculator.h"

typedef struct {
  int control;          /* input port of ALLOW/DISALLOW, or -1 */
  gboolean invert;      /* DISALLOW */
  gboolean empty_as_allow;
  gboolean fixed, fixed_allow;  /* decided by a side packet or the options */
} GateState;

static gboolean
is_control_tag (const char *tag)
{
  return strcmp (tag, "ALLOW") == 0 || strcmp (tag, "DISALLOW") == 0;
}

static gboolean
gate_contract (FvContract *cc, GError **error)
{
  guint controls = fv_contract_tag_count (cc, FV_PORT_INPUT, "ALLOW")
                   + fv_contract_tag_count (cc, FV_PORT_INPUT, "DISALLOW")
                   + fv_contract_tag_count (cc, FV_PORT_SIDE_INPUT, "ALLOW")
                   + fv_contract_tag_count (cc, FV_PORT_SIDE_INPUT, "DISALLOW");
  if (controls > 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "use only one of ALLOW and DISALLOW, as a stream or a side packet");
      return FALSE;
    }
  guint data = 0;
  for (guint i = 0; i < fv_contract_num_ports (cc, FV_PORT_INPUT); i++)
    {
      if (is_control_tag (fv_contract_port_tag (cc, FV_PORT_INPUT, i)))
        {
          if (!fv_contract_set_type (cc, FV_PORT_INPUT, i, "bool", error))
            return FALSE;
          continue;
        }
      if (!fv_contract_set_type (cc, FV_PORT_INPUT, i, "any", error))
        return FALSE;
      if (data >= fv_contract_num_ports (cc, FV_PORT_OUTPUT))
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "every data input needs an output (%u outputs)",
                       fv_contract_num_ports (cc, FV_PORT_OUTPUT));
          return FALSE;
        }
      fv_contract_set_same_as (cc, FV_PORT_OUTPUT, data++, FV_PORT_INPUT, i);
    }
  if (data != fv_contract_num_ports (cc, FV_PORT_OUTPUT))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%u data inputs but %u outputs", data,
                   fv_contract_num_ports (cc, FV_PORT_OUTPUT));
      return FALSE;
    }
  if (!fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "ALLOW", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "DISALLOW", "bool", TRUE, error))
    return FALSE;
  GError *local = NULL;
  fv_tp_get_bool (fv_contract_options (cc), "allow", FALSE, &local);
  if (local == NULL)
    fv_tp_get_bool (fv_contract_options (cc), "empty_packets_as_allow", FALSE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
gate_open (FvCalculatorContext *ctx, GError **error)
{
  GateState *st = fv_context_state (ctx);
  const FvTpMessage *opts = fv_context_options (ctx);
  st->control = fv_context_port (ctx, FV_PORT_INPUT, "ALLOW", 0);
  st->invert = FALSE;
  if (st->control < 0)
    {
      st->control = fv_context_port (ctx, FV_PORT_INPUT, "DISALLOW", 0);
      st->invert = st->control >= 0;
    }
  st->empty_as_allow = fv_tp_get_bool (opts, "empty_packets_as_allow", FALSE, NULL);
  int side = fv_context_port (ctx, FV_PORT_SIDE_INPUT, "ALLOW", 0);
  gboolean side_invert = FALSE;
  if (side < 0)
    {
      side = fv_context_port (ctx, FV_PORT_SIDE_INPUT, "DISALLOW", 0);
      side_invert = side >= 0;
    }
  if (side >= 0)
    {
      st->fixed = TRUE;
      st->fixed_allow = fv_packet_get_bool (fv_context_side_input (ctx, (guint) side)) != side_invert;
    }
  else if (st->control < 0)
    {
      st->fixed = TRUE;
      st->fixed_allow = fv_tp_get_bool (opts, "allow", FALSE, NULL);
    }
  return TRUE;
}

static FvProcessStatus
gate_process (FvCalculatorContext *ctx, GError **error)
{
  GateState *st = fv_context_state (ctx);
  gboolean allow = st->fixed_allow;
  if (!st->fixed)
    {
      FvPacket *c = fv_context_input (ctx, (guint) st->control);
      allow = c == NULL ? st->empty_as_allow : fv_packet_get_bool (c) != st->invert;
    }
  if (!allow)
    return FV_PROCESS_OK;
  guint out = 0;
  for (guint i = 0; i < fv_context_num_ports (ctx, FV_PORT_INPUT); i++)
    {
      if (is_control_tag (fv_context_port_tag (ctx, FV_PORT_INPUT, i)))
        continue;
      FvPacket *p = fv_context_input (ctx, i);
      if (p != NULL)
        fv_context_output (ctx, out, fv_packet_ref (p));
      out++;
    }
  return FV_PROCESS_OK;
}

static const FvCalculatorClass gate_calculator = {
  .name = "GateCalculator",
  .state_size = sizeof (GateState),
  .contract = gate_contract,
  .open = gate_open,
  .process = gate_process,
};
FV_REGISTER_CALCULATOR (gate_calculator)
