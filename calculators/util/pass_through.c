/* fovea — PassThroughCalculator: forwards every input stream (and input side packet) to the
 * output with the same tag and index, unchanged. */
#include "graph/calculator.h"

static gboolean
pass_through_contract (FvContract *cc, GError **error)
{
  for (int k = FV_PORT_INPUT; k <= FV_PORT_SIDE_INPUT; k += 2)
    {
      FvPortKind in_kind = k, out_kind = k + 1;
      if (!fv_contract_set_all_types (cc, in_kind, "any", error))
        return FALSE;
      for (guint o = 0; o < fv_contract_num_ports (cc, out_kind); o++)
        {
          const char *tag = fv_contract_port_tag (cc, out_kind, o);
          int index = -1;
          /* Outputs match inputs by tag and position within the tag. */
          for (guint j = 0, seen = 0; j <= o; j++)
            if (g_strcmp0 (fv_contract_port_tag (cc, out_kind, j), tag) == 0)
              index = (int) seen++;
          int in = -1;
          for (guint j = 0, seen = 0; j < fv_contract_num_ports (cc, in_kind); j++)
            if (g_strcmp0 (fv_contract_port_tag (cc, in_kind, j), tag) == 0 && (int) seen++ == index)
              in = (int) j;
          if (in < 0)
            {
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                           "output %u (tag '%s') has no matching input", o, tag);
              return FALSE;
            }
          if (k == FV_PORT_INPUT)
            fv_contract_set_same_as (cc, out_kind, o, in_kind, (guint) in);
          else if (!fv_contract_set_type (cc, out_kind, o, "any", error))
            return FALSE;
        }
    }
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

/* Output o's input: the same tag, the same position within the tag. */
static int
matching_input (FvCalculatorContext *ctx, FvPortKind out_kind, guint o)
{
  FvPortKind in_kind = out_kind - 1;
  const char *tag = fv_context_port_tag (ctx, out_kind, o);
  guint index = 0;
  for (guint j = 0; j < o; j++)
    if (g_strcmp0 (fv_context_port_tag (ctx, out_kind, j), tag) == 0)
      index++;
  for (guint j = 0, seen = 0; j < fv_context_num_ports (ctx, in_kind); j++)
    if (g_strcmp0 (fv_context_port_tag (ctx, in_kind, j), tag) == 0 && seen++ == index)
      return (int) j;
  return -1;
}

static gboolean
pass_through_open (FvCalculatorContext *ctx, GError **error)
{
  for (guint o = 0; o < fv_context_num_ports (ctx, FV_PORT_SIDE_OUTPUT); o++)
    {
      int in = matching_input (ctx, FV_PORT_SIDE_OUTPUT, o);
      FvPacket *p = in >= 0 ? fv_context_side_input (ctx, (guint) in) : NULL;
      if (p != NULL)
        fv_context_set_side_output (ctx, o, fv_packet_ref (p));
    }
  return TRUE;
}

static FvProcessStatus
pass_through_process (FvCalculatorContext *ctx, GError **error)
{
  for (guint o = 0; o < fv_context_num_ports (ctx, FV_PORT_OUTPUT); o++)
    {
      int in = matching_input (ctx, FV_PORT_OUTPUT, o);
      FvPacket *p = in >= 0 ? fv_context_input (ctx, (guint) in) : NULL;
      if (p != NULL)
        fv_context_output (ctx, o, fv_packet_ref (p));
    }
  return FV_PROCESS_OK;
}

static const FvCalculatorClass pass_through_calculator = {
  .name = "PassThroughCalculator",
  .contract = pass_through_contract,
  .open = pass_through_open,
  .process = pass_through_process,
};
FV_REGISTER_CALCULATOR (pass_through_calculator)
