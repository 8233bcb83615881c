/* The interpreter and its memory plan on real models: the arena never lets two live
 * tensors share bytes, inputs survive a run, and a run allocates nothing on the heap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/catalog.h"
#include "models/interpreter.h"
#include "models/memory_planner.h"
#include "models/model_stats.h"
#include "models/random_input.h"

#include <stdio.h>
#include <string.h>

/* --- counting heap allocations ------------------------------------------------------
 * Under a sanitizer, its allocator reports every malloc to a hook; without one, the test
 * binary interposes malloc and friends (the shared library's calls resolve to them). */
static volatile int counting;
static volatile long n_allocs;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
int __sanitizer_install_malloc_and_free_hooks (void (*malloc_hook) (const volatile void *, size_t),
                                               void (*free_hook) (const volatile void *));
static void
on_malloc (const volatile void *p, size_t size)
{
  if (counting)
    n_allocs++;
}
static void
on_free (const volatile void *p)
{
}
static void
install_alloc_counter (void)
{
  __sanitizer_install_malloc_and_free_hooks (on_malloc, on_free);
}
#else
extern void *__libc_malloc (size_t);
extern void *__libc_calloc (size_t, size_t);
extern void *__libc_realloc (void *, size_t);
extern void *__libc_memalign (size_t, size_t);
void *malloc (size_t n);
void *calloc (size_t a, size_t b);
void *realloc (void *p, size_t n);
void *aligned_alloc (size_t a, size_t n);
void *
malloc (size_t n)
{
  if (counting) n_allocs++;
  return __libc_malloc (n);
}
void *
calloc (size_t a, size_t b)
{
  if (counting) n_allocs++;
  return __libc_calloc (a, b);
}
void *
realloc (void *p, size_t n)
{
  if (counting) n_allocs++;
  return __libc_realloc (p, n);
}
void *
aligned_alloc (size_t a, size_t n)
{
  if (counting) n_allocs++;
  return __libc_memalign (a, n);
}
static void
install_alloc_counter (void)
{
}
#endif

static char *
model_path (const char *name)
{
  g_autoptr (GError) error = NULL;
  const FvCatalogEntry *e = fv_catalog_find (name);
  assert_non_null (e);
  char *path = fv_catalog_model_path (e, &error);
  if (!path)
    fail_msg ("%s (run `fovea models fetch` first)", error->message);
  return path;
}

static void
test_invoke_allocates_nothing (void **state)
{
  g_autofree char *path = model_path ("face_detection_short_range");
  g_autoptr (GError) error = NULL;
  g_autoptr (FvInterpreter) it = fv_interpreter_new_from_file (path, NULL, NULL, &error);
  assert_non_null (it);
  fv_random_input_fill (fv_interpreter_input (it, 0), fv_interpreter_input_bytes (it, 0) / 4, 0);
  assert_true (fv_interpreter_invoke (it, &error));   /* first run: caches warm */

  /* the counter works: an allocation made while counting is seen */
  counting = 1;
  void *probe = g_malloc (64);
  counting = 0;
  g_free (probe);
  assert_true (n_allocs >= 1);

  n_allocs = 0;
  counting = 1;
  gboolean ok = TRUE;
  for (int i = 0; i < 3; i++)
    ok &= fv_interpreter_invoke (it, NULL);
  counting = 0;
  assert_true (ok);
  assert_int_equal (n_allocs, 0);
}

/* Checks the plan of @model: no two tensors whose lifetimes overlap share bytes, every
 * tensor fits in the arena, and the arena is no larger than one buffer per tensor. */
static void
check_plan (const FvModel *m, const char *name)
{
  FvMemoryPlan *plan = fv_memory_plan_new (m, 64, FALSE);
  int n = m->n_tensors;
  g_autofree int *first = g_new (int, n), *last = g_new (int, n);
  for (int t = 0; t < n; t++)
    first[t] = G_MAXINT, last[t] = G_MININT;
  for (int o = 0; o < m->n_ops; o++)
    for (int side = 0; side < 2; side++) {
      int cnt = side ? m->ops[o].n_outputs : m->ops[o].n_inputs;
      const int *idx = side ? m->ops[o].outputs : m->ops[o].inputs;
      for (int i = 0; i < cnt; i++)
        if (idx[i] >= 0 && !m->tensors[idx[i]].is_const)
          first[idx[i]] = MIN (first[idx[i]], o), last[idx[i]] = MAX (last[idx[i]], o);
    }
  for (int i = 0; i < m->n_inputs; i++)
    first[m->inputs[i]] = -1, last[m->inputs[i]] = m->n_ops;
  for (int i = 0; i < m->n_outputs; i++)
    last[m->outputs[i]] = m->n_ops;
  for (int a = 0; a < n; a++) {
    if (first[a] > last[a])
      continue;
    assert_true (plan->offsets[a] != FV_PLAN_NONE);
    size_t a0 = plan->offsets[a], a1 = a0 + fv_tensor_nbytes (&m->tensors[a]);
    assert_true (a1 <= plan->arena_bytes);
    for (int b = a + 1; b < n; b++) {
      if (first[b] > last[b] || first[a] > last[b] || first[b] > last[a])
        continue;
      size_t b0 = plan->offsets[b], b1 = b0 + fv_tensor_nbytes (&m->tensors[b]);
      if (a0 < b1 && b0 < a1)
        fail_msg ("%s: tensors %d and %d are alive together but share bytes", name, a, b);
    }
  }
  assert_true (plan->arena_bytes >= plan->peak_bytes);
  assert_true (plan->arena_bytes <= plan->naive_bytes);
  printf ("  %-34s arena %9zu B  liveness peak %9zu B  naive %10zu B\n", name,
          plan->arena_bytes, plan->peak_bytes, plan->naive_bytes);
  fv_memory_plan_free (plan);
}

