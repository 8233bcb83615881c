/* fovea — the TFLite oracle's LCG input recipe (see random_input.h). */
#include "models/random_input.h"

#include <stdint.h>

void
fv_random_input_fill (float *dst, size_t n, int input_index)
{
  uint32_t state = 20240601u + (uint32_t) input_index;
  for (size_t i = 0; i < n; i++) {
    state = state * 1664525u + 1013904223u;
    dst[i] = (float) ((int32_t) (state >> 8) - 8388608) / 8388608.0f;
  }
}
