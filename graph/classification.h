/* fovea — the classification payload ("classifications"): the classes a classifier scored,
 * each with its class index, score and label (MediaPipe's ClassificationList). The hand
 * landmark model's handedness is one of these: {index 0 "Left" | 1 "Right", score}; several
 * hands travel as a packet_vector of "classifications" packets, in the order of their
 * landmarks. */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  int index;          /* the class id */
  float score;
  char *label;        /* owned; NULL when the classifier has no label map */
} FvClassification;

typedef struct {
  int n;
  FvClassification *items;   /* owned */
} FvClassifications;

#define FV_TYPE_NAME_CLASSIFICATIONS "classifications"
FvTypeId fv_type_classifications (void);

/* A list of @n zeroed items (labels NULL; n may be 0). transfer full. */
FvClassifications *fv_classifications_new (int n);
void fv_classifications_free (FvClassifications *c);
/* Sets item @i's label to a copy of @label (NULL clears it). */
void fv_classification_set_label (FvClassification *c, const char *label);

FvPacket *fv_packet_new_classifications (FvClassifications *c);   /* transfer full */
/* transfer none; NULL when the packet is NULL or of another type */
const FvClassifications *fv_packet_get_classifications (const FvPacket *packet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvClassifications, fv_classifications_free)

G_END_DECLS
