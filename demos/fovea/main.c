/* fovea — the command-line tool: dispatches `fovea <command> ...` to its subcommand. */
#include "demos/fovea/cmd_models.h"

#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "models") == 0)
    return fv_cmd_models (argc - 1, argv + 1);
  fprintf (stderr, "usage: fovea models fetch|list|path\n");
  return 2;
}
