/* fovea — the scheduler: a fixed pool of worker threads running ready nodes.
 *
 * Ready nodes wait in one list; a worker takes the best one (MediaPipe's order:
 * non-sources before sources, nodes nearer the sinks first, so work drains towards the
 * outputs; sources by layer then position), takes its inputs under the graph lock, runs
 * the calculator unlocked, then publishes outputs and bounds, which may make consumers
 * ready. Readiness is re-checked whenever an input or bound changes and when the node
 * finishes, never while it runs.
 *
 * Back-pressure: sources and graph inputs stop while a queue they feed is full. If the
 * whole graph goes idle in that state nothing could ever drain the queue, so the full
 * queues grow (logged) instead of deadlocking, unless report_deadlock asks for an error.
 */
#include "graph/graph_internal.h"

typedef struct {
  FvGraph *graph;
  guint index;
} FvWorker;

static void
enqueue (FvGraph *g, FvNode *n)
{
  n->queued = TRUE;
  g_ptr_array_add (g->ready, n);
  fv_cond_signal (&g->work_cond);
}

static gboolean
runs_before (const FvNode *a, const FvNode *b)
{
  if (a->is_source != b->is_source)
    return !a->is_source;
  if (!a->is_source)
    return a->rank > b->rank;
  if (a->source_layer != b->source_layer)
    return a->source_layer < b->source_layer;
  return a->rank < b->rank;
}

static FvNode *
pop_best (FvGraph *g)
{
  if (g->ready->len == 0)
    return NULL;
  guint best = 0;
  for (guint i = 1; i < g->ready->len; i++)
    if (runs_before (g_ptr_array_index (g->ready, i), g_ptr_array_index (g->ready, best)))
      best = i;
  FvNode *n = g_ptr_array_index (g->ready, best);
  g_ptr_array_remove_index_fast (g->ready, best);
  n->queued = FALSE;
  return n;
}

/* A node with a timestamp offset that cannot run yet still tells its consumers how far
 * its outputs are settled, so that nodes downstream of one that emits nothing move on. */
static void
propagate_offset_bounds (FvGraph *g, FvNode *n)
{
  gint64 m = fv_input_policy_settled_bound (n);
  if (m <= FV_TIMESTAMP_MIN || m == FV_TIMESTAMP_DONE)
    return;
  gint64 bound = fv_timestamp_is_range_value (m) ? fv_timestamp_add (m, n->contract.offset) : m;
  for (guint o = 0; o < n->n_outputs; o++)
    fv_stream_set_bound (g, n->outputs[o], bound);
}

void
fv_scheduler_check (FvGraph *g, FvNode *n)
{
  if (!n->opened || n->closed || n->running || n->queued)
    return;
  if (g->stopping)
    {
      enqueue (g, n);
      return;
    }
  gint64 ts;
  if (fv_input_policy_select (n, &ts) != FV_TASK_NONE)
    {
      enqueue (g, n);
      return;
    }
  if (n->contract.has_offset && n->contract.policy == FV_INPUT_POLICY_DEFAULT
      && n->n_inputs > 0)
    propagate_offset_bounds (g, n);
}

void
fv_scheduler_record_error (FvGraph *g, FvNode *n, GError *error)
{
  if (error == NULL)
    error = g_error_new (FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                         "failed without an error message");
  if (g->error == NULL)
    {
      int code = error->domain == FV_GRAPH_ERROR ? error->code : FV_GRAPH_ERROR_CALCULATOR;
      if (n != NULL)
        g->error = g_error_new (FV_GRAPH_ERROR, code, "%s: %s", n->label, error->message);
      else
        g->error = g_error_new_literal (FV_GRAPH_ERROR, code, error->message);
    }
  g_error_free (error);
  if (g->stopping)
    return;
  g->stopping = TRUE;
  for (guint i = 0; i < g->nodes->len; i++)
    fv_scheduler_check (g, g_ptr_array_index (g->nodes, i));
  fv_cond_broadcast (&g->state_cond);
}

static void
stop_early (FvGraph *g)
{
  for (guint i = 0; i < g->graph_inputs->len; i++)
    fv_stream_set_bound (g, g_ptr_array_index (g->graph_inputs, i), FV_TIMESTAMP_DONE);
  for (guint i = 0; i < g->nodes->len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      if (n->is_source && !n->stopped)
        {
          n->stopped = TRUE;
          fv_scheduler_check (g, n);
        }
    }
  fv_cond_broadcast (&g->state_cond);
}

