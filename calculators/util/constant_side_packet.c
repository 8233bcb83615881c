/* fovea — ConstantSidePacketCalculator: output side packets from its options,
 *   options { [mediapipe.ConstantSidePacketCalculatorOptions.ext] {
 *     packet { int_value: 1 } packet { string_value: "x" } } }
 * one packet { int_value | float_value | double_value | bool_value | string_value } per
 * output side packet, in order.
 */
#include <string.h>

#include "graph/calculator.h"

static const char *const value_fields[][2] = {
  { "int_value", "int" },       { "float_value", "float" }, { "double_value", "double" },
  { "bool_value", "bool" },     { "string_value", "string" }, { "uint64_value", "int" },
};

/* The value field set in one packet { } message, or -1. */
static int
value_kind (const FvTpMessage *packet)
{
  for (guint i = 0; i < G_N_ELEMENTS (value_fields); i++)
    if (fv_tp_get (packet, value_fields[i][0]) != NULL)
      return (int) i;
  return -1;
}

static gboolean
constant_contract (FvContract *cc, GError **error)
{
  const FvTpMessage *opts = fv_contract_options (cc);
  guint n = fv_tp_count (opts, "packet");
  if (n != fv_contract_num_ports (cc, FV_PORT_SIDE_OUTPUT))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%u packet options for %u output side packets", n,
                   fv_contract_num_ports (cc, FV_PORT_SIDE_OUTPUT));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      const FvTpField *f = fv_tp_get_nth (opts, "packet", i);
      int kind = f->kind == FV_TP_MESSAGE ? value_kind (f->msg) : -1;
      if (kind < 0)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "packet #%u (line %d) has none of int_value, float_value, "
                       "double_value, bool_value, string_value", i, f->line);
          return FALSE;
        }
      if (!fv_contract_set_type (cc, FV_PORT_SIDE_OUTPUT, i, value_fields[kind][1], error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
constant_open (FvCalculatorContext *ctx, GError **error)
{
  const FvTpMessage *opts = fv_context_options (ctx);
  for (guint i = 0; i < fv_tp_count (opts, "packet"); i++)
    {
      const FvTpMessage *m = fv_tp_get_nth (opts, "packet", i)->msg;
      int kind = value_kind (m);
      GError *local = NULL;
      FvPacket *p = NULL;
      switch (kind)
        {
        case 0:
          p = fv_packet_new_int (fv_tp_get_int (m, "int_value", 0, &local));
          break;
        case 1:
          p = fv_packet_new_float ((float) fv_tp_get_double (m, "float_value", 0, &local));
          break;
        case 2:
          p = fv_packet_new_double (fv_tp_get_double (m, "double_value", 0, &local));
          break;
        case 3:
          p = fv_packet_new_bool (fv_tp_get_bool (m, "bool_value", FALSE, &local));
          break;
        case 4:
          p = fv_packet_new_string (fv_tp_get_string (m, "string_value", "", &local));
          break;
        default:
          p = fv_packet_new_int (fv_tp_get_int (m, "uint64_value", 0, &local));
          break;
        }
      if (local != NULL)
        {
          fv_packet_unref (p);
          g_propagate_error (error, local);
          return FALSE;
        }
      fv_context_set_side_output (ctx, i, p);
    }
  return TRUE;
}

static const FvCalculatorClass constant_side_packet_calculator = {
  .name = "ConstantSidePacketCalculator",
  .contract = constant_contract,
  .open = constant_open,
};
FV_REGISTER_CALCULATOR (constant_side_packet_calculator)
