/* fovea — the graph C API: lifecycle, graph inputs, observers and pollers. */
#include "graph/graph_internal.h"

#include <string.h>

#define FV_DEFAULT_MAX_QUEUE_SIZE 100

static void
side_packet_unref (gpointer p)
{
  fv_packet_unref (p);
}

static guint
default_num_threads (const FvGraphConfig *config, guint n_nodes)
{
  if (config->num_threads > 0)
    return (guint) config->num_threads;
  for (guint i = 0; i < config->executors->len; i++)
    {
      const FvExecutorConfig *ex = g_ptr_array_index (config->executors, i);
      if ((ex->name == NULL || ex->name[0] == '\0' || strcmp (ex->name, "default") == 0)
          && ex->num_threads > 0)
        return (guint) ex->num_threads;
    }
  /* MediaPipe's default: no more threads than cores, nor than nodes. */
  return MAX (1u, MIN ((guint) g_get_num_processors (), MAX (n_nodes, 1u)));
}

FvGraph *
fv_graph_new_from_config (const FvGraphConfig *config, GHashTable *side_packets,
                          GError **error)
{
  g_return_val_if_fail (config != NULL, NULL);
  FvGraph *g = g_new0 (FvGraph, 1);
  fv_mutex_init (&g->lock);
  fv_cond_init (&g->work_cond);
  fv_cond_init (&g->state_cond);
  g->config = fv_graph_config_copy (config);
  g->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_node_free);
  g->streams = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) fv_stream_free);
  g->graph_inputs = g_ptr_array_new ();
  g->pollers = g_ptr_array_new ();
  g->ready = g_ptr_array_new ();
  g->side_packets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, side_packet_unref);
  if (side_packets != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, side_packets);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (value != NULL)
          g_hash_table_insert (g->side_packets, g_strdup (key), fv_packet_ref (value));
    }
  g->max_queue_size = g->config->max_queue_size == 0 ? FV_DEFAULT_MAX_QUEUE_SIZE
                      : g->config->max_queue_size < 0 ? 0 : g->config->max_queue_size;
  if (!fv_graph_config_expand_subgraphs (g->config, error) || !fv_graph_build (g, error))
    {
      fv_graph_free (g);
      return NULL;
    }
  g->num_threads = default_num_threads (g->config, g->nodes->len);
  return g;
}

/* profiler_config is MediaPipe's switch for tracing; the config parser accepts and
 * ignores it, so read it from the generic tree. */
static void
apply_profiler_config (FvGraph *g, const char *text, gssize len, const char *filename)
{
  FvTpMessage *root = fv_textproto_parse (text, len, filename, NULL);
  if (root == NULL)
    return;
  const FvTpMessage *prof = fv_tp_get_message (root, "profiler_config");
  if (prof != NULL && fv_tp_get_bool (prof, "trace_enabled", FALSE, NULL))
    fv_graph_enable_tracing (g, (guint) CLAMP (fv_tp_get_int (prof, "trace_log_capacity", 0,
                                                              NULL), 0, G_MAXINT));
  fv_tp_message_free (root);
}

FvGraph *
fv_graph_new_from_string (const char *text, GHashTable *side_packets, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  FvGraphConfig *config = fv_graph_config_parse (text, -1, NULL, error);
  if (config == NULL)
    return NULL;
  FvGraph *g = fv_graph_new_from_config (config, side_packets, error);
  fv_graph_config_free (config);
  if (g != NULL)
    apply_profiler_config (g, text, -1, NULL);
  return g;
}

FvGraph *
fv_graph_new_from_file (const char *path, GHashTable *side_packets, GError **error)
{
  char *text = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_PARSE, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  FvGraphConfig *config = fv_graph_config_parse (text, (gssize) len, path, error);
  FvGraph *g = NULL;
  if (config != NULL)
    {
      g = fv_graph_new_from_config (config, side_packets, error);
      fv_graph_config_free (config);
      if (g != NULL)
        apply_profiler_config (g, text, (gssize) len, path);
    }
  g_free (text);
  return g;
}

static void
poller_free (FvPoller *poller)
{
  FvPacket *p;
  while ((p = g_queue_pop_head (&poller->packets)) != NULL)
    fv_packet_unref (p);
  g_free (poller);
}

void
fv_graph_free (FvGraph *g)
{
  if (g == NULL)
    return;
  fv_mutex_lock (&g->lock);
  gboolean running = g->state == FV_GRAPH_RUNNING;
  fv_mutex_unlock (&g->lock);
  if (running)
    {
      fv_graph_cancel (g);
      fv_graph_wait_until_done (g, NULL);
    }
  if (g->workers != NULL)
    fv_scheduler_stop_workers (g);
  g_ptr_array_unref (g->nodes);
  g_hash_table_unref (g->streams);
  g_ptr_array_unref (g->graph_inputs);
  for (guint i = 0; i < g->pollers->len; i++)
    poller_free (g_ptr_array_index (g->pollers, i));
  g_ptr_array_unref (g->pollers);
  g_ptr_array_unref (g->ready);
  g_hash_table_unref (g->side_packets);
  fv_graph_config_free (g->config);
  if (g->tracer != NULL)
    fv_tracer_free (g->tracer);
  g_clear_error (&g->error);
  fv_cond_clear (&g->work_cond);
  fv_cond_clear (&g->state_cond);
  fv_mutex_clear (&g->lock);
  g_free (g);
}

