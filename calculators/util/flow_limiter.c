/* fovea — FlowLimiterCalculator: keeps at most max_in_flight frames inside the part of the
 * graph it guards, dropping the oldest waiting frames rather than queueing without bound.
 *
 * Inputs: the frame streams (untagged) and FINISHED, a back edge from the guarded part's
 * output: a frame is finished once FINISHED's bound passes its timestamp (a packet or
 * just a bound, so a frame that produced nothing still counts). Outputs: one per frame
 * input, plus optional ALLOW (bool: true for each frame let through, false for each
 * dropped). Options (MediaPipe's): max_in_flight (1), max_in_queue (0). Drops are counted
 * in the node counter "dropped" (and releases in "passed").
 */
#include <string.h>

#include "graph/calculator.h"

typedef struct {
  gint64 ts;
  FvPacket **packets;   /* one per frame input (owned, may be NULL) */
} Frame;

typedef struct {
  guint n_main;
  int *main_in;         /* input port of each frame stream */
  int *main_out;        /* output port of each frame stream */
  int finished, allow;
  gint64 max_in_flight, max_in_queue;
  GArray *in_flight;    /* gint64 timestamps released and not yet finished */
  GQueue queue;         /* Frame* waiting */
  gint64 last_input_ts;
} LimiterState;

static gboolean
is_frame_tag (const char *tag)
{
  return strcmp (tag, "FINISHED") != 0 && strcmp (tag, "ALLOW") != 0;
}

static gboolean
limiter_contract (FvContract *cc, GError **error)
{
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "FINISHED", "any", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "ALLOW", "bool", TRUE, error))
    return FALSE;
  guint out = 0;
  for (guint i = 0; i < fv_contract_num_ports (cc, FV_PORT_INPUT); i++)
    {
      if (!is_frame_tag (fv_contract_port_tag (cc, FV_PORT_INPUT, i)))
        continue;
      if (!fv_contract_set_type (cc, FV_PORT_INPUT, i, "any", error))
        return FALSE;
      while (out < fv_contract_num_ports (cc, FV_PORT_OUTPUT)
             && !is_frame_tag (fv_contract_port_tag (cc, FV_PORT_OUTPUT, out)))
        out++;
      if (out >= fv_contract_num_ports (cc, FV_PORT_OUTPUT))
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "every frame input needs an output");
          return FALSE;
        }
      fv_contract_set_same_as (cc, FV_PORT_OUTPUT, out++, FV_PORT_INPUT, i);
    }
  GError *local = NULL;
  gint64 max_in_flight = fv_tp_get_int (fv_contract_options (cc), "max_in_flight", 1, &local);
  if (local == NULL)
    fv_tp_get_int (fv_contract_options (cc), "max_in_queue", 0, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (max_in_flight < 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "max_in_flight must be at least 1, not %" G_GINT64_FORMAT, max_in_flight);
      return FALSE;
    }
  fv_contract_set_input_policy (cc, FV_INPUT_POLICY_IMMEDIATE);
  fv_contract_set_process_timestamp_bounds (cc, TRUE);
  return TRUE;
}

static gboolean
limiter_open (FvCalculatorContext *ctx, GError **error)
{
  LimiterState *st = fv_context_state (ctx);
  const FvTpMessage *opts = fv_context_options (ctx);
  st->max_in_flight = fv_tp_get_int (opts, "max_in_flight", 1, NULL);
  st->max_in_queue = MAX (fv_tp_get_int (opts, "max_in_queue", 0, NULL), (gint64) 0);
  st->finished = fv_context_port (ctx, FV_PORT_INPUT, "FINISHED", 0);
  st->allow = fv_context_port (ctx, FV_PORT_OUTPUT, "ALLOW", 0);
  guint n_in = fv_context_num_ports (ctx, FV_PORT_INPUT);
  st->main_in = g_new (int, n_in + 1);
  st->main_out = g_new (int, n_in + 1);
  guint out = 0;
  for (guint i = 0; i < n_in; i++)
    {
      if (!is_frame_tag (fv_context_port_tag (ctx, FV_PORT_INPUT, i)))
        continue;
      while (!is_frame_tag (fv_context_port_tag (ctx, FV_PORT_OUTPUT, out)))
        out++;
      st->main_in[st->n_main] = (int) i;
      st->main_out[st->n_main++] = (int) out++;
    }
  st->in_flight = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_queue_init (&st->queue);
  st->last_input_ts = FV_TIMESTAMP_UNSTARTED;
  return TRUE;
}

static void
frame_free (Frame *f, guint n)
{
  for (guint i = 0; i < n; i++)
    fv_packet_unref (f->packets[i]);
  g_free (f->packets);
  g_free (f);
}

