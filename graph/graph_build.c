/* fovea — turning a FvGraphConfig into nodes and streams, and validating it: calculators
 * exist, every port is declared by the calculator's contract, each stream has one
 * producer, every input is connected, types match, side packets are available and every
 * cycle goes through a back edge. Every message names the node and the stream.
 */
#include "graph/graph_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[4] = {
  "input stream", "output stream", "input side packet", "output side packet",
};

static char *
port_string (const FvPortInfo *p)
{
  if (p->tag[0] == '\0')
    return g_strdup (p->name);
  return g_strdup_printf ("%s:%d:%s", p->tag, p->index, p->name);
}

static void
node_alloc_context (FvNode *n)
{
  FvCalculatorContext *ctx = &n->ctx;
  ctx->node = n;
  ctx->in = g_new0 (FvPacket *, n->n_inputs + 1);
  ctx->in_bound = g_new0 (gint64, n->n_inputs + 1);
  ctx->out = g_new0 (GPtrArray *, n->n_outputs + 1);
  ctx->out_bound = g_new0 (gint64, n->n_outputs + 1);
  for (guint i = 0; i < n->n_outputs; i++)
    {
      ctx->out[i] = g_ptr_array_new ();
      ctx->out_bound[i] = FV_TIMESTAMP_UNSET;
    }
  n->side_in = g_new0 (FvPacket *, n->n_side_in + 1);
  n->inputs = g_new0 (FvInput, n->n_inputs + 1);
  n->outputs = g_new0 (FvStream *, n->n_outputs + 1);
  for (guint i = 0; i < n->n_inputs; i++)
    n->inputs[i].seen_bound = FV_TIMESTAMP_UNSET;
}

void
fv_node_free (FvNode *n)
{
  if (n == NULL)
    return;
  if (n->state != NULL)
    {
      if (n->klass != NULL && n->klass->destroy_state != NULL)
        n->klass->destroy_state (n->state);
      g_free (n->state);
    }
  for (guint i = 0; i < n->n_inputs; i++)
    {
      fv_ring_clear (&n->inputs[i].queue);
      fv_packet_unref (n->ctx.in[i]);
    }
  for (guint i = 0; i < n->n_outputs; i++)
    if (n->ctx.out != NULL && n->ctx.out[i] != NULL)
      {
        for (guint j = 0; j < n->ctx.out[i]->len; j++)
          fv_packet_unref (g_ptr_array_index (n->ctx.out[i], j));
        g_ptr_array_unref (n->ctx.out[i]);
      }
  for (guint i = 0; i < n->n_side_in; i++)
    fv_packet_unref (n->side_in[i]);
  g_free (n->side_in);
  g_free (n->inputs);
  g_free (n->outputs);
  g_free (n->ctx.in);
  g_free (n->ctx.in_bound);
  g_free (n->ctx.out);
  g_free (n->ctx.out_bound);
  fv_contract_clear (&n->contract);
  if (n->counters != NULL)
    g_hash_table_unref (n->counters);
  g_free (n->label);
  g_free (n->short_name);
  g_free (n);
}

static FvNode *
node_new (FvGraph *g, const FvNodeConfig *config, guint id)
{
  FvNode *n = g_new0 (FvNode, 1);
  n->graph = g;
  n->id = id;
  n->config = config;
  n->last_ts = FV_TIMESTAMP_UNSTARTED;
  n->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (config != NULL)
    {
      n->kind = FV_NODE_CALCULATOR;
      if (config->name != NULL && config->name[0] != '\0')
        {
          n->label = g_strdup_printf ("node '%s' (%s)", config->name, config->calculator);
          n->short_name = g_strdup (config->name);
        }
      else
        {
          n->label = g_strdup_printf ("node #%u (%s)", id, config->calculator);
          n->short_name = g_strdup (config->calculator);
        }
      n->n_inputs = config->input_streams->len;
      n->n_outputs = config->output_streams->len;
      n->n_side_in = config->input_side_packets->len;
      n->n_side_out = config->output_side_packets->len;
      n->source_layer = config->source_layer;
    }
  fv_contract_init (&n->contract, n);
  node_alloc_context (n);
  return n;
}