static FvStream *
find_stream (FvGraph *g, const char *name, GError **error)
{
  FvStream *s = name != NULL ? g_hash_table_lookup (g->streams, name) : NULL;
  if (s == NULL)
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "the graph has no stream named '%s'", name ? name : "(null)");
  return s;
}

static gboolean
check_new (FvGraph *g, const char *what, GError **error)
{
  if (g->state != FV_GRAPH_NEW)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_STATE,
                   "%s must be called before fv_graph_start", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
fv_graph_observe (FvGraph *g, const char *stream, FvPacketCallback callback,
                  gpointer user_data, GError **error)
{
  if (!check_new (g, "fv_graph_observe", error))
    return FALSE;
  FvStream *s = find_stream (g, stream, error);
  if (s == NULL)
    return FALSE;
  if (callback == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "no callback given");
      return FALSE;
    }
  FvNode *n = fv_graph_add_sink (g, s, FV_NODE_OBSERVER);
  n->callback = callback;
  n->callback_data = user_data;
  return TRUE;
}

FvPoller *
fv_graph_add_poller (FvGraph *g, const char *stream, GError **error)
{
  if (!check_new (g, "fv_graph_add_poller", error))
    return NULL;
  FvStream *s = find_stream (g, stream, error);
  if (s == NULL)
    return NULL;
  FvPoller *poller = g_new0 (FvPoller, 1);
  poller->graph = g;
  g_queue_init (&poller->packets);
  g_ptr_array_add (g->pollers, poller);
  FvNode *n = fv_graph_add_sink (g, s, FV_NODE_POLLER);
  n->poller = poller;
  /* The caller drains a poller at its own pace: do not throttle the graph on it. */
  n->inputs[0].max_size = 0;
  return poller;
}

void
fv_graph_enable_tracing (FvGraph *g, guint capacity)
{
  g->trace_requested = TRUE;
  g->trace_capacity = capacity != 0 ? capacity : 65536;
}

FvTracer *
fv_graph_get_tracer (FvGraph *g)
{
  return g->tracer;
}

void
fv_graph_set_add_mode (FvGraph *g, FvGraphAddMode mode)
{
  fv_mutex_lock (&g->lock);
  g->add_mode = mode;
  fv_mutex_unlock (&g->lock);
}

gboolean
fv_graph_set_input_max_queue_size (FvGraph *g, const char *stream, int size, GError **error)
{
  fv_mutex_lock (&g->lock);
  FvStream *s = find_stream (g, stream, error);
  if (s != NULL)
    {
      for (guint c = 0; c < s->consumers->len; c++)
        {
          FvNode *n = g_ptr_array_index (s->consumers, c);
          n->inputs[g_array_index (s->consumer_ports, guint, c)].max_size
            = size > 0 ? (guint) size : 0;
        }
      fv_cond_broadcast (&g->state_cond);
    }
  fv_mutex_unlock (&g->lock);
  return s != NULL;
}

gboolean
fv_graph_start (FvGraph *g, GError **error)
{
  if (!check_new (g, "fv_graph_start", error))
    return FALSE;
  /* Observers and pollers were appended as nodes: rank them with the rest. */
  if (!fv_graph_compute_ranks (g, error))
    return FALSE;
  if (g->trace_requested)
    {
      const char **names = g_new0 (const char *, g->nodes->len + 1);
      for (guint i = 0; i < g->nodes->len; i++)
        names[i] = ((FvNode *) g_ptr_array_index (g->nodes, i))->short_name;
      g->tracer = fv_tracer_new (g->trace_capacity, g->nodes->len, names);
      g_free (names);
    }
  if (!fv_scheduler_open_all (g, error))
    return FALSE;
  fv_scheduler_start (g);
  return TRUE;
}

static gboolean
run_error (FvGraph *g, GError **error)
{
  if (g->error != NULL)
    {
      g_propagate_error (error, g_error_copy (g->error));
      return TRUE;
    }
  return FALSE;
}

gboolean
fv_graph_add_packet (FvGraph *g, const char *stream, FvPacket *packet, GError **error)
{
  fv_mutex_lock (&g->lock);
  FvStream *s = find_stream (g, stream, error);
  gboolean ok = FALSE;
  if (s == NULL)
    goto out;
  if (!s->graph_input)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "stream '%s' is not a graph input_stream", stream);
      goto out;
    }
  for (;;)
    {
      if (run_error (g, error))
        goto out;
      if (g->state != FV_GRAPH_RUNNING)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_STATE,
                       "stream '%s': the graph is not running", stream);
          goto out;
        }
      if (s->bound == FV_TIMESTAMP_DONE || !fv_stream_is_full (s))
        break;
      if (g->add_mode == FV_GRAPH_ADD_IF_NOT_FULL)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_UNAVAILABLE,
                       "stream '%s': an input queue is full", stream);
          goto out;
        }
      g->n_blocked_adders++;
      fv_scheduler_check_idle (g);
      if (fv_stream_is_full (s) && g->error == NULL && g->state == FV_GRAPH_RUNNING)
        fv_cond_wait (&g->state_cond, &g->lock);
      g->n_blocked_adders--;
    }
  /* A refused packet is the caller's error only: the graph keeps running. */
  ok = fv_stream_add (g, s, packet, error);
  packet = NULL;
