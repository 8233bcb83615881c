/* fovea — a landmark refinement spec (MediaPipe's LandmarksRefinementCalculatorOptions
 * .Refinement) and the six specs of the attention face mesh, which merge mesh 468 + lips 80
 * + left eye 71 + right eye 71 + left iris 5 + right iris 5 into 478 landmarks. Static data,
 * transfer none.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FV_Z_REFINEMENT_NONE,            /* keep the z already in the refined list */
  FV_Z_REFINEMENT_COPY,            /* take z from the refining landmarks */
  FV_Z_REFINEMENT_ASSIGN_AVERAGE,  /* z = mean z of the refined list at indexes_for_average */
} FvZRefinementKind;

typedef struct {
  const int *indexes_mapping;      /* input landmark i goes to refined index mapping[i] */
  guint n_mapping;
  FvZRefinementKind z;
  const int *indexes_for_average;  /* ASSIGN_AVERAGE only */
  guint n_average;
} FvLandmarksRefinement;

#define FV_FACE_ATTENTION_REFINEMENTS 6
#define FV_FACE_ATTENTION_LANDMARKS 478
extern const FvLandmarksRefinement fv_face_attention_refinements[FV_FACE_ATTENTION_REFINEMENTS];

G_END_DECLS
