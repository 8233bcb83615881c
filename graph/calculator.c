/* fovea — the calculator registry and the contract / context accessors calculators use. */
#include "graph/graph_internal.h"

#include <string.h>

static GMutex registry_lock;
static GHashTable *registry;   /* name -> const FvCalculatorClass* (lives for the process) */

gboolean
fv_calculator_register (const FvCalculatorClass *klass, GError **error)
{
  if (klass == NULL || klass->name == NULL || klass->name[0] == '\0' || klass->contract == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "a calculator class needs a name and a contract function");
      return FALSE;
    }
  gboolean ok = TRUE;
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  const FvCalculatorClass *old = g_hash_table_lookup (registry, klass->name);
  if (old != NULL && old != klass)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "a different calculator is already registered as '%s'", klass->name);
      ok = FALSE;
    }
  else
    g_hash_table_insert (registry, (gpointer) klass->name, (gpointer) klass);
  g_mutex_unlock (&registry_lock);
  return ok;
}

const FvCalculatorClass *
fv_calculator_lookup (const char *name)
{
  const FvCalculatorClass *klass = NULL;
  g_mutex_lock (&registry_lock);
  if (registry != NULL && name != NULL)
    klass = g_hash_table_lookup (registry, name);
  g_mutex_unlock (&registry_lock);
  return klass;
}

gboolean
fv_calculator_unregister (const char *name)
{
  gboolean removed = FALSE;
  g_mutex_lock (&registry_lock);
  if (registry != NULL && name != NULL)
    removed = g_hash_table_remove (registry, name);
  g_mutex_unlock (&registry_lock);
  return removed;
}

/* ---- contract ---- */

static const char *const port_kind_names[4] = {
  "input stream", "output stream", "input side packet", "output side packet",
};

static GPtrArray *
config_ports (const FvNodeConfig *config, FvPortKind kind)
{
  switch (kind)
    {
    case FV_PORT_INPUT: return config->input_streams;
    case FV_PORT_OUTPUT: return config->output_streams;
    case FV_PORT_SIDE_INPUT: return config->input_side_packets;
    default: return config->output_side_packets;
    }
}

void
fv_contract_init (FvContract *cc, FvNode *node)
{
  memset (cc, 0, sizeof *cc);
  cc->node = node;
  cc->policy = FV_INPUT_POLICY_DEFAULT;
  for (int k = 0; k < 4; k++)
    {
      GPtrArray *refs = node->config != NULL ? config_ports (node->config, k) : NULL;
      guint n = refs != NULL ? refs->len : 0;
      cc->n_ports[k] = n;
      cc->ports[k] = g_new0 (FvPortInfo, n + 1);
      for (guint i = 0; i < n; i++)
        {
          const FvStreamRef *ref = g_ptr_array_index (refs, i);
          FvPortInfo *p = &cc->ports[k][i];
          p->tag = ref->tag != NULL ? ref->tag : "";
          /* Untagged ports are numbered by position among the untagged ones. */
          p->index = ref->index;
          p->name = ref->name;
          p->same_kind = p->same_port = -1;
        }
      if (node->config != NULL)
        {
          guint untagged = 0;
          for (guint i = 0; i < n; i++)
            if (cc->ports[k][i].tag[0] == '\0')
              cc->ports[k][i].index = (int) untagged++;
        }
    }
}

void
fv_contract_clear (FvContract *cc)
{
  for (int k = 0; k < 4; k++)
    g_clear_pointer (&cc->ports[k], g_free);
}

const char *
fv_contract_node_name (FvContract *cc)
{
  return cc->node->label;
}

const FvTpMessage *
fv_contract_options (FvContract *cc)
{
  return cc->node->config != NULL ? cc->node->config->options : NULL;
}

guint
fv_contract_num_ports (FvContract *cc, FvPortKind kind)
{
  return kind <= FV_PORT_SIDE_OUTPUT ? cc->n_ports[kind] : 0;
}

static int
find_port (const FvContract *cc, FvPortKind kind, const char *tag, int index)
{
  if (kind > FV_PORT_SIDE_OUTPUT)
    return -1;
  if (tag == NULL)
    tag = "";
  for (guint i = 0; i < cc->n_ports[kind]; i++)
    if (strcmp (cc->ports[kind][i].tag, tag) == 0 && cc->ports[kind][i].index == index)
      return (int) i;
  return -1;
}

int
fv_contract_port (FvContract *cc, FvPortKind kind, const char *tag, int index)
{
  return find_port (cc, kind, tag, index);
}

