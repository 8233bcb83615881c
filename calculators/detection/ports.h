/* fovea — how the detection calculators type and read their ports: the payload types
 * they declare (registered before a contract names them), and the small values read
 * from packets (a 4x4 matrix, 4 padding floats, an image size). */
#pragma once

#include "graph/packet.h"
#include "graph/tensor_list.h"

G_BEGIN_DECLS

/* Registers every payload type the detection calculators name in their contracts
 * ("detections", "norm_rect", "norm_rects", "tensors", "image", "anchors",
 * "image_size"). Idempotent, thread-safe. */
void fv_detection_types_init (void);

/* Copies exactly n floats out of packet (transfer none) into out: a "tensors" packet
 * whose first tensor holds n floats (how ImageToTensor sends MATRIX and
 * LETTERBOX_PADDING, see calculators/image/image_to_tensor.h). what names the port in
 * the error message. */

/* The size in pixels carried by an "image_size" packet, or by an "image" packet (its
 * dimensions). FALSE with error for any other type or a size below 1. */
gboolean fv_packet_read_image_size (const FvPacket *packet, int *width, int *height,
                                    GError **error);

G_END_DECLS
