/* fovea tests — gpu/device: device lists, device choice by spec and $FOVEA_DEVICE, the facts
 * PoCL reports, error names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gpu/device.h"
#include "gpu_test_util.h"

#include <string.h>

static void
test_parse_device_list (void **state)
{
  gboolean ocl = 99, cpu = 99;
  GError *error = NULL;
  assert_true (fv_gpu_parse_device_list ("cpu", &ocl, &cpu, &error));
  assert_false (ocl);
  assert_true (cpu);
  assert_true (fv_gpu_parse_device_list ("opencl", &ocl, &cpu, &error));
  assert_true (ocl);
  assert_false (cpu);
  assert_true (fv_gpu_parse_device_list (" opencl:0:0 , cpu ", &ocl, &cpu, &error));
  assert_true (ocl);
  assert_true (cpu);
  assert_true (fv_gpu_parse_device_list ("OpenCL:1", NULL, NULL, &error));

  const char *bad[] = { "", " , ", "gpu", "opencl:x", "opencl:0:0:0", "cpu,opencl", "opencl:-1",
                        "cuda,cpu" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    assert_false (fv_gpu_parse_device_list (bad[i], &ocl, &cpu, &error));
    assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
    g_clear_error (&error);
  }
}

static void
check_pocl_device (FvGpuDevice *dev)
{
  assert_non_null (dev);
  assert_non_null (fv_gpu_device_context (dev));
  assert_non_null (fv_gpu_device_queue (dev));
  assert_non_null (fv_gpu_device_id (dev));
  /* "<device> (<platform>)": PoCL is the only platform installed here */
  assert_non_null (strstr (fv_gpu_device_name (dev), "(Portable Computing Language)"));
  assert_true (strlen (fv_gpu_device_driver_version (dev)) > 0);
  assert_true (fv_gpu_device_unified_memory (dev));
  assert_true (fv_gpu_device_has_fp64 (dev));
  assert_true (fv_gpu_device_max_alloc (dev) >= 128u * 1024 * 1024);
}

static void
test_open (void **state)
{
  GError *error = NULL;
  g_unsetenv ("FOVEA_DEVICE");
  const char *specs[] = { NULL, "opencl", "opencl:0", "opencl:0:0" };
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++) {
    FvGpuDevice *dev = fv_gpu_device_open (specs[i], &error);
    assert_null (error);
    check_pocl_device (dev);
    assert_ptr_equal (fv_gpu_device_ref (dev), dev);
    fv_gpu_device_unref (dev);
    fv_gpu_device_unref (dev);
  }
  fv_gpu_device_unref (NULL);
}

static void
test_open_errors (void **state)
{
  GError *error = NULL;
  g_unsetenv ("FOVEA_DEVICE");
  assert_null (fv_gpu_device_open ("opencl:7", &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE));
  g_clear_error (&error);
  assert_null (fv_gpu_device_open ("opencl:0:42", &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE));
  assert_non_null (strstr (error->message, "clinfo"));
  g_clear_error (&error);
  assert_null (fv_gpu_device_open ("cpu", &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  g_clear_error (&error);
}

static void
test_env (void **state)
{
  GError *error = NULL;
  g_setenv ("FOVEA_DEVICE", "opencl:0:0,cpu", TRUE);
  FvGpuDevice *dev = fv_gpu_device_open (NULL, &error);
  assert_null (error);
  check_pocl_device (dev);
  fv_gpu_device_unref (dev);

  g_setenv ("FOVEA_DEVICE", "opencl:3", TRUE);
  assert_null (fv_gpu_device_open (NULL, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE));
  g_clear_error (&error);

  /* the user asked for the CPU: no OpenCL device behind their back */
  g_setenv ("FOVEA_DEVICE", "cpu", TRUE);
  assert_null (fv_gpu_device_open (NULL, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE));
  g_clear_error (&error);

  g_setenv ("FOVEA_DEVICE", "vulkan", TRUE);
  assert_null (fv_gpu_device_open (NULL, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  assert_non_null (strstr (error->message, "FOVEA_DEVICE"));
  g_clear_error (&error);

  /* an explicit spec wins over the environment */
  dev = fv_gpu_device_open ("opencl", &error);
  assert_null (error);
  fv_gpu_device_unref (dev);
  g_unsetenv ("FOVEA_DEVICE");
}

static void
test_error_names (void **state)
{
  GError *error = NULL;
  assert_string_equal (fv_gpu_cl_error_name (CL_INVALID_WORK_GROUP_SIZE),
                       "CL_INVALID_WORK_GROUP_SIZE");
  assert_false (fv_gpu_set_cl_error (&error, "clEnqueueNDRangeKernel", CL_INVALID_WORK_GROUP_SIZE));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_CL));
  assert_string_equal (error->message, "clEnqueueNDRangeKernel: CL_INVALID_WORK_GROUP_SIZE");
  g_clear_error (&error);
  fv_gpu_set_cl_error (&error, "clCreateBuffer", CL_MEM_OBJECT_ALLOCATION_FAILURE);
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_OUT_OF_MEMORY));
  g_clear_error (&error);
  fv_gpu_set_cl_error (&error, "clFoo", -9999);
  assert_string_equal (error->message, "clFoo: CL error -9999");
  g_clear_error (&error);
}

int
main (void)
{
  fv_test_gpu_setup ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_device_list),
    cmocka_unit_test (test_open),
    cmocka_unit_test (test_open_errors),
    cmocka_unit_test (test_env),
    cmocka_unit_test (test_error_names),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  fv_test_gpu_teardown ();
  return failed;
}
