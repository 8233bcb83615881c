/* Test helper: synthetic video clips made from a still photo, whose true landmarks are
 * known. Frame k is the photo shifted and turned a little more than frame k - 1; a point
 * of the photo (e.g. a landmark found on it) is moved the same way, so the tracking tests
 * know where every landmark must be on every frame. */
#pragma once

#include <glib.h>

#include "graph/image.h"
#include "graph/landmark.h"

/* A rigid motion of the image plane: turn by an angle about (cx, cy), then shift by
 * (tx, ty). All in pixels, origin at the top-left corner of the image. */
typedef struct {
  double cx, cy;   /* centre of the turn */
  double c, s;     /* cos, sin of the turn */
  double tx, ty;   /* shift */
} ClipMotion;

/* The motion of frame @k of a clip that turns by @turn_deg degrees (clockwise on screen,
 * y pointing down) about the centre of @image and shifts by (@shift_x, @shift_y) pixels
 * per frame: frame k is turned by k * turn_deg and shifted by k * shift. Frame 0 is the
 * identity. */
ClipMotion clip_motion_of_frame (const FvImage *image, int k, double shift_x, double shift_y,
                                 double turn_deg);

/* Where the point (@x, @y) of the photo (px) lies in the frame moved by @m. */
void clip_move_point (const ClipMotion *m, double x, double y, double *out_x, double *out_y);

/* The photo @src (RGB24, transfer none) moved by @m: each output pixel centre is mapped
 * back into @src and sampled bilinearly, clamping to the edge pixels. Same size as @src.
 * transfer full: fv_image_free(); NULL and @error set if @src is not RGB24. */
FvImage *clip_move_image (const FvImage *src, const ClipMotion *m, GError **error);

/* The test photo @name (under $FOVEA_TEST_DATA/images), RGB24; fails the running cmocka
 * test when it does not load. transfer full. */
FvImage *clip_load_photo (const char *name);

/* The first @n frames of the clip of @photo moved as clip_motion_of_frame() says, into
 * @frames (transfer full: clip_free_frames()) and, when not NULL, their motions into
 * @motions. Fails the running cmocka test on error. */
void clip_make (const FvImage *photo, int n, double shift_x, double shift_y, double turn_deg,
                FvImage **frames, ClipMotion *motions);
void clip_free_frames (FvImage **frames, int n);

/* The distance (px) of each landmark of @lm from its counterpart of @truth0 moved by @m
 * (both relative to a @W x @H image), over the box size (the larger side of the moved
 * truth's box): the mean (@mean_rel) and the largest (@worst_rel), and that size. */
void clip_measure (const FvLandmarks *lm, const FvLandmarks *truth0, const ClipMotion *m,
                   double W, double H, double *mean_rel, double *worst_rel, double *size);
