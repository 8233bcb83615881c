/* Tests for fv_models_fetch against a small npm-style tarball built here (no network):
 * loose and byte-range models, skipping verified files, re-fetching corrupt ones, and the
 * errors (checksum, range, missing npm / tarball / member) leaving nothing behind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/fetch.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOSE_SIZE 3000
#define PACK_HEAD 11
#define PACKED_SIZE 5000
#define PACK_TAIL 100

typedef struct {
  char *root;          /* everything this test makes lives here */
  char *tmp;           /* $TMPDIR for the code under test: must be empty after each fetch */
  char *tarballs;      /* holds mediapipe-footest-1.2.3.tgz */
  char *dest;          /* destination models dir, emptied before each test */
  guint8 loose[LOOSE_SIZE];
  guint8 packed[PACK_HEAD + PACKED_SIZE + PACK_TAIL];
  char loose_sha[65];
  char packed_sha[65];
} Fixture;

static Fixture fx;

static void
fill (guint8 *buf, size_t n, guint32 seed)
{
  guint32 x = seed;
  for (size_t i = 0; i < n; i++) {
    x = x * 1664525u + 1013904223u;
    buf[i] = (guint8) (x >> 24);
  }
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir != NULL) {
    const char *name;
    while ((name = g_dir_read_name (dir)) != NULL) {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
    g_dir_close (dir);
  }
  g_rmdir (path);
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

static void
write_file (const char *path, const guint8 *data, size_t len)
{
  assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, NULL));
}

static void
assert_file_bytes (const char *path, const guint8 *data, size_t len)
{
  char *got = NULL;
  gsize got_len = 0;
  assert_true (g_file_get_contents (path, &got, &got_len, NULL));
  assert_int_equal (got_len, len);
  assert_memory_equal (got, data, len);
  g_free (got);
}

/* Builds <root>/tarballs/mediapipe-footest-1.2.3.tgz holding package/foo.tflite and
 * package/foo_packed.data, the way `npm pack` lays a package out. */
static int
group_setup (void **state)
{
  (void) state;
  const char *base = g_getenv ("TMPDIR");
  fx.root = g_build_filename (base != NULL && base[0] != '\0' ? base : "/tmp",
                              "fovea-test-fetch-XXXXXX", NULL);
  if (g_mkdtemp (fx.root) == NULL)
    return -1;
  fx.tmp = g_build_filename (fx.root, "tmp", NULL);
  fx.tarballs = g_build_filename (fx.root, "tarballs", NULL);
  fx.dest = g_build_filename (fx.root, "models", NULL);
  g_autofree char *pkg = g_build_filename (fx.root, "src", "package", NULL);
  g_mkdir_with_parents (fx.tmp, 0700);
  g_mkdir_with_parents (fx.tarballs, 0700);
  g_mkdir_with_parents (pkg, 0700);
  /* Set before anything asks GLib for the temporary directory (it caches it). */
  g_setenv ("TMPDIR", fx.tmp, TRUE);
  g_unsetenv ("FOVEA_NPM_TARBALLS");

  fill (fx.loose, sizeof fx.loose, 1);
  fill (fx.packed, sizeof fx.packed, 2);
  g_autofree char *ls = g_compute_checksum_for_data (G_CHECKSUM_SHA256, fx.loose, LOOSE_SIZE);
  g_autofree char *ps = g_compute_checksum_for_data (G_CHECKSUM_SHA256, fx.packed + PACK_HEAD,
                                                     PACKED_SIZE);
  g_strlcpy (fx.loose_sha, ls, sizeof fx.loose_sha);
  g_strlcpy (fx.packed_sha, ps, sizeof fx.packed_sha);

  g_autofree char *loose_path = g_build_filename (pkg, "foo.tflite", NULL);
  g_autofree char *packed_path = g_build_filename (pkg, "foo_packed.data", NULL);
  if (!g_file_set_contents (loose_path, (const char *) fx.loose, sizeof fx.loose, NULL)
      || !g_file_set_contents (packed_path, (const char *) fx.packed, sizeof fx.packed, NULL))
    return -1;

  g_autofree char *tgz = g_build_filename (fx.tarballs, "mediapipe-footest-1.2.3.tgz", NULL);
  g_autofree char *src = g_build_filename (fx.root, "src", NULL);
  const char *argv[] = { "tar", "-czf", tgz, "-C", src, "package", NULL };
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    return -1;
  return 0;
}

