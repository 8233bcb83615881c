/* fovea — CalculatorGraphConfig: from a text-format tree to FvGraphConfig, with the
 * syntax-level rules (known fields, scalar types, port strings, tag/index lists,
 * back-edge references, executors) checked and reported with file:line:col.
 */
#include "graph/config.h"

#include <string.h>

/* ---- port strings ---------------------------------------------------------------- */

static gboolean
valid_tag (const char *s, gsize n)
{
  if (n == 0 || !(g_ascii_isupper (s[0]) || s[0] == '_'))
    return FALSE;
  for (gsize k = 1; k < n; k++)
    if (!(g_ascii_isupper (s[k]) || g_ascii_isdigit (s[k]) || s[k] == '_'))
      return FALSE;
  return TRUE;
}

/* Lenient on purpose: MediaPipe writes names in lowercase, some users do not. */
static gboolean
valid_name (const char *s)
{
  if (!*s)
    return FALSE;
  for (; *s; s++)
    if (!(g_ascii_isalnum (*s) || *s == '_'))
      return FALSE;
  return TRUE;
}

/* A decimal index without sign or leading zeros, at most 9999. */
static gboolean
parse_index (const char *s, gsize n, int *out)
{
  if (n == 0 || n > 4 || (n > 1 && s[0] == '0'))
    return FALSE;
  int v = 0;
  for (gsize k = 0; k < n; k++) {
    if (!g_ascii_isdigit (s[k]))
      return FALSE;
    v = v * 10 + (s[k] - '0');
  }
  *out = v;
  return TRUE;
}

gboolean
fv_stream_ref_parse (const char *spec, FvStreamRef *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!spec) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "missing port string");
    return FALSE;
  }
  const char *c1 = strchr (spec, ':');
  const char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  const char *name = spec;
  int index = -1;
  if (c2 && strchr (c2 + 1, ':')) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "port \"%s\": expected TAG:index:name, found more than two ':'", spec);
    return FALSE;
  }
  if (c1) {
    if (!valid_tag (spec, (gsize) (c1 - spec))) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "port \"%s\": expected a tag matching [A-Z_][A-Z0-9_]* before ':'", spec);
      return FALSE;
    }
    index = 0;
    name = c1 + 1;
    if (c2) {
      if (!parse_index (c1 + 1, (gsize) (c2 - c1 - 1), &index)) {
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "port \"%s\": expected a non-negative index without leading zeros "
                     "between the ':'s", spec);
        return FALSE;
      }
      name = c2 + 1;
    }
  }
  if (!valid_name (name)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "port \"%s\": expected a stream name of letters, digits and '_'%s", spec,
                 *name ? "" : ", found nothing");
    return FALSE;
  }
  out->tag = c1 ? g_strndup (spec, (gsize) (c1 - spec)) : g_strdup ("");
  out->index = index;
  out->name = g_strdup (name);
  return TRUE;
}

void
fv_stream_ref_clear (FvStreamRef *ref)
{
  g_clear_pointer (&ref->tag, g_free);
  g_clear_pointer (&ref->name, g_free);
}

void
fv_stream_ref_free (FvStreamRef *ref)
{
  if (!ref)
    return;
  fv_stream_ref_clear (ref);
  g_free (ref);
}

char *
fv_stream_ref_to_string (const FvStreamRef *ref)
{
  if (!ref->tag || !*ref->tag)
    return g_strdup (ref->name);
  if (ref->index == 0)
    return g_strdup_printf ("%s:%s", ref->tag, ref->name);
  return g_strdup_printf ("%s:%d:%s", ref->tag, ref->index, ref->name);
}

const FvStreamRef *
fv_stream_ref_find (const GPtrArray *list, const char *tag, int index)
{
  for (guint i = 0; i < list->len; i++) {
    const FvStreamRef *r = g_ptr_array_index (list, i);
    if (strcmp (r->tag, tag) == 0 && r->index == index)
      return r;
  }
  return NULL;
}

/* ---- constructors / destructors -------------------------------------------------- */

static GPtrArray *
ref_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) fv_stream_ref_free);
}

static GPtrArray *
ref_array_copy (const GPtrArray *src)
{
  GPtrArray *a = ref_array_new ();
  for (guint i = 0; i < src->len; i++) {
    const FvStreamRef *r = g_ptr_array_index (src, i);
    FvStreamRef *c = g_new (FvStreamRef, 1);
    c->tag = g_strdup (r->tag);
    c->index = r->index;
    c->name = g_strdup (r->name);
    g_ptr_array_add (a, c);
  }
  return a;
}

