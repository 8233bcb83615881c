/* The check behind test_opencl_models.c and test_opencl_models_heavy.c (two executables,
 * so the slowest models run beside the others): a catalogued model on the "opencl"
 * backend, on both golden input sets (the astronaut photo and the oracle's random recipe):
 *  - against the reference backend, output by output, relative L2 error
 *      ||opencl - ref||_2 <= 1e-4 * ||ref||_2 + 1e-6 * sqrt(n)
 *    (n elements; the absolute floor, an RMS error of 1e-6, is the golden manifest's own
 *    floor and only matters for outputs near zero, such as a saturated sigmoid of 1e-12)
 *  - against TFLite directly, with the tolerances of tests/data/golden/manifest.txt (the
 *    same lines and rule as tests/models/test_golden.c, which checks "ref").
 * Models come from the model cache (`fovea models fetch`). */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/catalog.h"
#include "models/interpreter.h"
#include "models/random_input.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL_L2_TOL 1e-4
#define ABS_RMS_FLOOR 1e-6

typedef struct {
  char model[64], set[16], kind[16], file[256];
  int index;
  long count;
  double tol;
} Check;

static GArray *checks;
static const char *data_dir;
static int failures;

static void
ocl_models_load_manifest (void)
{
  data_dir = g_getenv ("FOVEA_TEST_DATA");
  if (!data_dir) {
    fprintf (stderr, "FOVEA_TEST_DATA is not set\n");
    exit (1);
  }
  g_autofree char *path = g_build_filename (data_dir, "golden", "manifest.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error)) {
    fprintf (stderr, "%s\n", error->message);
    exit (1);
  }
  checks = g_array_new (FALSE, TRUE, sizeof (Check));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (**l == '#' || !**l)
      continue;
    Check c = { 0 };
    if (sscanf (*l, "%63s %15s %15s %d %255s %ld %lf", c.model, c.set, c.kind, &c.index,
                c.file, &c.count, &c.tol) != 7) {
      fprintf (stderr, "bad manifest line: %s\n", *l);
      exit (1);
    }
    g_array_append_val (checks, c);
  }
  if (checks->len < 100) {
    fprintf (stderr, "%s: only %u checks\n", path, checks->len);
    exit (1);
  }
}

static float *
read_floats (const char *rel, long count)
{
  g_autofree char *path = g_build_filename (data_dir, "golden", rel, NULL);
  gchar *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &data, &len, &error))
    fail_msg ("%s", error->message);
  assert_int_equal (len, (gsize) count * sizeof (float));
  return (float *) data;
}

static double
max_diff (const float *got, const float *ref, long n, gboolean *finite)
{
  double d = 0;
  *finite = TRUE;
  for (long i = 0; i < n; i++) {
    *finite &= isfinite (got[i]);
    d = fmax (d, fabs ((double) got[i] - ref[i]));
  }
  return d;
}

/* Returns ||got - ref||_2 / ||ref||_2 and sets *ok by the rule above; -1 (not ok) for a NaN
 * or infinity in @got. */
static double
rel_l2_tol (const float *got, const float *ref, long n, double tol, gboolean *ok)
{
  *ok = FALSE;
  double num = 0, den = 0;
  for (long i = 0; i < n; i++) {
    if (!isfinite (got[i]))
      return -1;
    double d = (double) got[i] - ref[i];
    num += d * d;
    den += (double) ref[i] * ref[i];
  }
  *ok = sqrt (num) <= tol * sqrt (den) + ABS_RMS_FLOOR * sqrt ((double) n);
  return den > 0 ? sqrt (num / den) : sqrt (num);
}

static double
rel_l2 (const float *got, const float *ref, long n, gboolean *ok)
{
  return rel_l2_tol (got, ref, n, REL_L2_TOL, ok);
}

/* The catalogued model @name, loaded (transfer full); fails the test when it is unknown or
 * not fetched. */
static FvModel *
load_catalog_model (const char *name)
{
  const FvCatalogEntry *entry = fv_catalog_find (name);
  if (!entry)
    fail_msg ("%s is not in the catalog", name);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = fv_catalog_model_path (entry, &error);
  if (!path)
    fail_msg ("%s (run `fovea models fetch` first)", error->message);
  FvModel *model = fv_model_load_file (path, &error);
  if (!model)
    fail_msg ("%s", error->message);
  return model;
}

