/* fovea — the skeletons foveaoverlay draws between landmarks: MediaPipe's HAND_CONNECTIONS
 * (21 hand landmarks: palm, thumb and four fingers; mediapipe/python/solutions/
 * hands_connections.py) and POSE_CONNECTIONS (33 pose landmarks: face, arms, hands, torso,
 * legs, feet; pose_connections.py), chosen by an object's number of points.
 *
 * (The calculators get the same tables as calculators/render/hand_connections.h and
 * pose_connections.h; this small copy keeps the plugin independent of them until the two
 * are merged.) Static data, transfer none; thread-safe.
 */
#pragma once

#include "calculators/render/face_mesh_connections.h"

G_BEGIN_DECLS

#define FV_OVERLAY_HAND_POINTS 21
#define FV_OVERLAY_POSE_POINTS 33

/* The connections of an object with @n_points landmarks (21: a hand, 33: a body), their
 * count in *n_connections; NULL (and 0) for any other count. */
const FvConnection *fv_overlay_skeleton (guint n_points, guint *n_connections);

G_END_DECLS