static int
group_teardown (void **state)
{
  (void) state;
  remove_tree (fx.root);
  g_free (fx.root);
  g_free (fx.tmp);
  g_free (fx.tarballs);
  g_free (fx.dest);
  return 0;
}

static int
test_setup (void **state)
{
  (void) state;
  remove_tree (fx.dest);
  return 0;
}

/* Every fetch, failed or not, must leave the temporary directory as it found it. */
static int
test_teardown (void **state)
{
  (void) state;
  assert_int_equal (count_entries (fx.tmp), 0);
  return 0;
}

static FvCatalogEntry
loose_entry (void)
{
  return (FvCatalogEntry) {
    .name = "foo", .file = "foo.tflite", .sha256 = fx.loose_sha, .size = LOOSE_SIZE,
    .package = "@mediapipe/footest", .version = "1.2.3", .member = "package/foo.tflite",
    .range_start = -1, .range_end = -1,
  };
}

static FvCatalogEntry
packed_entry (void)
{
  return (FvCatalogEntry) {
    .name = "bar", .file = "bar.tflite", .sha256 = fx.packed_sha, .size = PACKED_SIZE,
    .package = "@mediapipe/footest", .version = "1.2.3", .member = "package/foo_packed.data",
    .range_start = PACK_HEAD, .range_end = PACK_HEAD + PACKED_SIZE,
  };
}

typedef struct {
  int phases[FV_FETCH_PHASE_DONE + 1];
  guint64 done_bytes;
} Counts;

static void
count_progress (size_t index, size_t total, const FvCatalogEntry *entry, FvFetchPhase phase,
                guint64 bytes, gpointer user_data)
{
  Counts *c = user_data;
  assert_true (index < total);
  assert_non_null (entry);
  c->phases[phase]++;
  if (phase == FV_FETCH_PHASE_DONE)
    c->done_bytes += bytes;
}

static gboolean
fetch_two (const FvCatalogEntry *a, const FvCatalogEntry *b, const char *tarball_dir,
           gboolean force, Counts *counts, GError **error)
{
  const FvCatalogEntry *list[] = { a, b };
  FvFetchOptions opts = {
    .force = force, .tarball_dir = tarball_dir,
    .progress = count_progress, .user_data = counts,
  };
  return fv_models_fetch (list, b != NULL ? 2 : 1, fx.dest, &opts, error);
}

static void
test_fetch_offline (void **state)
{
  (void) state;
  FvCatalogEntry loose = loose_entry (), packed = packed_entry ();
  Counts counts = { 0 };
  GError *error = NULL;
  gboolean ok = fetch_two (&loose, &packed, fx.tarballs, FALSE, &counts, &error);
  if (!ok)
    fail_msg ("fetch failed: %s", error->message);
  g_autofree char *loose_path = g_build_filename (fx.dest, "foo.tflite", NULL);
  g_autofree char *packed_path = g_build_filename (fx.dest, "bar.tflite", NULL);
  assert_file_bytes (loose_path, fx.loose, LOOSE_SIZE);
  assert_file_bytes (packed_path, fx.packed + PACK_HEAD, PACKED_SIZE);
  assert_int_equal (count_entries (fx.dest), 2);  /* no part file left over */
  /* both models come out of one tarball, opened once */
  assert_int_equal (counts.phases[FV_FETCH_PHASE_OFFLINE], 1);
  assert_int_equal (counts.phases[FV_FETCH_PHASE_EXTRACT], 1);
  assert_int_equal (counts.phases[FV_FETCH_PHASE_PACK], 0);
  assert_int_equal (counts.phases[FV_FETCH_PHASE_DONE], 2);
  assert_int_equal (counts.done_bytes, LOOSE_SIZE + PACKED_SIZE);
  assert_int_equal (fv_models_status (&loose, fx.dest), FV_MODEL_STATUS_OK);
  assert_int_equal (fv_models_status (&packed, fx.dest), FV_MODEL_STATUS_OK);
}

