/* fovea — dense optical flow by DIS (Dense Inverse Search, Kroeger et al. 2016) on an
 * OpenCL device: the CPU engine's algorithm (calculators/flow/dis_flow.h) step for step —
 * 2x2-average pyramid, Sobel gradients, per-patch structure tensor, inverse-compositional
 * patch search, densification, variational refinement (red-black SOR: one kernel per colour
 * per sweep), bilinear upsampling — on float gray planes (kernels/dis_flow.cl).
 *
 * Frames: from float gray planes (fv_gpu_dis_flow_calc, copied to the device at each call)
 * or from 8-bit frames (fv_gpu_dis_flow_calc_image / fv_gpu_dis_flow_push), which the device
 * reduces to gray itself (fv_flow_gray's integer BT.601 luma, bit for bit) reading the
 * pixels in place: on a unified-memory device (PoCL, integrated GPUs) host pixels are
 * wrapped (CL_MEM_USE_HOST_PTR: a cl_mem handle per frame, released before the call
 * returns; no device memory, nothing copied); on a discrete one they are written once into
 * a kept device buffer (one counted copy, gpu/buffer.h; a wrap there would have the driver
 * allocate and copy at every frame); a frame already in a device buffer of the engine's
 * context is read as is. For video, fv_gpu_dis_flow_push keeps the previous frame's
 * gray plane and its whole pyramid on the device (the two frames' planes swap roles), so a
 * steady-state frame converts and reduces only itself, and the only bytes that cross are
 * the flow read back (plus the frame's upload on a discrete device).
 *
 * One difference, by design: the CPU's inverse search visits the patches one after the
 * other so that a good vector can spread to every later patch (spatial propagation); that
 * order is sequential. Here, as in OpenCV's OpenCL DIS, each sweep runs the grid rows in
 * parallel (a patch may take its left, then in the backward sweep its right, neighbour's
 * vector, then refines it by Gauss-Newton) and then the grid columns in parallel (a patch
 * may take the vector above, then below it): forward (rows, columns) then backward
 * (rows, columns). The flow therefore differs slightly from the CPU's; its accuracy is the
 * same (tests/gpu/test_gpu_dis_flow.c measures both on the Motorcycle pair).
 *
 * gpu/ knows nothing of graphs, so the parameters are this file's own struct, with
 * FvDisParams' fields and meanings (the calculator layer converts). All device buffers are
 * planned at the first call of a frame size and reused: a steady-state call creates no
 * device buffer (fv_gpu_dis_flow_n_buffers_created counts them). The engine is not
 * thread-safe: one caller at a time.
 */
#pragma once

#include "gpu/device.h"
#include "gpu/image_to_tensor_gpu.h"   /* FvGpuImage */

G_BEGIN_DECLS

#define FV_GPU_DIS_MAX_SCALES 12

typedef struct {
  int finest_scale;           /* the last pyramid level searched (0: full resolution) */
  int coarsest_scale;         /* the first one; < 0: chosen from the image size (as OpenCV) */
  int patch_size;             /* patch side, 4..32 */
  int patch_stride;           /* grid step, 1..patch_size */
  int grad_descent_iter;      /* Gauss-Newton iterations per patch and scale */
  int variational_iter;       /* refinement fixed-point iterations per scale (0: none) */
  int final_variational_iter; /* with finest_scale > 0: at full resolution (0: none) */
  float alpha, gamma, delta;  /* refinement weights (smoothness, gradient, brightness) */
  gboolean mean_normalization;
  gboolean spatial_propagation;
} FvGpuDisParams;

/* The pyramid levels DIS searches for @w x @h frames with patches of @patch_size (both
 * engines, CPU and OpenCL, use this, so they search the same pyramid): the finest is
 * @finest_scale, or the smallest level that still holds a patch; the coarsest is
 * @coarsest_scale, or when < 0 OpenCV's choice (a search range of about a quarter of the
 * image, and a level that still holds a patch), at most FV_GPU_DIS_MAX_SCALES - 1. */
