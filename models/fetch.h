/* fovea — fetching catalogued models from their pinned npm packages into the
 * models dir, verified by sha256, and checking what is already there.
 *
 * The only download path is `npm pack @mediapipe/<pkg>@<version>` (or tarballs that
 * command made earlier, for machines without network). A model file appears in the
 * destination only once its sha256 matched; a failed fetch leaves nothing behind.
 */
#pragma once

#include "models/catalog.h"

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

#define FV_FETCH_ERROR (fv_fetch_error_quark ())
GQuark fv_fetch_error_quark (void);

typedef enum {
  FV_FETCH_ERROR_NPM_MISSING,   /* npm is not on PATH */
  FV_FETCH_ERROR_NPM_FAILED,    /* npm pack failed (network, unknown version...) */
  FV_FETCH_ERROR_TAR,           /* tar missing or extraction failed (member absent...) */
  FV_FETCH_ERROR_NO_TARBALL,    /* the offline directory lacks the package's tarball */
  FV_FETCH_ERROR_RANGE,         /* the byte range lies outside the packed data file */
  FV_FETCH_ERROR_CHECKSUM,      /* the bytes do not have the pinned sha256 */
  FV_FETCH_ERROR_IO,            /* reading or writing a file failed */
} FvFetchError;

typedef enum {
  FV_FETCH_PHASE_CACHED,        /* already present with the right sha256: skipped */
  FV_FETCH_PHASE_PACK,          /* running `npm pack` for the entry's package */
  FV_FETCH_PHASE_OFFLINE,       /* using a pre-downloaded tarball for the entry's package */
  FV_FETCH_PHASE_EXTRACT,       /* extracting the package members with tar */
  FV_FETCH_PHASE_DONE,          /* written and verified */
} FvFetchPhase;

/* Called for each step. index/total count the entries passed to fv_models_fetch (for PACK,
 * OFFLINE and EXTRACT: the first entry that needs the package). bytes: the model's size
 * for CACHED and DONE, the tarball's size for OFFLINE and EXTRACT, 0 for PACK. entry:
 * transfer none. */
typedef void (*FvFetchProgress) (size_t index, size_t total, const FvCatalogEntry *entry,
                                 FvFetchPhase phase, guint64 bytes, gpointer user_data);

typedef struct {
  gboolean force;               /* re-fetch even if present and verified */
  const char *tarball_dir;      /* pre-downloaded `npm pack` tarballs; NULL: use
                                   $FOVEA_NPM_TARBALLS if set, else run npm pack */
  FvFetchProgress progress;     /* may be NULL */
  gpointer user_data;
} FvFetchOptions;

/* Makes sure each of @entries (@n of them) is in @dest_dir (NULL: fv_models_dir()) with
 * its pinned sha256, fetching what is missing or wrong. @opts may be NULL. Stops at the
 * first error; models fetched before it stay. Every error names the model. */
gboolean fv_models_fetch (const FvCatalogEntry *const *entries, size_t n,
                          const char *dest_dir, const FvFetchOptions *opts,
                          GError **error);

typedef enum {
  FV_MODEL_STATUS_OK,
  FV_MODEL_STATUS_MISSING,
  FV_MODEL_STATUS_BAD_CHECKSUM, /* present, but wrong size or sha256 */
} FvModelStatus;

/* The state of @entry's file in @dir (NULL: fv_models_dir()). Hashes the file. */
FvModelStatus fv_models_status (const FvCatalogEntry *entry, const char *dir);

/* sha256 of a whole file as 64 lowercase hex digits, or NULL and @error. Transfer full. */
char *fv_sha256_file (const char *path, GError **error);

const char *fv_model_status_name (FvModelStatus status);

G_END_DECLS
