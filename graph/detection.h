/* fovea — detection and rectangle payloads.
 *
 * "detections": a list of FvDetection — a score, a class, an axis-aligned box and
 *   keypoints, all in coordinates relative to the image (x / width, y / height, origin at
 *   the top-left pixel corner), as MediaPipe's relative bounding boxes.
 * "norm_rect": one FvNormRect, a rotated rectangle relative to the image (the ROI that
 *   ImageToTensor crops and landmark models are run on).
 * "norm_rects": a list of them (one per tracked object).
 */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

#define FV_DETECTION_MAX_KEYPOINTS 16

typedef struct {
  float x, y;
} FvKeypoint;

typedef struct {
  float score;
  int label_id;
  float xmin, ymin, width, height;
  int n_keypoints;
  FvKeypoint keypoints[FV_DETECTION_MAX_KEYPOINTS];
} FvDetection;

typedef struct {
  int n;
  FvDetection *items;         /* owned */
} FvDetections;

typedef struct {
  float x_center, y_center;   /* relative to the image */
  float width, height;        /* relative to the image */
  float rotation;             /* radians, clockwise in image coordinates (y down) */
  gint64 rect_id;
} FvNormRect;

typedef struct {
  int n;
  FvNormRect *items;          /* owned */
} FvNormRects;

#define FV_TYPE_NAME_DETECTIONS "detections"
#define FV_TYPE_NAME_NORM_RECT "norm_rect"
#define FV_TYPE_NAME_NORM_RECTS "norm_rects"
FvTypeId fv_type_detections (void);
FvTypeId fv_type_norm_rect (void);
FvTypeId fv_type_norm_rects (void);

/* Lists of @n zeroed items (n may be 0). transfer full. */
FvDetections *fv_detections_new (int n);
void fv_detections_free (FvDetections *d);
FvNormRects *fv_norm_rects_new (int n);
void fv_norm_rects_free (FvNormRects *r);

/* Packets (transfer full of the payload) and getters (transfer none; NULL when the packet
 * is NULL or of another type). */
FvPacket *fv_packet_new_detections (FvDetections *d);
const FvDetections *fv_packet_get_detections (const FvPacket *packet);
FvPacket *fv_packet_new_norm_rect (const FvNormRect *rect);   /* copied */
const FvNormRect *fv_packet_get_norm_rect (const FvPacket *packet);
FvPacket *fv_packet_new_norm_rects (FvNormRects *r);
const FvNormRects *fv_packet_get_norm_rects (const FvPacket *packet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvDetections, fv_detections_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvNormRects, fv_norm_rects_free)

G_END_DECLS
