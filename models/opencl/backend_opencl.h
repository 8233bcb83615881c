/* fovea — the OpenCL backend of the model runtime ("opencl").
 *
 * prepare() opens the device (FvBackendOptions.device, else $FOVEA_DEVICE, else the best
 * one), uploads every float constant once, plans all activations into ONE host-visible
 * buffer (fv_gpu_buffer_new_host: zero-copy on unified memory), builds the kernels of
 * gpu/kernels/ops/ and binds every op's arguments. run() unmaps the arena, enqueues every
 * op, and maps it back (blocking), allocating nothing itself. Between runs the arena stays
 * mapped, so tensor_data() pointers are plain host memory the caller reads and writes.
 * On a discrete GPU (no CL_DEVICE_HOST_UNIFIED_MEMORY, or $FOVEA_OPENCL_DISCRETE=1) the
 * arena is device memory and the caller's pointers are a host mirror: run() writes the
 * inputs and reads the outputs back through gpu/'s counted copies (fv_gpu_write / read),
 * so the bytes a discrete device moves per run are exactly the inputs' and outputs'
 * (with preserve_all_tensors, the whole arena comes back).
 *
 * An op or an option the kernels do not cover is a load error naming the op; there is no
 * silent CPU fallback.
 *
 * float32 by default. FOVEA_OPENCL_FP16=1 stores weights and activations as IEEE half
 * (gpu/kernels/ops/storage.cl: vload_half / vstore_half_rte, core OpenCL 1.2, so no
 * cl_khr_fp16 is needed) while the arithmetic stays float: half the arena and weight memory
 * and bandwidth. The host still reads and writes float32 inputs and outputs (converted by
 * two extra kernels at the model boundary); intermediate tensors (fv_interpreter_tensor)
 * are not readable in this mode. Tolerance against the reference kernels: relative L2
 * <= 1e-2 per output on the face, hand, palm and selfie models (measured 2e-4 to 5e-3;
 * tests/models/opencl/test_opencl_models_fp16.c); pose_landmark's segmentation logits and
 * heatmap reach 3e-2 (its landmarks stay under 5e-3). Activations beyond 65504 overflow
 * to infinity.
 */
#pragma once

#include "models/backend.h"

G_BEGIN_DECLS

const FvBackend *fv_backend_opencl (void);

G_END_DECLS