guint
fv_contract_tag_count (FvContract *cc, FvPortKind kind, const char *tag)
{
  guint n = 0;
  if (kind > FV_PORT_SIDE_OUTPUT)
    return 0;
  for (guint i = 0; i < cc->n_ports[kind]; i++)
    if (strcmp (cc->ports[kind][i].tag, tag != NULL ? tag : "") == 0)
      n++;
  return n;
}

const char *
fv_contract_port_tag (FvContract *cc, FvPortKind kind, guint port)
{
  if (kind > FV_PORT_SIDE_OUTPUT || port >= cc->n_ports[kind])
    return NULL;
  return cc->ports[kind][port].tag;
}

gboolean
fv_contract_set_type (FvContract *cc, FvPortKind kind, guint port, const char *type,
                      GError **error)
{
  if (kind > FV_PORT_SIDE_OUTPUT || port >= cc->n_ports[kind])
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%s: the contract names %s #%u, which the node does not have",
                   cc->node->label, kind <= FV_PORT_SIDE_OUTPUT ? port_kind_names[kind] : "port",
                   port);
      return FALSE;
    }
  FvTypeId id = fv_type_lookup (type);
  if (id == FV_TYPE_INVALID)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                   "%s: %s '%s' is declared with the unknown type '%s'", cc->node->label,
                   port_kind_names[kind], cc->ports[kind][port].name, type ? type : "(null)");
      return FALSE;
    }
  cc->ports[kind][port].type = id;
  cc->ports[kind][port].declared = TRUE;
  return TRUE;
}

