/* fovea — MediaPipe's hand skeleton (HAND_CONNECTIONS from
 * mediapipe/python/solutions/hands_connections.py): the 21 bones between the 21 hand
 * landmarks (0 the wrist; 1-4 the thumb, 5-8 the index, 9-12 the middle, 13-16 the ring
 * and 17-20 the little finger, each from its base to its tip). Static data, transfer none.
 */
#pragma once

#include <glib.h>

#include "calculators/render/face_mesh_connections.h"   /* FvConnection */

G_BEGIN_DECLS

#define FV_HAND_LANDMARKS 21

/* HAND_CONNECTIONS = PALM (6) + THUMB (3) + INDEX (3) + MIDDLE (3) + RING (3) + PINKY (3) */
#define FV_HAND_CONNECTIONS_LEN 21
extern const FvConnection fv_hand_connections[FV_HAND_CONNECTIONS_LEN];

G_END_DECLS
