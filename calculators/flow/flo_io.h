/* fovea — flow fields in the Middlebury .flo format (Baker et al., the format of the
 * Middlebury, Sintel and KITTI-converted flow benchmarks): the float 202021.25 ("PIEH" in
 * ASCII), int32 width, int32 height, then width x height (u, v) float32 pairs row by row,
 * all little-endian. Values over 1e9 in magnitude mean "unknown" (read as NaN; NaN is
 * written as 1e10). */
#pragma once

#include <glib.h>

#include "graph/flow_field.h"

G_BEGIN_DECLS

#define FV_FLO_MAGIC 202021.25f

/* Encodes @flow as .flo bytes. transfer full. */
GBytes *fv_flo_encode (const FvFlowField *flow);
/* Decodes .flo bytes; a wrong magic, a size out of range or a length that does not match
 * the header is an error (no out-of-bounds read). transfer full. */
FvFlowField *fv_flo_decode (const guint8 *data, gsize size, const char *name_for_errors,
                            GError **error);

/* Writes @flow to @path (through a temporary file renamed over it). */
gboolean fv_flo_save (const FvFlowField *flow, const char *path, GError **error);
/* Reads a .flo file. transfer full. */
FvFlowField *fv_flo_load (const char *path, GError **error);

G_END_DECLS
