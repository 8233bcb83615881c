/* fovea — the command-line tool: dispatches `fovea <command> ...` to its subcommand. */
#include "demos/fovea/cmd_bench.h"
#include "demos/fovea/cmd_model.h"
#include "demos/fovea/cmd_models.h"
#include "demos/fovea/cmd_run.h"
#include "demos/fovea/cmd_solutions.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
  "usage: fovea COMMAND ...\n"
  "  models fetch|list|path   get the MediaPipe models from their pinned npm packages\n"
  "  model info|run|bench     inspect, run and time one model\n"
  "  solutions [NAME]         the built-in solutions, their streams and options\n"
  "  run SOLUTION INPUT...    run a solution on images and folders, results as JSON\n"
  "  bench graph              graph runtime overhead and throughput\n"
  "  bench SOLUTION IMAGE     per-stage and total latency of a solution\n"
  "Run `fovea COMMAND --help` for a command's options.\n";

int
main (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "models") == 0)
    return fv_cmd_models (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "model") == 0)
    return fv_cmd_model (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "solutions") == 0)
    return fv_cmd_solutions (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "run") == 0)
    return fv_cmd_run (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "bench") == 0)
    return fv_cmd_bench (argc - 1, argv + 1);
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)) {
    fputs (usage, stdout);
    return 0;
  }
  fputs (usage, stderr);
  return 2;
}