static void
test_rerun_skips_verified (void **state)
{
  (void) state;
  FvCatalogEntry loose = loose_entry (), packed = packed_entry ();
  Counts first = { 0 };
  assert_true (fetch_two (&loose, &packed, fx.tarballs, FALSE, &first, NULL));

  /* A tarball directory that does not exist proves nothing was fetched again. */
  g_autofree char *nowhere = g_build_filename (fx.root, "nowhere", NULL);
  Counts again = { 0 };
  GError *error = NULL;
  gboolean ok = fetch_two (&loose, &packed, nowhere, FALSE, &again, &error);
  if (!ok)
    fail_msg ("re-run failed: %s", error->message);
  assert_int_equal (again.phases[FV_FETCH_PHASE_CACHED], 2);
  assert_int_equal (again.phases[FV_FETCH_PHASE_DONE], 0);
  assert_int_equal (again.phases[FV_FETCH_PHASE_EXTRACT], 0);

  /* --force fetches even verified files. */
  Counts forced = { 0 };
  assert_true (fetch_two (&loose, &packed, fx.tarballs, TRUE, &forced, NULL));
  assert_int_equal (forced.phases[FV_FETCH_PHASE_CACHED], 0);
  assert_int_equal (forced.phases[FV_FETCH_PHASE_DONE], 2);
  assert_int_equal (count_entries (fx.dest), 2);
}

static void
test_corrupt_file_refetched (void **state)
{
  (void) state;
  FvCatalogEntry loose = loose_entry (), packed = packed_entry ();
  assert_true (fetch_two (&loose, &packed, fx.tarballs, FALSE, &(Counts) { 0 }, NULL));

  /* Same size, one byte changed: only the sha256 can tell. */
  guint8 bad[LOOSE_SIZE];
  memcpy (bad, fx.loose, sizeof bad);
  bad[LOOSE_SIZE / 2] ^= 0x40;
  g_autofree char *loose_path = g_build_filename (fx.dest, "foo.tflite", NULL);
  write_file (loose_path, bad, sizeof bad);
  assert_int_equal (fv_models_status (&loose, fx.dest), FV_MODEL_STATUS_BAD_CHECKSUM);

  Counts counts = { 0 };
  GError *error = NULL;
  gboolean ok = fetch_two (&loose, &packed, fx.tarballs, FALSE, &counts, &error);
  if (!ok)
    fail_msg ("fetch failed: %s", error->message);
  assert_int_equal (counts.phases[FV_FETCH_PHASE_DONE], 1);
  assert_int_equal (counts.phases[FV_FETCH_PHASE_CACHED], 1);
  assert_file_bytes (loose_path, fx.loose, LOOSE_SIZE);
}

static void
test_checksum_mismatch_leaves_nothing (void **state)
{
  (void) state;
  FvCatalogEntry packed = packed_entry ();
  packed.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
  GError *error = NULL;
  assert_false (fetch_two (&packed, NULL, fx.tarballs, FALSE, &(Counts) { 0 }, &error));
  assert_true (g_error_matches (error, FV_FETCH_ERROR, FV_FETCH_ERROR_CHECKSUM));
  assert_non_null (strstr (error->message, "checksum mismatch for bar.tflite"));
  assert_non_null (strstr (error->message, fx.packed_sha));  /* what we got */
  g_clear_error (&error);
  assert_int_equal (count_entries (fx.dest), 0);  /* neither final nor part file */
}

