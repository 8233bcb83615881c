/* fovea — the "image_size" payload: an image's width and height in pixels (MediaPipe's
 * std::pair<int, int> on IMAGE_SIZE / SIZE ports), made by ImagePropertiesCalculator and
 * read by the calculators that need pixel units (rect rotation, squaring). */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  int width, height;
} FvImageSize;

#define FV_TYPE_NAME_IMAGE_SIZE "image_size"
FvTypeId fv_type_image_size (void);

/* A packet holding a copy of {width, height}; transfer full. */
FvPacket *fv_packet_new_image_size (int width, int height);
/* The size of an "image_size" packet (transfer none), or NULL for NULL / another type. */
const FvImageSize *fv_packet_get_image_size (const FvPacket *packet);

G_END_DECLS
