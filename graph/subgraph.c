/* fovea — the subgraph registry and subgraph expansion (inlining at load time).
 *
 * Expansion follows MediaPipe's tool/subgraph_expansion.cc: rounds over the node list,
 * each round inlining every node whose calculator is a registered subgraph, until none
 * is left. The prefix of an inlined subgraph is its node's canonical name in lowercase
 * plus "__", so two uses of one subgraph never share an internal stream. Each node keeps
 * the chain of subgraph types it came from, which is how recursion is caught.
 */
#include "graph/config.h"

#include <string.h>

static GMutex registry_lock;
static GHashTable *registry; /* char* type → FvGraphConfig* (owned) */

static const char *
cfg_file (const FvGraphConfig *c)
{
  return c->filename ? c->filename : "<string>";
}

/* ---- registry -------------------------------------------------------------------- */

static gboolean
check_subgraph_config (const FvGraphConfig *c, GError **error)
{
  if (!c->type || !*c->type) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "%s: a subgraph config needs a 'type: \"Name\"' field", cfg_file (c));
    return FALSE;
  }
  /* a stream both entering and leaving the subgraph could map to two outer names */
  for (guint i = 0; i < c->input_streams->len; i++) {
    const FvStreamRef *in = g_ptr_array_index (c->input_streams, i);
    for (guint k = 0; k < c->output_streams->len; k++) {
      const FvStreamRef *out = g_ptr_array_index (c->output_streams, k);
      if (strcmp (in->name, out->name) == 0) {
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "%s: subgraph %s: stream \"%s\" is both a graph input and output; "
                     "pass it through a node", cfg_file (c), c->type, in->name);
        return FALSE;
      }
    }
  }
  return TRUE;
}

gboolean
fv_subgraph_register (FvGraphConfig *config, GError **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  if (!check_subgraph_config (config, error)) {
    fv_graph_config_free (config);
    return FALSE;
  }
  g_mutex_lock (&registry_lock);
  if (!registry)
    registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) fv_graph_config_free);
  g_hash_table_replace (registry, g_strdup (config->type), config);
  g_mutex_unlock (&registry_lock);
  return TRUE;
}

gboolean
fv_subgraph_register_text (const char *text, const char *filename, GError **error)
{
  FvGraphConfig *c = fv_graph_config_parse (text, -1, filename, error);
  return c && fv_subgraph_register (c, error);
}

gboolean
fv_subgraph_is_registered (const char *type)
{
  g_mutex_lock (&registry_lock);
  gboolean found = registry && type && g_hash_table_contains (registry, type);
  g_mutex_unlock (&registry_lock);
  return found;
}

gboolean
fv_subgraph_unregister (const char *type)
{
  g_mutex_lock (&registry_lock);
  gboolean found = registry && type && g_hash_table_remove (registry, type);
  g_mutex_unlock (&registry_lock);
  return found;
}

void
fv_subgraph_registry_clear (void)
{
  g_mutex_lock (&registry_lock);
  g_clear_pointer (&registry, g_hash_table_unref);
  g_mutex_unlock (&registry_lock);
}

/* A private copy, so expansion never holds the lock while it works. */
static FvGraphConfig *
lookup_copy (const char *type)
{
  g_mutex_lock (&registry_lock);
  const FvGraphConfig *c = registry && type ? g_hash_table_lookup (registry, type) : NULL;
  FvGraphConfig *copy = c ? fv_graph_config_copy (c) : NULL;
  g_mutex_unlock (&registry_lock);
  return copy;
}

/* ---- names ----------------------------------------------------------------------- */

/* MediaPipe's CanonicalNodeName: the name, else the calculator; "_<n>" (1-based) when
 * several nodes share it. transfer full. */
static char *
canonical_name (const GPtrArray *nodes, guint id)
{
  const char *base = fv_node_config_display_name (g_ptr_array_index (nodes, id));
  int count = 0, seq = 0;
  for (guint i = 0; i < nodes->len; i++) {
    if (strcmp (fv_node_config_display_name (g_ptr_array_index (nodes, i)), base) != 0)
      continue;
    count++;
    if (i < id)
      seq++;
  }
  if (count <= 1)
    return g_strdup (base);
  return g_strdup_printf ("%s_%d", base, seq + 1);
}

static char *
make_prefix (const char *canonical)
{
  char *p = g_ascii_strdown (canonical, -1);
  for (char *s = p; *s; s++)
    if (*s == '.' || *s == ' ' || *s == ':')
      *s = '_';
  char *prefix = g_strconcat (p, "__", NULL);
  g_free (p);
  return prefix;
}

/* ---- options --------------------------------------------------------------------- */

