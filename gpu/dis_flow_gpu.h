/* fovea — dense optical flow by DIS (Dense Inverse Search, Kroeger et al. 2016) on an
 * OpenCL device: the CPU engine's algorithm (calculators/flow/dis_flow.h) step for step —
 * 2x2-average pyramid, Sobel gradients, per-patch structure tensor, inverse-compositional
 * patch search, densification, variational refinement (red-black SOR: one kernel per colour
 * per sweep), bilinear upsampling — on float gray planes (kernels/dis_flow.cl).
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

/* Device buffers this engine has created in all (for tests: constant across calls of one
 * frame size). */
guint fv_gpu_dis_flow_n_buffers_created (const FvGpuDisFlow *dis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvGpuDisFlow, fv_gpu_dis_flow_free)

G_END_DECLS