gboolean
fv_contract_set_tag_type (FvContract *cc, FvPortKind kind, const char *tag, const char *type,
                          gboolean optional, GError **error)
{
  guint found = 0;
  for (guint i = 0; kind <= FV_PORT_SIDE_OUTPUT && i < cc->n_ports[kind]; i++)
    if (strcmp (cc->ports[kind][i].tag, tag != NULL ? tag : "") == 0)
      {
        if (!fv_contract_set_type (cc, kind, i, type, error))
          return FALSE;
        found++;
      }
  if (found == 0 && !optional)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%s: the calculator needs an %s%s%s", cc->node->label,
                   kind <= FV_PORT_SIDE_OUTPUT ? port_kind_names[kind] : "port",
                   tag != NULL && tag[0] ? " tagged " : " without a tag", tag ? tag : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
fv_contract_set_all_types (FvContract *cc, FvPortKind kind, const char *type, GError **error)
{
  for (guint i = 0; kind <= FV_PORT_SIDE_OUTPUT && i < cc->n_ports[kind]; i++)
    if (!fv_contract_set_type (cc, kind, i, type, error))
      return FALSE;
  return TRUE;
}

void
fv_contract_set_same_as (FvContract *cc, FvPortKind kind, guint port, FvPortKind other_kind,
                         guint other_port)
{
  if (kind > FV_PORT_SIDE_OUTPUT || port >= cc->n_ports[kind]
      || other_kind > FV_PORT_SIDE_OUTPUT || other_port >= cc->n_ports[other_kind])
    return;
  FvPortInfo *p = &cc->ports[kind][port];
  p->declared = TRUE;
  p->type = FV_TYPE_ANY;
  p->same_kind = other_kind;
  p->same_port = (int) other_port;
}

void
fv_contract_set_timestamp_offset (FvContract *cc, gint64 offset)
{
  cc->has_offset = TRUE;
  cc->offset = offset;
}

void
fv_contract_set_process_timestamp_bounds (FvContract *cc, gboolean enable)
{
  cc->process_bounds = enable;
}

void
fv_contract_set_input_policy (FvContract *cc, FvInputPolicy policy)
{
  cc->policy = policy;
}

/* ---- context ---- */

gpointer
fv_context_state (FvCalculatorContext *ctx)
{
  return ctx->node->state;
}

const FvTpMessage *
fv_context_options (FvCalculatorContext *ctx)
{
  return ctx->node->config != NULL ? ctx->node->config->options : NULL;
}

const char *
fv_context_node_name (FvCalculatorContext *ctx)
{
  return ctx->node->label;
}

guint
fv_context_num_ports (FvCalculatorContext *ctx, FvPortKind kind)
{
  return fv_contract_num_ports (&ctx->node->contract, kind);
}

int
fv_context_port (FvCalculatorContext *ctx, FvPortKind kind, const char *tag, int index)
{
  return find_port (&ctx->node->contract, kind, tag, index);
}

const char *
fv_context_port_tag (FvCalculatorContext *ctx, FvPortKind kind, guint port)
{
  return fv_contract_port_tag (&ctx->node->contract, kind, port);
}

gint64
fv_context_input_timestamp (FvCalculatorContext *ctx)
{
  return ctx->input_ts;
}

FvPacket *
fv_context_input (FvCalculatorContext *ctx, guint port)
{
  return port < ctx->node->n_inputs ? ctx->in[port] : NULL;
}

gint64
fv_context_input_bound (FvCalculatorContext *ctx, guint port)
{
  return port < ctx->node->n_inputs ? ctx->in_bound[port] : FV_TIMESTAMP_DONE;
}

void
fv_context_output (FvCalculatorContext *ctx, guint port, FvPacket *packet)
{
  if (packet == NULL)
    return;
  if (port >= ctx->node->n_outputs || ctx->discard)
    {
      if (port >= ctx->node->n_outputs)
        g_warning ("%s: output port %u does not exist; packet dropped", ctx->node->label, port);
      fv_packet_unref (packet);
      return;
    }
  if (fv_packet_timestamp (packet) == FV_TIMESTAMP_UNSET)
    packet = fv_packet_stamp (packet, ctx->input_ts);
  g_ptr_array_add (ctx->out[port], packet);
}

void
fv_context_set_output_bound (FvCalculatorContext *ctx, guint port, gint64 ts)
{
  if (port >= ctx->node->n_outputs)
    return;
  if (ctx->out_bound[port] == FV_TIMESTAMP_UNSET || ts > ctx->out_bound[port])
    ctx->out_bound[port] = ts;
}

FvPacket *
fv_context_side_input (FvCalculatorContext *ctx, guint port)
{
  return port < ctx->node->n_side_in ? ctx->node->side_in[port] : NULL;
}

void
fv_context_set_side_output (FvCalculatorContext *ctx, guint port, FvPacket *packet)
{
  if (port >= ctx->node->n_side_out || ctx->side_out == NULL)
    {
      fv_packet_unref (packet);
      return;
    }
  fv_packet_unref (ctx->side_out[port]);
  ctx->side_out[port] = packet;
}

void
fv_context_counter_add (FvCalculatorContext *ctx, const char *name, gint64 delta)
{
  FvGraph *g = ctx->node->graph;
  fv_mutex_lock (&g->lock);
  gint64 *value = g_hash_table_lookup (ctx->node->counters, name);
  if (value == NULL)
    {
      value = g_new0 (gint64, 1);
      g_hash_table_insert (ctx->node->counters, g_strdup (name), value);
    }
  *value += delta;
  fv_mutex_unlock (&g->lock);
}

/* ---- the internal sink used by observers and pollers ---- */

static gboolean
sink_contract (FvContract *cc, GError **error)
{
  return TRUE;
}

static FvProcessStatus
sink_process (FvCalculatorContext *ctx, GError **error)
{
  FvNode *node = ctx->node;
  FvPacket *packet = ctx->in[0];
  if (packet == NULL)
    return FV_PROCESS_OK;
  if (node->kind == FV_NODE_OBSERVER)
    {
      GError *local = NULL;
      if (!node->callback (packet, node->callback_data, &local))
        {
          if (local == NULL)
            g_set_error (&local, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                         "the callback failed");
          g_propagate_error (error, local);
          return FV_PROCESS_ERROR;
        }
      return FV_PROCESS_OK;
    }
  FvGraph *g = node->graph;
  fv_mutex_lock (&g->lock);
  g_queue_push_tail (&node->poller->packets, fv_packet_ref (packet));
  fv_cond_broadcast (&g->state_cond);
  fv_mutex_unlock (&g->lock);
  return FV_PROCESS_OK;
}

static gboolean
sink_close (FvCalculatorContext *ctx, GError **error)
{
  FvNode *node = ctx->node;
  if (node->kind == FV_NODE_POLLER)
    {
      FvGraph *g = node->graph;
      fv_mutex_lock (&g->lock);
      node->poller->done = TRUE;
      fv_cond_broadcast (&g->state_cond);
      fv_mutex_unlock (&g->lock);
    }
  return TRUE;
}

static const FvCalculatorClass sink_class = {
  .name = "__FvSinkCalculator",
  .contract = sink_contract,
  .process = sink_process,
  .close = sink_close,
};

const FvCalculatorClass *
fv_internal_sink_class (void)
{
  return &sink_class;
}
