/* fovea — an OpenCL compute device: platform/device choice, its context and in-order queue,
 * and the facts about it that callers plan with (unified memory, fp16, allocation limit).
 *
 * Choice: a spec "opencl", "opencl:P" or "opencl:P:D" (platform / device indices as
 * `clinfo -l` lists them); NULL reads $FOVEA_DEVICE, and without it the best available
 * device is used (a GPU first, then any). A CPU fallback is never taken here: callers that
 * offer one parse the user's list with fv_gpu_parse_device_list() and fall back only when
 * the list asks for it ("opencl,cpu").
 */
#pragma once

#include "gpu/gpu_error.h"

G_BEGIN_DECLS

typedef struct _FvGpuDevice FvGpuDevice;   /* ref-counted */

/* Opens a device (see above). transfer full; NULL + FV_GPU_ERROR_NO_PLATFORM when no
 * OpenCL platform is installed, FV_GPU_ERROR_NO_DEVICE when none matches, FV_GPU_ERROR_INVALID
 * for a malformed spec. */
FvGpuDevice *fv_gpu_device_open (const char *spec, GError **error);
FvGpuDevice *fv_gpu_device_ref (FvGpuDevice *dev);    /* returns @dev */
void fv_gpu_device_unref (FvGpuDevice *dev);          /* NULL is ignored */

/* The OpenCL objects (transfer none: valid while @dev lives). The queue is in-order. */
cl_context fv_gpu_device_context (FvGpuDevice *dev);
cl_command_queue fv_gpu_device_queue (FvGpuDevice *dev);
cl_device_id fv_gpu_device_id (FvGpuDevice *dev);
/* "<device name> (<platform name>)" (transfer none). */
const char *fv_gpu_device_name (FvGpuDevice *dev);
/* CL_DRIVER_VERSION (transfer none). */
const char *fv_gpu_device_driver_version (FvGpuDevice *dev);
/* CL_DEVICE_HOST_UNIFIED_MEMORY: host and device share memory, so host memory the device
 * uses in place moves nothing. FALSE also when $FOVEA_OPENCL_DISCRETE=1, which makes fovea
 * take a discrete GPU's paths (explicit, counted copies) on any device, for testing them. */
gboolean fv_gpu_device_unified_memory (FvGpuDevice *dev);
gboolean fv_gpu_device_has_fp16 (FvGpuDevice *dev);         /* cl_khr_fp16 */
gboolean fv_gpu_device_has_fp64 (FvGpuDevice *dev);         /* cl_khr_fp64 or CL_DEVICE_DOUBLE_FP_CONFIG */
gsize fv_gpu_device_max_alloc (FvGpuDevice *dev);           /* CL_DEVICE_MAX_MEM_ALLOC_SIZE */

/* Parses a user device list such as "cpu", "opencl", "opencl:0:1" or "opencl,cpu" (words
 * separated by commas, spaces ignored): *use_opencl is TRUE when an OpenCL word comes first,
 * *fallback_cpu when "cpu" follows it (or "cpu" alone: then *use_opencl is FALSE and
 * *fallback_cpu TRUE). FALSE + FV_GPU_ERROR_INVALID for unknown words or an empty list.
 * Either output pointer may be NULL. */
gboolean fv_gpu_parse_device_list (const char *list, gboolean *use_opencl,
                                   gboolean *fallback_cpu, GError **error);

G_END_DECLS
