/* fovea — plane geometry shared by the detection calculators: axis-aligned boxes and
 * their overlap (as MediaPipe's Rectangle_f: a box with no area intersects nothing), and
 * angle wrapping. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  float xmin, ymin, xmax, ymax;
} FvBox;

float fv_box_area (FvBox b);                     /* 0 for an empty or inverted box */
float fv_box_intersection_area (FvBox a, FvBox b);
/* Intersection over (area a + area b - intersection); 0 when they do not overlap. */
float fv_box_iou (FvBox a, FvBox b);
/* The smallest box holding both (MediaPipe's Rectangle_f::Union). */
FvBox fv_box_union (FvBox a, FvBox b);

/* Wraps an angle in radians into [-pi, pi) (MediaPipe's NormalizeRadians). */
float fv_normalize_radians (float angle);

G_END_DECLS
