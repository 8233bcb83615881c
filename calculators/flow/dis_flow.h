/* fovea — dense optical flow by DIS, Dense Inverse Search (Kroeger, Timofte, Dai, Van Gool,
 * ECCV 2016), on the CPU: coarse to fine over an image pyramid, at each scale
 *   1. inverse search: each patch of a regular grid on the first frame finds its match in
 *      the second by inverse-compositional Gauss-Newton from the coarser scale's flow, with
 *      spatial propagation (a patch may take its neighbour's vector when that fits
 *      better) and patch mean normalisation (robust to brightness changes);
 *   2. densification: each pixel's flow is the average of the overlapping patches' vectors
 *      weighted by 1 / max(1, |photometric error|);
 *   3. optional variational refinement (variational_refinement.h).
 * The presets: ultrafast is OpenCV's DISOpticalFlow one, fast is OpenCV's with 3
 * refinement iterations instead of 5 (still more accurate than OpenCV's, in less time),
 * medium is OpenCV's with a coarser grid, fewer iterations and a final refinement at full
 * resolution (more accurate in less time); the refinement does 4 SOR sweeps, not OpenCV's
 * 5. Accurate searches at full resolution. The planes are planned for one frame size and
 * reused: a steady-state call allocates nothing. Rows are shared among a pool of threads;
 * the result does not depend on their number.
 * On an OpenCL device (fv_dis_flow_new_on_device) the same algorithm runs as kernels
 * (gpu/dis_flow_gpu.h): the device reads the frames in place (no copy on a unified-memory
 * device, one upload each on a discrete one) and reduces them to gray itself (fv_flow_gray's
 * luma, bit for bit); the pyramid, search and refinement run there, a pushed frame's gray
 * pyramid stays there for the next push, and only the flow comes back into the caller's
 * field. Its spatial propagation is parallel over grid rows then columns (as OpenCV's
 * OpenCL DIS), so its flow differs slightly from the CPU's at the same accuracy. */
#pragma once

#include <glib.h>

#include "gpu/device.h"
#include "gpu/dis_flow_gpu.h"
#include "graph/flow_field.h"
#include "graph/image.h"

G_BEGIN_DECLS

typedef enum {
  FV_DIS_PRESET_ULTRAFAST,
  FV_DIS_PRESET_FAST,
  FV_DIS_PRESET_MEDIUM,
  FV_DIS_PRESET_ACCURATE,
  FV_DIS_PRESET_COUNT
} FvDisPreset;

#define FV_DIS_MAX_SCALES FV_GPU_DIS_MAX_SCALES   /* the same pyramid on both engines */

typedef struct {
  int finest_scale;          /* the last pyramid level searched (0: full resolution) */
  int coarsest_scale;        /* the first one; < 0: chosen from the image size (as OpenCV) */
  int patch_size;            /* patch side, 4..32 */
  int patch_stride;          /* grid step, 1..patch_size */
  int grad_descent_iter;     /* Gauss-Newton iterations per patch and scale */
  int variational_iter;      /* fixed-point iterations of the refinement (0: none) */
  int final_variational_iter;/* with finest_scale > 0: refinement iterations at full
                              * resolution after the last upsampling (0: none) */
  float alpha, gamma, delta; /* refinement weights (smoothness, gradient, brightness) */
  gboolean mean_normalization;
  gboolean spatial_propagation;
  int threads;               /* threads in all (0: one per processor, at most 8); the
                              * result is the same for any number */
} FvDisParams;

/* The parameters of @preset. */
void fv_dis_params_preset (FvDisParams *params, FvDisPreset preset);
/* "ultrafast", "fast", "medium", "accurate"; FALSE for another name. */
gboolean fv_dis_preset_from_name (const char *name, FvDisPreset *preset);
const char *fv_dis_preset_name (FvDisPreset preset);
/* FALSE with @error naming the bad field when @params is out of range. */
gboolean fv_dis_params_check (const FvDisParams *params, GError **error);

typedef struct _FvDisFlow FvDisFlow;

/* @params as the OpenCL engine's parameters (gpu/dis_flow_gpu.h: the same fields but
 * threads, which a device does not use). */
FvGpuDisParams fv_dis_params_to_gpu (const FvDisParams *params);

/* A flow engine with @params (copied; checked). transfer full. */
FvDisFlow *fv_dis_flow_new (const FvDisParams *params, GError **error);
void fv_dis_flow_free (FvDisFlow *dis);
/* The same on the OpenCL device @dev (a reference is held; params->threads is unused): the
 * kernels are built now, so a compile failure is this call's error. transfer full. */
FvDisFlow *fv_dis_flow_new_on_device (const FvDisParams *params, FvGpuDevice *dev,
                                      GError **error);
/* Whether @dis runs on an OpenCL device. */
gboolean fv_dis_flow_on_device (const FvDisFlow *dis);

/* The flow from @prev to @next (same size, any FvImage format; colour is reduced to luma)
 * into @out, which must have their size. The first call, and any call with a new size,
 * plans the buffers; later calls of that size allocate nothing. */
gboolean fv_dis_flow_calc (FvDisFlow *dis, const FvImage *prev, const FvImage *next,
                           FvFlowField *out, GError **error);

/* For video: the flow from the frame of the previous call to @frame into @out (of the
 * frame's size), *@computed = TRUE; at the first call, or when the size changed, the
 * frame is only kept (*@computed = FALSE). The engine keeps the frame's gray plane, not
 * the frame (on a device: the plane and its pyramid, in device memory), so the caller may
 * release or reuse it at once. */
gboolean fv_dis_flow_push (FvDisFlow *dis, const FvImage *frame, FvFlowField *out,
                           gboolean *computed, GError **error);

/* The same on gray planes of @w x @h floats in 0..255 (rows @w apart). */
gboolean fv_dis_flow_calc_gray (FvDisFlow *dis, const float *prev, const float *next, int w,
                                int h, FvFlowField *out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvDisFlow, fv_dis_flow_free)

G_END_DECLS