/* The message field `name` of m, created when absent (transfer none). */
static FvTpMessage *
get_or_add_message (FvTpMessage *m, const char *name)
{
  for (guint i = m->fields->len; i > 0; i--) {
    FvTpField *f = g_ptr_array_index (m->fields, i - 1);
    if (strcmp (f->name, name) == 0 && f->kind == FV_TP_MESSAGE)
      return f->msg;
  }
  fv_tp_remove (m, name);
  return fv_tp_add_message (m, name)->msg;
}

static gboolean
valid_path_segment (const char *s)
{
  if (!*s)
    return FALSE;
  for (; *s; s++)
    if (!(g_ascii_isalnum (*s) || *s == '_'))
      return FALSE;
  return TRUE;
}

/* option_value "lhs/path:options/rhs/path": copies the graph option at rhs (every
 * occurrence, for repeated fields) into the node's options at lhs. Absent → no change. */
static gboolean
apply_option_value (const FvGraphConfig *parent, const FvNodeConfig *outer,
                    FvNodeConfig *node, const char *spec, const FvTpMessage *graph_opts,
                    GError **error)
{
  const char *colon = strchr (spec, ':');
  char *lhs = g_strndup (spec, (gsize) (colon - spec));
  char **lseg = g_strsplit (lhs, "/", -1);
  char **rseg = g_strsplit (colon + 1, "/", -1);
  gboolean ok = FALSE;
  guint nl = g_strv_length (lseg), nr = g_strv_length (rseg);
  gboolean well_formed = nl >= 1 && nr >= 2 && strcmp (rseg[0], "options") == 0;
  for (guint i = 0; well_formed && i < nl; i++)
    well_formed = valid_path_segment (lseg[i]);
  for (guint i = 1; well_formed && i < nr; i++)
    well_formed = valid_path_segment (rseg[i]);
  if (!well_formed) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "%s:%d:%d: node '%s' (subgraph %s): expected option_value "
                 "\"field/path:options/field/path\", found \"%s\"",
                 cfg_file (parent), outer->line, outer->col,
                 fv_node_config_display_name (outer), outer->calculator, spec);
    goto out;
  }
  const FvTpMessage *src = graph_opts;
  for (guint i = 1; src && i + 1 < nr; i++)
    src = fv_tp_get_message (src, rseg[i]);
  ok = TRUE;
  if (!src || fv_tp_count (src, rseg[nr - 1]) == 0)
    goto out;
  if (!node->options)
    node->options = fv_tp_message_new ();
  FvTpMessage *dst = node->options;
  for (guint i = 0; i + 1 < nl; i++)
    dst = get_or_add_message (dst, lseg[i]);
  fv_tp_remove (dst, lseg[nl - 1]);
  for (guint i = 0; i < src->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (src->fields, i);
    if (strcmp (f->name, rseg[nr - 1]) == 0)
      fv_tp_add_copy (dst, f, lseg[nl - 1]);
  }
out:
  g_free (lhs);
  g_strfreev (lseg);
  g_strfreev (rseg);
  return ok;
}

/* ---- stream mapping -------------------------------------------------------------- */

/* For each port of the subgraph node, finds the subgraph's graph-level port with the same
 * tag and index and maps its inner name to the outer one. */
static gboolean
map_ports (const FvGraphConfig *parent, const FvNodeConfig *outer, const GPtrArray *inner,
           const GPtrArray *ports, const char *what, GHashTable *map, GError **error)
{
  for (guint i = 0; i < ports->len; i++) {
    const FvStreamRef *p = g_ptr_array_index (ports, i);
    const FvStreamRef *s = fv_stream_ref_find (inner, p->tag, p->index);
    if (!s) {
      char *port = fv_stream_ref_to_string (p);
      GString *known = g_string_new (NULL);
      for (guint k = 0; k < inner->len; k++) {
        char *d = fv_stream_ref_to_string (g_ptr_array_index (inner, k));
        g_string_append_printf (known, "%s\"%s\"", k ? ", " : "", d);
        g_free (d);
      }
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%s:%d:%d: node '%s' (subgraph %s): unknown %s \"%s\" (%s:%d); the "
                   "subgraph declares %s", cfg_file (parent), outer->line, outer->col,
                   fv_node_config_display_name (outer), outer->calculator, what, port,
                   *p->tag ? p->tag : "untagged", p->index,
                   known->len ? known->str : "none");
      g_free (port);
      g_string_free (known, TRUE);
      return FALSE;
    }
    g_hash_table_replace (map, g_strdup (s->name), g_strdup (p->name));
  }
  return TRUE;
}

