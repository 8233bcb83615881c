/* fovea — graph runtime benchmark (not a test): scheduler overhead per packet per node and
 * the throughput of a 10-node pass-through graph.
 *   bench_graph [packets] [threads]
 */
#include <stdio.h>
#include <stdlib.h>

#include "graph/fovea-graph.h"

static double
run (guint nodes, guint threads, gint64 packets)
{
  GString *cfg = g_string_new ("input_stream: 'in'\n");
  g_string_append_printf (cfg, "num_threads: %u\n", threads);
  for (guint i = 0; i < nodes; i++)
    {
      char prev[16];
      g_snprintf (prev, sizeof prev, "s%u", i - 1);
      g_string_append_printf (cfg, "node { calculator: 'PassThroughCalculator' "
                              "input_stream: '%s' output_stream: 's%u' }\n",
                              i == 0 ? "in" : prev, i);
    }
  char *fixed = g_string_free (cfg, FALSE);
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (fixed, NULL, &err);
  g_free (fixed);
  if (g == NULL)
    {
      fprintf (stderr, "bench: %s\n", err->message);
      exit (1);
    }
  char last[16];
  g_snprintf (last, sizeof last, "s%u", nodes - 1);
  FvPoller *p = fv_graph_add_poller (g, last, NULL);
  fv_graph_start (g, NULL);
  gint64 t0 = g_get_monotonic_time ();
  FvPacket *payload = fv_packet_new_int (1);
  for (gint64 i = 0; i < packets; i++)
    fv_graph_add_packet (g, "in", fv_packet_at (payload, i), NULL);
  fv_graph_close_all_inputs (g, NULL);
  FvPacket *out;
  gint64 n = 0;
  while (fv_poller_next (p, &out))
    {
      fv_packet_unref (out);
      n++;
    }
  fv_graph_wait_until_done (g, NULL);
  gint64 t1 = g_get_monotonic_time ();
  fv_packet_unref (payload);
  fv_graph_free (g);
  if (n != packets)
    fprintf (stderr, "bench: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " packets out\n", n, packets);
  return (double) (t1 - t0) / 1e6;
}

int
main (int argc, char **argv)
{
  gint64 packets = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 200000;
  guint threads = argc > 2 ? (guint) atoi (argv[2]) : 2;
  run (10, threads, packets / 10);   /* warm up */
  double s1 = run (1, threads, packets);
  double s10 = run (10, threads, packets);
  printf ("graph bench: %" G_GINT64_FORMAT " packets, %u threads\n", packets, threads);
  printf ("  1-node pass-through:  %.0f packets/s\n", packets / s1);
  printf ("  10-node pass-through: %.0f packets/s (%.2f us per packet through 10 nodes)\n",
          packets / s10, s10 * 1e6 / packets);
  printf ("  scheduler overhead:   %.2f us per packet per node (10-node run / 10)\n",
          s10 * 1e6 / packets / 10);
  printf ("  marginal per node:    %.2f us per packet per node ((10-node - 1-node) / 9)\n",
          (s10 - s1) * 1e6 / packets / 9);
  return 0;
}
