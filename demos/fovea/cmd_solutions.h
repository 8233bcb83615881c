#pragma once
/* `fovea solutions`: the built-in solutions, their ports and options. */
int fv_cmd_solutions (int argc, char **argv);
