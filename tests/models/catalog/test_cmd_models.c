/* Tests for `fovea models` (fv_cmd_models): exit codes of list / path / fetch against a
 * temporary models dir, and that a failed fetch writes nothing. No network. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "demos/fovea/cmd_models.h"
#include "models/catalog.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

static char *models_dir;
static char *empty_dir;

static int
run (const char *first, ...)
{
  GPtrArray *args = g_ptr_array_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  int argc = (int) args->len;
  g_ptr_array_add (args, NULL);
  char **argv = (char **) args->pdata;
  char *before[16] = { 0 };
  for (int i = 0; i < argc && i < 16; i++)
    before[i] = argv[i];
  int rc = fv_cmd_models (argc, argv);
  /* the caller's argv is left as it was */
  for (int i = 0; i < argc && i < 16; i++)
    assert_ptr_equal (argv[i], before[i]);
  g_ptr_array_free (args, TRUE);
  return rc;
}

static int
count_entries (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return 0;
  int n = 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

static int
setup (void **state)
{
  (void) state;
  models_dir = g_dir_make_tmp ("fovea-test-cmd-XXXXXX", NULL);
  empty_dir = g_dir_make_tmp ("fovea-test-cmd-empty-XXXXXX", NULL);
  if (models_dir == NULL || empty_dir == NULL)
    return -1;
  g_setenv ("FOVEA_MODEL_DIR", models_dir, TRUE);
  g_unsetenv ("FOVEA_NPM_TARBALLS");
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  GDir *dir = g_dir_open (models_dir, 0, NULL);
  if (dir != NULL) {
    const char *name;
    while ((name = g_dir_read_name (dir)) != NULL) {
      g_autofree char *p = g_build_filename (models_dir, name, NULL);
      g_unlink (p);
    }
    g_dir_close (dir);
  }
  g_rmdir (models_dir);
  g_rmdir (empty_dir);
  g_free (models_dir);
  g_free (empty_dir);
  return 0;
}

static void
test_usage_errors (void **state)
{
  (void) state;
  assert_int_equal (run ("models", NULL), 1);
  assert_int_equal (run ("models", "frobnicate", NULL), 1);
  assert_int_equal (run ("models", "help", NULL), 0);
  assert_int_equal (run ("models", "fetch", "--no-such-option", NULL), 1);
  assert_int_equal (run ("models", "list", "extra", NULL), 1);
}

static void
test_list_and_path (void **state)
{
  (void) state;
  assert_int_equal (run ("models", "list", NULL), 0);
  assert_int_equal (run ("models", "path", NULL), 0);
  /* not fetched yet */
  assert_int_equal (run ("models", "path", "selfie_segmentation", NULL), 1);
  assert_int_equal (run ("models", "path", "no_such_model", NULL), 1);

  const FvCatalogEntry *entry = fv_catalog_find ("selfie_segmentation");
  g_autofree char *file = g_build_filename (models_dir, entry->file, NULL);
  g_autofree char *zeros = g_malloc0 ((gsize) entry->size);
  assert_true (g_file_set_contents (file, zeros, (gssize) entry->size, NULL));
  assert_int_equal (run ("models", "path", "selfie_segmentation", NULL), 0);
  assert_int_equal (run ("models", "path", "selfie_segmentation.tflite", NULL), 0);
  /* right size but wrong bytes: list still succeeds (it reports "bad checksum") */
  assert_int_equal (run ("models", "list", NULL), 0);
  g_unlink (file);
}

static void
test_fetch_failures_write_nothing (void **state)
{
  (void) state;
  assert_int_equal (run ("models", "fetch", "no_such_model", NULL), 1);
  /* an offline directory without the package's tarball */
  assert_int_equal (run ("models", "fetch", "--from", empty_dir, "palm_detection_lite", NULL), 1);
  assert_int_equal (count_entries (models_dir), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_usage_errors),
    cmocka_unit_test (test_list_and_path),
    cmocka_unit_test (test_fetch_failures_write_nothing),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
