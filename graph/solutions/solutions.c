/* fovea — the built-in solutions registry (the texts come from the generated
 * solutions_builtin.c), their options, and the top-level graph that runs one. */
#include "graph/solutions/solutions.h"

#include <math.h>
#include <string.h>

#include "graph/solutions/solutions_builtin.h"

G_DEFINE_QUARK (fv-solution-error-quark, fv_solution_error)

const FvSolution *
fv_solutions (gsize *n)
{
  if (n != NULL)
    *n = fv_solutions_builtin_n;
  return fv_solutions_builtin;
}

const FvSolution *
fv_solution_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (gsize i = 0; i < fv_solutions_builtin_n; i++)
    if (strcmp (fv_solutions_builtin[i].name, name) == 0)
      return &fv_solutions_builtin[i];
  return NULL;
}

gboolean
fv_solutions_register (GError **error)
{
  /* The check-then-register pair must not interleave with another caller's. */
  static GMutex lock;
  g_mutex_lock (&lock);
  gboolean ok = TRUE;
  for (gsize i = 0; ok && i < fv_solutions_builtin_n; i++) {
    const FvSolution *s = &fv_solutions_builtin[i];
    if (fv_subgraph_is_registered (s->type))
      continue;
    g_autofree char *file = g_strconcat ("graph/solutions/", s->name, ".pbtxt", NULL);
    ok = fv_subgraph_register_text (s->text, file, error);
  }
  g_mutex_unlock (&lock);
  return ok;
}

/* The first comment line of a .pbtxt text, without "#" and without a leading "name:". */
static char *
first_comment (const char *text, const char *name)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    const char *s = *l;
    while (g_ascii_isspace (*s))
      s++;
    if (*s == '\0')
      continue;
    if (*s != '#')
      break;
    g_autofree char *c = g_strstrip (g_strdup (s + 1));
    gsize nlen = strlen (name);
    if (strncmp (c, name, nlen) == 0 && c[nlen] == ':')
      return g_strstrip (g_strdup (c + nlen + 1));
    return g_steal_pointer (&c);
  }
  return g_strdup ("");
}

FvSolution *
fv_solution_load_file (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  FvGraphConfig *cfg = fv_graph_config_parse (text, -1, path, error);
  if (cfg == NULL)
    return NULL;
  g_autofree char *type = g_strdup (cfg->type);
  fv_graph_config_free (cfg);
  /* A file's subgraph may use the built-in ones. */
  if (!fv_solutions_register (error))
    return NULL;
  if (type != NULL && !fv_subgraph_register_text (text, path, error))
    return NULL;
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  FvSolution *s = g_new0 (FvSolution, 1);
  s->name = g_strdup (base);
  s->type = g_steal_pointer (&type);
  s->summary = first_comment (text, base);
  s->text = g_steal_pointer (&text);
  return s;
}

void
fv_solution_free (FvSolution *solution)
{
  if (solution == NULL)
    return;
  g_free ((char *) solution->name);
  g_free ((char *) solution->type);
  g_free ((char *) solution->summary);
  g_free ((char *) solution->text);
  g_free (solution);
}

FvGraphConfig *
fv_solution_config (const FvSolution *solution, GError **error)
{
  g_autofree char *file = g_strconcat (solution->name, ".pbtxt", NULL);
  FvGraphConfig *cfg = fv_graph_config_parse (solution->text, -1, file, error);
  if (cfg == NULL)
    g_prefix_error (error, "solution %s: ", solution->name);
  return cfg;
}

static void
option_free (gpointer p)
{
  FvSolutionOption *o = p;
  g_free (o->name);
  g_free (o->default_value);
  g_free (o->description);
  g_free (o);
}

static char *
quote (const char *s)
{
  GString *q = g_string_new ("\"");
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      g_string_append_c (q, '\\');
    if (*s == '\n')
      g_string_append (q, "\\n");
    else
      g_string_append_c (q, *s);
  }
  g_string_append_c (q, '"');
  return g_string_free (q, FALSE);
}

static char *
field_value_text (const FvTpField *f)
{
  switch (f->kind) {
  case FV_TP_INT:
    return f->u ? g_strdup_printf ("%" G_GUINT64_FORMAT, f->u)
                : g_strdup_printf ("%" G_GINT64_FORMAT, f->i);
  case FV_TP_FLOAT: {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", f->f));
  }
  case FV_TP_STRING:
    return quote (f->s);
  case FV_TP_IDENT:
    return g_strdup (f->s);
  case FV_TP_MESSAGE:
  default:
    return g_strdup ("{...}");
  }
}