static GPtrArray *
str_array_copy (const GPtrArray *src)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < src->len; i++)
    g_ptr_array_add (a, g_strdup (g_ptr_array_index (src, i)));
  return a;
}

FvNodeConfig *
fv_node_config_new (void)
{
  FvNodeConfig *n = g_new0 (FvNodeConfig, 1);
  n->input_streams = ref_array_new ();
  n->output_streams = ref_array_new ();
  n->input_side_packets = ref_array_new ();
  n->output_side_packets = ref_array_new ();
  n->back_edges = g_ptr_array_new_with_free_func (g_free);
  n->option_values = g_ptr_array_new_with_free_func (g_free);
  n->max_in_flight = 1;
  return n;
}

void
fv_node_config_free (FvNodeConfig *n)
{
  if (!n)
    return;
  g_free (n->name);
  g_free (n->calculator);
  g_ptr_array_unref (n->input_streams);
  g_ptr_array_unref (n->output_streams);
  g_ptr_array_unref (n->input_side_packets);
  g_ptr_array_unref (n->output_side_packets);
  g_ptr_array_unref (n->back_edges);
  g_free (n->input_stream_handler);
  fv_tp_message_free (n->input_stream_handler_options);
  g_free (n->output_stream_handler);
  g_free (n->executor);
  fv_tp_message_free (n->options);
  g_free (n->options_type);
  g_ptr_array_unref (n->option_values);
  g_free (n);
}

FvNodeConfig *
fv_node_config_copy (const FvNodeConfig *n)
{
  FvNodeConfig *c = g_new0 (FvNodeConfig, 1);
  *c = *n;
  c->name = g_strdup (n->name);
  c->calculator = g_strdup (n->calculator);
  c->input_streams = ref_array_copy (n->input_streams);
  c->output_streams = ref_array_copy (n->output_streams);
  c->input_side_packets = ref_array_copy (n->input_side_packets);
  c->output_side_packets = ref_array_copy (n->output_side_packets);
  c->back_edges = str_array_copy (n->back_edges);
  c->input_stream_handler = g_strdup (n->input_stream_handler);
  c->input_stream_handler_options = fv_tp_message_copy (n->input_stream_handler_options);
  c->output_stream_handler = g_strdup (n->output_stream_handler);
  c->executor = g_strdup (n->executor);
  c->options = fv_tp_message_copy (n->options);
  c->options_type = g_strdup (n->options_type);
  c->option_values = str_array_copy (n->option_values);
  return c;
}

const char *
fv_node_config_display_name (const FvNodeConfig *n)
{
  if (n->name && *n->name)
    return n->name;
  return n->calculator ? n->calculator : "(no calculator)";
}

static void
executor_free (FvExecutorConfig *e)
{
  if (!e)
    return;
  g_free (e->name);
  g_free (e->type);
  g_free (e);
}

FvGraphConfig *
fv_graph_config_new (void)
{
  FvGraphConfig *g = g_new0 (FvGraphConfig, 1);
  g->input_streams = ref_array_new ();
  g->output_streams = ref_array_new ();
  g->input_side_packets = ref_array_new ();
  g->output_side_packets = ref_array_new ();
  g->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_node_config_free);
  g->executors = g_ptr_array_new_with_free_func ((GDestroyNotify) executor_free);
  return g;
}

void
fv_graph_config_free (FvGraphConfig *g)
{
  if (!g)
    return;
  g_free (g->type);
  g_free (g->filename);
  g_ptr_array_unref (g->input_streams);
  g_ptr_array_unref (g->output_streams);
  g_ptr_array_unref (g->input_side_packets);
  g_ptr_array_unref (g->output_side_packets);
  g_ptr_array_unref (g->nodes);
  g_ptr_array_unref (g->executors);
  g_free (g->input_stream_handler);
  fv_tp_message_free (g->input_stream_handler_options);
  g_free (g->package);
  fv_tp_message_free (g->graph_options);
  g_free (g->graph_options_type);
  g_free (g);
}