static gboolean
parse_back_edge (const char *spec, char **tag, int *index)
{
  const char *colon = strrchr (spec, ':');
  if (colon == NULL)
    return FALSE;
  *tag = g_strndup (spec, colon - spec);
  *index = atoi (colon + 1);
  return TRUE;
}

static gboolean
apply_input_policy (FvGraph *g, FvNode *n, GError **error)
{
  const char *handler = n->config->input_stream_handler;
  if (handler == NULL)
    handler = g->config->input_stream_handler;
  if (handler == NULL)
    return TRUE;
  if (strcmp (handler, "DefaultInputStreamHandler") == 0)
    n->contract.policy = FV_INPUT_POLICY_DEFAULT;
  else if (strcmp (handler, "ImmediateInputStreamHandler") == 0)
    n->contract.policy = FV_INPUT_POLICY_IMMEDIATE;
  else
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%s: input_stream_handler '%s' is not supported (use "
                   "DefaultInputStreamHandler or ImmediateInputStreamHandler)",
                   n->label, handler);
      return FALSE;
    }
  return TRUE;
}

static gboolean
build_node (FvGraph *g, const FvNodeConfig *config, guint id, GError **error)
{
  FvNode *n = node_new (g, config, id);
  g_ptr_array_add (g->nodes, n);
  n->klass = fv_calculator_lookup (config->calculator);
  if (n->klass == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%s: no calculator registered with name '%s' (nor a subgraph of that type)",
                   n->label, config->calculator);
      return FALSE;
    }
  GError *local = NULL;
  if (!n->klass->contract (&n->contract, &local))
    {
      if (local == NULL)
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "%s: the contract was refused", n->label);
      else if (strstr (local->message, n->label) != NULL)
        g_propagate_error (error, local);
      else
        {
          g_set_error (error, local->domain, local->code, "%s: %s", n->label, local->message);
          g_error_free (local);
        }
      return FALSE;
    }
  if (!apply_input_policy (g, n, error))
    return FALSE;
  for (int k = 0; k < 4; k++)
    for (guint i = 0; i < n->contract.n_ports[k]; i++)
      if (!n->contract.ports[k][i].declared)
        {
          char *s = port_string (&n->contract.ports[k][i]);
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "%s: unexpected %s '%s' (%s does not use %s%s)", n->label,
                       kind_names[k], s, config->calculator,
                       n->contract.ports[k][i].tag[0] ? "tag " : "untagged ports",
                       n->contract.ports[k][i].tag);
          g_free (s);
          return FALSE;
        }
  for (guint b = 0; b < config->back_edges->len; b++)
    {
      char *tag = NULL;
      int index = 0;
      const char *spec = g_ptr_array_index (config->back_edges, b);
      gboolean found = FALSE;
      if (parse_back_edge (spec, &tag, &index))
        for (guint i = 0; i < config->input_streams->len; i++)
          {
            const FvStreamRef *ref = g_ptr_array_index (config->input_streams, i);
            if (g_strcmp0 (ref->tag != NULL ? ref->tag : "", tag) == 0 && ref->index == index)
              {
                n->inputs[i].back_edge = TRUE;
                found = TRUE;
              }
          }
      g_free (tag);
      if (!found)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "%s: back_edge '%s' names no input stream of the node", n->label, spec);
          return FALSE;
        }
    }
  if (config->executor != NULL && config->executor[0] != '\0'
      && strcmp (config->executor, "default") != 0)
    {
      gboolean declared = FALSE;
      for (guint e = 0; e < g->config->executors->len; e++)
        {
          const FvExecutorConfig *ex = g_ptr_array_index (g->config->executors, e);
          if (g_strcmp0 (ex->name, config->executor) == 0)
            declared = TRUE;
        }
      if (!declared)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "%s: executor '%s' is not declared in the graph", n->label,
                       config->executor);
          return FALSE;
        }
    }
  n->is_source = n->n_inputs == 0 && n->n_outputs > 0;
  return TRUE;
}

