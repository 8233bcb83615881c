/* fovea — `fovea solutions [NAME|FILE.pbtxt]`: lists the built-in solutions (or one solution,
 * or a .pbtxt file) with their summary, input and output streams and options (default and
 * description), as `fovea run` takes them. */
#include "demos/fovea/cmd_solutions.h"

#include "graph/solutions/solutions.h"

#include <stdio.h>

static void
print_ports (const char *what, const GPtrArray *refs)
{
  if (refs->len == 0)
    return;
  printf ("  %-9s", what);
  for (guint i = 0; i < refs->len; i++) {
    g_autofree char *s = fv_stream_ref_to_string (g_ptr_array_index (refs, i));
    printf ("%s%s", i ? ", " : "", s);
  }
  printf ("\n");
}

static gboolean
print_solution (const FvSolution *s, GError **error)
{
  FvGraphConfig *cfg = fv_solution_config (s, error);
  if (cfg == NULL)
    return FALSE;
  g_autoptr (GPtrArray) opts = fv_solution_options (s, error);
  if (opts == NULL) {
    fv_graph_config_free (cfg);
    return FALSE;
  }
  printf ("%s%s%s\n", s->name, s->summary[0] ? ": " : "", s->summary);
  if (s->type != NULL)
    printf ("  type     %s\n", s->type);
  print_ports ("inputs", cfg->input_streams);
  print_ports ("outputs", cfg->output_streams);
  print_ports ("side in", cfg->input_side_packets);
  if (opts->len == 0)
    printf ("  options  none\n");
  for (guint i = 0; i < opts->len; i++) {
    const FvSolutionOption *o = g_ptr_array_index (opts, i);
    printf ("  %-9s--set %s=%s%s%s\n", i ? "" : "options", o->name, o->default_value,
            o->description[0] ? "   " : "", o->description);
  }
  fv_graph_config_free (cfg);
  return TRUE;
}

int
fv_cmd_solutions (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[NAME|FILE.pbtxt]");
  g_option_context_set_summary (ctx, "Lists the built-in solutions: what each finds, its "
                                "streams and the options `fovea run --set` takes.");
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc > 2) {
    fprintf (stderr, "usage: fovea solutions [NAME|FILE.pbtxt]%s%s\n",
             error ? ": " : "", error ? error->message : "");
    return 2;
  }
  if (!fv_solutions_register (&error)) {
    fprintf (stderr, "fovea solutions: %s\n", error->message);
    return 1;
  }
  if (argc == 2) {
    const FvSolution *s = fv_solution_find (argv[1]);
    FvSolution *loaded = NULL;
    if (s == NULL && g_file_test (argv[1], G_FILE_TEST_IS_REGULAR))
      s = loaded = fv_solution_load_file (argv[1], &error);
    else if (s == NULL)
      g_set_error (&error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_NOT_FOUND,
                   "no solution or file '%s' (`fovea solutions` lists them)", argv[1]);
    gboolean ok = s != NULL && print_solution (s, &error);
    fv_solution_free (loaded);
    if (!ok) {
      fprintf (stderr, "fovea solutions: %s\n", error->message);
      return 1;
    }
    return 0;
  }
  gsize n;
  const FvSolution *all = fv_solutions (&n);
  for (gsize i = 0; i < n; i++) {
    if (i)
      printf ("\n");
    if (!print_solution (&all[i], &error)) {
      fprintf (stderr, "fovea solutions: %s\n", error->message);
      return 1;
    }
  }
  return 0;
}
