/* fovea — the `fovea models` command: fetch (with progress on stderr), list (status of each
 * catalogued model in the models dir) and path (where the models / one model live). */
#include "demos/fovea/cmd_models.h"

#include "models/catalog.h"
#include "models/fetch.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: fovea models fetch [--force] [--from DIR] [NAME...]\n"
    "       fovea models list\n"
    "       fovea models path [NAME]\n"
    "\n"
    "Models come from the pinned @mediapipe npm packages (`npm pack`), are verified by\n"
    "sha256 and cached in $FOVEA_MODEL_DIR or ~/.cache/fovea/models.\n"
    "--from DIR (or $FOVEA_NPM_TARBALLS) uses tarballs made earlier by `npm pack`.\n";

/* Parses argv (argv[0] = the subcommand) with entries; on success *names holds the
 * remaining arguments (transfer full, free with g_free: the strings belong to argv). */
static gboolean
parse_subcommand (int argc, char **argv, const char *parameters, const char *summary,
                  const GOptionEntry *entries, int *n_names, char ***names)
{
  /* GOption reorders the array it parses; work on a copy so the caller's argv stays. */
  char **args = g_new0 (char *, (size_t) argc + 1);
  memcpy (args, argv, sizeof (char *) * (size_t) argc);
  int n_args = argc;
  /* --help prints "Usage: <prgname> [OPTION…] <parameters>". */
  if (g_get_prgname () == NULL)
    g_set_prgname ("fovea");
  g_autofree char *usage = g_strdup_printf ("models %s %s", argv[0], parameters);
  g_autoptr (GOptionContext) ctx = g_option_context_new (usage);
  g_option_context_set_summary (ctx, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse (ctx, &n_args, &args, &error)) {
    fprintf (stderr, "fovea models %s: %s\n", argv[0], error->message);
    g_error_free (error);
    g_free (args);
    return FALSE;
  }
  /* args[0] is the subcommand; the rest are positional. */
  *n_names = n_args - 1;
  *names = g_new0 (char *, (size_t) n_args);
  for (int i = 1; i < n_args; i++)
    (*names)[i - 1] = args[i];
  g_free (args);
  return TRUE;
}

/* "2.2 MiB", with a plain space (g_format_size uses U+00A0, which breaks columns and
 * grep in logs). Transfer full. */
static char *
format_size (guint64 bytes)
{
  if (bytes < 1024)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " B", bytes);
  double value = (double) bytes / 1024.0;
  const char *unit = "KiB";
  if (value >= 1024.0) {
    value /= 1024.0;
    unit = "MiB";
  }
  if (value >= 1024.0) {
    value /= 1024.0;
    unit = "GiB";
  }
  return g_strdup_printf ("%.1f %s", value, unit);
}

/* Longest model file name, to line the progress and list columns up. */
static int
file_column_width (void)
{
  size_t n;
  const FvCatalogEntry *entries = fv_catalog_entries (&n);
  size_t width = 4;
  for (size_t i = 0; i < n; i++)
    width = MAX (width, strlen (entries[i].file));
  return (int) width;
}

typedef struct {
  gboolean tty;        /* stderr is a terminal: phase lines are rewritten in place */
  gboolean pending;    /* a phase line is on screen without its newline */
  int file_width;
  int index_width;
  const char *tarball_dir;
  size_t fetched, cached;
} Progress;

/* A line that stays. */
static void
progress_line (Progress *p, const char *text)
{
  if (p->tty)
    fprintf (stderr, "\r\033[K%s\n", text);
  else
    fprintf (stderr, "%s\n", text);
  p->pending = FALSE;
}

/* A line the next one replaces on a terminal. */
static void
phase_line (Progress *p, const char *text)
{
  if (p->tty) {
    fprintf (stderr, "\r\033[K%s", text);
    p->pending = TRUE;
  } else {
    fprintf (stderr, "%s\n", text);
  }
  fflush (stderr);
}

static void
progress_clear (Progress *p)
{
  if (p->tty && p->pending)
    fprintf (stderr, "\r\033[K");
  p->pending = FALSE;
}