static FvStream *
add_stream (FvGraph *g, const char *name, FvNode *producer, int port, GError **error)
{
  FvStream *s = g_hash_table_lookup (g->streams, name);
  if (s != NULL)
    {
      const char *first = s->producer != NULL ? s->producer->label : "the graph input_stream";
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "stream '%s' has two producers: %s and %s", name, first,
                   producer != NULL ? producer->label : "a graph input_stream");
      return NULL;
    }
  s = fv_stream_new (name);
  s->producer = producer;
  s->producer_port = port;
  s->graph_input = producer == NULL;
  g_hash_table_insert (g->streams, s->name, s);
  return s;
}

static void
connect_input (FvGraph *g, FvNode *n, guint port, FvStream *s)
{
  n->inputs[port].stream = s;
  n->inputs[port].max_size = g->max_queue_size > 0 ? (guint) g->max_queue_size : 0;
  g_ptr_array_add (s->consumers, n);
  g_array_append_val (s->consumer_ports, port);
}

FvNode *
fv_graph_add_sink (FvGraph *g, FvStream *s, FvNodeKind kind)
{
  FvNode *n = node_new (g, NULL, g->nodes->len);
  n->kind = kind;
  n->klass = fv_internal_sink_class ();
  n->n_inputs = 1;
  /* node_new sized the arrays for a config-less node: redo them for one input. */
  g_free (n->ctx.in); g_free (n->ctx.in_bound); g_free (n->ctx.out); g_free (n->ctx.out_bound);
  g_free (n->side_in); g_free (n->inputs); g_free (n->outputs);
  node_alloc_context (n);
  n->label = g_strdup_printf ("%s of stream '%s'",
                              kind == FV_NODE_OBSERVER ? "observer" : "poller", s->name);
  n->short_name = g_strdup (n->label);
  g_ptr_array_add (g->nodes, n);
  connect_input (g, n, 0, s);
  return n;
}

