/* fovea — the byte counter's back door for gpu/ code whose copies are not made through
 * fv_gpu_copy/write/read but by the driver (a wrapped frame on a non-unified device). */
#pragma once

#include <glib.h>

void fv_gpu_count_bytes_copied (guint64 n);
