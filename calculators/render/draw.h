/* fovea — drawing primitives for annotations: filled rectangles, rectangle outlines, thick
 * line segments, discs and rings, painted straight into an FvImage.
 *
 * Coordinates are in pixels, continuous: pixel (i, j) covers [i, i+1) x [j, j+1), so its
 * centre is (i + 0.5, j + 0.5) and a relative coordinate r maps to r * width. A pixel is
 * painted when its centre lies inside the shape (edges included); there is no
 * anti-aliasing. Every primitive is clipped to the image: nothing is ever written outside
 * it, whatever the coordinates (far outside, huge, NaN or infinite ones draw nothing or
 * only the visible part).
 *
 * Colours are RGBA; alpha 255 overwrites, a smaller alpha blends over what is there. On a
 * GRAY8 image the colour's luma is painted; on BGRA32 the channels are swapped to match.
 */
#pragma once

#include "graph/image.h"

G_BEGIN_DECLS

typedef struct {
  guint8 r, g, b, a;
} FvColor;

/* Paints one pixel (integer coordinates); ignored outside the image. */
void fv_draw_pixel (FvImage *image, int x, int y, FvColor color);

/* Fills the axis-aligned rectangle [x0, x1] x [y0, y1] (corners in any order). */
void fv_draw_fill_rect (FvImage *image, double x0, double y0, double x1, double y1,
                        FvColor color);

/* The outline of the axis-aligned rectangle with corners (x0, y0), (x1, y1) (any order):
 * four bands of the given thickness centred on its edges, so the corners are square. A
 * degenerate rectangle (zero width or height) draws a line of that thickness. */
void fv_draw_rect (FvImage *image, double x0, double y0, double x1, double y1,
                   double thickness, FvColor color);

/* The segment (x0, y0)-(x1, y1) with the given thickness (at least 1), drawn as the set of
 * points within thickness / 2 of the segment (round caps, so joined segments leave no
 * gaps). A zero-length segment draws a disc. */
void fv_draw_line (FvImage *image, double x0, double y0, double x1, double y1,
                   double thickness, FvColor color);

/* A filled disc of the given radius; a radius under 0.5 paints the pixel holding the
 * centre, so a point is always visible when it is inside the image. */
void fv_draw_disc (FvImage *image, double cx, double cy, double radius, FvColor color);

/* A ring: the points whose distance to the centre is within thickness / 2 of radius. */
void fv_draw_circle (FvImage *image, double cx, double cy, double radius, double thickness,
                     FvColor color);

/* The outline of a rectangle of size width x height centred on (cx, cy), rotated by
 * rotation radians (clockwise on screen, y pointing down), as four thick segments. */
void fv_draw_rotated_rect (FvImage *image, double cx, double cy, double width, double height,
                           double rotation, double thickness, FvColor color);

G_END_DECLS