/* The block of comment lines right above @line (1-based) of @lines, joined into one
 * line, or "" (a description may wrap over several comment lines). */
static char *
comment_above (char **lines, guint n_lines, int line)
{
  int first = line;   /* 1-based: the block is lines first .. line - 1 */
  while (first >= 2 && (guint) (first - 2) < n_lines) {
    const char *s = lines[first - 2];
    while (g_ascii_isspace (*s))
      s++;
    if (*s != '#')
      break;
    first--;
  }
  GString *out = g_string_new (NULL);
  for (int l = first; l < line; l++) {
    g_autofree char *c = g_strstrip (g_strdup (strchr (lines[l - 1], '#') + 1));
    if (c[0] == '\0')
      continue;
    if (out->len > 0)
      g_string_append_c (out, ' ');
    g_string_append (out, c);
  }
  return g_string_free (out, FALSE);
}

/* The graph_options fields that a "key=value" can set: the scalar ones. */
static GPtrArray *
settable_fields (const FvGraphConfig *cfg)
{
  GPtrArray *out = g_ptr_array_new ();
  if (cfg->graph_options == NULL)
    return out;
  for (guint i = 0; i < cfg->graph_options->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (cfg->graph_options->fields, i);
    if (f->kind == FV_TP_MESSAGE)
      continue;
    gboolean seen = FALSE;   /* a repeated field is listed once, by its last value */
    for (guint k = 0; k < out->len && !seen; k++)
      seen = strcmp (((const FvTpField *) g_ptr_array_index (out, k))->name, f->name) == 0;
    if (!seen)
      g_ptr_array_add (out, (gpointer) fv_tp_get (cfg->graph_options, f->name));
  }
  return out;
}

GPtrArray *
fv_solution_options (const FvSolution *solution, GError **error)
{
  FvGraphConfig *cfg = fv_solution_config (solution, error);
  if (cfg == NULL)
    return NULL;
  g_auto (GStrv) lines = g_strsplit (solution->text, "\n", -1);
  guint n_lines = g_strv_length (lines);
  GPtrArray *out = g_ptr_array_new_with_free_func (option_free);
  g_autoptr (GPtrArray) fields = settable_fields (cfg);
  for (guint i = 0; i < fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (fields, i);
    FvSolutionOption *o = g_new0 (FvSolutionOption, 1);
    o->name = g_strdup (f->name);
    o->default_value = field_value_text (f);
    o->description = comment_above (lines, n_lines, f->line);
    g_ptr_array_add (out, o);
  }
  fv_graph_config_free (cfg);
  return out;
}

