/* fovea — the "anchors" payload: the SSD anchor boxes a detector's regressions are
 * relative to (MediaPipe's std::vector<Anchor>), made by SsdAnchorsCalculator and read
 * by TensorsToDetectionsCalculator. Centres and sizes are relative to the model input
 * (0..1); with fixed_anchor_size every w and h is 1. */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  float x_center, y_center;
  float w, h;
} FvAnchor;

typedef struct {
  int n;
  FvAnchor *items;            /* owned */
} FvAnchors;

#define FV_TYPE_NAME_ANCHORS "anchors"
FvTypeId fv_type_anchors (void);

/* A list of n zeroed anchors (n may be 0); transfer full. */
FvAnchors *fv_anchors_new (int n);
void fv_anchors_free (FvAnchors *anchors);

/* Wraps anchors (transfer full) into a packet; transfer full. */
FvPacket *fv_packet_new_anchors (FvAnchors *anchors);
/* The anchors of an "anchors" packet (transfer none), or NULL for NULL / another type. */
const FvAnchors *fv_packet_get_anchors (const FvPacket *packet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvAnchors, fv_anchors_free)

G_END_DECLS