void
fv_scheduler_input_popped (FvGraph *g, FvInput *in)
{
  if (in->max_size == 0 || in->queue.len + 1 != in->max_size)
    return;
  /* The queue just stopped being full: wake what it throttled. */
  if (in->stream->graph_input && g->n_blocked_adders > 0)
    fv_cond_broadcast (&g->state_cond);
  if (in->stream->producer != NULL && in->stream->producer->is_source)
    fv_scheduler_check (g, in->stream->producer);
}

static gboolean
source_throttled (FvNode *n)
{
  if (!n->is_source || !n->opened || n->closed || n->stopped || n->running || n->queued)
    return FALSE;
  for (guint o = 0; o < n->n_outputs; o++)
    if (fv_stream_is_full (n->outputs[o]))
      return TRUE;
  return FALSE;
}

static void
grow_full_queues (FvGraph *g, FvStream *s)
{
  for (guint c = 0; c < s->consumers->len; c++)
    {
      FvNode *n = g_ptr_array_index (s->consumers, c);
      FvInput *in = &n->inputs[g_array_index (s->consumer_ports, guint, c)];
      if (in->max_size == 0 || in->queue.len < in->max_size)
        continue;
      guint size = MAX (in->max_size * 2, in->queue.len + 1);
      g_message ("fovea: resolved a deadlock by increasing max_queue_size of %s input "
                 "'%s' from %u to %u", n->label, s->name, in->max_size, size);
      in->max_size = size;
      g->deadlocks_resolved++;
    }
}

void
fv_scheduler_check_idle (FvGraph *g)
{
  if (g->n_running != 0 || g->ready->len != 0 || g->state != FV_GRAPH_RUNNING)
    return;
  fv_cond_broadcast (&g->state_cond);
  if (g->stopping)
    return;
  gboolean throttled = g->n_blocked_adders > 0;
  for (guint i = 0; !throttled && i < g->nodes->len; i++)
    throttled = source_throttled (g_ptr_array_index (g->nodes, i));
  if (!throttled)
    {
      /* Idle with nodes whose forward inputs are over but whose back edges never caught
       * up: nothing can answer them any more, so close them. */
      for (guint i = 0; i < g->nodes->len; i++)
        {
          FvNode *n = g_ptr_array_index (g->nodes, i);
          if (n->opened && !n->closed && !n->force_close && fv_input_policy_forward_done (n))
            {
              n->force_close = TRUE;
              fv_scheduler_check (g, n);
            }
        }
      return;
    }
  if (g->config->report_deadlock)
    {
      fv_scheduler_record_error (g, NULL,
          g_error_new (FV_GRAPH_ERROR, FV_GRAPH_ERROR_STATE,
                       "deadlock: the graph is idle while an input is throttled by a full "
                       "queue (report_deadlock is set; raise max_queue_size)"));
      return;
    }
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, g->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FvStream *s = value;
      if ((s->graph_input || (s->producer != NULL && s->producer->is_source))
          && fv_stream_is_full (s))
        grow_full_queues (g, s);
    }
  fv_cond_broadcast (&g->state_cond);
  for (guint i = 0; i < g->nodes->len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      if (n->is_source)
        fv_scheduler_check (g, n);
    }
}

/* Publishes what a hook emitted; called with the lock held. */
static void
flush_outputs (FvGraph *g, FvNode *n, FvTask task)
{
  FvCalculatorContext *ctx = &n->ctx;
  for (guint o = 0; o < n->n_outputs; o++)
    {
      GPtrArray *out = ctx->out[o];
      FvStream *s = n->outputs[o];
      guint emitted = out->len;
      for (guint j = 0; j < out->len; j++)
        {
          FvPacket *p = g_ptr_array_index (out, j);
          GError *err = NULL;
          if (g->stopping)
            fv_packet_unref (p);
          else if (!fv_stream_add (g, s, p, &err))
            fv_scheduler_record_error (g, n, err);
        }
      g_ptr_array_set_size (out, 0);
      gint64 bound = ctx->out_bound[o];
      ctx->out_bound[o] = FV_TIMESTAMP_UNSET;
      if (g->stopping)
        continue;
      if (bound != FV_TIMESTAMP_UNSET)
        fv_stream_set_bound (g, s, bound);
      else if (task == FV_TASK_PROCESS && emitted == 0 && n->contract.has_offset
               && fv_timestamp_is_range_value (ctx->input_ts))
        fv_stream_set_bound (g, s, fv_timestamp_next_allowed (
                                     fv_timestamp_add (ctx->input_ts, n->contract.offset)));
    }
}

static void
node_closed (FvGraph *g, FvNode *n)
{
  n->closed = TRUE;
  g->n_closed++;
  for (guint o = 0; o < n->n_outputs; o++)
    fv_stream_set_bound (g, n->outputs[o], FV_TIMESTAMP_DONE);
  if (g->n_closed == g->nodes->len)
    {
      g->state = FV_GRAPH_DONE;
      g->quit = TRUE;
      fv_cond_broadcast (&g->work_cond);
      fv_cond_broadcast (&g->state_cond);
    }
}