static void
test_checksum_mismatch_keeps_other_files (void **state)
{
  (void) state;
  /* A file fetched earlier in the same run stays; the failing one leaves nothing. */
  FvCatalogEntry loose = loose_entry (), packed = packed_entry ();
  packed.sha256 = "1111111111111111111111111111111111111111111111111111111111111111";
  GError *error = NULL;
  assert_false (fetch_two (&loose, &packed, fx.tarballs, FALSE, &(Counts) { 0 }, &error));
  assert_true (g_error_matches (error, FV_FETCH_ERROR, FV_FETCH_ERROR_CHECKSUM));
  g_clear_error (&error);
  assert_int_equal (count_entries (fx.dest), 1);
  assert_int_equal (fv_models_status (&loose, fx.dest), FV_MODEL_STATUS_OK);
}

static void
test_range_past_end (void **state)
{
  (void) state;
  FvCatalogEntry packed = packed_entry ();
  packed.range_end = sizeof fx.packed + 1;
  packed.size = packed.range_end - packed.range_start;
  GError *error = NULL;
  assert_false (fetch_two (&packed, NULL, fx.tarballs, FALSE, &(Counts) { 0 }, &error));
  assert_true (g_error_matches (error, FV_FETCH_ERROR, FV_FETCH_ERROR_RANGE));
  assert_non_null (strstr (error->message, "bar"));
  assert_non_null (strstr (error->message, "past the end"));
  g_clear_error (&error);
  assert_int_equal (count_entries (fx.dest), 0);
}

static void
test_npm_missing (void **state)
{
  (void) state;
  g_autofree char *saved_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *empty_bin = g_build_filename (fx.root, "emptybin", NULL);
  g_mkdir_with_parents (empty_bin, 0700);
  g_setenv ("PATH", empty_bin, TRUE);

  FvCatalogEntry loose = loose_entry ();
  GError *error = NULL;
  gboolean ok = fetch_two (&loose, NULL, NULL, FALSE, &(Counts) { 0 }, &error);
  g_setenv ("PATH", saved_path, TRUE);
  assert_false (ok);
  assert_true (g_error_matches (error, FV_FETCH_ERROR, FV_FETCH_ERROR_NPM_MISSING));
  assert_non_null (strstr (error->message, "npm not found"));
  assert_non_null (strstr (error->message, "apt-get install npm"));
  assert_non_null (strstr (error->message, "foo"));
  g_clear_error (&error);
  assert_int_equal (count_entries (fx.dest), 0);
  g_rmdir (empty_bin);
}

/* No network: the real npm, pointed at a registry on a closed loopback port with an empty
 * cache, fails at once; the error names the package and the model, and nothing is left. */
static void
test_npm_no_network (void **state)
{
  (void) state;
  g_autofree char *npm = g_find_program_in_path ("npm");
  if (npm == NULL) {
    printf ("  npm is not installed: skipped\n");
    skip ();
  }
  g_autofree char *cache = g_build_filename (fx.root, "npm-cache", NULL);
  g_mkdir_with_parents (cache, 0700);
  const char *vars[][2] = {
    { "npm_config_registry", "http://127.0.0.1:9/" },   /* discard port: refused */
    { "npm_config_cache", cache },
    { "npm_config_fetch_retries", "0" },
    { "npm_config_update_notifier", "false" },
    { "npm_config_audit", "false" },
  };
  char *saved[G_N_ELEMENTS (vars)];
  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++) {
    saved[i] = g_strdup (g_getenv (vars[i][0]));
    g_setenv (vars[i][0], vars[i][1], TRUE);
  }
  FvCatalogEntry loose = loose_entry ();
  GError *error = NULL;
  gboolean ok = fetch_two (&loose, NULL, NULL, FALSE, &(Counts) { 0 }, &error);
  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++) {
    if (saved[i] != NULL)
      g_setenv (vars[i][0], saved[i], TRUE);
    else
      g_unsetenv (vars[i][0]);
    g_free (saved[i]);
  }
  assert_false (ok);
  printf ("  error: %s\n", error->message);
  assert_true (g_error_matches (error, FV_FETCH_ERROR, FV_FETCH_ERROR_NPM_FAILED));
  assert_non_null (strstr (error->message, "@mediapipe/footest@1.2.3"));
  assert_non_null (strstr (error->message, "foo"));
  g_clear_error (&error);
  assert_int_equal (count_entries (fx.dest), 0);
}