out:
  fv_mutex_unlock (&g->lock);
  fv_packet_unref (packet);
  return ok;
}

gboolean
fv_graph_close_input (FvGraph *g, const char *stream, GError **error)
{
  fv_mutex_lock (&g->lock);
  FvStream *s = find_stream (g, stream, error);
  gboolean ok = s != NULL;
  if (s != NULL && !s->graph_input)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "stream '%s' is not a graph input_stream", stream);
      ok = FALSE;
    }
  else if (s != NULL)
    {
      fv_stream_set_bound (g, s, FV_TIMESTAMP_DONE);
      fv_scheduler_check_idle (g);
    }
  fv_mutex_unlock (&g->lock);
  return ok;
}

gboolean
fv_graph_close_all_inputs (FvGraph *g, GError **error)
{
  fv_mutex_lock (&g->lock);
  for (guint i = 0; i < g->graph_inputs->len; i++)
    fv_stream_set_bound (g, g_ptr_array_index (g->graph_inputs, i), FV_TIMESTAMP_DONE);
  fv_scheduler_check_idle (g);
  fv_mutex_unlock (&g->lock);
  return TRUE;
}

gboolean
fv_graph_wait_until_idle (FvGraph *g, GError **error)
{
  fv_mutex_lock (&g->lock);
  while (g->state == FV_GRAPH_RUNNING
         && (g->stopping || g->n_running != 0 || g->ready->len != 0))
    fv_cond_wait (&g->state_cond, &g->lock);
  gboolean ok = !run_error (g, error);
  fv_mutex_unlock (&g->lock);
  return ok;
}

gboolean
fv_graph_wait_until_done (FvGraph *g, GError **error)
{
  fv_mutex_lock (&g->lock);
  if (g->state == FV_GRAPH_NEW)
    {
      fv_mutex_unlock (&g->lock);
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_STATE, "the graph was not started");
      return FALSE;
    }
  fv_mutex_unlock (&g->lock);
  fv_graph_close_all_inputs (g, NULL);
  fv_mutex_lock (&g->lock);
  while (g->state == FV_GRAPH_RUNNING)
    fv_cond_wait (&g->state_cond, &g->lock);
  gboolean ok = !run_error (g, error);
  fv_mutex_unlock (&g->lock);
  return ok;
}

void
fv_graph_cancel (FvGraph *g)
{
  fv_mutex_lock (&g->lock);
  if (g->state == FV_GRAPH_RUNNING && !g->stopping)
    fv_scheduler_record_error (g, NULL, g_error_new (FV_GRAPH_ERROR, FV_GRAPH_ERROR_CANCELLED,
                                                     "the graph was cancelled"));
  fv_mutex_unlock (&g->lock);
}

gboolean
fv_graph_has_error (FvGraph *g)
{
  fv_mutex_lock (&g->lock);
  gboolean has = g->error != NULL;
  fv_mutex_unlock (&g->lock);
  return has;
}

gint64
fv_graph_get_counter (FvGraph *g, const char *node, const char *counter)
{
  gint64 value = 0;
  fv_mutex_lock (&g->lock);
  for (guint i = 0; i < g->nodes->len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      if (g_strcmp0 (n->short_name, node) != 0)
        continue;
      gint64 *v = g_hash_table_lookup (n->counters, counter);
      if (v != NULL)
        value = *v;
      break;
    }
  fv_mutex_unlock (&g->lock);
  return value;
}

guint
fv_graph_get_deadlocks_resolved (FvGraph *g)
{
  fv_mutex_lock (&g->lock);
  guint n = g->deadlocks_resolved;
  fv_mutex_unlock (&g->lock);
  return n;
}

gboolean
fv_poller_next (FvPoller *poller, FvPacket **packet)
{
  FvGraph *g = poller->graph;
  *packet = NULL;
  fv_mutex_lock (&g->lock);
  while (g_queue_is_empty (&poller->packets) && !poller->done && g->state == FV_GRAPH_RUNNING)
    fv_cond_wait (&g->state_cond, &g->lock);
  *packet = g_queue_pop_head (&poller->packets);
  fv_mutex_unlock (&g->lock);
  return *packet != NULL;
}

guint
fv_poller_queue_size (FvPoller *poller)
{
  FvGraph *g = poller->graph;
  fv_mutex_lock (&g->lock);
  guint n = g_queue_get_length (&poller->packets);
  fv_mutex_unlock (&g->lock);
  return n;
}
