/* fovea — PreviousLoopbackCalculator: for each MAIN timestamp, emits on PREV_LOOP the LOOP
 * packet of the previous MAIN timestamp, re-stamped to the current one (only a bound on the
 * first frame, or when the previous frame produced no LOOP packet). LOOP is a back edge:
 * the tracking loops of the landmark pipelines feed last frame's result through it.
 */
#include "graph/calculator.h"

typedef struct {
  gint64 ts, prev_ts;
} MainSpec;

typedef struct {
  int main_port, loop_port, out_port;
  GArray *pending;      /* MainSpec, in MAIN order */
  GPtrArray *loops;     /* LOOP packets not yet used (owned) */
  gint64 prev_main_ts;
} LoopbackState;

static gboolean
loopback_contract (FvContract *cc, GError **error)
{
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "MAIN", "any", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "LOOP", "any", FALSE, error))
    return FALSE;
  int out = fv_contract_port (cc, FV_PORT_OUTPUT, "PREV_LOOP", 0);
  if (out < 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "the calculator needs an output stream tagged PREV_LOOP");
      return FALSE;
    }
  fv_contract_set_same_as (cc, FV_PORT_OUTPUT, (guint) out, FV_PORT_INPUT,
                           (guint) fv_contract_port (cc, FV_PORT_INPUT, "LOOP", 0));
  /* MAIN and LOOP arrive at unrelated times: take each as it comes and track bounds. */
  fv_contract_set_input_policy (cc, FV_INPUT_POLICY_IMMEDIATE);
  fv_contract_set_process_timestamp_bounds (cc, TRUE);
  return TRUE;
}

static gboolean
loopback_open (FvCalculatorContext *ctx, GError **error)
{
  LoopbackState *st = fv_context_state (ctx);
  st->main_port = fv_context_port (ctx, FV_PORT_INPUT, "MAIN", 0);
  st->loop_port = fv_context_port (ctx, FV_PORT_INPUT, "LOOP", 0);
  st->out_port = fv_context_port (ctx, FV_PORT_OUTPUT, "PREV_LOOP", 0);
  st->pending = g_array_new (FALSE, FALSE, sizeof (MainSpec));
  st->loops = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  st->prev_main_ts = FV_TIMESTAMP_UNSTARTED;
  return TRUE;
}

static FvProcessStatus
loopback_process (FvCalculatorContext *ctx, GError **error)
{
  LoopbackState *st = fv_context_state (ctx);
  FvPacket *main_packet = fv_context_input (ctx, (guint) st->main_port);
  FvPacket *loop_packet = fv_context_input (ctx, (guint) st->loop_port);
  if (main_packet != NULL)
    {
      MainSpec spec = { fv_packet_timestamp (main_packet), st->prev_main_ts };
      g_array_append_val (st->pending, spec);
      st->prev_main_ts = spec.ts;
    }
  if (loop_packet != NULL)
    g_ptr_array_add (st->loops, fv_packet_ref (loop_packet));
  gint64 loop_bound = fv_context_input_bound (ctx, (guint) st->loop_port);

  guint done = 0;
  for (; done < st->pending->len; done++)
    {
      MainSpec *spec = &g_array_index (st->pending, MainSpec, done);
      if (spec->prev_ts != FV_TIMESTAMP_UNSTARTED && loop_bound <= spec->prev_ts)
        break;   /* the previous frame's LOOP value is not settled yet */
      FvPacket *found = NULL;
      while (st->loops->len > 0)
        {
          FvPacket *l = g_ptr_array_index (st->loops, 0);
          if (fv_packet_timestamp (l) > spec->prev_ts)
            break;
          if (fv_packet_timestamp (l) == spec->prev_ts)
            found = fv_packet_ref (l);
          g_ptr_array_remove_index (st->loops, 0);
        }
      if (found != NULL)
        {
          fv_context_output (ctx, (guint) st->out_port, fv_packet_at (found, spec->ts));
          fv_packet_unref (found);
        }
      else
        fv_context_set_output_bound (ctx, (guint) st->out_port, spec->ts + 1);
    }
  g_array_remove_range (st->pending, 0, done);
  return FV_PROCESS_OK;
}

static void
loopback_destroy (gpointer state)
{
  LoopbackState *st = state;
  if (st->pending != NULL)
    g_array_unref (st->pending);
  if (st->loops != NULL)
    g_ptr_array_unref (st->loops);
}

static const FvCalculatorClass previous_loopback_calculator = {
  .name = "PreviousLoopbackCalculator",
  .state_size = sizeof (LoopbackState),
  .contract = loopback_contract,
  .open = loopback_open,
  .process = loopback_process,
  .destroy_state = loopback_destroy,
};
FV_REGISTER_CALCULATOR (previous_loopback_calculator)
