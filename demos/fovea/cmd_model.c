/* fovea — `fovea model info|run|bench MODEL`: the model runtime from the command line.
 *
 * MODEL is a .tflite path or a catalog name (`face_landmark`), which resolves to the
 * fetched file in the model cache. Tensors on disk are raw little-endian float32, NHWC,
 * the layout of the TFLite oracle's golden files. */
#include "demos/fovea/cmd_model.h"

#include "demos/fovea/cmd_run.h"

#include "models/catalog.h"
#include "models/interpreter.h"
#include "models/model_stats.h"
#include "models/random_input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *
resolve_model (const char *arg, GError **error)
{
  if (g_file_test (arg, G_FILE_TEST_EXISTS) || strchr (arg, '/'))
    return g_strdup (arg);
  const FvCatalogEntry *entry = fv_catalog_find (arg);
  if (!entry)
    return g_strdup (arg);   /* let the loader say the file does not exist */
  return fv_catalog_model_path (entry, error);
}

static FvInterpreter *
open_model (const char *arg, const char *backend, gboolean preserve, GError **error)
{
  g_autofree char *path = resolve_model (arg, error);
  if (!path)
    return NULL;
  FvBackendOptions opts = { .preserve_all_tensors = preserve };
  return fv_interpreter_new_from_file (path, backend, &opts, error);
}

static void
print_tensor_line (const char *what, int i, const FvTensor *t, int index)
{
  char shape[96];
  printf ("  %s %d: t%-4d %-32s %-16s %s\n", what, i, index, t->name,
          fv_tensor_shape_str (t, shape, sizeof shape), fv_dtype_name (t->dtype));
}

static char *
human_bytes (size_t b)
{
  return g_format_size_full (b, G_FORMAT_SIZE_IEC_UNITS);
}

static int
cmd_info (const char *model_arg, const char *backend)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvInterpreter) it = open_model (model_arg, backend, FALSE, &error);
  if (!it) {
    fprintf (stderr, "fovea model info: %s\n", error->message);
    return 1;
  }
  const FvModel *m = fv_interpreter_model (it);
  FvModelStats st;
  fv_model_stats (m, &st);
  printf ("model: %s\n", model_arg);
  printf ("description: %s\n", m->description);
  printf ("tensors: %d, ops to run: %d (load-time ops folded into constants)\n", m->n_tensors,
          m->n_ops);
  printf ("inputs:\n");
  for (int i = 0; i < m->n_inputs; i++)
    print_tensor_line ("input", i, &m->tensors[m->inputs[i]], m->inputs[i]);
  printf ("outputs:\n");
  for (int i = 0; i < m->n_outputs; i++)
    print_tensor_line ("output", i, &m->tensors[m->outputs[i]], m->outputs[i]);
  printf ("ops:\n");
  for (int t = 0; t < FV_OP_COUNT; t++)
    if (st.op_counts[t])
      printf ("  %-28s %5d\n", fv_op_type_name (t), st.op_counts[t]);
  g_autofree char *wb = human_bytes (st.weight_bytes);
  g_autofree char *ab = human_bytes (fv_interpreter_arena_bytes (it));
  printf ("MACs: %" G_GINT64_FORMAT " (%.1f M)\n", st.macs, st.macs / 1e6);
  printf ("weights: %zu bytes (%s) of float32 in %d constants\n", st.weight_bytes, wb,
          st.n_const_tensors);
  printf ("arena: %zu bytes (%s), backend %s\n", fv_interpreter_arena_bytes (it), ab,
          fv_interpreter_backend_name (it));
  return 0;
}

static gboolean
read_input (FvInterpreter *it, int i, const char *spec, GError **error)
{
  float *dst = fv_interpreter_input (it, i);
  size_t want = fv_interpreter_input_bytes (it, i);
  if (g_str_equal (spec, "random")) {
    fv_random_input_fill (dst, want / sizeof (float), i);
    return TRUE;
  }
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (spec, &data, &len, error))
    return FALSE;
  if (len != want) {
    char shape[96];
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT,
                 "%s: %zu bytes, but input %d (%s) takes %zu bytes of float32", spec,
                 (size_t) len, i, fv_tensor_shape_str (fv_interpreter_input_tensor (it, i), shape,
                                                       sizeof shape), want);
    return FALSE;
  }
  memcpy (dst, data, len);
  return TRUE;
}

static gboolean
fill_inputs (FvInterpreter *it, char **inputs, GError **error)
{
  int n = fv_interpreter_n_inputs (it);
  int given = inputs ? (int) g_strv_length (inputs) : 0;
  if (given != n && !(given == 0)) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT,
                 "the model has %d inputs but %d --input were given", n, given);
    return FALSE;
  }
  for (int i = 0; i < n; i++)
    if (!read_input (it, i, given ? inputs[i] : "random", error))
      return FALSE;
  return TRUE;
}

static gboolean
write_f32 (const char *dir, const char *name, const float *data, size_t bytes, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return g_file_set_contents (path, (const char *) data, (gssize) bytes, error);
}

