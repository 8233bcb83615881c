/* fovea — `fovea models fetch|list|path`: fetch the catalogued MediaPipe models, show what
 * is cached, print where a model lives. */
#pragma once

/* argv[0] is "models", argv[1] the subcommand; argv is not modified. Returns the process
 * exit code: 0 on success, 1 with a message on stderr otherwise. */
int fv_cmd_models (int argc, char **argv);