FvGraphConfig *
fv_graph_config_copy (const FvGraphConfig *g)
{
  FvGraphConfig *c = g_new0 (FvGraphConfig, 1);
  *c = *g;
  c->type = g_strdup (g->type);
  c->filename = g_strdup (g->filename);
  c->input_streams = ref_array_copy (g->input_streams);
  c->output_streams = ref_array_copy (g->output_streams);
  c->input_side_packets = ref_array_copy (g->input_side_packets);
  c->output_side_packets = ref_array_copy (g->output_side_packets);
  c->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_node_config_free);
  for (guint i = 0; i < g->nodes->len; i++)
    g_ptr_array_add (c->nodes, fv_node_config_copy (g_ptr_array_index (g->nodes, i)));
  c->executors = g_ptr_array_new_with_free_func ((GDestroyNotify) executor_free);
  for (guint i = 0; i < g->executors->len; i++) {
    const FvExecutorConfig *e = g_ptr_array_index (g->executors, i);
    FvExecutorConfig *ec = g_new0 (FvExecutorConfig, 1);
    ec->name = g_strdup (e->name);
    ec->type = g_strdup (e->type);
    ec->num_threads = e->num_threads;
    g_ptr_array_add (c->executors, ec);
  }
  c->input_stream_handler = g_strdup (g->input_stream_handler);
  c->input_stream_handler_options = fv_tp_message_copy (g->input_stream_handler_options);
  c->package = g_strdup (g->package);
  c->graph_options = fv_tp_message_copy (g->graph_options);
  c->graph_options_type = g_strdup (g->graph_options_type);
  return c;
}

/* ---- schema checks --------------------------------------------------------------- */

typedef enum { K_STRING, K_INT, K_BOOL, K_MSG, K_IGNORED } Kind;

typedef struct {
  const char *name;
  Kind kind;
  gboolean repeated;
} FieldSpec;

typedef struct {
  const char *filename;
  GError **error;
} Ctx;

static gboolean G_GNUC_PRINTF (4, 5)
fail (Ctx *cx, int line, int col, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (cx->error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "%s:%d:%d: %s",
               cx->filename, line, col, what);
  g_free (what);
  return FALSE;
}

static const char *
kind_word (Kind k)
{
  switch (k) {
  case K_STRING: return "a string";
  case K_INT: return "an integer";
  case K_BOOL: return "true or false";
  case K_MSG: return "a message { ... }";
  case K_IGNORED: return "anything";
  }
  return "?";
}

static const char *
tp_kind_word (FvTpKind k)
{
  switch (k) {
  case FV_TP_INT: return "an integer";
  case FV_TP_FLOAT: return "a float";
  case FV_TP_STRING: return "a string";
  case FV_TP_IDENT: return "an identifier";
  case FV_TP_MESSAGE: return "a message";
  }
  return "?";
}

/* Every field of msg must be in specs, with the right kind, and a singular field may
 * appear once only. `what` names the message in errors ("node", "graph", ...). */
static gboolean
check_fields (Ctx *cx, const FvTpMessage *msg, const FieldSpec *specs, const char *what)
{
  for (guint i = 0; i < msg->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (msg->fields, i);
    const FieldSpec *spec = NULL;
    for (const FieldSpec *s = specs; s->name; s++)
      if (strcmp (s->name, f->name) == 0) {
        spec = s;
        break;
      }
    if (!spec)
      return fail (cx, f->line, f->col, "expected a field of %s, found unknown field '%s'",
                   what, f->name);
    if (spec->kind == K_IGNORED) {
      g_debug ("%s:%d:%d: %s field '%s' ignored", cx->filename, f->line, f->col, what,
               f->name);
      continue;
    }
    gboolean ok = FALSE;
    switch (spec->kind) {
    case K_STRING: ok = f->kind == FV_TP_STRING; break;
    case K_INT: ok = f->kind == FV_TP_INT; break;
    case K_BOOL:
      ok = (f->kind == FV_TP_IDENT &&
            (!strcmp (f->s, "true") || !strcmp (f->s, "false") || !strcmp (f->s, "t") ||
             !strcmp (f->s, "f") || !strcmp (f->s, "True") || !strcmp (f->s, "False"))) ||
           (f->kind == FV_TP_INT && f->u == 0 && (f->i == 0 || f->i == 1));
      break;
    case K_MSG: ok = f->kind == FV_TP_MESSAGE; break;
    case K_IGNORED: ok = TRUE; break;
    }
    if (!ok)
      return fail (cx, f->line, f->col, "expected %s for %s field '%s', found %s",
                   kind_word (spec->kind), what, f->name, tp_kind_word (f->kind));
    if (spec->kind == K_STRING && strlen (f->s) != f->s_len)
      return fail (cx, f->line, f->col, "expected %s field '%s' without NUL bytes", what,
                   f->name);
    if (!spec->repeated) {
      const FvTpField *last = fv_tp_get (msg, f->name);
      if (last != f)
        return fail (cx, last->line, last->col,
                     "expected %s field '%s' once, found it again (first at %d:%d)", what,
                     f->name, f->line, f->col);
    }
  }
  return TRUE;
}