void fv_gpu_dis_choose_scales (int w, int h, int patch_size, int finest_scale,
                               int coarsest_scale, int *finest, int *coarsest);

typedef struct _FvGpuDisFlow FvGpuDisFlow;

/* An engine on @dev (a reference is held) with @params (copied). Builds the kernels now,
 * so a compile failure is reported here (FV_GPU_ERROR_BUILD). transfer full; NULL +
 * FV_GPU_ERROR_INVALID when @params is out of range or @dev is NULL. */
FvGpuDisFlow *fv_gpu_dis_flow_new (FvGpuDevice *dev, const FvGpuDisParams *params,
                                   GError **error);
void fv_gpu_dis_flow_free (FvGpuDisFlow *dis);   /* NULL is ignored */

/* The flow from @prev to @next (gray planes of @width x @height floats in 0..255, rows
 * packed; transfer none, read during the call only) into @flow (width * height * 2 floats,
 * interleaved u, v: the previous frame's pixel (x, y) is at (x + u, y + v) in the next).
 * Blocks until the flow is in @flow. The first call of a size plans the device buffers;
 * later calls of that size create none. FALSE + FV_GPU_ERROR_INVALID for NULL planes or
 * frames smaller than a patch, FV_GPU_ERROR_OUT_OF_MEMORY / FV_GPU_ERROR_CL when OpenCL
 * fails (the engine stays usable: the next call plans afresh). */
gboolean fv_gpu_dis_flow_calc (FvGpuDisFlow *dis, const float *prev, const float *next,
                               int width, int height, float *flow, GError **error);

/* The same from 8-bit frames (@prev, @next of one size; GRAY8, RGB24, RGBA32 or BGRA32, any
 * stride; host pixels or device buffers; transfer none), each reduced to gray on the
 * device as fv_flow_gray does. Host pixels are read in place on a unified-memory device
 * (0 bytes copied) and uploaded once each on a discrete one; they are the caller's again
 * on return. Forgets a pushed previous frame. Errors as fv_gpu_dis_flow_calc's
 * (FV_GPU_ERROR_INVALID also for a bad format, size or stride). */
gboolean fv_gpu_dis_flow_calc_image (FvGpuDisFlow *dis, const FvGpuImage *prev,
                                     const FvGpuImage *next, float *flow, GError **error);

/* For video: the flow from the previously pushed frame to @frame (as calc_image) into
 * @flow, *@computed = TRUE (@computed may be NULL). At the first push, after a size change,
 * after fv_gpu_dis_flow_calc / calc_image or after an error, the frame is only kept
 * (*@computed = FALSE, @flow untouched and may be NULL). Only the frame's gray plane and
 * pyramid are kept, on the device, so the caller may reuse the frame at once. A
 * steady-state push creates no buffer and copies only the flow back (a unified-memory
 * device) or the frame in and the flow back (a discrete one). */
gboolean fv_gpu_dis_flow_push (FvGpuDisFlow *dis, const FvGpuImage *frame, float *flow,
                               gboolean *computed, GError **error);

/* Whether the next push of a @width x @height frame computes a flow. */
gboolean fv_gpu_dis_flow_has_previous (const FvGpuDisFlow *dis, int width, int height);

/* The gray plane the device computes from @image (width * height floats into @gray), the
 * one calc_image and push start from: for tests, which compare it with fv_flow_gray. A
 * pushed previous frame of the same size is kept; another size plans anew. */
gboolean fv_gpu_dis_flow_gray (FvGpuDisFlow *dis, const FvGpuImage *image, float *gray,
                               GError **error);

/* Device buffers this engine has created in all (for tests: constant across calls of one
 * frame size; a discrete device's upload buffer counts once). */
guint fv_gpu_dis_flow_n_buffers_created (const FvGpuDisFlow *dis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvGpuDisFlow, fv_gpu_dis_flow_free)

G_END_DECLS
