/* fovea — EndLoopCalculator: gathers the ITEM packets of one BeginLoopCalculator batch
 * into a packet_vector emitted on ITERABLE at the batch's original timestamp (carried by
 * the BATCH_END packet). A batch without items only advances the ITERABLE bound.
 */
#include "graph/calculator.h"
#include "graph/packet_vector.h"

typedef struct {
  int item, batch_end, iterable;
  GPtrArray *items;     /* FvPacket* (owned) of the current batch, NULL when none */
} EndLoopState;

static gboolean
end_contract (FvContract *cc, GError **error)
{
  return fv_contract_set_tag_type (cc, FV_PORT_INPUT, "ITEM", "any", FALSE, error)
         && fv_contract_set_tag_type (cc, FV_PORT_INPUT, "BATCH_END", "int", FALSE, error)
         && fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "ITERABLE", "packet_vector", FALSE,
                                      error);
}

static gboolean
end_open (FvCalculatorContext *ctx, GError **error)
{
  EndLoopState *st = fv_context_state (ctx);
  st->item = fv_context_port (ctx, FV_PORT_INPUT, "ITEM", 0);
  st->batch_end = fv_context_port (ctx, FV_PORT_INPUT, "BATCH_END", 0);
  st->iterable = fv_context_port (ctx, FV_PORT_OUTPUT, "ITERABLE", 0);
  return TRUE;
}

static FvProcessStatus
end_process (FvCalculatorContext *ctx, GError **error)
{
  EndLoopState *st = fv_context_state (ctx);
  FvPacket *item = fv_context_input (ctx, (guint) st->item);
  if (item != NULL)
    {
      if (st->items == NULL)
        st->items = g_ptr_array_new ();
      g_ptr_array_add (st->items, fv_packet_ref (item));
    }
  FvPacket *end = fv_context_input (ctx, (guint) st->batch_end);
  if (end == NULL)
    return FV_PROCESS_OK;
  gint64 ts = fv_packet_get_int (end);
  if (st->items != NULL)
    {
      /* Items keep their loop timestamps; only the vector carries the batch's. */
      fv_context_output (ctx, (guint) st->iterable,
                         fv_packet_stamp (fv_packet_new_vector (st->items), ts));
      st->items = NULL;
    }
  else
    fv_context_set_output_bound (ctx, (guint) st->iterable, fv_timestamp_next_allowed (ts));
  return FV_PROCESS_OK;
}

static void
end_destroy (gpointer state)
{
  EndLoopState *st = state;
  if (st->items != NULL)
    {
      for (guint i = 0; i < st->items->len; i++)
        fv_packet_unref (g_ptr_array_index (st->items, i));
      g_ptr_array_unref (st->items);
    }
}

static const FvCalculatorClass end_loop_calculator = {
  .name = "EndLoopCalculator",
  .state_size = sizeof (EndLoopState),
  .contract = end_contract,
  .open = end_open,
  .process = end_process,
  .destroy_state = end_destroy,
};
FV_REGISTER_CALCULATOR (end_loop_calculator)
