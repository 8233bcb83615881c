/* fovea — MediaPipe's pose connection list (POSE_CONNECTIONS from
 * mediapipe/python/solutions/pose_connections.py): the skeleton drawn between the 33 pose
 * landmarks (0 nose ... 32 right foot index). Static data, transfer none. */
#pragma once

#include <glib.h>

#include "calculators/render/face_mesh_connections.h"

G_BEGIN_DECLS

#define FV_POSE_LANDMARKS 33
#define FV_POSE_CONNECTIONS_LEN 35
extern const FvConnection fv_pose_connections[FV_POSE_CONNECTIONS_LEN];

G_END_DECLS