static gboolean
get_int_in (Ctx *cx, const FvTpMessage *msg, const char *name, gint64 lo, gint64 hi,
            int def, int *out)
{
  const FvTpField *f = fv_tp_get (msg, name);
  if (!f) {
    *out = def;
    return TRUE;
  }
  if (f->u != 0)
    return fail (cx, f->line, f->col, "expected '%s' in [%" G_GINT64_FORMAT ", %"
                 G_GINT64_FORMAT "], found %" G_GUINT64_FORMAT, name, lo, hi, f->u);
  if (f->i < lo || f->i > hi)
    return fail (cx, f->line, f->col, "expected '%s' in [%" G_GINT64_FORMAT ", %"
                 G_GINT64_FORMAT "], found %" G_GINT64_FORMAT, name, lo, hi, f->i);
  *out = (int) f->i;
  return TRUE;
}

static gboolean
get_bool_field (const FvTpMessage *msg, const char *name)
{
  return fv_tp_get_bool (msg, name, FALSE, NULL);
}

/* The string of `name` (already type-checked), duplicated, or NULL. */
static char *
dup_string (const FvTpMessage *msg, const char *name)
{
  const FvTpField *f = fv_tp_get (msg, name);
  return f ? g_strdup (f->s) : NULL;
}

/* Reads every `name` string of msg as ports into list; checks that a TAG:index appears
 * once and sets the positional index of untagged ports. Tagged and untagged ports may
 * share a list, as in MediaPipe (FlowLimiterCalculator: "frames" + "FINISHED:out"). */
static gboolean
parse_port_list (Ctx *cx, const FvTpMessage *msg, const char *name, const char *owner,
                 GPtrArray *list)
{
  int n_untagged = 0;
  for (guint i = 0; i < msg->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (msg->fields, i);
    if (strcmp (f->name, name) != 0)
      continue;
    if (strlen (f->s) != f->s_len)
      return fail (cx, f->line, f->col, "%s %s: expected a port string, found a NUL byte",
                   owner, name);
    GError *err = NULL;
    FvStreamRef ref;
    if (!fv_stream_ref_parse (f->s, &ref, &err)) {
      fail (cx, f->line, f->col, "%s %s: %s", owner, name, err->message);
      g_error_free (err);
      return FALSE;
    }
    if (!*ref.tag)
      ref.index = n_untagged++;
    if (*ref.tag && fv_stream_ref_find (list, ref.tag, ref.index)) {
      fail (cx, f->line, f->col, "%s %s: expected each TAG:index once, found %s:%d twice",
            owner, name, ref.tag, ref.index);
      fv_stream_ref_clear (&ref);
      return FALSE;
    }
    g_ptr_array_add (list, g_memdup2 (&ref, sizeof ref));
  }
  /* TAG:1 without TAG:0 is almost always a typo, and MediaPipe rejects it too */
  for (guint i = 0; i < list->len; i++) {
    const FvStreamRef *r = g_ptr_array_index (list, i);
    if (*r->tag && r->index > 0 && !fv_stream_ref_find (list, r->tag, r->index - 1))
      return fail (cx, msg->line, msg->col,
                   "%s %s: expected indexes of tag %s to be 0..n-1, found %d without %d",
                   owner, name, r->tag, r->index, r->index - 1);
  }
  return TRUE;
}

static gboolean
parse_all_ports (Ctx *cx, const FvTpMessage *msg, const char *owner, GPtrArray *in,
                 GPtrArray *out, GPtrArray *side_in, GPtrArray *side_out)
{
  return parse_port_list (cx, msg, "input_stream", owner, in) &&
         parse_port_list (cx, msg, "output_stream", owner, out) &&
         parse_port_list (cx, msg, "input_side_packet", owner, side_in) &&
         parse_port_list (cx, msg, "output_side_packet", owner, side_out);
}