static void
on_progress (size_t index, size_t total, const FvCatalogEntry *entry, FvFetchPhase phase,
             guint64 bytes, gpointer user_data)
{
  Progress *p = user_data;
  g_autofree char *size = format_size (bytes);
  g_autofree char *text = NULL;
  switch (phase) {
  case FV_FETCH_PHASE_PACK:
    text = g_strdup_printf ("npm pack %s@%s ...", entry->package, entry->version);
    phase_line (p, text);
    return;
  case FV_FETCH_PHASE_OFFLINE: {
    g_autofree char *tgz = fv_catalog_tarball_name (entry);
    text = g_strdup_printf ("using %s/%s (%s) ...", p->tarball_dir, tgz, size);
    phase_line (p, text);
    return;
  }
  case FV_FETCH_PHASE_EXTRACT:
    /* Only worth a line of its own where it is overwritten next. */
    if (p->tty) {
      text = g_strdup_printf ("extracting %s@%s (%s) ...", entry->package, entry->version,
                              size);
      phase_line (p, text);
    }
    return;
  case FV_FETCH_PHASE_CACHED:
  case FV_FETCH_PHASE_DONE:
    text = g_strdup_printf ("[%*" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT "] %-*s %10s  %s",
                            p->index_width, (gsize) index + 1, (gsize) total, p->file_width,
                            entry->file, size,
                            phase == FV_FETCH_PHASE_CACHED ? "ok (cached)" : "ok");
    progress_line (p, text);
    if (phase == FV_FETCH_PHASE_CACHED)
      p->cached++;
    else
      p->fetched++;
    return;
  }
}

/* Appends entry to list unless it is there already. */
static void
add_unique (GPtrArray *list, const FvCatalogEntry *entry)
{
  for (guint i = 0; i < list->len; i++)
    if (g_ptr_array_index (list, i) == entry)
      return;
  g_ptr_array_add (list, (gpointer) entry);
}

static int
cmd_fetch (int argc, char **argv)
{
  gboolean force = FALSE;
  char *from = NULL;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      "Fetch again even if the file is present and verified", NULL },
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      "Use tarballs made by `npm pack` in DIR instead of the network", "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  int n_names = 0;
  g_autofree char **names = NULL;
  if (!parse_subcommand (argc, argv, "[NAME...]",
                         "Fetch MediaPipe models (default: all) into the models directory.",
                         entries, &n_names, &names))
    return 1;

  g_autoptr (GPtrArray) list = g_ptr_array_new ();
  if (n_names == 0) {
    size_t n;
    const FvCatalogEntry *all = fv_catalog_entries (&n);
    for (size_t i = 0; i < n; i++)
      g_ptr_array_add (list, (gpointer) &all[i]);
  }
  for (int i = 0; i < n_names; i++) {
    const FvCatalogEntry *entry = fv_catalog_find (names[i]);
    if (entry == NULL) {
      fprintf (stderr, "fovea models fetch: unknown model '%s' (see `fovea models list`)\n",
               names[i]);
      g_free (from);
      return 1;
    }
    add_unique (list, entry);
  }

  g_autofree char *dir = fv_models_dir ();
  const char *env_tarballs = g_getenv ("FOVEA_NPM_TARBALLS");
  Progress progress = {
    .tty = isatty (fileno (stderr)),
    .file_width = file_column_width (),
    .index_width = list->len >= 100 ? 3 : list->len >= 10 ? 2 : 1,
    .tarball_dir = from != NULL ? from : env_tarballs,
  };
  FvFetchOptions opts = {
    .force = force,
    .tarball_dir = from,
    .progress = on_progress,
    .user_data = &progress,
  };
  GError *error = NULL;
  gboolean ok = fv_models_fetch ((const FvCatalogEntry *const *) list->pdata, list->len, dir,
                                 &opts, &error);
  progress_clear (&progress);
  g_free (from);
  if (!ok) {
    fprintf (stderr, "fovea models fetch: %s\n", error->message);
    g_error_free (error);
    return 1;
  }
  fprintf (stderr, "%" G_GSIZE_FORMAT " fetched, %" G_GSIZE_FORMAT " already present, in %s\n",
           progress.fetched, progress.cached, dir);
  return 0;
}