static void
test_plans_of_all_models (void **state)
{
  size_t n = 0;
  const FvCatalogEntry *entries = fv_catalog_entries (&n);
  size_t tflite = 0;
  for (size_t i = 0; i < n; i++) {
    /* the TF.js super-resolution models are planned per input size (tests/models/tfjs) */
    if (entries[i].kind == FV_MODEL_KIND_SUPERRES)
      continue;
    tflite++;
    g_autofree char *path = model_path (entries[i].name);
    g_autoptr (GError) error = NULL;
    g_autoptr (FvModel) m = fv_model_load_file (path, &error);
    if (!m)
      fail_msg ("%s", error->message);
    check_plan (m, entries[i].name);
  }
  assert_int_equal (tflite, 15);
}

static void
test_inputs_survive_invoke (void **state)
{
  g_autofree char *path = model_path ("selfie_segmentation_landscape");
  g_autoptr (GError) error = NULL;
  g_autoptr (FvInterpreter) it = fv_interpreter_new_from_file (path, "ref", NULL, &error);
  assert_non_null (it);
  size_t n = fv_interpreter_input_bytes (it, 0) / sizeof (float);
  g_autofree float *copy = g_new (float, n);
  fv_random_input_fill (fv_interpreter_input (it, 0), n, 0);
  memcpy (copy, fv_interpreter_input (it, 0), n * sizeof (float));
  assert_true (fv_interpreter_invoke (it, &error));
  assert_memory_equal (copy, fv_interpreter_input (it, 0), n * sizeof (float));
  /* and a second run gives the same outputs */
  size_t on = fv_interpreter_output_bytes (it, 0);
  g_autofree float *out1 = g_memdup2 (fv_interpreter_output (it, 0), on);
  assert_true (fv_interpreter_invoke (it, &error));
  assert_memory_equal (out1, fv_interpreter_output (it, 0), on);
}

static void
test_errors (void **state)
{
  g_autoptr (GError) error = NULL;
  FvInterpreter *it = fv_interpreter_new_from_file ("/nonexistent/model.tflite", NULL, NULL, &error);
  assert_null (it);
  assert_non_null (error);
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_IO));
  assert_non_null (strstr (error->message, "/nonexistent/model.tflite"));
  g_clear_error (&error);

  g_autofree char *path = model_path ("face_detection_short_range");
  g_autoptr (FvModel) m = fv_model_load_file (path, &error);
  assert_non_null (m);
  it = fv_interpreter_new (m, "no-such-backend", NULL, &error);
  assert_null (it);
  assert_non_null (strstr (error->message, "no-such-backend"));
  g_clear_error (&error);

  /* out-of-range indices are NULL, not a crash */
  g_autoptr (FvInterpreter) ok = fv_interpreter_new (m, NULL, NULL, &error);
  assert_non_null (ok);
  assert_null (fv_interpreter_input (ok, 1));
  assert_null (fv_interpreter_output (ok, -1));
  assert_null (fv_interpreter_tensor (ok, m->n_tensors));
  assert_int_equal (fv_interpreter_output_bytes (ok, 7), 0);
}

static void
test_stats (void **state)
{
  /* MACs as counted in the op inventory (face_detection_short_range: 30.8 M) */
  g_autofree char *path = model_path ("face_detection_short_range");
  g_autoptr (GError) error = NULL;
  g_autoptr (FvModel) m = fv_model_load_file (path, &error);
  assert_non_null (m);
  FvModelStats st;
  fv_model_stats (m, &st);
  assert_true (st.macs > 30700000 && st.macs < 30900000);
  assert_int_equal (st.op_counts[FV_OP_CONV_2D], 21);
  assert_int_equal (st.op_counts[FV_OP_DEQUANTIZE], 0);   /* folded at load */
  assert_int_equal (st.weight_bytes, 405560);             /* fp32 after decode */
}

int
main (void)
{
  install_alloc_counter ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_invoke_allocates_nothing),
    cmocka_unit_test (test_plans_of_all_models),
    cmocka_unit_test (test_inputs_survive_invoke),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_stats),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