static void
emit_allow (FvCalculatorContext *ctx, LimiterState *st, gint64 ts, gboolean allow)
{
  if (st->allow >= 0)
    fv_context_output (ctx, (guint) st->allow, fv_packet_stamp (fv_packet_new_bool (allow), ts));
}

static void
release (FvCalculatorContext *ctx, LimiterState *st, Frame *f)
{
  for (guint i = 0; i < st->n_main; i++)
    if (f->packets[i] != NULL)
      {
        fv_context_output (ctx, (guint) st->main_out[i], f->packets[i]);
        f->packets[i] = NULL;
      }
  emit_allow (ctx, st, f->ts, TRUE);
  g_array_append_val (st->in_flight, f->ts);
  fv_context_counter_add (ctx, "passed", 1);
  frame_free (f, st->n_main);
}

static FvProcessStatus
limiter_process (FvCalculatorContext *ctx, GError **error)
{
  LimiterState *st = fv_context_state (ctx);
  /* 1. frames whose timestamp FINISHED has passed are out of flight. */
  gint64 finished = fv_context_input_bound (ctx, (guint) st->finished);
  guint keep = 0;
  for (guint i = 0; i < st->in_flight->len; i++)
    if (g_array_index (st->in_flight, gint64, i) >= finished)
      g_array_index (st->in_flight, gint64, keep++) = g_array_index (st->in_flight, gint64, i);
  g_array_set_size (st->in_flight, keep);

  /* 2. a new frame joins the queue. */
  gint64 ts = fv_context_input_timestamp (ctx);
  gboolean any = FALSE;
  for (guint i = 0; i < st->n_main; i++)
    any |= fv_context_input (ctx, (guint) st->main_in[i]) != NULL;
  if (any)
    {
      Frame *f = g_new (Frame, 1);
      f->ts = ts;
      f->packets = g_new0 (FvPacket *, st->n_main + 1);
      for (guint i = 0; i < st->n_main; i++)
        {
          FvPacket *p = fv_context_input (ctx, (guint) st->main_in[i]);
          f->packets[i] = p != NULL ? fv_packet_ref (p) : NULL;
        }
      g_queue_push_tail (&st->queue, f);
      st->last_input_ts = MAX (st->last_input_ts, ts);
    }

  /* 3. release while there is room in flight; 4. drop the oldest beyond max_in_queue. */
  while (!g_queue_is_empty (&st->queue) && (gint64) st->in_flight->len < st->max_in_flight)
    release (ctx, st, g_queue_pop_head (&st->queue));
  while ((gint64) g_queue_get_length (&st->queue) > st->max_in_queue)
    {
      Frame *f = g_queue_pop_head (&st->queue);
      emit_allow (ctx, st, f->ts, FALSE);
      fv_context_counter_add (ctx, "dropped", 1);
      frame_free (f, st->n_main);
    }

  /* 5. nothing below the oldest waiting frame (or the newest input) will come out. */
  Frame *head = g_queue_peek_head (&st->queue);
  gint64 bound = head != NULL ? head->ts
                 : fv_timestamp_is_range_value (st->last_input_ts) ? st->last_input_ts + 1
                 : FV_TIMESTAMP_UNSET;
  if (bound != FV_TIMESTAMP_UNSET)
    for (guint i = 0; i < st->n_main; i++)
      fv_context_set_output_bound (ctx, (guint) st->main_out[i], bound);
  return FV_PROCESS_OK;
}

static gboolean
limiter_close (FvCalculatorContext *ctx, GError **error)
{
  LimiterState *st = fv_context_state (ctx);
  /* The input is over: let the waiting frames through rather than lose the last ones. */
  Frame *f;
  while ((f = g_queue_pop_head (&st->queue)) != NULL)
    release (ctx, st, f);
  return TRUE;
}

static void
limiter_destroy (gpointer state)
{
  LimiterState *st = state;
  Frame *f;
  while ((f = g_queue_pop_head (&st->queue)) != NULL)
    frame_free (f, st->n_main);
  if (st->in_flight != NULL)
    g_array_unref (st->in_flight);
  g_free (st->main_in);
  g_free (st->main_out);
}

static const FvCalculatorClass flow_limiter_calculator = {
  .name = "FlowLimiterCalculator",
  .state_size = sizeof (LimiterState),
  .contract = limiter_contract,
  .open = limiter_open,
  .process = limiter_process,
  .close = limiter_close,
  .destroy_state = limiter_destroy,
};
FV_REGISTER_CALCULATOR (flow_limiter_calculator)