gboolean
fv_solution_has_option (const FvSolution *solution, const char *name)
{
  g_autoptr (GPtrArray) opts = fv_solution_options (solution, NULL);
  for (guint i = 0; opts != NULL && i < opts->len; i++)
    if (strcmp (((FvSolutionOption *) g_ptr_array_index (opts, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

static void
set_option_error (GError **error, const FvSolution *solution, const GPtrArray *fields,
                  const char *what)
{
  GString *msg = g_string_new (what);
  if (fields->len == 0) {
    g_string_append_printf (msg, "; %s has no options", solution->name);
  } else {
    g_string_append_printf (msg, "; the options of %s are:", solution->name);
    for (guint i = 0; i < fields->len; i++) {
      const FvTpField *f = g_ptr_array_index (fields, i);
      g_autofree char *v = field_value_text (f);
      g_string_append_printf (msg, "\n  %s (default %s)", f->name, v);
    }
  }
  g_set_error_literal (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_OPTION, msg->str);
  g_string_free (msg, TRUE);
}

static gboolean
is_identifier (const char *s)
{
  if (!g_ascii_isalpha (*s) && *s != '_')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '_')
      return FALSE;
  return TRUE;
}

/* @value written as the option's kind (the kind of its default) wants it, or NULL. */
static char *
format_value (const FvTpField *def, const char *value)
{
  gboolean is_bool_value = g_ascii_strcasecmp (value, "true") == 0
                           || g_ascii_strcasecmp (value, "false") == 0;
  char *end = NULL;
  switch (def->kind) {
  case FV_TP_INT: {
    gint64 v;
    if (!g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &v, NULL))
      return NULL;
    return g_strdup_printf ("%" G_GINT64_FORMAT, v);
  }
  case FV_TP_FLOAT: {
    double v = g_ascii_strtod (value, &end);
    if (end == value || *end != '\0' || !isfinite (v))
      return NULL;
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", v));
  }
  case FV_TP_IDENT:
    if (g_ascii_strcasecmp (def->s, "true") == 0 || g_ascii_strcasecmp (def->s, "false") == 0) {
      if (is_bool_value)
        return g_ascii_strdown (value, -1);
      if (strcmp (value, "1") == 0 || strcmp (value, "0") == 0)
        return g_strdup (value[0] == '1' ? "true" : "false");
      return NULL;
    }
    return is_identifier (value) ? g_strdup (value) : NULL;   /* an enum name */
  case FV_TP_STRING:
    return quote (value);
  case FV_TP_MESSAGE:
  default:
    return NULL;
  }
}

static const char *
kind_word (const FvTpField *def)
{
  switch (def->kind) {
  case FV_TP_INT: return "an integer";
  case FV_TP_FLOAT: return "a number";
  case FV_TP_IDENT:
    return g_ascii_strcasecmp (def->s, "true") == 0 || g_ascii_strcasecmp (def->s, "false") == 0
           ? "true or false" : "an enum name";
  case FV_TP_STRING: return "a string";
  case FV_TP_MESSAGE:
  default: return "a message";
  }
}

static void
append_ports (GString *out, const char *indent, const char *field, const GPtrArray *refs)
{
  for (guint i = 0; i < refs->len; i++) {
    g_autofree char *s = fv_stream_ref_to_string (g_ptr_array_index (refs, i));
    g_string_append_printf (out, "%s%s: \"%s\"\n", indent, field, s);
  }
}

/* Options that pick another built-in graph rather than set a field, as MediaPipe's FaceMesh
 * picks its landmark subgraph by refine_landmarks and Hands its models by model_complexity:
 * the option is a field of the solution's graph_options (so it is listed and checked like
 * the others), and when set to @value the variant's graph runs with the other settings.
 * A value of "true" also matches 1 (and "1" matches true), as for any boolean option. */
static const struct {
  const char *solution, *option, *value, *variant;
} variants[] = {
  { "face_mesh", "refine", "true", "face_mesh_refine" },
  { "selfie_segmentation", "model_selection", "1", "selfie_segmentation_landscape" },
  { "hands", "model_complexity", "0", "hands_lite" },
  { "palm_detection", "model_complexity", "0", "palm_detection_lite" },
  { "pose", "model_complexity", "0", "pose_lite" },
  { "pose", "model_complexity", "2", "pose_heavy" },
};

/* The value of @kv when it sets @option ("option = value", spaces allowed), else NULL. */
static const char *
setting_value (const char *kv, const char *option)
{
  gsize len = strlen (option);
  while (g_ascii_isspace (*kv))
    kv++;
  if (strncmp (kv, option, len) != 0)
    return NULL;
  kv += len;
  while (g_ascii_isspace (*kv))
    kv++;
  return *kv == '=' ? kv + 1 : NULL;
}

static gboolean
is_true (const char *v)
{
  return g_ascii_strcasecmp (v, "true") == 0 || strcmp (v, "1") == 0;
}

static gboolean
value_matches (const char *value, const char *want)
{
  if (is_true (want))
    return is_true (value);
  gint64 a, b;
  if (g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &a, NULL)
      && g_ascii_string_to_signed (want, 10, G_MININT64, G_MAXINT64, &b, NULL))
    return a == b;
  return strcmp (value, want) == 0;
}

/* The variant that @set picks for @solution, or NULL. As for every option, the last
 * setting of it counts; *@option gets the option that picked the variant. */
static const FvSolution *
pick_variant (const FvSolution *solution, char **set, const char **option)
{
  for (gsize v = 0; v < G_N_ELEMENTS (variants); v++) {
    if (solution != fv_solution_find (variants[v].solution))
      continue;
    const char *last = NULL;
    for (gsize i = 0; set != NULL && set[i] != NULL; i++) {
      const char *value = setting_value (set[i], variants[v].option);
      if (value != NULL)
        last = value;
    }
    g_autofree char *value = last ? g_strstrip (g_strdup (last)) : NULL;
    if (value && value_matches (value, variants[v].value)) {
      *option = variants[v].option;
      return fv_solution_find (variants[v].variant);
    }
  }
  return NULL;
}

/* Options whose every valid value picks a graph (a variant, or the solution's own): any
 * other value is an error, as MediaPipe refuses a model_complexity it has no model for. */
static gboolean
check_choices (const FvSolution *solution, char **set, GError **error)
{
  static const struct {
    const char *solution, *option, *choices[4];
  } choices[] = {
    { "hands", "model_complexity", { "0", "1", NULL } },
    { "palm_detection", "model_complexity", { "0", "1", NULL } },
    { "pose", "model_complexity", { "0", "1", "2", NULL } },
  };
  for (gsize c = 0; c < G_N_ELEMENTS (choices); c++) {
    if (solution != fv_solution_find (choices[c].solution))
      continue;
    for (gsize i = 0; set != NULL && set[i] != NULL; i++) {
      const char *value = setting_value (set[i], choices[c].option);
      if (value == NULL)
        continue;
      g_autofree char *v = g_strstrip (g_strdup (value));
      gboolean ok = FALSE;
      for (gsize k = 0; choices[c].choices[k] != NULL && !ok; k++)
        ok = value_matches (v, choices[c].choices[k]);
      if (!ok) {
        g_autofree char *list = g_strjoinv (" or ", (char **) choices[c].choices);
        g_set_error (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_OPTION,
                     "option %s of %s must be %s, not '%s'", choices[c].option, solution->name,
                     list, v);
        return FALSE;
      }
    }
  }
  return TRUE;
}

char *
fv_solution_graph_text (const FvSolution *solution, char **set, GError **error)
{
  if (!check_choices (solution, set, error))
    return NULL;
  const char *option = NULL;
  const FvSolution *variant = pick_variant (solution, set, &option);
  if (variant != NULL) {
    /* the variant has no such option: every setting of it is spent */
    g_autoptr (GPtrArray) rest = g_ptr_array_new ();
    for (gsize i = 0; set[i] != NULL; i++)
      if (setting_value (set[i], option) == NULL)
        g_ptr_array_add (rest, set[i]);
    g_ptr_array_add (rest, NULL);
    return fv_solution_graph_text (variant, (char **) rest->pdata, error);
  }
  FvGraphConfig *cfg = fv_solution_config (solution, error);
  if (cfg == NULL)
    return NULL;
  g_autoptr (GPtrArray) fields = settable_fields (cfg);
  GString *options = g_string_new (NULL);
  gboolean ok = TRUE;
  for (char **kv = set; ok && kv != NULL && *kv != NULL; kv++) {
    const char *eq = strchr (*kv, '=');
    g_autofree char *key = eq ? g_strndup (*kv, (gsize) (eq - *kv)) : g_strdup (*kv);
    g_strstrip (key);
    const FvTpField *def = NULL;
    for (guint i = 0; i < fields->len && def == NULL; i++)
      if (strcmp (((const FvTpField *) g_ptr_array_index (fields, i))->name, key) == 0)
        def = g_ptr_array_index (fields, i);
    if (cfg->type == NULL || def == NULL || eq == NULL) {
      g_autofree char *what = eq == NULL
        ? g_strdup_printf ("'%s' is not key=value", *kv)
        : g_strdup_printf ("unknown option '%s'", key);
      set_option_error (error, solution, fields, what);
      ok = FALSE;
      break;
    }
    g_autofree char *v = format_value (def, eq + 1);
    if (v == NULL) {
      g_autofree char *what = g_strdup_printf ("option %s wants %s, not '%s'", key,
                                               kind_word (def), eq + 1);
      set_option_error (error, solution, fields, what);
      ok = FALSE;
      break;
    }
    g_string_append_printf (options, "      %s: %s\n", key, v);
  }
  if (!ok) {
    g_string_free (options, TRUE);
    fv_graph_config_free (cfg);
    return NULL;
  }
  if (cfg->type == NULL) {   /* a plain graph runs as written */
    g_string_free (options, TRUE);
    fv_graph_config_free (cfg);
    return g_strdup (solution->text);
  }
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "# solution %s: one %s node\n", solution->name, cfg->type);
  append_ports (out, "", "input_stream", cfg->input_streams);
  append_ports (out, "", "output_stream", cfg->output_streams);
  append_ports (out, "", "input_side_packet", cfg->input_side_packets);
  append_ports (out, "", "output_side_packet", cfg->output_side_packets);
  g_autofree char *qtype = quote (cfg->type);
  g_string_append_printf (out, "node {\n  calculator: %s\n", qtype);
  append_ports (out, "  ", "input_stream", cfg->input_streams);
  append_ports (out, "  ", "output_stream", cfg->output_streams);
  append_ports (out, "  ", "input_side_packet", cfg->input_side_packets);
  append_ports (out, "  ", "output_side_packet", cfg->output_side_packets);
  if (options->len > 0 && cfg->graph_options_type != NULL)
    g_string_append_printf (out, "  node_options {\n    [type.googleapis.com/%s] {\n%s    }\n  }\n",
                            cfg->graph_options_type, options->str);
  g_string_append (out, "}\n");
  g_string_free (options, TRUE);
  fv_graph_config_free (cfg);
  return g_string_free (out, FALSE);
}
