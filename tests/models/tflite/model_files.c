/* fovea tests — locating and reading the real model files (see model_files.h). */
#include "model_files.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

guint8 *
tb_read_model_file (const char *name, size_t *size)
{
  const char *env = g_getenv ("FOVEA_MODEL_DIR");
  g_autofree char *dir = env && *env ? g_strdup (env)
                                     : g_build_filename (g_get_user_cache_dir (), "fovea",
                                                         "models", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gchar *data = NULL;
  gsize n = 0;
  g_autoptr (GError) err = NULL;
  if (!g_file_get_contents (path, &data, &n, &err))
    fail_msg ("model file %s is missing (%s): run the model fetch first "
              "(fovea's models/fetch, or set FOVEA_MODEL_DIR)", path, err->message);
  *size = n;
  return (guint8 *) data;
}
