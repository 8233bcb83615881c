/* fovea — FvGstFlowMeta: the dense optical flow of a video buffer (foveaflow): for each
 * pixel of the previous frame, where it is in this one, in pixels of this buffer's frame
 * (graph/flow_field.h: width x height (u, v) float pairs, row-major). The meta holds a
 * reference to fovea's flow packet, so attaching and copying it copies no flow data.
 * Kept on a buffer copy of the whole frame; dropped by any other transform (a scale or a
 * crop would need the vectors rescaled). Read-only once attached. */
#pragma once

#include <gst/gst.h>

#include "graph/flow_field.h"
#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  GstMeta meta;
  FvPacket *packet;            /* the "flow_field" packet (a reference) */
  const FvFlowField *flow;     /* its field (transfer none) */
} FvGstFlowMeta;

GType fv_gst_flow_meta_api_get_type (void);
#define FV_GST_FLOW_META_API_TYPE (fv_gst_flow_meta_api_get_type ())
const GstMetaInfo *fv_gst_flow_meta_get_info (void);

/* Adds @packet's flow (a "flow_field" packet; the meta takes its own reference) to @buffer
 * (writable). NULL when @packet holds no flow field. Transfer none: owned by the buffer. */
FvGstFlowMeta *fv_gst_buffer_add_flow_meta (GstBuffer *buffer, FvPacket *packet);
/* The buffer's flow meta, or NULL (transfer none). */
FvGstFlowMeta *fv_gst_buffer_get_flow_meta (GstBuffer *buffer);

G_END_DECLS