/* Runs one model on both input sets on "opencl" and "ref" and checks both comparisons. */
static G_GNUC_UNUSED void
ocl_models_check (const char *name)
{
  failures = 0;
  g_autoptr (FvModel) model = load_catalog_model (name);
  g_autoptr (GError) error = NULL;
  gboolean need_tensors = FALSE;
  for (guint i = 0; i < checks->len; i++) {
    Check *c = &g_array_index (checks, Check, i);
    need_tensors |= g_str_equal (c->model, name) && g_str_equal (c->kind, "tensor");
  }
  FvBackendOptions opts = { .preserve_all_tensors = need_tensors };
  g_autoptr (FvInterpreter) ocl = fv_interpreter_new (model, "opencl", &opts, &error);
  if (!ocl)
    fail_msg ("%s", error->message);
  g_autoptr (FvInterpreter) ref = fv_interpreter_new (model, "ref", NULL, &error);
  if (!ref)
    fail_msg ("%s", error->message);

  const char *sets[] = { "image", "random" };
  for (int s = 0; s < 2; s++) {
    for (guint i = 0; i < checks->len; i++) {
      Check *c = &g_array_index (checks, Check, i);
      if (!g_str_equal (c->model, name) || !g_str_equal (c->set, sets[s])
          || !g_str_equal (c->kind, "input"))
        continue;
      assert_int_equal (fv_interpreter_input_bytes (ocl, c->index), c->count * sizeof (float));
      float *in = fv_interpreter_input (ocl, c->index);
      if (g_str_equal (c->file, "random")) {
        fv_random_input_fill (in, c->count, c->index);
      } else {
        g_autofree float *data = read_floats (c->file, c->count);
        memcpy (in, data, c->count * sizeof (float));
      }
      memcpy (fv_interpreter_input (ref, c->index), in, c->count * sizeof (float));
    }
    if (!fv_interpreter_invoke (ocl, &error) || !fv_interpreter_invoke (ref, &error))
      fail_msg ("%s", error->message);

    for (int o = 0; o < fv_interpreter_n_outputs (ocl); o++) {
      long n = (long) (fv_interpreter_output_bytes (ocl, o) / sizeof (float));
      gboolean ok;
      double e = rel_l2 (fv_interpreter_output (ocl, o), fv_interpreter_output (ref, o), n, &ok);
      printf ("  %-30s %-6s vs ref     output %d  rel L2 %-10.3g tol %-10.3g %s\n", name,
              sets[s], o, e, REL_L2_TOL, ok ? "PASS" : "FAIL");
      failures += !ok;
    }

    int n_checked = 0;
    for (guint i = 0; i < checks->len; i++) {
      Check *c = &g_array_index (checks, Check, i);
      if (!g_str_equal (c->model, name) || !g_str_equal (c->set, sets[s])
          || g_str_equal (c->kind, "input"))
        continue;
      const float *got;
      if (g_str_equal (c->kind, "tensor")) {
        assert_true (c->index < model->n_tensors);
        assert_int_equal (fv_tensor_numel (&model->tensors[c->index]), c->count);
        got = fv_interpreter_tensor (ocl, c->index);
      } else {
        assert_int_equal (fv_interpreter_output_bytes (ocl, c->index), c->count * sizeof (float));
        got = fv_interpreter_output (ocl, c->index);
      }
      assert_non_null (got);
      g_autofree float *golden = read_floats (c->file, c->count);
      gboolean finite;
      double d = max_diff (got, golden, c->count, &finite);
      gboolean ok = finite && d <= c->tol;
      printf ("  %-30s %-6s vs %-6s %3d  max|diff| %-10.3g tol %-10.3g %s\n", name, sets[s],
              c->kind, c->index, d, c->tol, ok ? "PASS" : "FAIL");
      failures += !ok;
      n_checked++;
    }
    assert_true (n_checked > 0);
  }
  assert_int_equal (failures, 0);
}

/* The float16 storage mode (FOVEA_OPENCL_FP16=1, models/opencl/backend_opencl.h) on the
 * golden image input against "ref": every output within FP16_REL_L2_TOL relative L2 (plus
 * the same RMS floor). Half keeps 11 significant bits, a rounding of about 5e-4 at every
 * stored tensor; over the catalogued models the outputs measured 2e-4 to 5e-3. */
#define FP16_REL_L2_TOL 1e-2

static G_GNUC_UNUSED void
ocl_models_check_fp16 (const char *name)
{
  g_autoptr (FvModel) model = load_catalog_model (name);
  g_autoptr (GError) error = NULL;
  g_setenv ("FOVEA_OPENCL_FP16", "1", TRUE);
  g_autoptr (FvInterpreter) h = fv_interpreter_new (model, "opencl", NULL, &error);
  g_unsetenv ("FOVEA_OPENCL_FP16");
  if (!h)
    fail_msg ("%s", error->message);
  g_autoptr (FvInterpreter) ref = fv_interpreter_new (model, "ref", NULL, &error);
  if (!ref)
    fail_msg ("%s", error->message);
  int n_inputs = 0;
  for (guint i = 0; i < checks->len; i++) {
    Check *c = &g_array_index (checks, Check, i);
    if (!g_str_equal (c->model, name) || !g_str_equal (c->set, "image")
        || !g_str_equal (c->kind, "input"))
      continue;
    assert_int_equal (fv_interpreter_input_bytes (h, c->index), c->count * sizeof (float));
    g_autofree float *data = read_floats (c->file, c->count);
    memcpy (fv_interpreter_input (h, c->index), data, c->count * sizeof (float));
    memcpy (fv_interpreter_input (ref, c->index), data, c->count * sizeof (float));
    n_inputs++;
  }
  assert_true (n_inputs > 0);
  if (!fv_interpreter_invoke (h, &error) || !fv_interpreter_invoke (ref, &error))
    fail_msg ("%s", error->message);
  int bad = 0;
  for (int o = 0; o < fv_interpreter_n_outputs (h); o++) {
    long n = (long) (fv_interpreter_output_bytes (h, o) / sizeof (float));
    gboolean ok;
    double e = rel_l2_tol (fv_interpreter_output (h, o), fv_interpreter_output (ref, o), n,
                           FP16_REL_L2_TOL, &ok);
    printf ("  %-30s fp16 vs ref output %d  rel L2 %-10.3g tol %-10.3g %s\n", name, o, e,
            FP16_REL_L2_TOL, ok ? "PASS" : "FAIL");
    bad += !ok;
  }
  printf ("  %-30s arena: fp16 %zu bytes\n", name, fv_interpreter_arena_bytes (h));
  assert_int_equal (bad, 0);
}
