/* fovea — packets: immutable, atomically reference-counted, typed payloads with a
 * timestamp.
 *
 * A packet is a (payload, timestamp) pair. The payload is shared: fv_packet_at() makes a
 * new packet with another timestamp around the same payload, without copying it. Payloads
 * are never modified once wrapped; readers get const pointers. A payload may be memory the
 * packet does not own (pass destroy = NULL, or a destroy that drops a foreign reference:
 * the zero-copy hook for GstBuffer / cl_mem).
 *
 * Thread safety: ref/unref and every getter may be called from any thread concurrently.
 * A NULL FvPacket* stands for "no packet" everywhere in the graph API.
 */
#pragma once

#include <glib.h>

#include "graph/graph_error.h"
#include "graph/timestamp.h"
#include "graph/types.h"

G_BEGIN_DECLS

typedef struct _FvPacket FvPacket;

/* Wraps data (transfer full: destroy(data) runs when the last packet sharing it dies;
 * destroy may be NULL for foreign memory). Timestamp: FV_TIMESTAMP_UNSET. transfer full. */
FvPacket *fv_packet_new (FvTypeId type, gpointer data, GDestroyNotify destroy);
/* Plain values, stored in the payload itself; transfer full. */
FvPacket *fv_packet_new_int (gint64 value);
FvPacket *fv_packet_new_float (float value);
FvPacket *fv_packet_new_double (double value);
FvPacket *fv_packet_new_bool (gboolean value);
FvPacket *fv_packet_new_string (const char *value);   /* copied */

FvPacket *fv_packet_ref (FvPacket *packet);          /* returns packet */
void fv_packet_unref (FvPacket *packet);             /* NULL is allowed */

/* A new packet (transfer full) sharing packet's payload, at ts; packet is unchanged. */
FvPacket *fv_packet_at (const FvPacket *packet, gint64 ts);
/* Takes packet (transfer full) and returns it (transfer full) at ts: stamped in place when
 * the caller held the only reference, else a new packet sharing the payload. Handy for
 * fv_graph_add_packet (g, "in", fv_packet_stamp (fv_packet_new_int (1), 33000), &err). */
FvPacket *fv_packet_stamp (FvPacket *packet, gint64 ts);

gint64 fv_packet_timestamp (const FvPacket *packet);
FvTypeId fv_packet_type (const FvPacket *packet);
/* The payload (transfer none; valid while the packet lives). */
gconstpointer fv_packet_get (const FvPacket *packet);
/* The payload if the packet has the given type, else NULL and FV_GRAPH_ERROR_TYPE. */
gconstpointer fv_packet_get_checked (const FvPacket *packet, FvTypeId type, GError **error);

/* Plain-value getters: the value, or 0 / NULL when the packet has another type. */
gint64 fv_packet_get_int (const FvPacket *packet);
float fv_packet_get_float (const FvPacket *packet);
double fv_packet_get_double (const FvPacket *packet);
gboolean fv_packet_get_bool (const FvPacket *packet);
const char *fv_packet_get_string (const FvPacket *packet);

G_END_DECLS
