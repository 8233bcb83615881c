/* fovea tests — gpu_chain helpers: an ImageToTensorCalculator graph on a device, the
 * face_detection solution registered, a graph run on one image. */
#pragma once

#include "graph/detection.h"
#include "graph/fovea-graph.h"
#include "graph/image.h"
#include "graph/tensor_list.h"
#include "tests/gpu/gpu_test_util.h"   /* the private program cache: fv_test_gpu_setup */

/* A deterministic noisy RGBA image (transfer full). */
FvImage *chain_noise_image (FvImageFormat format, int w, int h, guint32 seed);

/* Runs ImageToTensorCalculator (device @device, NULL: none set) on @image / @rect (may be
 * NULL) into @w x @h with @options_extra appended to its options; returns the TENSORS list
 * (transfer full) and fills @padding / @matrix. NULL with @error when the graph fails. */
FvTensorList *chain_i2t (const char *device, const FvImage *image, const FvNormRect *rect,
                         int w, int h, const char *options_extra, float padding[4],
                         float matrix[16], GError **error);

/* Runs the FaceDetection subgraph on @frames copies of @frame (an image packet, transfer
 * none) at timestamps 0.. @frames - 1, one at a time. fv_gpu_bytes_copied() is reset after
 * graph start (the weights go up at model load) and *@copied gets what the frames copied.
 * Returns the last frame's detections (transfer full), or NULL + @error when the graph
 * fails or a frame gives no face. */
FvDetections *chain_run_face_detection (const FvPacket *frame, int frames, guint64 *copied,
                                        GError **error);

/* The largest difference of score or box coordinate between two detection lists, item by
 * item; infinity when they differ in length or a value is NaN. */
double chain_detections_diff (const FvDetections *a, const FvDetections *b);

/* cmocka group fixtures of the chain tests: the private program cache (fv_test_gpu_setup)
 * and the FaceDetection subgraph registered; undone by the teardown. */
int chain_group_setup (void **state);
int chain_group_teardown (void **state);

/* Registers graph/solutions/face_detection.pbtxt (the FaceDetection subgraph). */
gboolean chain_register_face_detection (GError **error);
