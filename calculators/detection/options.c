/* fovea — option readers shared by the detection calculators. */
#include "calculators/detection/options.h"

#include <string.h>

#include "graph/graph_error.h"

gboolean
fv_opt_has (const FvTpMessage *opts, const char *name)
{
  return fv_tp_get (opts, name) != NULL;
}

gboolean
fv_opt_enum (const FvTpMessage *opts, const char *name, const char *const *names,
             int n_names, int def, int *out, GError **error)
{
  const FvTpField *f = fv_tp_get (opts, name);
  *out = def;
  if (f == NULL)
    return TRUE;
  if (f->kind == FV_TP_INT && f->i >= 0 && f->i < n_names && names[f->i] != NULL)
    {
      *out = (int) f->i;
      return TRUE;
    }
  if (f->kind == FV_TP_IDENT || f->kind == FV_TP_STRING)
    for (int i = 0; i < n_names; i++)
      if (names[i] != NULL && strcmp (names[i], f->s) == 0)
        {
          *out = i;
          return TRUE;
        }
  GString *accepted = g_string_new (NULL);
  for (int i = 0; i < n_names; i++)
    if (names[i] != NULL)
      g_string_append_printf (accepted, "%s%s", accepted->len ? ", " : "", names[i]);
  g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
               "option %s (line %d) must be one of %s", name, f->line, accepted->str);
  g_string_free (accepted, TRUE);
  return FALSE;
}

GArray *
fv_opt_repeated_double (const FvTpMessage *opts, const char *name, GError **error)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < fv_tp_count (opts, name); i++)
    {
      const FvTpField *f = fv_tp_get_nth (opts, name, i);
      if (f->kind != FV_TP_INT && f->kind != FV_TP_FLOAT)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                       "option %s (line %d) must be a number", name, f->line);
          g_array_free (values, TRUE);
          return NULL;
        }
      g_array_append_val (values, f->f);
    }
  return values;
}

GArray *
fv_opt_repeated_int (const FvTpMessage *opts, const char *name, GError **error)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < fv_tp_count (opts, name); i++)
    {
      const FvTpField *f = fv_tp_get_nth (opts, name, i);
      if (f->kind != FV_TP_INT)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                       "option %s (line %d) must be an integer", name, f->line);
          g_array_free (values, TRUE);
          return NULL;
        }
      g_array_append_val (values, f->i);
    }
  return values;
}