/* Runs one task of n; called and returns with the lock held. */
static void
run_node (FvGraph *g, FvNode *n, guint thread)
{
  gint64 ts = FV_TIMESTAMP_UNSET;
  FvTask task;
  if (g->stopping)
    task = n->opened && !n->closed ? FV_TASK_CLOSE : FV_TASK_NONE;
  else
    task = fv_input_policy_select (n, &ts);
  if (task == FV_TASK_NONE)
    return;

  FvCalculatorContext *ctx = &n->ctx;
  n->running = TRUE;
  g->n_running++;
  ctx->discard = g->stopping;
  if (task == FV_TASK_PROCESS && !n->is_source)
    fv_input_policy_take (n, ts);
  else
    {
      ctx->input_ts = task == FV_TASK_CLOSE ? FV_TIMESTAMP_DONE : FV_TIMESTAMP_UNSET;
      for (guint i = 0; i < n->n_inputs; i++)
        ctx->in_bound[i] = n->inputs[i].stream->bound;
    }
  fv_mutex_unlock (&g->lock);

  gint64 t0 = g->tracer != NULL ? g_get_monotonic_time () : 0;
  GError *err = NULL;
  FvProcessStatus status = FV_PROCESS_OK;
  if (task == FV_TASK_PROCESS)
    {
      if (n->klass->process != NULL)
        status = n->klass->process (ctx, &err);
    }
  else if (n->klass->close != NULL && !n->klass->close (ctx, &err))
    status = FV_PROCESS_ERROR;
  gint64 t1 = g->tracer != NULL ? g_get_monotonic_time () : 0;
  for (guint i = 0; i < n->n_inputs; i++)
    g_clear_pointer (&ctx->in[i], fv_packet_unref);

  fv_mutex_lock (&g->lock);
  if (g->tracer != NULL)
    fv_tracer_record (g->tracer, n->id,
                      task == FV_TASK_PROCESS ? FV_TRACE_PROCESS : FV_TRACE_CLOSE,
                      task == FV_TASK_PROCESS ? ctx->input_ts : FV_TIMESTAMP_DONE, t0, t1,
                      thread);
  if (status == FV_PROCESS_ERROR)
    fv_scheduler_record_error (g, n, err);
  else if (err != NULL)
    g_error_free (err);
  flush_outputs (g, n, task);
  if (status == FV_PROCESS_STOP)
    {
      if (n->is_source)
        n->stopped = TRUE;
      else
        stop_early (g);
    }
  n->running = FALSE;
  g->n_running--;
  if (task == FV_TASK_CLOSE)
    node_closed (g, n);
  else
    fv_scheduler_check (g, n);
  fv_scheduler_check_idle (g);
}

static gpointer
worker_main (gpointer data)
{
  FvWorker *w = data;
  FvGraph *g = w->graph;
  fv_mutex_lock (&g->lock);
  for (;;)
    {
      FvNode *n = pop_best (g);
      if (n != NULL)
        {
          run_node (g, n, w->index + 1);
          continue;
        }
      if (g->quit)
        break;
      fv_cond_wait (&g->work_cond, &g->lock);
    }
  fv_mutex_unlock (&g->lock);
  g_free (w);
  return NULL;
}

/* Closes the nodes already opened when a later open fails (outputs discarded). */
static void
close_opened (FvGraph *g)
{
  fv_mutex_lock (&g->lock);
  g->stopping = TRUE;
  fv_mutex_unlock (&g->lock);
  for (guint i = g->nodes->len; i-- > 0;)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      if (!n->opened || n->closed)
        continue;
      n->ctx.discard = TRUE;
      n->ctx.input_ts = FV_TIMESTAMP_DONE;
      GError *err = NULL;
      if (n->klass->close != NULL && !n->klass->close (&n->ctx, &err))
        g_clear_error (&err);
      n->closed = TRUE;
      g->n_closed++;
    }
  fv_mutex_lock (&g->lock);
  g->state = FV_GRAPH_DONE;
  fv_cond_broadcast (&g->state_cond);
  fv_mutex_unlock (&g->lock);
}