static gboolean
resolve_types (FvGraph *g, GError **error)
{
  /* Outputs declared "same as" an input take the type of the stream feeding that input;
   * iterate so that chains of pass-throughs resolve in any node order. */
  gboolean changed = TRUE;
  for (guint pass = 0; changed && pass <= g->nodes->len; pass++)
    {
      changed = FALSE;
      for (guint i = 0; i < g->nodes->len; i++)
        {
          FvNode *n = g_ptr_array_index (g->nodes, i);
          for (guint o = 0; o < n->n_outputs; o++)
            {
              FvPortInfo *p = &n->contract.ports[FV_PORT_OUTPUT][o];
              FvTypeId t = p->type;
              if (p->same_kind == FV_PORT_INPUT)
                t = n->inputs[p->same_port].stream->type;
              else if (p->same_kind == FV_PORT_OUTPUT)
                t = n->outputs[p->same_port]->type;
              if (n->outputs[o]->type != t)
                {
                  n->outputs[o]->type = t;
                  changed = TRUE;
                }
            }
        }
    }
  for (guint i = 0; i < g->nodes->len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      for (guint k = 0; k < n->n_inputs; k++)
        {
          FvPortInfo *p = &n->contract.ports[FV_PORT_INPUT][k];
          FvStream *s = n->inputs[k].stream;
          FvTypeId want = p->same_kind == FV_PORT_INPUT ? n->inputs[p->same_port].stream->type
                                                        : p->type;
          if (!fv_type_compatible (want, s->type))
            {
              char *ps = port_string (p);
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                           "%s: input stream '%s' expects type '%s' but %s produces '%s'",
                           n->label, ps, fv_type_name (want),
                           s->producer != NULL ? s->producer->label : "the graph input",
                           fv_type_name (s->type));
              g_free (ps);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
check_side_packets (FvGraph *g, GError **error)
{
  GHashTable *producers = g_hash_table_new (g_str_hash, g_str_equal);  /* name -> FvNode* */
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < g->nodes->len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      for (guint k = 0; ok && k < n->n_side_out; k++)
        {
          const char *name = n->contract.ports[FV_PORT_SIDE_OUTPUT][k].name;
          FvNode *other = g_hash_table_lookup (producers, name);
          if (other != NULL || g_hash_table_contains (g->side_packets, name))
            {
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                           "side packet '%s' has two producers: %s and %s", name,
                           other != NULL ? other->label : "the side packets given to the graph",
                           n->label);
              ok = FALSE;
            }
          g_hash_table_insert (producers, (gpointer) name, n);
        }
    }
  for (guint i = 0; ok && i < g->nodes->len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      for (guint k = 0; ok && k < n->n_side_in; k++)
        {
          const FvPortInfo *p = &n->contract.ports[FV_PORT_SIDE_INPUT][k];
          FvPacket *given = g_hash_table_lookup (g->side_packets, p->name);
          FvNode *prod = g_hash_table_lookup (producers, p->name);
          FvTypeId have = FV_TYPE_INVALID;
          if (given != NULL)
            have = fv_packet_type (given);
          else if (prod != NULL)
            for (guint o = 0; o < prod->n_side_out; o++)
              if (strcmp (prod->contract.ports[FV_PORT_SIDE_OUTPUT][o].name, p->name) == 0)
                have = prod->contract.ports[FV_PORT_SIDE_OUTPUT][o].type;
          if (given == NULL && prod == NULL)
            {
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                           "%s: input side packet '%s' is missing: neither given to the graph "
                           "nor produced by a node", n->label, p->name);
              ok = FALSE;
            }
          else if (!fv_type_compatible (p->type, have))
            {
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                           "%s: input side packet '%s' expects type '%s' but has '%s'",
                           n->label, p->name, fv_type_name (p->type), fv_type_name (have));
              ok = FALSE;
            }
        }
    }
  g_hash_table_unref (producers);
  return ok;
}

/* Describes one cycle among the nodes whose in-degree never reached 0. */
static void
report_cycle (FvGraph *g, const guint *indeg, GError **error)
{
  guint start = 0;
  while (indeg[start] == 0)
    start++;
  guint len = g->nodes->len;
  int *seen_at = g_new (int, len);
  guint *path = g_new (guint, len + 1);
  const char **via = g_new0 (const char *, len + 1);
  for (guint i = 0; i < len; i++)
    seen_at[i] = -1;
  guint cur = start, steps = 0;
  /* Walk backwards along non-back-edge inputs whose producer is also stuck. */
  while (seen_at[cur] < 0)
    {
      seen_at[cur] = (int) steps;
      path[steps] = cur;
      FvNode *n = g_ptr_array_index (g->nodes, cur);
      for (guint k = 0; k < n->n_inputs; k++)
        {
          FvStream *s = n->inputs[k].stream;
          if (!n->inputs[k].back_edge && s->producer != NULL && indeg[s->producer->id] > 0)
            {
              via[steps] = s->name;
              cur = s->producer->id;
              break;
            }
        }
      steps++;
    }
  /* path[c..steps-1] walks the cycle backwards (via[j] feeds path[j] from path[j+1],
   * and via[steps-1] from path[c]); print it in the direction packets flow. */
  guint c = (guint) seen_at[cur];
  FvNode *first = g_ptr_array_index (g->nodes, path[c]);
  GString *msg = g_string_new ("the graph has a cycle without a back edge: ");
  g_string_append (msg, first->label);
  for (guint j = steps - 1; j > c; j--)
    {
      FvNode *n = g_ptr_array_index (g->nodes, path[j]);
      g_string_append_printf (msg, " -> stream '%s' -> %s", via[j], n->label);
    }
  g_string_append_printf (msg, " -> stream '%s' -> %s; mark one of these inputs with "
                          "input_stream_info { tag_index: ... back_edge: true }",
                          via[c], first->label);
  g_set_error_literal (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, msg->str);
  g_string_free (msg, TRUE);
  g_free (seen_at);
  g_free (path);
  g_free (via);
}

