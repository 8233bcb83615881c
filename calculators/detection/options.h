/* fovea — option readers shared by the detection calculators: enums (by name or number),
 * repeated numeric fields, and field presence (proto2 has_x(), which several MediaPipe
 * calculators branch on). Options are the generic text-format tree of graph/textproto.h;
 * every function accepts a NULL message (no options). */
#pragma once

#include "graph/textproto.h"

G_BEGIN_DECLS

/* Whether the field is written at all (proto2 has_x()). */
gboolean fv_opt_has (const FvTpMessage *opts, const char *name);

/* Reads an enum field: an identifier among names[0..n_names-1] (NULL entries are holes)
 * or its number. def when absent. FALSE with error naming the field and the accepted
 * names on anything else. */
gboolean fv_opt_enum (const FvTpMessage *opts, const char *name, const char *const *names,
                      int n_names, int def, int *out, GError **error);

/* The values of a repeated numeric field (also written `name: [a, b]`), in file order.
 * Returns a new GArray of double (transfer full, empty when absent) or NULL with error
 * when a value is not a number. */
GArray *fv_opt_repeated_double (const FvTpMessage *opts, const char *name, GError **error);
/* Same for integer fields; a GArray of gint64. */
GArray *fv_opt_repeated_int (const FvTpMessage *opts, const char *name, GError **error);

G_END_DECLS
