/* fovea — BeginLoopCalculator: iterates a packet_vector. For an ITERABLE packet at T it
 * emits each element on ITEM (and each CLONE input on the matching CLONE output) at
 * consecutive internal loop timestamps 0, 1, 2, ..., then BATCH_END (an int holding T)
 * at the last of them; EndLoopCalculator gathers the per-item results back at T. An empty
 * vector uses up one loop timestamp and only advances the ITEM / CLONE bounds.
 */
#include "graph/calculator.h"
#include "graph/packet_vector.h"

typedef struct {
  int iterable, item, batch_end;
  gint64 loop_ts;
} BeginLoopState;

static gboolean
begin_contract (FvContract *cc, GError **error)
{
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "ITERABLE", "packet_vector", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "CLONE", "any", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "ITEM", "any", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "BATCH_END", "int", FALSE, error))
    return FALSE;
  guint clones = fv_contract_tag_count (cc, FV_PORT_INPUT, "CLONE");
  if (clones != fv_contract_tag_count (cc, FV_PORT_OUTPUT, "CLONE"))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "every CLONE input needs a CLONE output");
      return FALSE;
    }
  for (guint i = 0; i < clones; i++)
    fv_contract_set_same_as (cc, FV_PORT_OUTPUT,
                             (guint) fv_contract_port (cc, FV_PORT_OUTPUT, "CLONE", (int) i),
                             FV_PORT_INPUT,
                             (guint) fv_contract_port (cc, FV_PORT_INPUT, "CLONE", (int) i));
  return TRUE;
}

static gboolean
begin_open (FvCalculatorContext *ctx, GError **error)
{
  BeginLoopState *st = fv_context_state (ctx);
  st->iterable = fv_context_port (ctx, FV_PORT_INPUT, "ITERABLE", 0);
  st->item = fv_context_port (ctx, FV_PORT_OUTPUT, "ITEM", 0);
  st->batch_end = fv_context_port (ctx, FV_PORT_OUTPUT, "BATCH_END", 0);
  st->loop_ts = 0;
  return TRUE;
}

static void
emit_clones (FvCalculatorContext *ctx, gint64 ts)
{
  for (int i = 0;; i++)
    {
      int in = fv_context_port (ctx, FV_PORT_INPUT, "CLONE", i);
      if (in < 0)
        break;
      FvPacket *p = fv_context_input (ctx, (guint) in);
      guint out = (guint) fv_context_port (ctx, FV_PORT_OUTPUT, "CLONE", i);
      if (p != NULL)
        fv_context_output (ctx, out, fv_packet_at (p, ts));
      else
        fv_context_set_output_bound (ctx, out, ts + 1);
    }
}

static FvProcessStatus
begin_process (FvCalculatorContext *ctx, GError **error)
{
  BeginLoopState *st = fv_context_state (ctx);
  FvPacket *in = fv_context_input (ctx, (guint) st->iterable);
  if (in == NULL)
    return FV_PROCESS_OK;
  const GPtrArray *items = fv_packet_get_vector (in);
  for (guint i = 0; i < items->len; i++)
    {
      fv_context_output (ctx, (guint) st->item,
                         fv_packet_at (g_ptr_array_index (items, i), st->loop_ts));
      emit_clones (ctx, st->loop_ts);
      st->loop_ts++;
    }
  if (items->len == 0)
    {
      st->loop_ts++;
      fv_context_set_output_bound (ctx, (guint) st->item, st->loop_ts);
      for (int i = 0;; i++)
        {
          int out = fv_context_port (ctx, FV_PORT_OUTPUT, "CLONE", i);
          if (out < 0)
            break;
          fv_context_set_output_bound (ctx, (guint) out, st->loop_ts);
        }
    }
  fv_context_output (ctx, (guint) st->batch_end,
                     fv_packet_stamp (fv_packet_new_int (fv_context_input_timestamp (ctx)),
                                      st->loop_ts - 1));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass begin_loop_calculator = {
  .name = "BeginLoopCalculator",
  .state_size = sizeof (BeginLoopState),
  .contract = begin_contract,
  .open = begin_open,
  .process = begin_process,
};
FV_REGISTER_CALCULATOR (begin_loop_calculator)
