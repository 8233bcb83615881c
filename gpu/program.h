/* fovea — OpenCL programs: the kernel sources embedded at build time (every .cl file under
 * gpu/kernels/, named by its path relative to it, e.g. "image_to_tensor.cl" or
 * "ops/conv2d.cl") and a per-device program cache.
 *
 * A program is built once per device + source + build options and kept in the device's
 * in-memory cache. Where the platform gives binaries they are also kept on disk, in
 * $FOVEA_CL_CACHE_DIR, else $XDG_CACHE_HOME/fovea/cl (~/.cache/fovea/cl), under
 * sha256(device name, driver version, options, source); a cache file that does not load is
 * ignored and rebuilt from source.
 */
#pragma once

#include "gpu/device.h"

G_BEGIN_DECLS

/* The embedded text of kernel file @name, or NULL (transfer none, static). */
const char *fv_gpu_kernel_source (const char *name);

/* The program built from embedded file @name with @build_options (NULL = none), transfer
 * none: owned by @dev's cache, valid while @dev lives. FV_GPU_ERROR_BUILD with the compiler
 * log in the message when the source does not compile; FV_GPU_ERROR_INVALID for an unknown
 * name. Thread-safe. */
cl_program fv_gpu_program_get (FvGpuDevice *dev, const char *name, const char *build_options,
                               GError **error);

/* Same, for source text that is not embedded (cached the same way, keyed by the text). */
cl_program fv_gpu_program_get_source (FvGpuDevice *dev, const char *source,
                                      const char *build_options, GError **error);

/* A new kernel @kernel_name of program @program_name. transfer full: clReleaseKernel(). */
cl_kernel fv_gpu_kernel_new (FvGpuDevice *dev, const char *program_name, const char *kernel_name,
                             const char *build_options, GError **error);

/* How many programs this process built from source / loaded from the disk cache (for tests
 * and logs: a second run of the same build should only load). */
guint fv_gpu_programs_built (void);
guint fv_gpu_programs_loaded (void);

G_END_DECLS
