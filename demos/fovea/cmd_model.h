#pragma once
/* `fovea model info|run|bench`: inspect, run and time one model file. */
int fv_cmd_model (int argc, char **argv);
