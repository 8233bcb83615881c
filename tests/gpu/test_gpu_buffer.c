/* fovea tests — gpu/buffer: wrapped host memory is zero-copy on PoCL (the device sees host
 * writes made between map and unmap, and the host sees the device's, with 0 bytes counted),
 * and the counted copies count exactly what they move. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gpu/buffer.h"
#include "gpu/program.h"
#include "gpu_test_util.h"

#include <stdio.h>
#include <string.h>

static const char add_source[] =
  "__kernel void add (__global const float *a, __global float *b, float k)\n"
  "{ const size_t i = get_global_id (0); b[i] = a[i] + k; }\n";

static FvGpuDevice *dev;

static void
run_add (FvGpuBuffer *a, FvGpuBuffer *b, float k, size_t n)
{
  GError *error = NULL;
  cl_program program = fv_gpu_program_get_source (dev, add_source, NULL, &error);
  assert_non_null (program);
  cl_int status = CL_SUCCESS;
  cl_kernel kernel = clCreateKernel (program, "add", &status);
  assert_int_equal (status, CL_SUCCESS);
  clSetKernelArg (kernel, 0, sizeof (cl_mem), &a->mem);
  clSetKernelArg (kernel, 1, sizeof (cl_mem), &b->mem);
  clSetKernelArg (kernel, 2, sizeof (float), &k);
  assert_int_equal (clEnqueueNDRangeKernel (fv_gpu_device_queue (dev), kernel, 1, NULL, &n, NULL,
                                            0, NULL, NULL),
                    CL_SUCCESS);
  clReleaseKernel (kernel);
}

static void
test_zero_copy (void **state)
{
  GError *error = NULL;
  enum { N = 4096 };
  float *host = g_aligned_alloc0 (N, sizeof (float), 64);
  FvGpuBuffer *a = fv_gpu_buffer_wrap_host (dev, host, N * sizeof (float), &error);
  assert_non_null (a);
  assert_ptr_equal (a->host, host);
  assert_false (a->host_owned);
  FvGpuBuffer *b = fv_gpu_buffer_new_host (dev, N * sizeof (float), &error);
  assert_non_null (b);
  assert_true (b->host_owned);
  assert_int_equal ((guintptr) b->host % 64, 0);

  fv_gpu_reset_bytes_copied ();
  for (int round = 0; round < 3; round++) {
    float *pa = fv_gpu_buffer_map (a, TRUE, &error);
    assert_ptr_equal (pa, host);   /* the host memory itself: nothing staged */
    for (int i = 0; i < N; i++)
      pa[i] = (float) (i * (round + 1));
    assert_true (fv_gpu_buffer_unmap (a, pa, &error));
    run_add (a, b, 0.5f, N);
    const float *pb = fv_gpu_buffer_map (b, FALSE, &error);
    assert_ptr_equal (pb, b->host);
    for (int i = 0; i < N; i++)
      assert_float_equal (pb[i], (float) (i * (round + 1)) + 0.5f, 0.0f);
    assert_true (fv_gpu_buffer_unmap (b, (void *) pb, &error));
  }
  assert_null (error);
  assert_int_equal (fv_gpu_bytes_copied (), 0);
  fv_gpu_buffer_free (a);
  fv_gpu_buffer_free (b);
  g_aligned_free (host);
}

static void
test_counted_copies (void **state)
{
  GError *error = NULL;
  enum { N = 1000 };
  float src[N], back[N];
  for (int i = 0; i < N; i++)
    src[i] = (float) i - 3.25f;
  FvGpuBuffer *d = fv_gpu_buffer_new (dev, N * sizeof (float), &error);
  FvGpuBuffer *e = fv_gpu_buffer_new (dev, N * sizeof (float), &error);
  assert_non_null (d);
  assert_null (d->host);

  fv_gpu_reset_bytes_copied ();
  assert_true (fv_gpu_write (d, 0, src, sizeof src, &error));
  assert_int_equal (fv_gpu_bytes_copied (), sizeof src);
  run_add (d, e, 1.0f, N);
  assert_true (fv_gpu_copy (dev, d->mem, 40, e->mem, 0, 400, &error));
  assert_int_equal (fv_gpu_bytes_copied (), sizeof src + 400);
  memset (back, 0, sizeof back);
  assert_true (fv_gpu_read (d, 0, back, sizeof back, &error));
  assert_int_equal (fv_gpu_bytes_copied (), 2 * sizeof src + 400);
  for (int i = 0; i < N; i++) {
    /* floats 10..109 of d were overwritten by e[0..99] = src[0..99] + 1 */
    const float want = i >= 10 && i < 110 ? src[i - 10] + 1.0f : src[i];
    assert_float_equal (back[i], want, 0.0f);
  }
  assert_true (fv_gpu_read (d, 8, back, 4, &error));
  assert_float_equal (back[0], src[2], 0.0f);
  assert_int_equal (fv_gpu_bytes_copied (), 2 * sizeof src + 404);

  /* out of range: refused, nothing counted */
  const guint64 before = fv_gpu_bytes_copied ();
  assert_false (fv_gpu_write (d, 4, src, sizeof src, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  g_clear_error (&error);
  assert_false (fv_gpu_read (d, sizeof src + 1, back, 0 + 1, &error));
  g_clear_error (&error);
  assert_false (fv_gpu_copy (dev, d->mem, 0, e->mem, 1, sizeof src, &error));
  g_clear_error (&error);
  assert_int_equal (fv_gpu_bytes_copied (), before);
  fv_gpu_reset_bytes_copied ();
  assert_int_equal (fv_gpu_bytes_copied (), 0);
  fv_gpu_buffer_free (d);
  fv_gpu_buffer_free (e);
  fv_gpu_buffer_free (NULL);
}

static void
test_errors (void **state)
{
  GError *error = NULL;
  assert_null (fv_gpu_buffer_new (dev, 0, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  g_clear_error (&error);
  assert_null (fv_gpu_buffer_new (dev, fv_gpu_device_max_alloc (dev) + 1, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_OUT_OF_MEMORY));
  g_clear_error (&error);
  assert_null (fv_gpu_buffer_new_host (dev, fv_gpu_device_max_alloc (dev) + 1, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_OUT_OF_MEMORY));
  g_clear_error (&error);
  assert_null (fv_gpu_buffer_wrap_host (dev, NULL, 16, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  g_clear_error (&error);
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
    cmocka_unit_test (test_zero_copy),
    cmocka_unit_test (test_counted_copies),
    cmocka_unit_test (test_errors),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  fv_gpu_device_unref (dev);
  fv_test_gpu_teardown ();
  return failed;
}
