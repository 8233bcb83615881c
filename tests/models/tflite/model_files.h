/* fovea tests — finding and reading the real MediaPipe model files.
 *
 * The folder is $FOVEA_MODEL_DIR when set, else <user cache dir>/fovea/models. A missing
 * file is a test failure whose message says to run the model fetch (never a silent skip).
 */
#pragma once

#include <glib.h>
#include <stddef.h>

/* Returns the file's bytes (transfer full, g_free) or fails the running cmocka test. */
guint8 *tb_read_model_file (const char *name, size_t *size);
