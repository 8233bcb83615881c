#pragma once
/* `fovea bench graph` (the graph runtime) and `fovea bench SOLUTION IMAGE` (a solution). */
int fv_cmd_bench (int argc, char **argv);