/* Names of the subgraph's graph-level ports the node leaves unconnected. */
static void
find_ignored (const GPtrArray *inner, const GPtrArray *ports, GHashTable *ignored)
{
  for (guint i = 0; i < inner->len; i++) {
    const FvStreamRef *s = g_ptr_array_index (inner, i);
    if (!fv_stream_ref_find (ports, s->tag, s->index))
      g_hash_table_add (ignored, g_strdup (s->name));
  }
}

static void
rename_list (GPtrArray *list, GHashTable *map, const char *prefix)
{
  for (guint i = 0; i < list->len; i++) {
    FvStreamRef *r = g_ptr_array_index (list, i);
    const char *outer = g_hash_table_lookup (map, r->name);
    char *n = outer ? g_strdup (outer) : g_strconcat (prefix, r->name, NULL);
    g_free (r->name);
    r->name = n;
  }
}

/* Drops inputs fed by unconnected subgraph inputs (MediaPipe treats them as optional)
 * and renumbers the untagged ones. */
static void
drop_ignored (GPtrArray *list, GHashTable *ignored, GPtrArray *back_edges)
{
  for (guint i = list->len; i > 0; i--) {
    FvStreamRef *r = g_ptr_array_index (list, i - 1);
    if (!g_hash_table_contains (ignored, r->name))
      continue;
    if (back_edges) {
      char *key = g_strdup_printf ("%s:%d", r->tag, r->index);
      for (guint k = back_edges->len; k > 0; k--)
        if (strcmp (g_ptr_array_index (back_edges, k - 1), key) == 0)
          g_ptr_array_remove_index (back_edges, k - 1);
      g_free (key);
    }
    g_ptr_array_remove_index (list, i - 1);
  }
  int pos = 0;
  for (guint i = 0; i < list->len; i++) {
    FvStreamRef *r = g_ptr_array_index (list, i);
    if (!*r->tag)
      r->index = pos++;
  }
}

/* ---- expansion ------------------------------------------------------------------- */

static gboolean
check_subgraph_node (const FvGraphConfig *parent, const FvNodeConfig *n, GError **error)
{
  const char *bad = NULL;
  if (n->source_layer)
    bad = "source_layer";
  else if (n->buffer_size_hint)
    bad = "buffer_size_hint";
  else if (n->input_stream_handler)
    bad = "input_stream_handler";
  else if (n->output_stream_handler)
    bad = "output_stream_handler";
  else if (n->back_edges->len)
    bad = "input_stream_info";
  else if (n->executor)
    bad = "executor";
  else if (n->max_in_flight != 1)
    bad = "max_in_flight";
  if (!bad)
    return TRUE;
  g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
               "%s:%d:%d: node '%s' (subgraph %s): field '%s' applies to calculators only",
               cfg_file (parent), n->line, n->col, fv_node_config_display_name (n),
               n->calculator, bad);
  return FALSE;
}

/* Inlines `outer` (whose calculator is the subgraph `sub`): appends the inner nodes,
 * renamed and connected, to out. Takes ownership of sub. */
static gboolean
expand_one (const FvGraphConfig *parent, const FvNodeConfig *outer, const char *canonical,
            FvGraphConfig *sub, GPtrArray *out, GError **error)
{
  gboolean ok = FALSE;
  char *prefix = make_prefix (canonical);
  GHashTable *streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *sides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *ign_streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *ign_sides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FvTpMessage *opts = NULL;

  if (!map_ports (parent, outer, sub->input_streams, outer->input_streams, "input stream",
                  streams, error) ||
      !map_ports (parent, outer, sub->output_streams, outer->output_streams, "output stream",
                  streams, error) ||
      !map_ports (parent, outer, sub->input_side_packets, outer->input_side_packets,
                  "input side packet", sides, error) ||
      !map_ports (parent, outer, sub->output_side_packets, outer->output_side_packets,
                  "output side packet", sides, error))
    goto out;
  find_ignored (sub->input_streams, outer->input_streams, ign_streams);
  find_ignored (sub->input_side_packets, outer->input_side_packets, ign_sides);

  /* the node's options override the subgraph's declared defaults */
  opts = sub->graph_options ? fv_tp_message_copy (sub->graph_options) : fv_tp_message_new ();
  if (outer->options) {
    if (sub->graph_options_type && outer->options_type &&
        strcmp (sub->graph_options_type, outer->options_type) != 0)
      g_debug ("%s:%d:%d: node '%s' passes %s options to subgraph %s, which declares %s",
               cfg_file (parent), outer->line, outer->col,
               fv_node_config_display_name (outer), outer->options_type, sub->type,
               sub->graph_options_type);
    fv_tp_message_merge (opts, outer->options);
  }

  for (guint i = 0; i < sub->nodes->len; i++) {
    FvNodeConfig *n = g_ptr_array_index (sub->nodes, i);
    for (guint k = 0; k < n->option_values->len; k++)
      if (!apply_option_value (parent, outer, n, g_ptr_array_index (n->option_values, k),
                               opts, error))
        goto out;
    g_ptr_array_set_size (n->option_values, 0);
    drop_ignored (n->input_streams, ign_streams, n->back_edges);
    drop_ignored (n->input_side_packets, ign_sides, NULL);
    rename_list (n->input_streams, streams, prefix);
    rename_list (n->output_streams, streams, prefix);
    rename_list (n->input_side_packets, sides, prefix);
    rename_list (n->output_side_packets, sides, prefix);
  }
  /* inner names are computed on the subgraph's own node list, before any is renamed */
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < sub->nodes->len; i++) {
    char *c = canonical_name (sub->nodes, i);
    g_ptr_array_add (names, g_strconcat (prefix, c, NULL));
    g_free (c);
  }
  for (guint i = 0; i < sub->nodes->len; i++) {
    FvNodeConfig *n = g_ptr_array_index (sub->nodes, i);
    g_free (n->name);
    n->name = g_strdup (g_ptr_array_index (names, i));
    /* errors in inlined nodes point at the node that used the subgraph */
    n->line = outer->line;
    n->col = outer->col;
  }
  g_ptr_array_unref (names);
  for (guint i = 0; i < sub->nodes->len; i++)
    g_ptr_array_add (out, fv_node_config_copy (g_ptr_array_index (sub->nodes, i)));
  ok = TRUE;
