/* fovea — corner detection by Shi and Tomasi ("Good features to track", CVPR 1994), the
 * points a Lucas-Kanade tracker follows best: the smaller eigenvalue of the gradient's
 * structure tensor summed over a small block is the corner strength; local maxima above
 * quality_level x the strongest are kept, strongest first, at least min_distance apart
 * (OpenCV's goodFeaturesToTrack). */
#pragma once

#include <glib.h>

#include "graph/image.h"

G_BEGIN_DECLS

typedef struct {
  float x, y;                 /* pixels, origin at the top-left pixel's centre */
} FvPoint2f;

typedef struct {
  int max_corners;            /* at most this many (>= 1) */
  float quality_level;        /* relative strength threshold, (0, 1) */
  float min_distance;         /* pixels between two corners (>= 0) */
  int block_radius;           /* the tensor is summed over (2r + 1)^2 pixels, 1..8 */
} FvCornerParams;

/* max_corners 200, quality_level 0.01, min_distance 8, block_radius 1. */
void fv_corner_params_default (FvCornerParams *params);

/* Finds corners of @image inside the rectangle [@x0, @x1) x [@y0, @y1) (clipped to the
 * image; pass 0, 0, G_MAXINT, G_MAXINT for all of it) into @out (room for
 * params->max_corners), strongest first. Returns how many, or -1 with @error for bad
 * parameters. */
int fv_corners_detect (const FvImage *image, int x0, int y0, int x1, int y1,
                       const FvCornerParams *params, FvPoint2f *out, GError **error);

G_END_DECLS