/* Strips "[x.ext]" / "[type.googleapis.com/x]" down to "x". */
static char *
extension_type (const char *name)
{
  const char *slash = strrchr (name, '/');
  const char *s = slash ? slash + 1 : name;
  if (g_str_has_suffix (s, ".ext"))
    return g_strndup (s, strlen (s) - 4);
  return g_strdup (s);
}

/* options { [x.ext] { ... } } → the inner message (copied) and "x". A message without an
 * extension inside is an error: CalculatorOptions has no plain fields we accept. */
static gboolean
unwrap_options (Ctx *cx, const FvTpField *f, const char *what, FvTpMessage **out,
                char **out_type)
{
  const FvTpField *ext = NULL;
  for (guint i = 0; i < f->msg->fields->len; i++) {
    const FvTpField *e = g_ptr_array_index (f->msg->fields, i);
    if (!strchr (e->name, '.') && !strchr (e->name, '/'))
      return fail (cx, e->line, e->col,
                   "%s: expected an extension like [pkg.SomeOptions.ext] { ... }, found "
                   "field '%s'", what, e->name);
    if (e->kind != FV_TP_MESSAGE)
      return fail (cx, e->line, e->col, "%s: expected a message after [%s], found %s", what,
                   e->name, tp_kind_word (e->kind));
    if (!ext)
      ext = e;
    else
      g_debug ("%s:%d:%d: %s: extra extension [%s] ignored", cx->filename, e->line, e->col,
               what, e->name);
  }
  if (!ext) {
    *out = fv_tp_message_new ();
    *out_type = NULL;
    return TRUE;
  }
  *out = fv_tp_message_copy (ext->msg);
  *out_type = extension_type (ext->name);
  return TRUE;
}

static const FieldSpec handler_fields[] = {
  { "input_stream_handler", K_STRING, FALSE },
  { "output_stream_handler", K_STRING, FALSE },
  { "options", K_MSG, FALSE },
  { "input_side_packet", K_IGNORED, TRUE },
  { NULL, 0, 0 },
};

/* input_stream_handler { input_stream_handler: "X" options { [X.ext] {...} } } */
static gboolean
parse_handler (Ctx *cx, const FvTpField *f, const char *key, char **name,
               FvTpMessage **options)
{
  if (!check_fields (cx, f->msg, handler_fields, f->name))
    return FALSE;
  const FvTpField *n = fv_tp_get (f->msg, key);
  if (!n || !*n->s)
    return fail (cx, f->line, f->col, "%s: expected a '%s: \"Name\"' field inside", f->name,
                 key);
  const FvTpField *o = fv_tp_get (f->msg, "options");
  char *type = NULL;
  if (o && !unwrap_options (cx, o, f->name, options, &type))
    return FALSE;
  g_free (type);
  *name = g_strdup (n->s);
  return TRUE;
}

static const FieldSpec stream_info_fields[] = {
  { "tag_index", K_STRING, FALSE },
  { "back_edge", K_BOOL, FALSE },
  { NULL, 0, 0 },
};

/* "TAG" / "TAG:2" / ":3" → the canonical "TAG:index", checked against the node's inputs. */
static gboolean
parse_back_edge (Ctx *cx, const FvTpField *f, FvNodeConfig *node)
{
  if (!check_fields (cx, f->msg, stream_info_fields, "input_stream_info"))
    return FALSE;
  const FvTpField *ti = fv_tp_get (f->msg, "tag_index");
  if (!ti)
    return fail (cx, f->line, f->col, "input_stream_info: expected a tag_index field");
  if (!get_bool_field (f->msg, "back_edge"))
    return TRUE;
  const char *s = ti->s;
  const char *colon = strchr (s, ':');
  gsize tag_len = colon ? (gsize) (colon - s) : strlen (s);
  int index = 0;
  if ((tag_len > 0 && !valid_tag (s, tag_len)) ||
      (colon && !parse_index (colon + 1, strlen (colon + 1), &index)) ||
      (tag_len == 0 && !colon))
    return fail (cx, ti->line, ti->col,
                 "input_stream_info: expected tag_index \"TAG\", \"TAG:index\" or \":index\", "
                 "found \"%s\"", s);
  char *tag = g_strndup (s, tag_len);
  gboolean found = fv_stream_ref_find (node->input_streams, tag, index) != NULL;
  if (!found) {
    fail (cx, ti->line, ti->col,
          "node '%s': input_stream_info tag_index \"%s\" names no input stream of the node",
          fv_node_config_display_name (node), s);
    g_free (tag);
    return FALSE;
  }
  char *canon = g_strdup_printf ("%s:%d", tag, index);
  g_free (tag);
  for (guint i = 0; i < node->back_edges->len; i++)
    if (strcmp (g_ptr_array_index (node->back_edges, i), canon) == 0) {
      fail (cx, ti->line, ti->col, "node '%s': back edge \"%s\" is marked twice",
            fv_node_config_display_name (node), s);
      g_free (canon);
      return FALSE;
    }
  g_ptr_array_add (node->back_edges, canon);
  return TRUE;
}

