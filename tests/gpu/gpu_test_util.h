/* fovea tests — shared set-up for the gpu suite: a private program-cache directory (and a
 * writable cache home for PoCL when $HOME is not writable), removed at the end. */
#pragma once

#include <glib.h>

/* Creates the temp dir and points FOVEA_CL_CACHE_DIR at <tmp>/cl; returns the temp dir
 * (transfer none, valid until fv_test_gpu_teardown). Call before any OpenCL call. */
const char *fv_test_gpu_setup (void);
/* Removes the temp dir and everything in it. */
void fv_test_gpu_teardown (void);
/* Removes @path recursively (files and directories). */
void fv_test_gpu_remove_tree (const char *path);
