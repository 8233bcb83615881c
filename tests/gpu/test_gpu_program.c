/* fovea tests — gpu/program: embedded sources, build once per device + options, the disk
 * cache of binaries (reuse, and damaged files ignored and rebuilt), build errors with the
 * compiler log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gpu/program.h"
#include "gpu_test_util.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *tmp;

/* A program no other test builds, so the counters and cache files are ours. */
static const char scale_source[] =
  "__kernel void scale (__global float *x, float k) { x[get_global_id (0)] *= k; }\n";

static guint
count_cache_files (char **one_path)
{
  g_autofree char *dir_path = g_build_filename (tmp, "cl", NULL);
  GDir *dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;
  if (dir == NULL)
    return 0;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL) {
    if (!g_str_has_suffix (name, ".bin"))
      continue;
    n++;
    if (one_path != NULL) {
      g_free (*one_path);
      *one_path = g_build_filename (dir_path, name, NULL);
    }
  }
  g_dir_close (dir);
  return n;
}

static void
test_embedded (void **state)
{
  const char *text = fv_gpu_kernel_source ("image_to_tensor.cl");
  assert_non_null (text);
  assert_non_null (strstr (text, "__kernel void\nfv_image_to_tensor"));
  assert_null (fv_gpu_kernel_source ("nope.cl"));
  assert_null (fv_gpu_kernel_source (NULL));
}

static void
test_memory_cache (void **state)
{
  GError *error = NULL;
  FvGpuDevice *dev = fv_gpu_device_open ("opencl", &error);
  assert_non_null (dev);
  const guint built = fv_gpu_programs_built ();
  cl_program a = fv_gpu_program_get (dev, "image_to_tensor.cl", "-DFV_FP64=0", &error);
  assert_non_null (a);
  cl_program b = fv_gpu_program_get (dev, "image_to_tensor.cl", "-DFV_FP64=0", &error);
  assert_ptr_equal (a, b);
  cl_program c = fv_gpu_program_get (dev, "image_to_tensor.cl", "-DFV_FP64=1", &error);
  assert_non_null (c);
  assert_ptr_not_equal (a, c);
  /* at most one build each; none when an earlier run left them in the disk cache */
  assert_true (fv_gpu_programs_built () - built <= 2);

  cl_kernel k = fv_gpu_kernel_new (dev, "image_to_tensor.cl", "fv_nv12_to_tensor", "-DFV_FP64=0",
                                   &error);
  assert_null (error);
  assert_non_null (k);
  clReleaseKernel (k);
  assert_null (fv_gpu_kernel_new (dev, "image_to_tensor.cl", "no_such_kernel", "-DFV_FP64=0",
                                  &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_CL));
  assert_non_null (strstr (error->message, "CL_INVALID_KERNEL_NAME"));
  g_clear_error (&error);
  assert_null (fv_gpu_program_get (dev, "missing.cl", NULL, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID));
  g_clear_error (&error);
  fv_gpu_device_unref (dev);
}

static void
test_disk_cache (void **state)
{
  GError *error = NULL;
  g_autofree char *path = NULL;
  const guint files = count_cache_files (NULL);

  /* first device: built from source, binary written */
  FvGpuDevice *dev = fv_gpu_device_open ("opencl", &error);
  guint built = fv_gpu_programs_built (), loaded = fv_gpu_programs_loaded ();
  assert_non_null (fv_gpu_program_get_source (dev, scale_source, "-DDISK=1", &error));
  assert_int_equal (fv_gpu_programs_built (), built + 1);
  assert_int_equal (count_cache_files (NULL), files + 1);
  fv_gpu_device_unref (dev);

  /* a new device (empty memory cache) loads the binary instead of compiling */
  dev = fv_gpu_device_open ("opencl", &error);
  built = fv_gpu_programs_built ();
  cl_program program = fv_gpu_program_get_source (dev, scale_source, "-DDISK=1", &error);
  assert_non_null (program);
  assert_int_equal (fv_gpu_programs_built (), built);
  assert_int_equal (fv_gpu_programs_loaded (), loaded + 1);
  cl_int status = CL_SUCCESS;
  cl_kernel k = clCreateKernel (program, "scale", &status);
  assert_int_equal (status, CL_SUCCESS);
  clReleaseKernel (k);
  fv_gpu_device_unref (dev);
}

