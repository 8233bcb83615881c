/* fovea — the reproducible "random" model input of the TFLite oracle's golden sets:
 * state = 20240601 + input_index; per element state = state*1664525 + 1013904223 (mod 2^32),
 * value = ((int32)(state >> 8) - 2^23) / 2^23, so every value is exact and in [-1, 1).
 * `fovea model run --input random` and the golden tests use it, so no random input file
 * has to be shipped. */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

void fv_random_input_fill (float *dst, size_t n, int input_index);

G_END_DECLS
