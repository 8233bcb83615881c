/* Every catalogued model on the reference backend against the real TFLite runtime.
 *
 * tests/data/golden/manifest.txt (written by import_golden.py from the TFLite oracle's
 * golden sets) lists, per model and input set (the astronaut photo, the oracle's random
 * recipe), each output with its tolerance:
 *   max |fovea - tflite| <= max(5 * spread, 1e-4 * max|tflite| + 1e-6)
 * where spread is TFLite's own XNNPACK-vs-builtin-kernels difference (compare.py's rule).
 * For the three models with MediaPipe custom ops, which TFLite cannot run, the tensors
 * at the cut before the first custom op are checked the same way ("tensor"), and the
 * complete outputs against an independent implementation within 1e-4 * max|ref| + 1e-6
 * ("full"). Models come from the model cache (`fovea models fetch`). */
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
#include <string.h>

typedef struct {
  char model[64], set[16], kind[16], file[256];
  int index;
  long count;
  double tol;
} Check;

static GArray *checks;
static const char *data_dir;

static void
load_manifest (void)
{
  data_dir = g_getenv ("FOVEA_TEST_DATA");
  assert_non_null (data_dir);
  g_autofree char *path = g_build_filename (data_dir, "golden", "manifest.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    fail_msg ("%s", error->message);
  checks = g_array_new (FALSE, TRUE, sizeof (Check));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (**l == '#' || !**l)
      continue;
    Check c = { 0 };
    int n = sscanf (*l, "%63s %15s %15s %d %255s %ld %lf", c.model, c.set, c.kind, &c.index,
                    c.file, &c.count, &c.tol);
    assert_int_equal (n, 7);
    g_array_append_val (checks, c);
  }
  assert_true (checks->len > 100);
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

static int failures;

static void
compare (const Check *c, const float *got, const float *ref)
{
  double max_diff = 0, absmax = 0;
  gboolean finite = TRUE;
  for (long i = 0; i < c->count; i++) {
    finite &= isfinite (got[i]);
    max_diff = fmax (max_diff, fabs ((double) got[i] - ref[i]));
    absmax = fmax (absmax, fabs (ref[i]));
  }
  gboolean ok = finite && max_diff <= c->tol;
  printf ("  %-34s %-6s %-6s %3d  max|diff| %-10.3g tol %-10.3g absmax %-9.4g %s\n", c->model,
          c->set, c->kind, c->index, max_diff, c->tol, absmax, ok ? "PASS" : "FAIL");
  if (!ok)
    failures++;
}

/* Runs one model on both input sets and checks every manifest line for it. */
static void
check_model (const char *name)
{
  const FvCatalogEntry *entry = fv_catalog_find (name);
  if (!entry)
    fail_msg ("%s is not in the catalog", name);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = fv_catalog_model_path (entry, &error);
  if (!path)
    fail_msg ("%s (run `fovea models fetch` first)", error->message);
  g_autoptr (FvModel) model = fv_model_load_file (path, &error);
  if (!model)
    fail_msg ("%s", error->message);
  /* intermediate tensors are only kept when a check reads one */
  gboolean need_tensors = FALSE;
  for (guint i = 0; i < checks->len; i++) {
    Check *c = &g_array_index (checks, Check, i);
    need_tensors |= g_str_equal (c->model, name) && g_str_equal (c->kind, "tensor");
  }
  FvBackendOptions opts = { .preserve_all_tensors = need_tensors };
  g_autoptr (FvInterpreter) it = fv_interpreter_new (model, "ref", &opts, &error);
  if (!it)
    fail_msg ("%s", error->message);

  const char *sets[] = { "image", "random" };
  for (int s = 0; s < 2; s++) {
    int n_checked = 0;
    for (guint i = 0; i < checks->len; i++) {
      Check *c = &g_array_index (checks, Check, i);
      if (!g_str_equal (c->model, name) || !g_str_equal (c->set, sets[s])
          || !g_str_equal (c->kind, "input"))
        continue;
      assert_int_equal (fv_interpreter_input_bytes (it, c->index), c->count * sizeof (float));
      if (g_str_equal (c->file, "random")) {
        fv_random_input_fill (fv_interpreter_input (it, c->index), c->count, c->index);
      } else {
        g_autofree float *in = read_floats (c->file, c->count);
        memcpy (fv_interpreter_input (it, c->index), in, c->count * sizeof (float));
      }
    }
    if (!fv_interpreter_invoke (it, &error))
      fail_msg ("%s", error->message);
    for (guint i = 0; i < checks->len; i++) {
      Check *c = &g_array_index (checks, Check, i);
      if (!g_str_equal (c->model, name) || !g_str_equal (c->set, sets[s])
          || g_str_equal (c->kind, "input"))
        continue;
      const float *got = NULL;
      if (g_str_equal (c->kind, "tensor")) {
        assert_true (c->index < model->n_tensors);
        assert_int_equal (fv_tensor_numel (&model->tensors[c->index]), c->count);
        got = fv_interpreter_tensor (it, c->index);
      } else {
        assert_int_equal (fv_interpreter_output_bytes (it, c->index), c->count * sizeof (float));
        got = fv_interpreter_output (it, c->index);
      }
      assert_non_null (got);
      g_autofree float *ref = read_floats (c->file, c->count);
      compare (c, got, ref);
      n_checked++;
    }
    assert_true (n_checked > 0);
  }
}

static void
test_random_recipe (void **state)
{
  /* the oracle README's first four values */
  float v[4];
  fv_random_input_fill (v, 4, 0);
  assert_float_equal (v[0], 0.06022406f, 1e-8);
  assert_float_equal (v[1], 0.99686575f, 1e-8);
  assert_float_equal (v[2], 0.522725f, 1e-7);
  assert_float_equal (v[3], -0.67855966f, 1e-8);
}

#define MODEL_TEST(n) \
  static void test_##n (void **state) { failures = 0; check_model (#n); assert_int_equal (failures, 0); }
MODEL_TEST (face_detection_short_range)
MODEL_TEST (face_detection_full_range)
MODEL_TEST (face_detection_full_range_sparse)
MODEL_TEST (face_landmark)
MODEL_TEST (face_landmark_with_attention)
MODEL_TEST (palm_detection_lite)
MODEL_TEST (palm_detection_full)
MODEL_TEST (hand_landmark_lite)
MODEL_TEST (hand_landmark_full)
MODEL_TEST (pose_detection)
MODEL_TEST (pose_landmark_lite)
MODEL_TEST (pose_landmark_full)
MODEL_TEST (pose_landmark_heavy)
MODEL_TEST (selfie_segmentation)
MODEL_TEST (selfie_segmentation_landscape)

int
main (void)
{
  load_manifest ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_random_recipe),
    cmocka_unit_test (test_face_detection_short_range),
    cmocka_unit_test (test_face_detection_full_range),
    cmocka_unit_test (test_face_detection_full_range_sparse),
    cmocka_unit_test (test_face_landmark),
    cmocka_unit_test (test_face_landmark_with_attention),
    cmocka_unit_test (test_palm_detection_lite),
    cmocka_unit_test (test_palm_detection_full),
    cmocka_unit_test (test_hand_landmark_lite),
    cmocka_unit_test (test_hand_landmark_full),
    cmocka_unit_test (test_pose_detection),
    cmocka_unit_test (test_pose_landmark_lite),
    cmocka_unit_test (test_pose_landmark_full),
    cmocka_unit_test (test_pose_landmark_heavy),
    cmocka_unit_test (test_selfie_segmentation),
    cmocka_unit_test (test_selfie_segmentation_landscape),
  };
  int rc = cmocka_run_group_tests (tests, NULL, NULL);
  g_array_free (checks, TRUE);
  return rc;
}
