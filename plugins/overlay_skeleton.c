/* fovea — MediaPipe's hand and pose connection lists for foveaoverlay (see
 * overlay_skeleton.h), in the order of MediaPipe's definitions. */
#include "plugins/overlay_skeleton.h"

/* HAND_CONNECTIONS = palm + thumb + index, middle, ring and pinky fingers */
static const FvConnection hand_connections[] = {
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
  /* pinky */
  { 17, 18 }, { 18, 19 }, { 19, 20 },
};

/* POSE_CONNECTIONS */
static const FvConnection pose_connections[] = {
  /* face: eyes to nose and ears, mouth */
  { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 7 }, { 0, 4 }, { 4, 5 }, { 5, 6 }, { 6, 8 }, { 9, 10 },
  /* shoulders, left arm and hand */
  { 11, 12 }, { 11, 13 }, { 13, 15 }, { 15, 17 }, { 15, 19 }, { 15, 21 }, { 17, 19 },
  /* right arm and hand */
  { 12, 14 }, { 14, 16 }, { 16, 18 }, { 16, 20 }, { 16, 22 }, { 18, 20 },
  /* torso */
  { 11, 23 }, { 12, 24 }, { 23, 24 },
  /* legs and feet */
  { 23, 25 }, { 24, 26 }, { 25, 27 }, { 26, 28 }, { 27, 29 }, { 28, 30 }, { 29, 31 },
  { 30, 32 }, { 27, 31 }, { 28, 32 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (hand_connections) == 21);
G_STATIC_ASSERT (G_N_ELEMENTS (pose_connections) == 35);

const FvConnection *
fv_overlay_skeleton (guint n_points, guint *n_connections)
{
  switch (n_points) {
    case FV_OVERLAY_HAND_POINTS:
      *n_connections = G_N_ELEMENTS (hand_connections);
      return hand_connections;
    case FV_OVERLAY_POSE_POINTS:
      *n_connections = G_N_ELEMENTS (pose_connections);
      return pose_connections;
    default:
      *n_connections = 0;
      return NULL;
  }
}
