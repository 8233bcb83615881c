/* fovea — the error domain of the gpu/ layer (FV_GPU_ERROR) and the OpenCL headers every
 * gpu/ file uses, pinned to the OpenCL 1.2 API so old mobile drivers work too. */
#pragma once

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <glib.h>

G_BEGIN_DECLS

#define FV_GPU_ERROR (fv_gpu_error_quark ())
GQuark fv_gpu_error_quark (void);

typedef enum {
  FV_GPU_ERROR_NO_PLATFORM,    /* no OpenCL platform (no ICD driver installed) */
  FV_GPU_ERROR_NO_DEVICE,      /* no device matches the request */
  FV_GPU_ERROR_BUILD,          /* a program failed to build; the message holds the log */
  FV_GPU_ERROR_OUT_OF_MEMORY,  /* the device (or host) could not allocate */
  FV_GPU_ERROR_CL,             /* any other OpenCL error: "<call>: <CL_ERROR_NAME>" */
  FV_GPU_ERROR_INVALID,        /* bad arguments from the caller */
} FvGpuError;

/* The name of an OpenCL status code, e.g. "CL_INVALID_WORK_GROUP_SIZE" (static string). */
const char *fv_gpu_cl_error_name (cl_int status);

/* Sets @error for a failed OpenCL call @call: OUT_OF_MEMORY for the allocation failures,
 * CL otherwise; the message is "<call>: <CL_ERROR_NAME>". Always returns FALSE. */
gboolean fv_gpu_set_cl_error (GError **error, const char *call, cl_int status);

G_END_DECLS
