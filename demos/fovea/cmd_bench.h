#pragma once
/* `fovea bench graph`: benchmarks that are not tied to one model. */
int fv_cmd_bench (int argc, char **argv);
