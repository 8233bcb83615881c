/* fovea — `fovea bench graph [--packets N] [--threads T]`: the graph runtime's scheduler
 * overhead per packet per node, and the throughput of a 10-node pass-through graph.
 * (Model timings are `fovea model bench`.) */
#include "demos/fovea/cmd_bench.h"

#include "graph/fovea-graph.h"

#include <stdio.h>

/* Seconds to push @packets through a chain of @nodes PassThroughCalculators. */
static double
run_chain (guint nodes, guint threads, gint64 packets, GError **error)
{
  g_autoptr (GString) cfg = g_string_new ("input_stream: 'in'\n");
  g_string_append_printf (cfg, "num_threads: %u\n", threads);
  for (guint i = 0; i < nodes; i++) {
    g_autofree char *prev = i ? g_strdup_printf ("s%u", i - 1) : g_strdup ("in");
    g_string_append_printf (cfg, "node { calculator: 'PassThroughCalculator' "
                            "input_stream: '%s' output_stream: 's%u' }\n", prev, i);
  }
  FvGraph *g = fv_graph_new_from_string (cfg->str, NULL, error);
  if (!g)
    return -1;
  g_autofree char *last = g_strdup_printf ("s%u", nodes - 1);
  FvPoller *poller = fv_graph_add_poller (g, last, error);
  if (!poller || !fv_graph_start (g, error)) {
    fv_graph_free (g);
    return -1;
  }
  gint64 t0 = g_get_monotonic_time ();
  FvPacket *payload = fv_packet_new_int (1);
  for (gint64 i = 0; i < packets; i++)
    fv_graph_add_packet (g, "in", fv_packet_at (payload, i), NULL);
  fv_graph_close_all_inputs (g, NULL);
  FvPacket *out;
  gint64 n = 0;
  while (fv_poller_next (poller, &out)) {
    fv_packet_unref (out);
    n++;
  }
  gboolean ok = fv_graph_wait_until_done (g, error);
  gint64 t1 = g_get_monotonic_time ();
  fv_packet_unref (payload);
  fv_graph_free (g);
  if (ok && n != packets) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_STATE,
                 "%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " packets came out", n, packets);
    ok = FALSE;
  }
  return ok ? (t1 - t0) / 1e6 : -1;
}

int
fv_cmd_bench (int argc, char **argv)
{
  gint64 packets = 200000;
  int threads = 2;
  GOptionEntry entries[] = {
    { "packets", 'n', 0, G_OPTION_ARG_INT64, &packets, "Packets per run (default 200000)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Worker threads (default 2)", "T" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("graph");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2
      || !g_str_equal (argv[1], "graph") || packets < 10 || threads < 1) {
    fprintf (stderr, "usage: fovea bench graph [--packets N >= 10] [--threads T >= 1]%s%s\n",
             error ? ": " : "", error ? error->message : "");
    return 2;
  }
  fprintf (stderr, "warming up ...\n");
  double s1, s10;
  if (run_chain (10, threads, packets / 10, &error) < 0
      || (fprintf (stderr, "1-node chain ...\n"), s1 = run_chain (1, threads, packets, &error)) < 0
      || (fprintf (stderr, "10-node chain ...\n"), s10 = run_chain (10, threads, packets, &error)) < 0) {
    fprintf (stderr, "fovea bench graph: %s\n", error->message);
    return 1;
  }
  printf ("graph bench: %" G_GINT64_FORMAT " packets, %d threads\n", packets, threads);
  printf ("  1-node pass-through:  %.0f packets/s\n", packets / s1);
  printf ("  10-node pass-through: %.0f packets/s (%.2f us per packet through 10 nodes)\n",
          packets / s10, s10 * 1e6 / packets);
  printf ("  scheduler overhead:   %.2f us per packet per node (10-node time / 10)\n",
          s10 * 1e6 / packets / 10);
  printf ("  marginal per node:    %.2f us per packet per node ((10-node - 1-node) / 9)\n",
          (s10 - s1) * 1e6 / packets / 9);
  return 0;
}