static void
test_env_tarball_dir (void **state)
{
  (void) state;
  g_setenv ("FOVEA_NPM_TARBALLS", fx.tarballs, TRUE);
  FvCatalogEntry packed = packed_entry ();
  Counts counts = { 0 };
  GError *error = NULL;
  gboolean ok = fetch_two (&packed, NULL, NULL, FALSE, &counts, &error);
  g_unsetenv ("FOVEA_NPM_TARBALLS");
  if (!ok)
    fail_msg ("fetch failed: %s", error->message);
  assert_int_equal (counts.phases[FV_FETCH_PHASE_OFFLINE], 1);
  assert_int_equal (counts.phases[FV_FETCH_PHASE_PACK], 0);
  g_autofree char *path = g_build_filename (fx.dest, "bar.tflite", NULL);
  assert_file_bytes (path, fx.packed + PACK_HEAD, PACKED_SIZE);
}

static void
test_relative_tarball_dir (void **state)
{
  (void) state;
  /* tar runs in its own directory: a relative offline dir must still mean the caller's. */
  g_autofree char *cwd = g_get_current_dir ();
  assert_int_equal (g_chdir (fx.root), 0);
  FvCatalogEntry loose = loose_entry ();
  GError *error = NULL;
  gboolean ok = fetch_two (&loose, NULL, "tarballs", FALSE, &(Counts) { 0 }, &error);
  assert_int_equal (g_chdir (cwd), 0);
  if (!ok)
    fail_msg ("fetch failed: %s", error->message);
  g_autofree char *path = g_build_filename (fx.dest, "foo.tflite", NULL);
  assert_file_bytes (path, fx.loose, LOOSE_SIZE);
}

static void
test_missing_tarball_and_member (void **state)
{
  (void) state;
  FvCatalogEntry other = loose_entry ();
  other.version = "9.9.9";
  GError *error = NULL;
  assert_false (fetch_two (&other, NULL, fx.tarballs, FALSE, &(Counts) { 0 }, &error));
  assert_true (g_error_matches (error, FV_FETCH_ERROR, FV_FETCH_ERROR_NO_TARBALL));
  assert_non_null (strstr (error->message, "mediapipe-footest-9.9.9.tgz"));
  assert_non_null (strstr (error->message, "foo"));
  g_clear_error (&error);

  FvCatalogEntry absent = loose_entry ();
  absent.name = "absent";
  absent.member = "package/absent.tflite";
  assert_false (fetch_two (&absent, NULL, fx.tarballs, FALSE, &(Counts) { 0 }, &error));
  assert_true (g_error_matches (error, FV_FETCH_ERROR, FV_FETCH_ERROR_TAR));
  assert_non_null (strstr (error->message, "absent"));
  g_clear_error (&error);
  assert_int_equal (count_entries (fx.dest), 0);
}

static void
test_rejects_unsafe_file_name (void **state)
{
  (void) state;
  FvCatalogEntry evil = loose_entry ();
  evil.file = "../escape.tflite";
  GError *error = NULL;
  assert_false (fetch_two (&evil, NULL, fx.tarballs, FALSE, &(Counts) { 0 }, &error));
  assert_non_null (error);
  assert_non_null (strstr (error->message, "foo"));
  g_clear_error (&error);
  g_autofree char *escaped = g_build_filename (fx.root, "escape.tflite", NULL);
  assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
}

/* A model of several files in a folder of its own (a TF.js model.json and its shard):
 * every file fetched and checked, the main one published last, a bad extra file caught
 * by the status and by the fetch, unsafe extra names refused. */
