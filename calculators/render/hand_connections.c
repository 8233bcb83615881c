/* fovea — the hand skeleton, MediaPipe's HAND_CONNECTIONS
 * (mediapipe/python/solutions/hands_connections.py, google-ai-edge/mediapipe; Apache-2.0),
 * grouped as there: the palm, then each finger from its base to its tip. Checked by
 * tests/calculators/render/test_hand_connections.c (a tree over the 21 landmarks). */
#include "calculators/render/hand_connections.h"

const FvConnection fv_hand_connections[FV_HAND_CONNECTIONS_LEN] = {
  /* palm */
  { 0, 1 }, { 0, 5 }, { 9, 13 }, { 13, 17 }, { 5, 9 }, { 0, 17 },
  /* thumb */
  { 1, 2 }, { 2, 3 }, { 3, 4 },
  /* index finger */
  { 5, 6 }, { 6, 7 }, { 7, 8 },
  /* middle finger */
  { 9, 10 }, { 10, 11 }, { 11, 12 },
  /* ring finger */
  { 13, 14 }, { 14, 15 }, { 15, 16 },
  /* little finger */
  { 17, 18 }, { 18, 19 }, { 19, 20 },
};