out:
  fv_tp_message_free (opts);
  g_hash_table_unref (streams);
  g_hash_table_unref (sides);
  g_hash_table_unref (ign_streams);
  g_hash_table_unref (ign_sides);
  g_free (prefix);
  fv_graph_config_free (sub);
  return ok;
}

gboolean
fv_graph_config_expand_subgraphs (FvGraphConfig *config, GError **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  /* chain[i]: "|A|B|" = the subgraph types node i was inlined from, outermost first */
  GPtrArray *chain = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < config->nodes->len; i++)
    g_ptr_array_add (chain, g_strdup ("|"));
  GPtrArray *nodes = NULL, *next_chain = NULL;
  gboolean ok = FALSE;

  for (;;) {
    gboolean expanded = FALSE;
    nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_node_config_free);
    next_chain = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < config->nodes->len; i++) {
      const FvNodeConfig *n = g_ptr_array_index (config->nodes, i);
      const char *ch = g_ptr_array_index (chain, i);
      FvGraphConfig *sub = lookup_copy (n->calculator);
      if (!sub) {
        g_ptr_array_add (nodes, fv_node_config_copy (n));
        g_ptr_array_add (next_chain, g_strdup (ch));
        continue;
      }
      expanded = TRUE;
      char *needle = g_strconcat ("|", n->calculator, "|", NULL);
      gboolean recursive = strstr (ch, needle) != NULL;
      g_free (needle);
      int depth = 0;
      for (const char *s = ch + 1; *s; s++)
        depth += *s == '|';
      if (recursive || depth >= FV_SUBGRAPH_MAX_DEPTH) {
        char *path = g_strdelimit (g_strdup (ch + 1), "|", '>');
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "%s:%d:%d: node '%s': subgraph %s %s (inlined through %s%s)",
                     cfg_file (config), n->line, n->col, fv_node_config_display_name (n),
                     n->calculator,
                     recursive ? "contains itself" : "nests too deeply",
                     path, n->calculator);
        g_free (path);
        fv_graph_config_free (sub);
        goto out;
      }
      if (!check_subgraph_node (config, n, error)) {
        fv_graph_config_free (sub);
        goto out;
      }
      char *canonical = canonical_name (config->nodes, i);
      guint before = nodes->len;
      gboolean one = expand_one (config, n, canonical, sub, nodes, error);
      g_free (canonical);
      if (!one)
        goto out;
      for (guint k = before; k < nodes->len; k++)
        g_ptr_array_add (next_chain, g_strconcat (ch, n->calculator, "|", NULL));
    }
    g_ptr_array_unref (config->nodes);
    config->nodes = nodes;
    nodes = NULL;
    g_ptr_array_unref (chain);
    chain = next_chain;
    next_chain = NULL;
    if (!expanded)
      break;
  }
  ok = TRUE;
out:
  if (nodes)
    g_ptr_array_unref (nodes);
  if (next_chain)
    g_ptr_array_unref (next_chain);
  g_ptr_array_unref (chain);
  return ok;
}