static void
test_multi_file_model (void **state)
{
  (void) state;
  g_autofree char *shard_sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, fx.packed,
                                                           sizeof fx.packed);
  FvCatalogFile extra = { .file = "multi/shard.bin", .sha256 = shard_sha,
                          .size = sizeof fx.packed, .member = "package/foo_packed.data" };
  FvCatalogEntry multi = loose_entry ();
  multi.name = "multi";
  multi.file = "multi/model.json";
  multi.extra_files = &extra;
  multi.n_extra_files = 1;
  GError *error = NULL;
  if (!fetch_two (&multi, NULL, fx.tarballs, FALSE, &(Counts) { 0 }, &error))
    fail_msg ("fetch failed: %s", error->message);
  g_autofree char *main_path = g_build_filename (fx.dest, "multi", "model.json", NULL);
  g_autofree char *shard_path = g_build_filename (fx.dest, "multi", "shard.bin", NULL);
  assert_file_bytes (main_path, fx.loose, LOOSE_SIZE);
  assert_file_bytes (shard_path, fx.packed, sizeof fx.packed);
  assert_int_equal (count_entries (fx.dest), 1);   /* just the folder */
  assert_int_equal (fv_models_status (&multi, fx.dest), FV_MODEL_STATUS_OK);

  /* a damaged shard: the status says so, a fetch repairs it */
  fx.packed[7] ^= 0xff;
  write_file (shard_path, fx.packed, sizeof fx.packed);
  fx.packed[7] ^= 0xff;
  assert_int_equal (fv_models_status (&multi, fx.dest), FV_MODEL_STATUS_BAD_CHECKSUM);
  Counts counts = { 0 };
  assert_true (fetch_two (&multi, NULL, fx.tarballs, FALSE, &counts, &error));
  assert_int_equal (counts.phases[FV_FETCH_PHASE_DONE], 1);
  assert_file_bytes (shard_path, fx.packed, sizeof fx.packed);
  g_unlink (shard_path);
  assert_int_equal (fv_models_status (&multi, fx.dest), FV_MODEL_STATUS_MISSING);

  /* a shard with another checksum: nothing of the model is published */
  remove_tree (fx.dest);
  extra.sha256 = fx.loose_sha;
  assert_false (fetch_two (&multi, NULL, fx.tarballs, FALSE, &(Counts) { 0 }, &error));
  assert_true (g_error_matches (error, FV_FETCH_ERROR, FV_FETCH_ERROR_CHECKSUM));
  assert_non_null (strstr (error->message, "multi/shard.bin"));
  g_clear_error (&error);
  assert_false (g_file_test (main_path, G_FILE_TEST_EXISTS));

  /* names leaving the models dir, or nested deeper than one folder */
  const char *unsafe[] = { "multi/../../x.bin", "../x.bin", "a/b/c.bin", "/abs.bin", "multi/" };
  for (guint i = 0; i < G_N_ELEMENTS (unsafe); i++) {
    extra.file = unsafe[i];
    assert_false (fetch_two (&multi, NULL, fx.tarballs, FALSE, &(Counts) { 0 }, &error));
    assert_non_null (strstr (error->message, "multi"));
    g_clear_error (&error);
  }
  g_autofree char *escaped = g_build_filename (fx.root, "x.bin", NULL);
  assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_fetch_offline, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_multi_file_model, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_rerun_skips_verified, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_corrupt_file_refetched, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_checksum_mismatch_leaves_nothing, test_setup,
                                     test_teardown),
    cmocka_unit_test_setup_teardown (test_checksum_mismatch_keeps_other_files, test_setup,
                                     test_teardown),
    cmocka_unit_test_setup_teardown (test_range_past_end, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_npm_missing, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_npm_no_network, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_env_tarball_dir, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_relative_tarball_dir, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown (test_missing_tarball_and_member, test_setup,
                                     test_teardown),
    cmocka_unit_test_setup_teardown (test_rejects_unsafe_file_name, test_setup, test_teardown),
  };
  return cmocka_run_group_tests (tests, group_setup, group_teardown);
}
