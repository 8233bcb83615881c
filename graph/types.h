/* fovea — the payload type registry.
 *
 * Every packet carries a FvTypeId; calculators declare the type of each port by name
 * ("int", "image", ...), and a graph is type-checked against these names before any
 * packet flows. The built-in types are registered at fixed ids; domain layers register
 * theirs (fv_type_register is idempotent and thread-safe). "any" matches every type.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef guint FvTypeId;

#define FV_TYPE_INVALID       0u
#define FV_TYPE_ANY           1u  /* "any" */
#define FV_TYPE_INT           2u  /* "int": gint64 */
#define FV_TYPE_FLOAT         3u  /* "float": float */
#define FV_TYPE_DOUBLE        4u  /* "double": double */
#define FV_TYPE_BOOL          5u  /* "bool": gboolean */
#define FV_TYPE_STRING        6u  /* "string": NUL-terminated char */
#define FV_TYPE_PACKET_VECTOR 7u  /* "packet_vector": GPtrArray of FvPacket (packet_vector.h) */

/* Registers name (copied) and returns its id; an already registered name returns its
 * existing id. Returns FV_TYPE_INVALID only for a NULL/empty name or a full registry. */
FvTypeId fv_type_register (const char *name);
/* The id of a registered name, or FV_TYPE_INVALID. */
FvTypeId fv_type_lookup (const char *name);
/* The name of an id (transfer none, lives forever), or "invalid". */
const char *fv_type_name (FvTypeId type);
/* Whether a port of type a can be connected to a stream of type b. */
gboolean fv_type_compatible (FvTypeId a, FvTypeId b);

G_END_DECLS