static int
cmd_list (int argc, char **argv)
{
  int n_names = 0;
  g_autofree char **names = NULL;
  if (!parse_subcommand (argc, argv, "", "List the catalogued models and their status.",
                         NULL, &n_names, &names))
    return 1;
  if (n_names > 0) {
    fprintf (stderr, "fovea models list: unexpected argument '%s'\n", names[0]);
    return 1;
  }
  size_t n;
  const FvCatalogEntry *entries = fv_catalog_entries (&n);
  g_autofree char *dir = fv_models_dir ();
  int name_width = 4, package_width = 7;
  for (size_t i = 0; i < n; i++) {
    name_width = MAX (name_width, (int) strlen (entries[i].name));
    package_width = MAX (package_width,
                         (int) (strlen (entries[i].package) + 1 + strlen (entries[i].version)));
  }
  int file_width = file_column_width ();
  printf ("%-*s  %-*s  %10s  %-*s  %s\n", name_width, "NAME", file_width, "FILE", "SIZE",
          package_width, "PACKAGE", "STATUS");
  size_t n_ok = 0;
  for (size_t i = 0; i < n; i++) {
    const FvCatalogEntry *e = &entries[i];
    FvModelStatus status = fv_models_status (e, dir);
    n_ok += status == FV_MODEL_STATUS_OK;
    /* a model of several files (TF.js: model.json + shards): all of its bytes */
    guint64 bytes = (guint64) e->size;
    for (int x = 0; x < e->n_extra_files; x++)
      bytes += (guint64) e->extra_files[x].size;
    g_autofree char *size = format_size (bytes);
    g_autofree char *package = g_strdup_printf ("%s@%s", e->package, e->version);
    printf ("%-*s  %-*s  %10s  %-*s  %s\n", name_width, e->name, file_width, e->file, size,
            package_width, package, fv_model_status_name (status));
  }
  printf ("%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " ok in %s\n", n_ok, n, dir);
  return 0;
}

static int
cmd_path (int argc, char **argv)
{
  int n_names = 0;
  g_autofree char **names = NULL;
  if (!parse_subcommand (argc, argv, "[NAME]",
                         "Print the models directory, or the path of model NAME.", NULL,
                         &n_names, &names))
    return 1;
  if (n_names == 0) {
    g_autofree char *dir = fv_models_dir ();
    printf ("%s\n", dir);
    return 0;
  }
  int rc = 0;
  for (int i = 0; i < n_names; i++) {
    const FvCatalogEntry *entry = fv_catalog_find (names[i]);
    if (entry == NULL) {
      fprintf (stderr, "fovea models path: unknown model '%s' (see `fovea models list`)\n",
               names[i]);
      rc = 1;
      continue;
    }
    GError *error = NULL;
    g_autofree char *path = fv_catalog_model_path (entry, &error);
    if (path == NULL) {
      fprintf (stderr, "fovea models path: %s\n", error->message);
      g_error_free (error);
      rc = 1;
      continue;
    }
    printf ("%s\n", path);
  }
  return rc;
}

int
fv_cmd_models (int argc, char **argv)
{
  if (argc < 2 || argv == NULL) {
    fputs (usage_text, stderr);
    return 1;
  }
  const char *command = argv[1];
  if (strcmp (command, "fetch") == 0)
    return cmd_fetch (argc - 1, argv + 1);
  if (strcmp (command, "list") == 0)
    return cmd_list (argc - 1, argv + 1);
  if (strcmp (command, "path") == 0)
    return cmd_path (argc - 1, argv + 1);
  if (strcmp (command, "help") == 0 || strcmp (command, "--help") == 0
      || strcmp (command, "-h") == 0) {
    fputs (usage_text, stdout);
    return 0;
  }
  fprintf (stderr, "fovea models: unknown command '%s'\n\n%s", command, usage_text);
  return 1;
}
