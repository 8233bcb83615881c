/* placeholder: `fovea models` lands here */
#include "demos/fovea/cmd_models.h"
#include <stdio.h>
int
fv_cmd_models (int argc, char **argv)
{
  (void) argc; (void) argv;
  fprintf (stderr, "fovea models: not built yet\n");
  return 1;
}