static const FieldSpec node_fields[] = {
  { "name", K_STRING, FALSE },
  { "calculator", K_STRING, FALSE },
  { "input_stream", K_STRING, TRUE },
  { "output_stream", K_STRING, TRUE },
  { "input_side_packet", K_STRING, TRUE },
  { "output_side_packet", K_STRING, TRUE },
  { "options", K_MSG, FALSE },
  { "node_options", K_MSG, TRUE },
  { "source_layer", K_INT, FALSE },
  { "buffer_size_hint", K_INT, FALSE },
  { "input_stream_handler", K_MSG, FALSE },
  { "output_stream_handler", K_MSG, FALSE },
  { "input_stream_info", K_MSG, TRUE },
  { "executor", K_STRING, FALSE },
  { "max_in_flight", K_INT, FALSE },
  { "option_value", K_STRING, TRUE },
  { "profiler_config", K_IGNORED, FALSE },
  { "external_input", K_IGNORED, TRUE },
  { NULL, 0, 0 },
};

static FvNodeConfig *
parse_node (Ctx *cx, const FvTpField *nf)
{
  const FvTpMessage *m = nf->msg;
  FvNodeConfig *node = fv_node_config_new ();
  node->line = nf->line;
  node->col = nf->col;
  if (!check_fields (cx, m, node_fields, "node"))
    goto fail;
  node->name = dup_string (m, "name");
  node->calculator = dup_string (m, "calculator");
  if (!node->calculator || !*node->calculator) {
    if (node->name)
      fail (cx, nf->line, nf->col, "node '%s': expected a 'calculator: \"Name\"' field",
            node->name);
    else
      fail (cx, nf->line, nf->col, "node: expected a 'calculator: \"Name\"' field");
    goto fail;
  }
  if (!valid_name (node->calculator) && !strchr (node->calculator, '.')) {
    const FvTpField *c = fv_tp_get (m, "calculator");
    fail (cx, c->line, c->col, "node: expected a calculator name of letters, digits and '_', "
          "found \"%s\"", node->calculator);
    goto fail;
  }
  char *owner = g_strdup_printf ("node '%s'", fv_node_config_display_name (node));
  gboolean ok = parse_all_ports (cx, m, owner, node->input_streams, node->output_streams,
                                 node->input_side_packets, node->output_side_packets);
  g_free (owner);
  if (!ok)
    goto fail;

  node->executor = dup_string (m, "executor");
  if (!get_int_in (cx, m, "max_in_flight", 1, 1024, 1, &node->max_in_flight) ||
      !get_int_in (cx, m, "source_layer", 0, G_MAXINT32, 0, &node->source_layer) ||
      !get_int_in (cx, m, "buffer_size_hint", -1, G_MAXINT32, 0, &node->buffer_size_hint))
    goto fail;

  for (guint i = 0; i < m->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (m->fields, i);
    if (strcmp (f->name, "input_stream_info") == 0 && !parse_back_edge (cx, f, node))
      goto fail;
    if (strcmp (f->name, "option_value") == 0) {
      if (!strchr (f->s, ':')) {
        fail (cx, f->line, f->col, "node '%s': expected option_value \"field:options/path\", "
              "found \"%s\"", fv_node_config_display_name (node), f->s);
        goto fail;
      }
      g_ptr_array_add (node->option_values, g_strdup (f->s));
    }
  }

  const FvTpField *ish = fv_tp_get (m, "input_stream_handler");
  if (ish && !parse_handler (cx, ish, "input_stream_handler", &node->input_stream_handler,
                             &node->input_stream_handler_options))
    goto fail;
  const FvTpField *osh = fv_tp_get (m, "output_stream_handler");
  if (osh) {
    FvTpMessage *unused = NULL;
    gboolean hok = parse_handler (cx, osh, "output_stream_handler",
                                  &node->output_stream_handler, &unused);
    fv_tp_message_free (unused);
    if (!hok)
      goto fail;
  }

  /* options wins over node_options, as in MediaPipe */
  const FvTpField *opt = fv_tp_get (m, "options");
  if (opt) {
    if (!unwrap_options (cx, opt, "node options", &node->options, &node->options_type))
      goto fail;
  } else {
    for (guint i = 0; i < m->fields->len && !node->options; i++) {
      const FvTpField *f = g_ptr_array_index (m->fields, i);
      if (strcmp (f->name, "node_options") != 0)
        continue;
      if (!unwrap_options (cx, f, "node_options", &node->options, &node->options_type))
        goto fail;
      if (f->msg->fields->len == 0)
        g_clear_pointer (&node->options, fv_tp_message_free);
    }
  }
  return node;
fail:
  fv_node_config_free (node);
  return NULL;
}