gboolean
fv_graph_compute_ranks (FvGraph *g, GError **error)
{
  guint len = g->nodes->len;
  guint *indeg = g_new0 (guint, len + 1);
  guint *order = g_new (guint, len + 1);
  for (guint i = 0; i < len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      for (guint k = 0; k < n->n_inputs; k++)
        if (!n->inputs[k].back_edge && n->inputs[k].stream->producer != NULL)
          indeg[i]++;
    }
  guint head = 0, tail = 0;
  for (guint i = 0; i < len; i++)
    if (indeg[i] == 0)
      order[tail++] = i;
  while (head < tail)
    {
      FvNode *n = g_ptr_array_index (g->nodes, order[head]);
      n->rank = head++;
      for (guint o = 0; o < n->n_outputs; o++)
        {
          FvStream *s = n->outputs[o];
          for (guint c = 0; c < s->consumers->len; c++)
            {
              FvNode *m = g_ptr_array_index (s->consumers, c);
              guint port = g_array_index (s->consumer_ports, guint, c);
              if (!m->inputs[port].back_edge && --indeg[m->id] == 0)
                order[tail++] = m->id;
            }
        }
    }
  gboolean ok = tail == len;
  if (!ok)
    report_cycle (g, indeg, error);
  g_free (indeg);
  g_free (order);
  return ok;
}

gboolean
fv_graph_build (FvGraph *g, GError **error)
{
  const FvGraphConfig *config = g->config;
  for (guint i = 0; i < config->input_streams->len; i++)
    {
      const FvStreamRef *ref = g_ptr_array_index (config->input_streams, i);
      FvStream *s = add_stream (g, ref->name, NULL, -1, error);
      if (s == NULL)
        return FALSE;
      g_ptr_array_add (g->graph_inputs, s);
    }
  for (guint i = 0; i < config->nodes->len; i++)
    if (!build_node (g, g_ptr_array_index (config->nodes, i), i, error))
      return FALSE;
  for (guint i = 0; i < g->nodes->len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      for (guint o = 0; o < n->n_outputs; o++)
        {
          n->outputs[o] = add_stream (g, n->contract.ports[FV_PORT_OUTPUT][o].name, n, (int) o,
                                      error);
          if (n->outputs[o] == NULL)
            return FALSE;
          n->outputs[o]->type = n->contract.ports[FV_PORT_OUTPUT][o].type;
        }
    }
  for (guint i = 0; i < g->nodes->len; i++)
    {
      FvNode *n = g_ptr_array_index (g->nodes, i);
      for (guint k = 0; k < n->n_inputs; k++)
        {
          const FvPortInfo *p = &n->contract.ports[FV_PORT_INPUT][k];
          FvStream *s = g_hash_table_lookup (g->streams, p->name);
          if (s == NULL)
            {
              char *ps = port_string (p);
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                           "%s: input stream '%s' is not connected: '%s' is neither a graph "
                           "input_stream nor any node's output_stream", n->label, ps, p->name);
              g_free (ps);
              return FALSE;
            }
          connect_input (g, n, k, s);
        }
    }
  for (guint i = 0; i < config->output_streams->len; i++)
    {
      const FvStreamRef *ref = g_ptr_array_index (config->output_streams, i);
      if (!g_hash_table_contains (g->streams, ref->name))
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "graph output_stream '%s' is not produced by any node", ref->name);
          return FALSE;
        }
    }
  if (!resolve_types (g, error) || !check_side_packets (g, error))
    return FALSE;
  return fv_graph_compute_ranks (g, error);
}
