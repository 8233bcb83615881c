/* fovea — the pose skeleton, copied from MediaPipe's
 * mediapipe/python/solutions/pose_connections.py (google-ai-edge/mediapipe; Apache-2.0):
 * face (eyes to ears, mouth), arms and hands, torso, legs and feet. Checked by
 * tests/calculators/render/test_pose_connections.c. */
#include "calculators/render/pose_connections.h"

const FvConnection fv_pose_connections[FV_POSE_CONNECTIONS_LEN] = {
  { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 7 }, { 0, 4 }, { 4, 5 }, { 5, 6 }, { 6, 8 },
  { 9, 10 }, { 11, 12 }, { 11, 13 }, { 13, 15 }, { 15, 17 }, { 15, 19 }, { 15, 21 },
  { 17, 19 }, { 12, 14 }, { 14, 16 }, { 16, 18 }, { 16, 20 }, { 16, 22 }, { 18, 20 },
  { 11, 23 }, { 12, 24 }, { 23, 24 }, { 23, 25 }, { 24, 26 }, { 25, 27 }, { 26, 28 },
  { 27, 29 }, { 28, 30 }, { 29, 31 }, { 30, 32 }, { 27, 31 }, { 28, 32 },
};
