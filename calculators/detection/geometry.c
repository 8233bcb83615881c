/* fovea — boxes, overlap and angles for the detection calculators. */
#include "calculators/detection/geometry.h"

#include <math.h>

float
fv_box_area (FvBox b)
{
  if (!(b.xmax > b.xmin) || !(b.ymax > b.ymin))
    return 0.0f;
  return (b.xmax - b.xmin) * (b.ymax - b.ymin);
}

float
fv_box_intersection_area (FvBox a, FvBox b)
{
  FvBox i = { MAX (a.xmin, b.xmin), MAX (a.ymin, b.ymin), MIN (a.xmax, b.xmax),
              MIN (a.ymax, b.ymax) };
  return fv_box_area (i);
}

float
fv_box_iou (FvBox a, FvBox b)
{
  float inter = fv_box_intersection_area (a, b);
  if (inter <= 0.0f)
    return 0.0f;
  float norm = fv_box_area (a) + fv_box_area (b) - inter;
  return norm > 0.0f ? inter / norm : 0.0f;
}

FvBox
fv_box_union (FvBox a, FvBox b)
{
  FvBox u = { MIN (a.xmin, b.xmin), MIN (a.ymin, b.ymin), MAX (a.xmax, b.xmax),
              MAX (a.ymax, b.ymax) };
  return u;
}

float
fv_normalize_radians (float angle)
{
  return (float) (angle - 2.0 * G_PI * floor ((angle + G_PI) / (2.0 * G_PI)));
}