static char *damage_path;

static GStrv
list_cache_names (void)
{
  g_autofree char *dir_path = g_build_filename (tmp, "cl", NULL);
  GStrvBuilder *names = g_strv_builder_new ();
  GDir *dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_strv_builder_add (names, name);
  if (dir != NULL)
    g_dir_close (dir);
  GStrv out = g_strv_builder_end (names);
  g_strv_builder_unref (names);
  return out;
}

/* Damages the cache file of scale_source/-DDAMAGE with @contents and checks the next device
 * rebuilds it from source and rewrites a good file. */
static void
damage_and_rebuild (const char *contents, gssize length)
{
  GError *error = NULL;
  g_autofree char *before = NULL, *path = NULL;
  g_auto (GStrv) names_before = list_cache_names ();
  FvGpuDevice *dev = fv_gpu_device_open ("opencl", &error);
  assert_non_null (fv_gpu_program_get_source (dev, scale_source, "-DDAMAGE=1", &error));
  fv_gpu_device_unref (dev);
  /* our file is the one this first build added to the cache */
  if (damage_path == NULL) {
    g_autofree char *dir_path = g_build_filename (tmp, "cl", NULL);
    GDir *dir = g_dir_open (dir_path, 0, NULL);
    assert_non_null (dir);
    const char *name;
    while ((name = g_dir_read_name (dir)) != NULL)
      if (!g_strv_contains ((const char *const *) names_before, name))
        damage_path = g_build_filename (dir_path, name, NULL);
    g_dir_close (dir);
  }
  path = g_strdup (damage_path);
  assert_non_null (path);
  gsize good_len = 0;
  assert_true (g_file_get_contents (path, &before, &good_len, NULL));
  assert_true (g_file_set_contents (path, contents, length, NULL));

  dev = fv_gpu_device_open ("opencl", &error);
  const guint built = fv_gpu_programs_built ();
  cl_program program = fv_gpu_program_get_source (dev, scale_source, "-DDAMAGE=1", &error);
  assert_null (error);
  assert_non_null (program);
  assert_int_equal (fv_gpu_programs_built (), built + 1);
  fv_gpu_device_unref (dev);
  g_autofree char *after = NULL;
  gsize after_len = 0;
  assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  assert_true (after_len > 100);
  assert_memory_equal (after, "fovea-cl-binary-1\n", 18);
}

static void
test_damaged_cache (void **state)
{
  damage_and_rebuild ("", 0);
  damage_and_rebuild ("garbage", -1);
  damage_and_rebuild ("fovea-cl-binary-1\n0000000000000000000000000000000000000000000000000000000000000000\nxx", -1);
  /* a valid checksum over a payload that is no binary: only the driver can refuse it */
  const char payload[] = "this is not a PoCL binary at all";
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);
  g_autofree char *file = g_strconcat ("fovea-cl-binary-1\n", sum, "\n", payload, NULL);
  damage_and_rebuild (file, -1);
}

static void
test_build_error (void **state)
{
  GError *error = NULL;
  FvGpuDevice *dev = fv_gpu_device_open ("opencl", &error);
  const char broken[] = "__kernel void broken (__global float *x) { x[0] = undeclared_thing; }\n";
  assert_null (fv_gpu_program_get_source (dev, broken, NULL, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_BUILD));
  /* the compiler's log names the offending identifier */
  assert_non_null (strstr (error->message, "undeclared_thing"));
  assert_non_null (strstr (error->message, "error"));
  g_clear_error (&error);
  /* a failed build is not cached: asking again reports it again */
  assert_null (fv_gpu_program_get_source (dev, broken, NULL, &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_BUILD));
  g_clear_error (&error);
  assert_null (fv_gpu_program_get_source (dev, scale_source, "-bogus-option-xyz", &error));
  assert_true (g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_BUILD));
  g_clear_error (&error);
  fv_gpu_device_unref (dev);
}

int
main (void)
{
  tmp = fv_test_gpu_setup ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_embedded),
    cmocka_unit_test (test_memory_cache),
    cmocka_unit_test (test_disk_cache),
    cmocka_unit_test (test_damaged_cache),
    cmocka_unit_test (test_build_error),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  g_free (damage_path);
  fv_test_gpu_teardown ();
  return failed;
}
