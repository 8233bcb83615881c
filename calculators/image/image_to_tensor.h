/* fovea — ImageToTensor: a rotated, optionally letterboxed region of an image resampled into
 * a float RGB tensor in one bilinear pass (MediaPipe's ImageToTensorCalculator), and the
 * payloads of its LETTERBOX_PADDING and MATRIX outputs.
 *
 * Geometry (MediaPipe's image_to_tensor_utils): the ROI is a FvNormRect turned into pixels
 * (centre x*W, y*H; size width*W by height*H; rotation about its centre, clockwise with y
 * down). With keep_aspect_ratio it is grown (PadRoi) to the tensor's aspect ratio, so the
 * region lands centred with equal padding on two sides. The ROI's top-left corner goes to
 * the tensor's top-left corner.
 *
 * Sampling: the centre (x+0.5, y+0.5) of each tensor pixel is mapped into the image and
 * the image is sampled bilinearly with pixel centres at integer+0.5 (GL / PIL half-pixel
 * convention, what MediaPipe's GPU converters do). Each of the 4 taps outside the image
 * reads 0 (BORDER_ZERO: OpenCV's BORDER_CONSTANT with pixel value 0, so after the range
 * mapping the border is range_min, e.g. -1 for [-1, 1]) or the nearest edge pixel
 * (BORDER_REPLICATE). BORDER_ZERO_GL is MediaPipe's GL converter's BORDER_ZERO, what its
 * web solutions (and so the goldens in tests/data/mediapipe) run: a sample whose position
 * lies outside the image is 0 as a whole, and a sample inside reads its taps clamped to the
 * edge (the texture's CLAMP_TO_EDGE), so the outermost half pixel of the image is not
 * darkened. The two differ only on the image's one-pixel rim, but a detector's letterbox
 * edge sits there: on a non-square photo the pose detector's keypoints move enough to
 * change the pose ROI by 5%. Values are then mapped linearly from [0, 255] to [range_min,
 * range_max].
 *
 * Note: MediaPipe's OpenCV (CPU) converter maps integer destination indices to integer
 * source indices (cv::warpPerspective) and so sits 0.5*(scale-1) source pixels off the
 * half-pixel grid when downscaling by `scale`; it also rounds to 8 bits before the range
 * mapping. fovea follows the half-pixel grid of MediaPipe's GPU path and the model oracle.
 */
#pragma once

#include "graph/detection.h"
#include "graph/image.h"
#include "graph/tensor_list.h"

G_BEGIN_DECLS

typedef enum {
  FV_BORDER_ZERO,       /* outside the image reads pixel value 0 */
  FV_BORDER_REPLICATE,  /* outside the image reads the nearest edge pixel (MediaPipe's default) */
  FV_BORDER_ZERO_GL,    /* a sample outside the image reads 0, its taps inside clamp to the edge */
} FvBorderMode;

typedef struct {
  int width, height;            /* output tensor, 1..FV_IMAGE_MAX_SIDE */
  gboolean keep_aspect_ratio;   /* letterbox rather than stretch */
  float range_min, range_max;   /* pixel 0 maps to range_min, 255 to range_max; min < max */
  FvBorderMode border;
} FvImageToTensorParams;

/* Resamples @roi (NULL: the whole image) of @image into @out, width*height*3 floats, RGB,
 * row-major HWC. GRAY8 is replicated into R, G and B; alpha is dropped.
 * @letterbox (may be NULL) receives the padding as fractions of the output: left, top,
 * right, bottom (all 0 without keep_aspect_ratio).
 * @matrix (may be NULL) receives MediaPipe's GetRotatedSubRectToRectTransformMatrix of the
 * padded ROI: a 4x4 row-major matrix mapping a point (x, y, z, 1) in normalized tensor
 * coordinates ([0,1] across the tensor) to normalized image coordinates.
 * @out may be NULL to compute only @letterbox and @matrix.
 * Allocates nothing. FALSE with @error (FV_GRAPH_ERROR_INVALID) for an invalid ROI (NaN,
 * width or height <= 0), invalid params or image. All pointers are transfer none. */
gboolean fv_image_to_tensor (const FvImage *image, const FvNormRect *roi,
                             const FvImageToTensorParams *p, float *out, float letterbox[4],
                             float matrix[16], GError **error);

/* LETTERBOX_PADDING and MATRIX travel as "tensors" packets holding one tensor: shape [4]
 * (left, top, right, bottom) and shape [16] (the 4x4 matrix, row-major). These build and
 * read them. The constructors copy the floats and return transfer full; the getters return
 * the floats (transfer none, valid while the packet lives) or NULL when the packet is NULL,
 * not "tensors", or not one tensor of 4 / 16 floats. */
FvPacket *fv_packet_new_letterbox_padding (const float padding[4]);
const float *fv_packet_get_letterbox_padding (const FvPacket *packet);
FvPacket *fv_packet_new_matrix (const float matrix[16]);
const float *fv_packet_get_matrix (const FvPacket *packet);

G_END_DECLS
