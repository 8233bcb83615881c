/* fovea — the flow field payload ("flow_field"): a dense motion field between two frames,
 * one (u, v) pair per pixel of the first frame, in pixels: the point (x, y) of the first
 * frame is seen at (x + u, y + v) in the second. Row-major, interleaved u, v (the layout of
 * OpenCV's CV_32FC2 and of the Middlebury .flo file body), origin at the top-left pixel. A
 * component may be NaN where the flow is unknown (a .flo file's "unknown" marker). */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  int width, height;
  float *data;                /* owned; width * height * 2 floats, u then v per pixel */
} FvFlowField;

#define FV_TYPE_NAME_FLOW_FIELD "flow_field"
FvTypeId fv_type_flow_field (void);

/* A zeroed field, or NULL with @error when a side is not 1..FV_IMAGE_MAX_SIDE or the area
 * is over FV_IMAGE_MAX_PIXELS (as images). transfer full. */
FvFlowField *fv_flow_field_new (int width, int height, GError **error);
/* A copy of @src. transfer full. */
FvFlowField *fv_flow_field_copy (const FvFlowField *src);
void fv_flow_field_free (FvFlowField *flow);

static inline float *
fv_flow_field_at (const FvFlowField *flow, int x, int y)
{
  return flow->data + 2 * ((gsize) y * (gsize) flow->width + (gsize) x);
}

FvPacket *fv_packet_new_flow_field (FvFlowField *flow);                 /* transfer full */
const FvFlowField *fv_packet_get_flow_field (const FvPacket *packet);   /* NULL: other type */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvFlowField, fv_flow_field_free)

G_END_DECLS
