#pragma once
/* `fovea models fetch|list|path` */
int fv_cmd_models (int argc, char **argv);
