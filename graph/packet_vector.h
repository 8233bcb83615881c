/* fovea — the "packet_vector" payload: an ordered list of packets, the collection that
 * BeginLoopCalculator iterates and EndLoopCalculator gathers.
 */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

/* Wraps items (transfer full: a GPtrArray of FvPacket*, each reference owned by the
 * array, which must have fv_packet_unref as its free function or none) into a packet of
 * type FV_TYPE_PACKET_VECTOR at FV_TIMESTAMP_UNSET; transfer full. */
FvPacket *fv_packet_new_vector (GPtrArray *items);
/* The list (transfer none) or NULL when the packet is not a packet_vector. */
const GPtrArray *fv_packet_get_vector (const FvPacket *packet);

G_END_DECLS