static int
cmd_run (const char *model_arg, const char *backend, char **inputs, const char *out_dir,
         gboolean dump)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvInterpreter) it = open_model (model_arg, backend, dump, &error);
  if (!it || !fill_inputs (it, inputs, &error) || !fv_interpreter_invoke (it, &error))
    goto fail;
  if (g_mkdir_with_parents (out_dir, 0755) != 0) {
    g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno), "cannot create %s: %s",
                 out_dir, g_strerror (errno));
    goto fail;
  }
  for (int i = 0; i < fv_interpreter_n_outputs (it); i++) {
    g_autofree char *name = g_strdup_printf ("output%d.f32", i);
    if (!write_f32 (out_dir, name, fv_interpreter_output (it, i),
                    fv_interpreter_output_bytes (it, i), &error))
      goto fail;
    char shape[96];
    printf ("%s/%s  %s\n", out_dir, name,
            fv_tensor_shape_str (fv_interpreter_output_tensor (it, i), shape, sizeof shape));
  }
  if (dump) {
    /* every activation, named by tensor index like the oracle's dump-tensors.py */
    const FvModel *m = fv_interpreter_model (it);
    for (int o = 0; o < m->n_ops; o++)
      for (int k = 0; k < m->ops[o].n_outputs; k++) {
        int t = m->ops[o].outputs[k];
        g_autofree char *name = g_strdup_printf ("t%04d.f32", t);
        if (!write_f32 (out_dir, name, fv_interpreter_tensor (it, t),
                        fv_tensor_nbytes (&m->tensors[t]), &error))
          goto fail;
      }
    printf ("intermediate tensors written as %s/tNNNN.f32\n", out_dir);
  }
  return 0;
fail:
  fprintf (stderr, "fovea model run: %s\n", error->message);
  return 1;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static int
cmd_bench (const char *model_arg, const char *backend, int runs, int warmup, gboolean quiet)
{
  g_autoptr (GError) error = NULL;
  g_autofree double *ms = g_new (double, runs);
  g_autoptr (FvInterpreter) it = open_model (model_arg, backend, FALSE, &error);
  if (!it || !fill_inputs (it, NULL, &error))
    goto fail;
  gboolean tty = isatty (fileno (stderr)) && !quiet;
  for (int i = 0; i < warmup; i++)
    if (!fv_interpreter_invoke (it, &error))
      goto fail;
  for (int i = 0; i < runs; i++) {
    gint64 t0 = g_get_monotonic_time ();
    if (!fv_interpreter_invoke (it, &error))
      goto fail;
    ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
    if (tty)
      fprintf (stderr, "\r  run %d/%d  %.2f ms", i + 1, runs, ms[i]);
  }
  if (tty)
    fprintf (stderr, "\r%40s\r", "");
  qsort (ms, runs, sizeof *ms, cmp_double);
  FvModelStats st;
  fv_model_stats (fv_interpreter_model (it), &st);
  double median = runs % 2 ? ms[runs / 2] : 0.5 * (ms[runs / 2 - 1] + ms[runs / 2]);
  printf ("%-40s backend %-4s runs %3d  median %9.3f ms  min %9.3f ms  %6.2f GMAC/s  arena %zu B\n",
          model_arg, fv_interpreter_backend_name (it), runs, median, ms[0],
          st.macs / (median * 1e6), fv_interpreter_arena_bytes (it));
  return 0;
fail:
  fprintf (stderr, "fovea model bench: %s\n", error->message);
  return 1;
}

static const char usage[] =
  "usage:\n"
  "  fovea model info MODEL [--backend NAME] [--device LIST]\n"
  "  fovea model run MODEL [--input FILE|random]... --output-dir DIR [--dump-tensors]\n"
  "      [--backend NAME] [--device LIST]\n"
  "  fovea model bench MODEL [-n RUNS] [--warmup N] [--backend NAME] [--device LIST]\n"
  "MODEL: a .tflite file or a catalog name (see `fovea models list`).\n"
  "LIST: cpu, opencl[:PLATFORM[:DEVICE]] or opencl,cpu (CPU when OpenCL does not open);\n"
  "default $FOVEA_DEVICE. --device opencl selects the opencl backend, cpu the cpu one.\n";

int
fv_cmd_model (int argc, char **argv)
{
  if (argc < 2) {
    fputs (usage, stderr);
    return 2;
  }
  const char *sub = argv[1];
  g_autofree char *backend = NULL, *out_dir = NULL, *device = NULL;
  g_auto (GStrv) inputs = NULL;
  gboolean dump = FALSE, quiet = FALSE;
  int runs = 20, warmup = 3;
  GOptionEntry entries[] = {
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &backend, "Backend: cpu (default), ref or opencl", "NAME" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device, "Device: cpu, opencl[:P[:D]] or opencl,cpu", "LIST" },
    { "input", 'i', 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs,
      "run: raw float32 file for the next input, or 'random' (repeat per input)", "FILE" },
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "run: where outputs go", "DIR" },
    { "dump-tensors", 0, 0, G_OPTION_ARG_NONE, &dump, "run: also write every intermediate tensor",
      NULL },
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "bench: timed runs (default 20)", "N" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "bench: untimed runs first (default 3)", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "bench: no progress line", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("info|run|bench MODEL");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, usage);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "fovea model: %s\n%s", error->message, usage);
    return 2;
  }
  if (argc != 3) {
    fputs (usage, stderr);
    return 2;
  }
  const char *model = argv[2];
  if (!g_str_equal (sub, "info") && !g_str_equal (sub, "run") && !g_str_equal (sub, "bench")) {
    fputs (usage, stderr);
    return 2;
  }
  g_autofree char *prog = g_strdup_printf ("fovea model %s", sub);
  int status = fv_cli_apply_device (prog, device, backend);
  if (status != 0)
    return status;
  if (g_str_equal (sub, "info"))
    return cmd_info (model, backend);
  if (g_str_equal (sub, "run")) {
    if (!out_dir) {
      fprintf (stderr, "fovea model run: --output-dir is required\n");
      return 2;
    }
    return cmd_run (model, backend, inputs, out_dir, dump);
  }
  if (g_str_equal (sub, "bench")) {
    if (runs < 1 || warmup < 0) {
      fprintf (stderr, "fovea model bench: -n must be >= 1 and --warmup >= 0\n");
      return 2;
    }
    return cmd_bench (model, backend, runs, warmup, quiet);
  }
  fputs (usage, stderr);
  return 2;
}
