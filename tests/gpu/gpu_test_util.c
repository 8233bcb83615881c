/* fovea tests — the gpu suite's temp cache directory (see gpu_test_util.h). */
#include "gpu_test_util.h"

#include <glib/gstdio.h>
#include <unistd.h>

static char *tmp_dir;

void
fv_test_gpu_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir != NULL) {
    const char *name;
    while ((name = g_dir_read_name (dir)) != NULL) {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        fv_test_gpu_remove_tree (child);
      else
        g_unlink (child);
    }
    g_dir_close (dir);
  }
  g_rmdir (path);
}

const char *
fv_test_gpu_setup (void)
{
  tmp_dir = g_dir_make_tmp ("fovea-gpu-test-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  g_autofree char *cl = g_build_filename (tmp_dir, "cl", NULL);
  g_setenv ("FOVEA_CL_CACHE_DIR", cl, TRUE);
  /* PoCL keeps its own kernel cache under $XDG_CACHE_HOME (~/.cache/pocl) */
  if (access (g_get_home_dir (), W_OK) != 0 && g_getenv ("XDG_CACHE_HOME") == NULL)
    g_setenv ("XDG_CACHE_HOME", tmp_dir, TRUE);
  return tmp_dir;
}

void
fv_test_gpu_teardown (void)
{
  if (tmp_dir != NULL)
    fv_test_gpu_remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}
