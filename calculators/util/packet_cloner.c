/* fovea — PacketClonerCalculator: on every TICK, re-emits the latest packet of each other
 * input at the tick's timestamp. The tick is the input tagged TICK, or else the last
 * untagged input (MediaPipe's older convention). Output i carries data input i.
 * options { output_only_when_all_inputs_received: true } holds ticks back (as bounds)
 * until every data input has been seen.
 */
#include <string.h>

#include "graph/calculator.h"

typedef struct {
  int tick;
  guint n_data;
  int *data;             /* input port of each data stream */
  FvPacket **latest;     /* owned */
  gboolean all_required;
} ClonerState;

static int
tick_port (guint n_inputs, int tagged_tick)
{
  return tagged_tick >= 0 ? tagged_tick : (int) n_inputs - 1;
}

static gboolean
cloner_contract (FvContract *cc, GError **error)
{
  guint n = fv_contract_num_ports (cc, FV_PORT_INPUT);
  int tick = tick_port (n, fv_contract_port (cc, FV_PORT_INPUT, "TICK", 0));
  if (n < 1 || n - 1 != fv_contract_num_ports (cc, FV_PORT_OUTPUT))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs one output per data input plus a TICK input (%u inputs, %u outputs)",
                   n, fv_contract_num_ports (cc, FV_PORT_OUTPUT));
      return FALSE;
    }
  guint out = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!fv_contract_set_type (cc, FV_PORT_INPUT, i, "any", error))
        return FALSE;
      if ((int) i != tick)
        fv_contract_set_same_as (cc, FV_PORT_OUTPUT, out++, FV_PORT_INPUT, i);
    }
  GError *local = NULL;
  fv_tp_get_bool (fv_contract_options (cc), "output_only_when_all_inputs_received", FALSE,
                  &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  fv_contract_set_input_policy (cc, FV_INPUT_POLICY_IMMEDIATE);
  return TRUE;
}

static gboolean
cloner_open (FvCalculatorContext *ctx, GError **error)
{
  ClonerState *st = fv_context_state (ctx);
  guint n = fv_context_num_ports (ctx, FV_PORT_INPUT);
  st->tick = tick_port (n, fv_context_port (ctx, FV_PORT_INPUT, "TICK", 0));
  st->data = g_new (int, n);
  st->latest = g_new0 (FvPacket *, n);
  for (guint i = 0; i < n; i++)
    if ((int) i != st->tick)
      st->data[st->n_data++] = (int) i;
  st->all_required = fv_tp_get_bool (fv_context_options (ctx),
                                     "output_only_when_all_inputs_received", FALSE, NULL);
  return TRUE;
}

static FvProcessStatus
cloner_process (FvCalculatorContext *ctx, GError **error)
{
  ClonerState *st = fv_context_state (ctx);
  for (guint d = 0; d < st->n_data; d++)
    {
      FvPacket *p = fv_context_input (ctx, (guint) st->data[d]);
      if (p != NULL)
        {
          fv_packet_unref (st->latest[d]);
          st->latest[d] = fv_packet_ref (p);
        }
    }
  FvPacket *tick = fv_context_input (ctx, (guint) st->tick);
  if (tick == NULL)
    return FV_PROCESS_OK;
  gint64 ts = fv_packet_timestamp (tick);
  gboolean all = TRUE;
  for (guint d = 0; d < st->n_data; d++)
    all &= st->latest[d] != NULL;
  for (guint d = 0; d < st->n_data; d++)
    {
      if (st->latest[d] != NULL && (all || !st->all_required))
        fv_context_output (ctx, d, fv_packet_at (st->latest[d], ts));
      else
        fv_context_set_output_bound (ctx, d, fv_timestamp_next_allowed (ts));
    }
  return FV_PROCESS_OK;
}

static void
cloner_destroy (gpointer state)
{
  ClonerState *st = state;
  for (guint d = 0; st->latest != NULL && d < st->n_data; d++)
    fv_packet_unref (st->latest[d]);
  g_free (st->latest);
  g_free (st->data);
}

static const FvCalculatorClass packet_cloner_calculator = {
  .name = "PacketClonerCalculator",
  .state_size = sizeof (ClonerState),
  .contract = cloner_contract,
  .open = cloner_open,
  .process = cloner_process,
  .destroy_state = cloner_destroy,
};
FV_REGISTER_CALCULATOR (packet_cloner_calculator)