static gboolean
open_node (FvGraph *g, FvNode *n, GError **error)
{
  if (n->klass->state_size > 0)
    n->state = g_malloc0 (n->klass->state_size);
  for (guint k = 0; k < n->n_side_in; k++)
    n->side_in[k] = fv_packet_ref (g_hash_table_lookup (
                        g->side_packets, n->contract.ports[FV_PORT_SIDE_INPUT][k].name));
  FvCalculatorContext *ctx = &n->ctx;
  FvPacket **side_out = g_new0 (FvPacket *, n->n_side_out + 1);
  ctx->side_out = side_out;
  ctx->input_ts = FV_TIMESTAMP_UNSTARTED;
  GError *err = NULL;
  gint64 t0 = g->tracer != NULL ? g_get_monotonic_time () : 0;
  gboolean ok = n->klass->open == NULL || n->klass->open (ctx, &err);
  gint64 t1 = g->tracer != NULL ? g_get_monotonic_time () : 0;
  ctx->side_out = NULL;
  if (ok)
    for (guint k = 0; ok && k < n->n_side_out; k++)
      if (side_out[k] == NULL)
        {
          g_set_error (&err, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                       "open() did not set output side packet '%s'",
                       n->contract.ports[FV_PORT_SIDE_OUTPUT][k].name);
          ok = FALSE;
        }
  fv_mutex_lock (&g->lock);
  if (g->tracer != NULL)
    fv_tracer_record (g->tracer, n->id, FV_TRACE_OPEN, FV_TIMESTAMP_UNSTARTED, t0, t1, 0);
  if (ok)
    {
      n->opened = TRUE;
      for (guint k = 0; k < n->n_side_out; k++)
        {
          g_hash_table_replace (g->side_packets,
                                g_strdup (n->contract.ports[FV_PORT_SIDE_OUTPUT][k].name),
                                side_out[k]);
          side_out[k] = NULL;
        }
      flush_outputs (g, n, FV_TASK_NONE);
    }
  else
    {
      fv_scheduler_record_error (g, n, err);
      g_set_error_literal (error, FV_GRAPH_ERROR, g->error->code, g->error->message);
    }
  fv_mutex_unlock (&g->lock);
  for (guint k = 0; k < n->n_side_out; k++)
    fv_packet_unref (side_out[k]);
  g_free (side_out);
  return ok;
}

static gboolean
side_inputs_ready (FvGraph *g, FvNode *n)
{
  for (guint k = 0; k < n->n_side_in; k++)
    if (!g_hash_table_contains (g->side_packets, n->contract.ports[FV_PORT_SIDE_INPUT][k].name))
      return FALSE;
  return TRUE;
}

gboolean
fv_scheduler_open_all (FvGraph *g, GError **error)
{
  /* Open in passes: a node waits for the nodes producing its input side packets. */
  guint opened = 0;
  while (opened < g->nodes->len)
    {
      guint before = opened;
      for (guint i = 0; i < g->nodes->len; i++)
        {
          FvNode *n = g_ptr_array_index (g->nodes, i);
          if (n->opened || !side_inputs_ready (g, n))
            continue;
          if (!open_node (g, n, error))
            {
              close_opened (g);
              return FALSE;
            }
          opened++;
        }
      if (opened == before)
        {
          GError *local = NULL;
          for (guint i = 0; local == NULL && i < g->nodes->len; i++)
            {
              FvNode *n = g_ptr_array_index (g->nodes, i);
              if (!n->opened)
                local = g_error_new (FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                                     "%s: its input side packets depend on each other in a "
                                     "cycle", n->label);
            }
          fv_mutex_lock (&g->lock);
          if (g->error == NULL)
            g->error = g_error_copy (local);
          fv_mutex_unlock (&g->lock);
          g_propagate_error (error, local);
          close_opened (g);
          return FALSE;
        }
    }
  return TRUE;
}

void
fv_scheduler_start (FvGraph *g)
{
  g->n_workers = g->num_threads;
  g->workers = g_new0 (GThread *, g->n_workers);
  fv_mutex_lock (&g->lock);
  g->state = g->nodes->len > 0 ? FV_GRAPH_RUNNING : FV_GRAPH_DONE;
  for (guint i = 0; i < g->nodes->len; i++)
    fv_scheduler_check (g, g_ptr_array_index (g->nodes, i));
  fv_mutex_unlock (&g->lock);
  for (guint i = 0; i < g->n_workers; i++)
    {
      FvWorker *w = g_new (FvWorker, 1);
      w->graph = g;
      w->index = i;
      char name[16];
      g_snprintf (name, sizeof name, "fv-worker-%u", i);
      g->workers[i] = g_thread_new (name, worker_main, w);
    }
}

void
fv_scheduler_stop_workers (FvGraph *g)
{
  fv_mutex_lock (&g->lock);
  g->quit = TRUE;
  fv_cond_broadcast (&g->work_cond);
  fv_mutex_unlock (&g->lock);
  for (guint i = 0; i < g->n_workers; i++)
    g_thread_join (g->workers[i]);
  g_clear_pointer (&g->workers, g_free);
  g->n_workers = 0;
}
