/* fovea tests — gpu/buffer_pool: steady-state acquire/release reuses the same buffers
 * (no new OpenCL buffer after the first frames), the bound is an error and not growth,
 * bad arguments and an impossible preallocation are errors at set-up, and two threads
 * sharing a pool never get the same buffer at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gpu/buffer_pool.h"
#include "gpu_test_util.h"

#include <stdio.h>
#include <string.h>

static FvGpuDevice *dev;

static void
test_reuse (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGpuBufferPool *pool = fv_gpu_buffer_pool_new (dev, 4096, FALSE, 1, 2, &error);
  assert_non_null (pool);
  assert_int_equal (fv_gpu_buffer_pool_n_created (pool), 1);
  assert_int_equal (fv_gpu_buffer_pool_buffer_size (pool), 4096);
  FvGpuBuffer *first = fv_gpu_buffer_pool_acquire (pool, &error);
  assert_non_null (first);
  assert_int_equal (first->size, 4096);
  assert_null (first->host);   /* device memory */
  fv_gpu_buffer_pool_release (pool, first);
  /* a thousand frames, one buffer at a time: always the same one, nothing created */
  for (int i = 0; i < 1000; i++) {
    FvGpuBuffer *b = fv_gpu_buffer_pool_acquire (pool, &error);
    assert_ptr_equal (b, first);
    fv_gpu_buffer_pool_release (pool, b);
  }
  assert_int_equal (fv_gpu_buffer_pool_n_created (pool), 1);
  /* two at once: a second is created, once */
  for (int i = 0; i < 10; i++) {
    FvGpuBuffer *a = fv_gpu_buffer_pool_acquire (pool, &error);
    FvGpuBuffer *b = fv_gpu_buffer_pool_acquire (pool, &error);
    assert_non_null (a);
    assert_non_null (b);
    assert_ptr_not_equal (a, b);
    fv_gpu_buffer_pool_release (pool, a);
    fv_gpu_buffer_pool_release (pool, b);
  }
  assert_int_equal (fv_gpu_buffer_pool_n_created (pool), 2);
  fv_gpu_buffer_pool_free (pool);
}

static void
test_bound_and_errors (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGpuBufferPool *pool = fv_gpu_buffer_pool_new (dev, 256, TRUE, 0, 2, &error);
  assert_non_null (pool);
  assert_int_equal (fv_gpu_buffer_pool_n_created (pool), 0);
  FvGpuBuffer *a = fv_gpu_buffer_pool_acquire (pool, &error);
  FvGpuBuffer *b = fv_gpu_buffer_pool_acquire (pool, &error);
  assert_non_null (a);
  assert_non_null (b);
  assert_non_null (a->host);   /* host-visible memory */
  assert_null (fv_gpu_buffer_pool_acquire (pool, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_OUT_OF_MEMORY));
  assert_non_null (strstr (error->message, "exhausted"));
  g_clear_error (&error);
  fv_gpu_buffer_pool_release (pool, a);
  assert_ptr_equal (fv_gpu_buffer_pool_acquire (pool, &error), a);
  fv_gpu_buffer_pool_release (pool, a);
  fv_gpu_buffer_pool_release (pool, b);
  fv_gpu_buffer_pool_free (pool);

  assert_null (fv_gpu_buffer_pool_new (dev, 0, FALSE, 0, 1, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  g_clear_error (&error);
  assert_null (fv_gpu_buffer_pool_new (dev, 16, FALSE, 0, 0, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  g_clear_error (&error);
  assert_null (fv_gpu_buffer_pool_new (dev, 16, FALSE, 3, 2, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  g_clear_error (&error);
  /* more than the device can hold: refused when the pool is made, not at a frame */
  assert_null (fv_gpu_buffer_pool_new (dev, fv_gpu_device_max_alloc (dev) + 1, FALSE, 1, 1,
                                       &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_OUT_OF_MEMORY));
  printf ("  error: %s\n", error->message);
  assert_non_null (strstr (error->message, "buffer pool"));
}

typedef struct {
  FvGpuBufferPool *pool;
  GMutex lock;
  GHashTable *held;   /* buffers acquired and not yet released, across threads */
  gboolean clash;
} Shared;

static gpointer
worker (gpointer data)
{
  Shared *sh = data;
  for (int i = 0; i < 2000; i++) {
    FvGpuBuffer *b = fv_gpu_buffer_pool_acquire (sh->pool, NULL);
    if (b == NULL)
      continue;   /* the other thread holds both: the bound, not a failure */
    g_mutex_lock (&sh->lock);
    sh->clash |= !g_hash_table_add (sh->held, b);
    g_mutex_unlock (&sh->lock);
    g_mutex_lock (&sh->lock);
    g_hash_table_remove (sh->held, b);
    g_mutex_unlock (&sh->lock);
    fv_gpu_buffer_pool_release (sh->pool, b);
  }
  return NULL;
}

static void
test_threads (void **state)
{
  Shared sh = { 0 };
  sh.pool = fv_gpu_buffer_pool_new (dev, 64, FALSE, 0, 2, NULL);
  assert_non_null (sh.pool);
  g_mutex_init (&sh.lock);
  sh.held = g_hash_table_new (NULL, NULL);
  GThread *t1 = g_thread_new ("pool-a", worker, &sh);
  GThread *t2 = g_thread_new ("pool-b", worker, &sh);
  g_thread_join (t1);
  g_thread_join (t2);
  assert_false (sh.clash);
  assert_true (fv_gpu_buffer_pool_n_created (sh.pool) <= 2);
  g_hash_table_destroy (sh.held);
  g_mutex_clear (&sh.lock);
  fv_gpu_buffer_pool_free (sh.pool);
}

int
main (void)
{
  fv_test_gpu_setup ();
  GError *error = NULL;
  dev = fv_gpu_device_open ("opencl", &error);
  if (dev == NULL) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_reuse),
    cmocka_unit_test (test_bound_and_errors),
    cmocka_unit_test (test_threads),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  fv_gpu_device_unref (dev);
  fv_test_gpu_teardown ();
  return failed;
}
