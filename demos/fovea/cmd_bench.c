/* fovea — `fovea bench graph [--packets N] [--threads T]`: the graph runtime's scheduler
 * overhead per packet per node, and the throughput of a 10-node pass-through graph.
 * `fovea bench SOLUTION IMAGE [-n N] [--warmup W]`: a solution's latency on one image
 * (static image mode), per stage (node, from the graph tracer) and in total, median and p99,
 * and frames/s. (Model timings are `fovea model bench`.) */
#include "demos/fovea/cmd_bench.h"

#include "models/backend.h"

#include "calculators/image/image_io.h"
#include "demos/fovea/cmd_run.h"
#include "graph/fovea-graph.h"
#include "graph/image.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The nearest-rank percentile @p (0..1) of @n values, sorted in place. */
static double
percentile (double *v, guint n, double p)
{
  qsort (v, n, sizeof *v, compare_doubles);
  guint rank = (guint) ceil (p * n);
  return v[rank > 0 ? rank - 1 : 0];
}

typedef struct {
  char *name;
  double first_begin;   /* when it first ran in a measured frame: the table's order */
  double *ms;           /* per measured frame: the node's process time summed */
  guint calls;
} Stage;

static void
stage_free (gpointer p)
{
  Stage *st = p;
  g_free (st->name);
  g_free (st->ms);
  g_free (st);
}

static int
compare_stages (gconstpointer a, gconstpointer b)
{
  const Stage *x = *(Stage *const *) a, *y = *(Stage *const *) b;
  return (x->first_begin > y->first_begin) - (x->first_begin < y->first_begin);
}

/* Per-node process times of frames warmup .. warmup + runs - 1, from the tracer's Chrome
 * JSON (the same events `fovea run --trace` writes). Frames run one at a time, so frame
 * k's events are those recorded between ends[k - 1] and ends[k] (the tracer's event count
 * after each frame): the nodes of a BeginLoop body carry loop timestamps, not the frame's,
 * and are counted with their frame this way (one call per hand or face). transfer full:
 * Stage*. */