static const FieldSpec executor_fields[] = {
  { "name", K_STRING, FALSE },
  { "type", K_STRING, FALSE },
  { "options", K_MSG, FALSE },
  { NULL, 0, 0 },
};

static FvExecutorConfig *
parse_executor (Ctx *cx, const FvTpField *ef)
{
  if (!check_fields (cx, ef->msg, executor_fields, "executor"))
    return NULL;
  FvExecutorConfig *e = g_new0 (FvExecutorConfig, 1);
  e->name = dup_string (ef->msg, "name");
  if (!e->name)
    e->name = g_strdup ("");
  e->type = dup_string (ef->msg, "type");
  const FvTpField *o = fv_tp_get (ef->msg, "options");
  if (o) {
    FvTpMessage *inner = NULL;
    char *type = NULL;
    if (!unwrap_options (cx, o, "executor options", &inner, &type))
      goto fail;
    gboolean ok = get_int_in (cx, inner, "num_threads", 0, 4096, 0, &e->num_threads);
    fv_tp_message_free (inner);
    g_free (type);
    if (!ok)
      goto fail;
  }
  return e;
fail:
  executor_free (e);
  return NULL;
}

static const FieldSpec graph_fields[] = {
  { "node", K_MSG, TRUE },
  { "input_stream", K_STRING, TRUE },
  { "output_stream", K_STRING, TRUE },
  { "input_side_packet", K_STRING, TRUE },
  { "output_side_packet", K_STRING, TRUE },
  { "num_threads", K_INT, FALSE },
  { "max_queue_size", K_INT, FALSE },
  { "report_deadlock", K_BOOL, FALSE },
  { "input_stream_handler", K_MSG, FALSE },
  { "output_stream_handler", K_MSG, FALSE },
  { "executor", K_MSG, TRUE },
  { "package", K_STRING, FALSE },
  { "type", K_STRING, FALSE },
  { "options", K_MSG, FALSE },
  { "graph_options", K_MSG, TRUE },
  /* MediaPipe fields accepted and ignored (debug message): */
  { "profiler_config", K_IGNORED, FALSE },
  { "status_handler", K_IGNORED, TRUE },
  { "packet_generator", K_IGNORED, TRUE },
  { "packet_factory", K_IGNORED, TRUE },
  { NULL, 0, 0 },
};

