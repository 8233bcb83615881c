/* The "cpu" backend at run time: an invoke allocates nothing on the heap (1 and 2
 * threads, pool included), repeated invokes give bit-identical outputs, and
 * FOVEA_NUM_THREADS / n_threads are honoured without changing results. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/catalog.h"
#include "models/interpreter.h"
#include "models/random_input.h"

#include <stdio.h>
#include <string.h>

/* --- counting heap allocations (as in tests/models/test_interpreter.c) ----------------
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
    __atomic_fetch_add (&n_allocs, 1, __ATOMIC_RELAXED);
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
  if (counting) __atomic_fetch_add (&n_allocs, 1, __ATOMIC_RELAXED);
  return __libc_malloc (n);
}
void *
calloc (size_t a, size_t b)
{
  if (counting) __atomic_fetch_add (&n_allocs, 1, __ATOMIC_RELAXED);
  return __libc_calloc (a, b);
}
void *
realloc (void *p, size_t n)
{
  if (counting) __atomic_fetch_add (&n_allocs, 1, __ATOMIC_RELAXED);
  return __libc_realloc (p, n);
}
void *
aligned_alloc (size_t a, size_t n)
{
  if (counting) __atomic_fetch_add (&n_allocs, 1, __ATOMIC_RELAXED);
  return __libc_memalign (a, n);
}
static void
install_alloc_counter (void)
{
}
#endif

static FvInterpreter *
open_model (const char *name, int n_threads)
{
  g_autoptr (GError) error = NULL;
  const FvCatalogEntry *e = fv_catalog_find (name);
  assert_non_null (e);
  g_autofree char *path = fv_catalog_model_path (e, &error);
  if (!path)
    fail_msg ("%s (run `fovea models fetch` first)", error->message);
  FvBackendOptions opts = { .n_threads = n_threads };
  FvInterpreter *it = fv_interpreter_new_from_file (path, "cpu", &opts, &error);
  if (!it)
    fail_msg ("%s", error->message);
  for (int i = 0; i < fv_interpreter_n_inputs (it); i++)
    fv_random_input_fill (fv_interpreter_input (it, i), fv_interpreter_input_bytes (it, i) / 4,
                          i);
  return it;
}

/* Copies of every output, for comparing runs. */
static GPtrArray *
snapshot (FvInterpreter *it)
{
  GPtrArray *outs = g_ptr_array_new_with_free_func (g_free);
  for (int o = 0; o < fv_interpreter_n_outputs (it); o++)
    g_ptr_array_add (outs, g_memdup2 (fv_interpreter_output (it, o),
                                      fv_interpreter_output_bytes (it, o)));
  return outs;
}

static void
assert_same_outputs (FvInterpreter *it, GPtrArray *outs)
{
  for (int o = 0; o < fv_interpreter_n_outputs (it); o++)
    assert_memory_equal (outs->pdata[o], fv_interpreter_output (it, o),
                         fv_interpreter_output_bytes (it, o));
}

/* selfie_segmentation runs reference fallbacks (custom transpose conv, pools, resize) beside
 * the fast kernels; face_landmark_with_attention runs the three MediaPipe custom ops. */
static const char *const models[] = { "face_detection_short_range", "selfie_segmentation",
                                      "face_landmark_with_attention" };

static void
check_no_allocs (int n_threads)
{
  for (size_t m = 0; m < G_N_ELEMENTS (models); m++) {
    g_autoptr (FvInterpreter) it = open_model (models[m], n_threads);
    assert_true (fv_interpreter_invoke (it, NULL));   /* first run: caches warm */
    g_autoptr (GPtrArray) first = snapshot (it);

    /* the counter works: an allocation made while counting is seen */
    n_allocs = 0;
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
    printf ("  %-30s %d thread(s): %ld allocations in 3 invokes\n", models[m], n_threads,
            (long) n_allocs);
    assert_int_equal (n_allocs, 0);
    assert_same_outputs (it, first);
  }
}

static void
test_no_allocs_1_thread (void **state)
{
  check_no_allocs (1);
}

static void
test_no_allocs_2_threads (void **state)
{
  check_no_allocs (2);
}

/* Any thread count gives the same bits: tasks split the work, never the sums. The count
 * comes from options, else from FOVEA_NUM_THREADS. */
static void
test_thread_counts_agree (void **state)
{
  g_autoptr (FvInterpreter) one = open_model ("face_landmark", 1);
  assert_true (fv_interpreter_invoke (one, NULL));
  g_autoptr (GPtrArray) want = snapshot (one);
  int counts[] = { 2, 3, 5 };
  for (size_t i = 0; i < G_N_ELEMENTS (counts); i++) {
    g_autoptr (FvInterpreter) it = open_model ("face_landmark", counts[i]);
    for (int r = 0; r < 2; r++) {
      assert_true (fv_interpreter_invoke (it, NULL));
      assert_same_outputs (it, want);
    }
  }
  g_setenv ("FOVEA_NUM_THREADS", "4", TRUE);
  g_autoptr (FvInterpreter) env = open_model ("face_landmark", 0);
  g_unsetenv ("FOVEA_NUM_THREADS");
  assert_true (fv_interpreter_invoke (env, NULL));
  assert_same_outputs (env, want);
}

int
main (void)
{
  install_alloc_counter ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_no_allocs_1_thread),
    cmocka_unit_test (test_no_allocs_2_threads),
    cmocka_unit_test (test_thread_counts_agree),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