static GPtrArray *
stages_from_trace (FvTracer *tracer, const guint64 *ends, gint64 warmup, gint64 runs,
                   GError **error)
{
  g_autofree char *json = fv_tracer_to_chrome_json (tracer);
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *events = json_object_get_array_member (root, "traceEvents");
  GPtrArray *stages = g_ptr_array_new_with_free_func (stage_free);
  g_autoptr (GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  /* the sequence number of the ring's first event; the JSON lists the ring in order */
  guint64 seq = fv_tracer_total_events (tracer) - fv_tracer_num_events (tracer);
  gint64 ts = 0;   /* the frame of event seq */
  for (guint i = 0; events != NULL && i < json_array_get_length (events); i++) {
    JsonObject *e = json_array_get_object_element (events, i);
    if (e == NULL || g_strcmp0 (json_object_get_string_member_with_default (e, "ph", ""),
                                "X") != 0)
      continue;   /* thread names */
    guint64 n = seq++;
    while (ts < warmup + runs && n >= ends[ts])
      ts++;
    if (g_strcmp0 (json_object_get_string_member_with_default (e, "cat", ""), "process") != 0
        || ts < warmup || ts >= warmup + runs)
      continue;
    const char *name = json_object_get_string_member_with_default (e, "name", "?");
    Stage *st = g_hash_table_lookup (by_name, name);
    double begin = json_object_get_double_member_with_default (e, "ts", 0);
    if (st == NULL) {
      st = g_new0 (Stage, 1);
      st->name = g_strdup (name);
      st->first_begin = begin;
      st->ms = g_new0 (double, runs);
      g_ptr_array_add (stages, st);
      g_hash_table_insert (by_name, st->name, st);
    }
    st->first_begin = MIN (st->first_begin, begin);
    st->ms[ts - warmup] += json_object_get_double_member_with_default (e, "dur", 0) / 1000.0;
    st->calls++;
  }
  g_ptr_array_sort (stages, compare_stages);
  return stages;
}

static int
bench_solution (int argc, char **argv)
{
  gint64 runs = 100, warmup = 10;
  char **set = NULL;
  char *backend = NULL, *device = NULL;
  GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT64, &runs, "Timed runs (default 100)", "N" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT64, &warmup, "Untimed runs first (default 10)", "W" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &set, "Set a solution option; repeatable", "KEY=VALUE" },
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &backend, "Inference backend: cpu (default), ref or opencl", "NAME" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device, "Device: cpu, opencl[:P[:D]] or opencl,cpu (CPU fallback); default $FOVEA_DEVICE, else cpu", "LIST" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("SOLUTION IMAGE");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  int status = 1;
  g_autofree char *text = NULL, *name = NULL;
  FvGraph *g = NULL;
  FvPacket *frame = NULL;
  GPtrArray *stages = NULL;
  double *total = NULL;
  guint64 *ends = NULL;
  char *image_stream = NULL;
  FvImage *image = NULL;
  int w = 0, h = 0;
  gint64 t_all = 0;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 3 || runs < 1
      || warmup < 0 || runs > 1000000 || warmup > 1000000
      || (backend && !fv_backend_find (backend))) {
    fprintf (stderr, "usage: fovea bench SOLUTION IMAGE [-n N >= 1] [--warmup W >= 0] "
             "[--set KEY=VALUE]... [--backend NAME] [--device LIST]%s%s\n",
             error ? ": " : "", error ? error->message : "");
    status = 2;
    goto out;
  }
  if (backend != NULL)
    g_setenv ("FOVEA_BACKEND", backend, TRUE);
  if ((status = fv_cli_apply_device ("fovea bench", device, backend)) != 0)
    goto out;
  status = 1;
  text = fv_cli_solution_text ("fovea bench", argv[1], set, &name, &status);
  if (text == NULL)
    goto out;
  image = fv_image_load (argv[2], FV_IMAGE_RGB24, &error);
  if (image == NULL)
    goto fail;
  w = image->width;
  h = image->height;
  frame = fv_packet_new_image (image);
  FvGraphConfig *cfg = fv_graph_config_parse (text, -1, name, &error);
  if (cfg == NULL)
    goto fail;
  const FvStreamRef *in = fv_stream_ref_find (cfg->input_streams, "IMAGE", 0);
  if (in == NULL && cfg->input_streams->len > 0)
    in = g_ptr_array_index (cfg->input_streams, 0);
  image_stream = in ? g_strdup (in->name) : NULL;
  fv_graph_config_free (cfg);
  if (image_stream == NULL) {
    g_set_error (&error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "%s has no input stream", name);
    goto fail;
  }
  g = fv_graph_new_from_string (text, NULL, &error);
  if (g == NULL)
    goto fail;
  /* Room for every event of the timed frames, so none is overwritten. */
  fv_graph_enable_tracing (g, (guint) MIN ((runs + warmup) * 512, 1 << 24));
  if (!fv_graph_start (g, &error))
    goto fail;
  total = g_new0 (double, runs);
  ends = g_new0 (guint64, warmup + runs);
  fprintf (stderr, "%s on %s (%dx%d): %" G_GINT64_FORMAT " warm-up + %" G_GINT64_FORMAT
           " timed runs ...\n", name, argv[2], w, h, warmup, runs);
  for (gint64 ts = 0; ts < warmup + runs; ts++) {
    gint64 t0 = g_get_monotonic_time ();
    if (!fv_graph_add_packet (g, image_stream, fv_packet_at (frame, ts), &error)
        || !fv_graph_wait_until_idle (g, &error))
      goto fail;
    gint64 dt = g_get_monotonic_time () - t0;
    ends[ts] = fv_tracer_total_events (fv_graph_get_tracer (g));
    if (ts >= warmup) {
      total[ts - warmup] = dt / 1000.0;
      t_all += dt;
    }
  }
  if (!fv_graph_wait_until_done (g, &error))
    goto fail;
  stages = stages_from_trace (fv_graph_get_tracer (g), ends, warmup, runs, &error);
  if (stages == NULL)
    goto fail;
  printf ("%s on %s (%dx%d), %" G_GINT64_FORMAT " runs after %" G_GINT64_FORMAT
          " warm-up, backend %s, device %s\n", name, argv[2], w, h, runs, warmup,
          g_getenv ("FOVEA_BACKEND") ? g_getenv ("FOVEA_BACKEND") : "cpu",
          g_getenv ("FOVEA_DEVICE") ? g_getenv ("FOVEA_DEVICE") : "cpu");
  printf ("  %-58s %7s %10s %10s\n", "stage (node)", "calls", "median ms", "p99 ms");
  for (guint i = 0; i < stages->len; i++) {
    Stage *st = g_ptr_array_index (stages, i);
    double calls = (double) st->calls / (double) runs;
    double med = percentile (st->ms, (guint) runs, 0.5);
    double p99 = percentile (st->ms, (guint) runs, 0.99);
    printf ("  %-58s %7.2f %10.3f %10.3f\n", st->name, calls, med, p99);
  }
  double mean_ms = t_all / 1000.0 / (double) runs;
  double med = percentile (total, (guint) runs, 0.5), p99 = percentile (total, (guint) runs, 0.99);
  printf ("  %-58s %7s %10.3f %10.3f\n", "total (image in -> graph idle)", "", med, p99);
  printf ("  throughput: %.1f frames/s (one frame at a time; mean %.3f ms)\n",
          1000.0 / mean_ms, mean_ms);
  status = 0;
  goto out;
fail:
  fprintf (stderr, "fovea bench: %s\n", error->message);
  status = 1;
out:
  if (stages != NULL)
    g_ptr_array_unref (stages);
  g_free (total);
  g_free (ends);
  g_free (image_stream);
  fv_graph_free (g);
  fv_packet_unref (frame);
  g_strfreev (set);
  g_free (backend);
  g_free (device);
  return status;
}

int
fv_cmd_bench (int argc, char **argv)
{
  if (argc >= 2 && argv[1][0] != '-' && strcmp (argv[1], "graph") != 0)
    return bench_solution (argc, argv);
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
    fprintf (stderr, "usage: fovea bench graph [--packets N >= 10] [--threads T >= 1]\n"
             "       fovea bench SOLUTION IMAGE [-n N] [--warmup W]%s%s\n",
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
