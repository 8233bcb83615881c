/* fovea — the OpenCL backend of the model runtime ("opencl").
 *
 * prepare() opens the device (fv_gpu_device_open (NULL): $FOVEA_DEVICE, else the best
 * one), uploads every float constant once, plans all activations into ONE host-visible
 * buffer (fv_gpu_buffer_new_host: zero-copy on unified memory), builds the kernels of
 * gpu/kernels/ops/ and binds every op's arguments. run() unmaps the arena, enqueues every
 * op, and maps it back (blocking), allocating nothing itself. Between runs the arena stays
 * mapped, so tensor_data() pointers are plain host memory the caller reads and writes; on
 * a discrete GPU the map / unmap are the driver's copies of the arena.
 *
 * An op or an option the kernels do not cover is a load error naming the op; there is no
 * silent CPU fallback. float32 only: FOVEA_OPENCL_FP16=1 is refused with a clear error
 * (see backend_opencl.c).
 */
#pragma once

#include "models/backend.h"

G_BEGIN_DECLS

const FvBackend *fv_backend_opencl (void);

G_END_DECLS