static FvGraphConfig *
config_from_tree (Ctx *cx, const FvTpMessage *root, const char *filename)
{
  FvGraphConfig *g = fv_graph_config_new ();
  g->filename = g_strdup (filename);
  if (!check_fields (cx, root, graph_fields, "graph"))
    goto fail;
  g->type = dup_string (root, "type");
  if (g->type && !*g->type) {
    const FvTpField *t = fv_tp_get (root, "type");
    fail (cx, t->line, t->col, "graph: expected a non-empty subgraph type name");
    goto fail;
  }
  g->package = dup_string (root, "package");
  if (!parse_all_ports (cx, root, "graph", g->input_streams, g->output_streams,
                        g->input_side_packets, g->output_side_packets))
    goto fail;
  if (!get_int_in (cx, root, "num_threads", 0, 4096, 0, &g->num_threads) ||
      !get_int_in (cx, root, "max_queue_size", -1, G_MAXINT32, 0, &g->max_queue_size))
    goto fail;
  g->report_deadlock = get_bool_field (root, "report_deadlock");

  const FvTpField *ish = fv_tp_get (root, "input_stream_handler");
  if (ish && !parse_handler (cx, ish, "input_stream_handler", &g->input_stream_handler,
                             &g->input_stream_handler_options))
    goto fail;
  const FvTpField *osh = fv_tp_get (root, "output_stream_handler");
  if (osh) {
    char *name = NULL;
    FvTpMessage *unused = NULL;
    gboolean ok = parse_handler (cx, osh, "output_stream_handler", &name, &unused);
    g_free (name);
    fv_tp_message_free (unused);
    if (!ok)
      goto fail;
  }

  /* graph_options (the Any form) is what subgraphs use today; options is the older one */
  for (guint i = 0; i < root->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (root->fields, i);
    if (strcmp (f->name, "graph_options") != 0 || f->msg->fields->len == 0)
      continue;
    if (!unwrap_options (cx, f, "graph_options", &g->graph_options, &g->graph_options_type))
      goto fail;
    break;
  }
  const FvTpField *opt = fv_tp_get (root, "options");
  if (!g->graph_options && opt &&
      !unwrap_options (cx, opt, "graph options", &g->graph_options, &g->graph_options_type))
    goto fail;

  for (guint i = 0; i < root->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (root->fields, i);
    if (strcmp (f->name, "executor") != 0)
      continue;
    FvExecutorConfig *e = parse_executor (cx, f);
    if (!e)
      goto fail;
    g_ptr_array_add (g->executors, e);
    for (guint k = 0; k + 1 < g->executors->len; k++) {
      const FvExecutorConfig *o = g_ptr_array_index (g->executors, k);
      if (strcmp (o->name, e->name) == 0) {
        fail (cx, f->line, f->col, "executor: expected unique names, found \"%s\" twice",
              e->name);
        goto fail;
      }
    }
    gboolean is_default = !*e->name || strcmp (e->name, "default") == 0;
    if (is_default && fv_tp_get (root, "num_threads")) {
      fail (cx, f->line, f->col,
            "executor: expected either num_threads or a default executor, found both");
      goto fail;
    }
    if (strcmp (e->name, "gpu") == 0 || g_str_has_prefix (e->name, "__")) {
      fail (cx, f->line, f->col, "executor: the name \"%s\" is reserved", e->name);
      goto fail;
    }
  }

  for (guint i = 0; i < root->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (root->fields, i);
    if (strcmp (f->name, "node") != 0)
      continue;
    FvNodeConfig *n = parse_node (cx, f);
    if (!n)
      goto fail;
    g_ptr_array_add (g->nodes, n);
    if (n->executor && *n->executor && strcmp (n->executor, "default") != 0) {
      gboolean known = FALSE;
      for (guint k = 0; k < g->executors->len; k++)
        known |= strcmp (((FvExecutorConfig *) g_ptr_array_index (g->executors, k))->name,
                         n->executor) == 0;
      if (!known) {
        const FvTpField *ef = fv_tp_get (f->msg, "executor");
        fail (cx, ef->line, ef->col, "node '%s': executor \"%s\" is not declared",
              fv_node_config_display_name (n), n->executor);
        goto fail;
      }
    }
  }
  return g;
fail:
  fv_graph_config_free (g);
  return NULL;
}

FvGraphConfig *
fv_graph_config_parse (const char *text, gssize len, const char *filename, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  Ctx cx = { filename ? filename : "<string>", error };
  FvTpMessage *root = fv_textproto_parse (text, len, cx.filename, error);
  if (!root)
    return NULL;
  FvGraphConfig *g = config_from_tree (&cx, root, filename);
  fv_tp_message_free (root);
  return g;
}

FvGraphConfig *
fv_graph_config_load_file (const char *path, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  char *text = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents (path, &text, &len, &io)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "%s: cannot read: %s", path,
                 io->message);
    g_error_free (io);
    return NULL;
  }
  FvGraphConfig *g = fv_graph_config_parse (text, (gssize) len, path, error);
  g_free (text);
  return g;
}
