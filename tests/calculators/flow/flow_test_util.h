/* fovea tests — shared helpers of the flow tests: a gray test photo as floats, and frames
 * warped by a known motion (so the true flow is known at every pixel). */
#pragma once

#include <glib.h>

#include "graph/flow_field.h"
#include "graph/image.h"

/* A point of the first frame at (x, y) moves to map(x, y) in the second. */
typedef void (*FlowMotion) (const double *params, double x, double y, double *mx, double *my);
/* ... and its inverse (where a pixel of the second frame came from). */
typedef struct {
  FlowMotion forward, inverse;
  double params[6];
} FlowTransform;

/* The w x h crop at (x0, y0) of a test photo (tests/data/images/NAME) as GRAY8. */
FvImage *flow_test_photo (const char *name, int x0, int y0, int w, int h);
/* @src seen after @t: out(q) = src(t^-1(q)), bilinear, replicated border. GRAY8. */
FvImage *flow_test_warp (const FvImage *src, const FlowTransform *t);
/* Mean endpoint error of @flow against @t over pixels at least @margin from the border whose
 * target also lies that far inside. */
double flow_test_epe (const FvFlowField *flow, const FlowTransform *t, int margin);

/* A translation by (params[0], params[1]); a rotation by params[0] radians and a scaling
 * by params[1], both about (params[2], params[3]); the affine map x' = p0 x + p1 y + p2,
 * y' = p3 x + p4 y + p5. */
extern const FlowMotion flow_shift, flow_unshift, flow_similarity, flow_unsimilarity,
  flow_affine, flow_unaffine;

/* tests/data/flow: the Motorcycle pair (RGB24) and its disparity, halved (SOURCES.md). The
 * true flow of pixel i is (-disp[i] / 256, 0) where disp[i] > 0 (0: no ground truth).
 * transfer full (g_free @disp). */
void flow_test_motorcycle (FvImage **left, FvImage **right, guint16 **disp);
/* The mean endpoint error of @flow (interleaved u, v floats of @n_pixels pixels) against
 * @disp, over the pixels that have a disparity (*@n_valid of them). */
double flow_test_motorcycle_epe (const float *flow, const guint16 *disp, int n_pixels,
                                 int *n_valid);
