/* fovea — input policies: when a node may run, and which packets it gets.
 *
 * Default (synchronised): with h the smallest queued timestamp and b the smallest bound
 * over the empty inputs, the node runs at h when h < b, i.e. h is settled everywhere.
 * Immediate: the node runs at h as soon as any input holds a packet.
 * Both: the node closes when every input that is not a back edge is done and drained, and
 * its back edges have answered up to the last timestamp it processed (or the graph went
 * idle waiting for them: a loop that never answers must not keep the run open).
 */
#include "graph/graph_internal.h"

/* The smallest timestamp the node could still be given: the earliest queued packet or
 * the lowest bound of an empty input. */
gint64
fv_input_policy_settled_bound (FvNode *n)
{
  gint64 m = FV_TIMESTAMP_DONE;
  for (guint i = 0; i < n->n_inputs; i++)
    {
      FvInput *in = &n->inputs[i];
      FvPacket *head = fv_ring_peek (&in->queue);
      gint64 v = head != NULL ? fv_packet_timestamp (head) : in->stream->bound;
      m = MIN (m, v);
    }
  return m;
}

static gboolean
source_may_run (FvNode *n)
{
  FvGraph *g = n->graph;
  /* Higher source layers start once every lower-layer source has closed. */
  for (guint i = 0; i < g->nodes->len; i++)
    {
      FvNode *o = g_ptr_array_index (g->nodes, i);
      if (o->is_source && !o->closed && o->source_layer < n->source_layer)
        return FALSE;
    }
  for (guint i = 0; i < n->n_outputs; i++)
    if (fv_stream_is_full (n->outputs[i]))
      return FALSE;
  return TRUE;
}

/* Once the forward inputs are over, a back edge still carries the answers to what the
 * node already sent round the loop: wait until it has passed the last timestamp. */
static gboolean
back_edges_caught_up (FvNode *n)
{
  for (guint i = 0; i < n->n_inputs; i++)
    {
      FvInput *in = &n->inputs[i];
      if (in->back_edge && in->stream->bound != FV_TIMESTAMP_DONE
          && (in->queue.len != 0 || in->stream->bound <= n->last_ts))
        return FALSE;
    }
  return TRUE;
}

gboolean
fv_input_policy_forward_done (FvNode *n)
{
  if (n->is_source || n->n_inputs == 0)
    return FALSE;
  for (guint i = 0; i < n->n_inputs; i++)
    {
      FvInput *in = &n->inputs[i];
      if (!in->back_edge && (in->queue.len != 0 || in->stream->bound != FV_TIMESTAMP_DONE))
        return FALSE;
    }
  return TRUE;
}

FvTask
fv_input_policy_select (FvNode *n, gint64 *ts)
{
  *ts = FV_TIMESTAMP_UNSET;
  if (n->is_source)
    {
      if (n->stopped)
        return FV_TASK_CLOSE;
      return source_may_run (n) ? FV_TASK_PROCESS : FV_TASK_NONE;
    }
  if (n->stopped)
    return FV_TASK_CLOSE;

  gboolean all_done = TRUE, bound_moved = FALSE;
  gint64 min_packet = FV_TIMESTAMP_DONE, min_empty_bound = FV_TIMESTAMP_DONE;
  for (guint i = 0; i < n->n_inputs; i++)
    {
      FvInput *in = &n->inputs[i];
      FvPacket *head = fv_ring_peek (&in->queue);
      gint64 bound = in->stream->bound;
      if (head != NULL)
        min_packet = MIN (min_packet, fv_packet_timestamp (head));
      else
        min_empty_bound = MIN (min_empty_bound, bound);
      if (!in->back_edge && (head != NULL || bound != FV_TIMESTAMP_DONE))
        all_done = FALSE;
      if (bound != in->seen_bound)
        bound_moved = TRUE;
    }
  if (all_done && (n->force_close || back_edges_caught_up (n)))
    return FV_TASK_CLOSE;

  if (n->contract.policy == FV_INPUT_POLICY_IMMEDIATE)
    {
      if (min_packet != FV_TIMESTAMP_DONE)
        {
          *ts = min_packet;
          return FV_TASK_PROCESS;
        }
      if (n->contract.process_bounds && bound_moved)
        {
          *ts = FV_TIMESTAMP_UNSET;
          return FV_TASK_PROCESS;
        }
      return FV_TASK_NONE;
    }

  if (min_packet != FV_TIMESTAMP_DONE && min_packet < min_empty_bound)
    {
      *ts = min_packet;
      return FV_TASK_PROCESS;
    }
  if (n->contract.process_bounds)
    {
      /* Everything below the settled bound is known to be empty: report it once. */
      gint64 settled = MIN (min_packet, min_empty_bound);
      if (settled > FV_TIMESTAMP_MIN && settled != FV_TIMESTAMP_DONE
          && settled - 1 > n->last_ts)
        {
          *ts = settled - 1;
          return FV_TASK_PROCESS;
        }
    }
  return FV_TASK_NONE;
}

void
fv_input_policy_take (FvNode *n, gint64 ts)
{
  FvCalculatorContext *ctx = &n->ctx;
  ctx->input_ts = ts;
  for (guint i = 0; i < n->n_inputs; i++)
    {
      FvInput *in = &n->inputs[i];
      FvPacket *head = fv_ring_peek (&in->queue);
      ctx->in[i] = NULL;
      if (head != NULL && ts != FV_TIMESTAMP_UNSET && fv_packet_timestamp (head) == ts)
        {
          ctx->in[i] = fv_ring_pop (&in->queue);
          fv_scheduler_input_popped (n->graph, in);
        }
      ctx->in_bound[i] = in->stream->bound;
      in->seen_bound = in->stream->bound;
    }
  if (ts != FV_TIMESTAMP_UNSET && (n->contract.policy == FV_INPUT_POLICY_DEFAULT || ts > n->last_ts))
    n->last_ts = ts;
}
