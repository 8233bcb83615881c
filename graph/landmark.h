/* fovea — the landmark payload ("landmarks"): the points a landmark model found, in
 * coordinates relative to the image (x / width, y / height; z in roughly x's scale,
 * smaller is closer), with MediaPipe's visibility and presence (0 when a model has none).
 * Several objects (faces, hands) travel as a packet_vector of "landmarks" packets. */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  float x, y, z;
  float visibility, presence;
} FvLandmark;

typedef struct {
  int n;
  FvLandmark *items;          /* owned */
  float score;                /* the model's presence score for the whole object, or 0 */
} FvLandmarks;

#define FV_TYPE_NAME_LANDMARKS "landmarks"
FvTypeId fv_type_landmarks (void);

FvLandmarks *fv_landmarks_new (int n);   /* zeroed; transfer full */
/* A copy of @src's points and score. transfer full. */
FvLandmarks *fv_landmarks_copy (const FvLandmarks *src);
void fv_landmarks_free (FvLandmarks *l);

FvPacket *fv_packet_new_landmarks (FvLandmarks *l);             /* transfer full */
const FvLandmarks *fv_packet_get_landmarks (const FvPacket *packet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvLandmarks, fv_landmarks_free)

G_END_DECLS
