/* fovea — the mask payload ("mask"): one float per pixel, in [0, 1] for a segmentation (the
 * probability that the pixel is foreground), row-major, width x height, origin at the
 * top-left pixel, the same pixel grid as the image it was made for. */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  int width, height;
  float *data;                /* owned; width * height values */
} FvMask;

#define FV_TYPE_NAME_MASK "mask"
FvTypeId fv_type_mask (void);

/* A zeroed mask, or NULL with @error when a side is not 1..FV_IMAGE_MAX_SIDE (as images).
 * transfer full. */
FvMask *fv_mask_new (int width, int height, GError **error);
void fv_mask_free (FvMask *mask);

FvPacket *fv_packet_new_mask (FvMask *mask);                 /* transfer full */
const FvMask *fv_packet_get_mask (const FvPacket *packet);    /* NULL for another type */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvMask, fv_mask_free)

G_END_DECLS
