#pragma once
/* `fovea run SOLUTION INPUT...`: a solution over image files and folders, results as JSON. */
#include <glib.h>

#include "graph/config.h"

int fv_cmd_run (int argc, char **argv);

/* Resolves @arg (a built-in solution name or a .pbtxt path) into a runnable graph text for
 * still images: the "key=value" settings of @set (may be NULL) applied, and
 * static_image_mode=true added when the solution has that option and @set leaves it alone.
 * *name_out (may be NULL) gets the solution's name (transfer full). On failure prints one
 * line prefixed by @prog on stderr, sets *status (2: unknown solution or bad setting, 1:
 * other failure) and returns NULL. transfer full. */
char *fv_cli_solution_text (const char *prog, const char *arg, char **set, char **name_out,
                            int *status);

/* Applies `--device LIST` (NULL: $FOVEA_DEVICE when set, else nothing to do) for the whole
 * process: resolves it (gpu/device_choice.h; "opencl,cpu" falls back with a warning), sets
 * $FOVEA_DEVICE to the outcome and, unless @backend (the --backend given, may be NULL)
 * names one, $FOVEA_BACKEND to "opencl" or "cpu". Returns 0, or the exit status after one
 * error line prefixed by @prog on stderr: 2 for a bad list, 1 when OpenCL did not open. */
int fv_cli_apply_device (const char *prog, const char *device, const char *backend);
