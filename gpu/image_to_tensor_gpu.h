/* fovea — ImageToTensor on an OpenCL device: a rotated, optionally letterboxed region of a
 * camera frame (RGBA32, BGRA32, RGB24, GRAY8 or NV12) resampled bilinearly into a float RGB
 * tensor in a device buffer, in one kernel that reads the frame in place (zero-copy wrapped
 * host memory) and writes the model's input tensor directly.
 *
 * The math is the CPU fv_image_to_tensor's (calculators/image/image_to_tensor.h): MediaPipe's
 * GetRoi / PadRoi / GetRotatedSubRectToRectTransformMatrix, tensor pixel centres mapped into
 * the image, bilinear taps on the half-pixel grid, each tap outside the image reading 0
 * (ZERO) or the nearest edge pixel (REPLICATE), then [0,255] -> [range_min, range_max].
 * gpu/ knows nothing of graphs, so the image, ROI and parameters are this file's own small
 * structs; the calculator converts its FvImage / FvNormRect / FvImageToTensorParams.
 *
 * Precision: tap positions are computed in double where the device has fp64 (PoCL, desktop
 * GPUs) and in float otherwise; the bilinear blend is float32. With fp64 the result matches
 * the CPU within 1e-5 on [0,1] and [-1,1]; in float32 only, a tap position carries
 * ~|coordinate| * 6e-8 pixels of rounding, so noisy images may differ by up to ~1e-4.
 *
 * NV12: each tap converts Y and the (x/2, y/2) chroma sample (nearest, no chroma filtering)
 * to 8-bit RGB with BT.601 in integer arithmetic, exactly fv_gpu_nv12_pixel_to_rgb() below,
 * then blends; i.e. the result equals the RGB path on the frame converted by that function.
 */
#pragma once

#include "gpu/buffer.h"

G_BEGIN_DECLS

/* The same order as FvImageFormat, but converted explicitly by callers. */
typedef enum {
  FV_GPU_PIXEL_GRAY8,
  FV_GPU_PIXEL_RGB24,
  FV_GPU_PIXEL_RGBA32,
  FV_GPU_PIXEL_BGRA32,
} FvGpuPixelFormat;

/* Bytes per pixel of @format (1, 3 or 4; 0 for an unknown value). */
int fv_gpu_pixel_channels (FvGpuPixelFormat format);

/* An interleaved 8-bit frame: host pixels @data (wrapped without a copy for the call), or
 * @buffer when the frame already is a device buffer (then @data is ignored; pixel (0,0) at
 * byte 0). transfer none. */
typedef struct {
  FvGpuPixelFormat format;
  int width, height;
  int stride;                /* bytes per row, >= width * channels */
  const void *data;
  FvGpuBuffer *buffer;
} FvGpuImage;

typedef enum {
  FV_GPU_YUV_BT601_FULL,     /* JPEG / "full swing": Y, U, V in 0..255 */
  FV_GPU_YUV_BT601_LIMITED,  /* video range: Y in 16..235, U, V in 16..240 */
} FvGpuYuvRange;

/* An NV12 frame: a Y plane (width x height bytes) and an interleaved UV plane
 * ((width+1)/2 pairs x (height+1)/2 rows); host pointers or device buffers as above. */
typedef struct {
  int width, height;
  const void *y;
  int y_stride;
  const void *uv;
  int uv_stride;
  FvGpuBuffer *y_buffer, *uv_buffer;  /* both or neither */
  FvGpuYuvRange range;
} FvGpuNv12Image;

/* A rotated rectangle relative to the image (MediaPipe's NormalizedRect): centre and size
 * as fractions of the image, rotation in radians, clockwise with y down. */
typedef struct {
  float x_center, y_center, width, height, rotation;
} FvGpuRect;

typedef enum {
  FV_GPU_BORDER_ZERO,
  FV_GPU_BORDER_REPLICATE,
  FV_GPU_BORDER_ZERO_GL,  /* FV_BORDER_ZERO_GL of calculators/image/image_to_tensor.h */
} FvGpuBorderMode;

typedef struct {
  int width, height;            /* output tensor, 1..32768 each */
  gboolean keep_aspect_ratio;   /* letterbox rather than stretch */
  float range_min, range_max;   /* pixel 0 -> range_min, 255 -> range_max; min < max */
  FvGpuBorderMode border;
  gsize out_offset;             /* byte offset of the tensor in the output buffer (multiple of 4) */
} FvGpuImageToTensorParams;

/* Resamples @roi (NULL: the whole image) of @image into @out at p->out_offset: width*height*3
 * floats, RGB, row-major HWC. GRAY8 is replicated, alpha dropped. @letterbox (may be NULL)
 * receives the padding (left, top, right, bottom as fractions of the output), @matrix (may
 * be NULL) the 4x4 row-major tensor->image matrix, as fv_image_to_tensor. When @image wraps
 * host memory the call waits for the kernel (the memory is the caller's again on return);
 * with device buffers it only enqueues on @dev's in-order queue. @out may be NULL to compute
 * only @letterbox and @matrix. All pointers transfer none. FALSE + FV_GPU_ERROR_INVALID for
 * a bad image / ROI / params, other FV_GPU_ERROR codes for OpenCL failures. */
gboolean fv_gpu_image_to_tensor (FvGpuDevice *dev, const FvGpuImage *image, const FvGpuRect *roi,
                                 const FvGpuImageToTensorParams *p, FvGpuBuffer *out,
                                 float letterbox[4], float matrix[16], GError **error);

/* The same from an NV12 frame. */
gboolean fv_gpu_nv12_to_tensor (FvGpuDevice *dev, const FvGpuNv12Image *image,
                                const FvGpuRect *roi, const FvGpuImageToTensorParams *p,
                                FvGpuBuffer *out, float letterbox[4], float matrix[16],
                                GError **error);

/* The NV12 -> RGB conversion of one pixel the kernel uses (BT.601, integer arithmetic with
 * 8 fractional bits, rounded and clamped to 0..255), for CPU references and fallbacks. */
void fv_gpu_nv12_pixel_to_rgb (guint8 y, guint8 u, guint8 v, FvGpuYuvRange range, guint8 rgb[3]);

G_END_DECLS
