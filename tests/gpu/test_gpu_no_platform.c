/* fovea tests — no OpenCL platform installed: a clear FV_GPU_ERROR_NO_PLATFORM. The ICD
 * loader (ocl-icd) reads OCL_ICD_VENDORS once, at the first OpenCL call, so this binary
 * points it at an empty directory before anything else runs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gpu/device.h"
#include "gpu_test_util.h"

#include <string.h>

static void
test_no_platform (void **state)
{
  GError *error = NULL;
  g_unsetenv ("FOVEA_DEVICE");
  assert_null (fv_gpu_device_open (NULL, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_PLATFORM));
  assert_string_equal (error->message,
                       "no OpenCL platform: install an OpenCL driver, e.g. pocl-opencl-icd");
  g_clear_error (&error);
  assert_null (fv_gpu_device_open ("opencl:0:0", &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_PLATFORM));
  g_clear_error (&error);
}

int
main (void)
{
  const char *tmp = fv_test_gpu_setup ();
  g_autofree char *empty = g_build_filename (tmp, "no-vendors", NULL);
  g_mkdir_with_parents (empty, 0700);
  g_setenv ("OCL_ICD_VENDORS", empty, TRUE);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_no_platform),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  fv_test_gpu_teardown ();
  return failed;
}
