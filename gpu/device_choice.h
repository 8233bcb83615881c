/* fovea — the user's device choice resolved to what runs: `--device`, a calculator's
 * `device` option or $FOVEA_DEVICE ("cpu", "opencl", "opencl:P:D", "opencl,cpu") becomes
 * the CPU or an OpenCL device that opened. The CPU is used instead of OpenCL only when the
 * list names it after OpenCL ("opencl,cpu"), and then with a warning line on stderr; a
 * plain "opencl" that cannot open is an error, never a silent CPU run.
 */
#pragma once

#include "gpu/device.h"

G_BEGIN_DECLS

typedef struct {
  gboolean opencl;       /* run on OpenCL (else on the CPU) */
  gboolean fallback_cpu; /* the list allows the CPU when OpenCL does not open */
  char *word;            /* the list's OpenCL word ("opencl", "opencl:0:1"), or NULL */
} FvDeviceRequest;

/* Parses @list (NULL or empty: $FOVEA_DEVICE, and without it "cpu") into @req (fields
 * transfer full: free with fv_device_request_clear). FALSE + FV_GPU_ERROR_INVALID for an
 * unknown word; the message names $FOVEA_DEVICE when the list came from it. */
gboolean fv_device_request_parse (const char *list, FvDeviceRequest *req, GError **error);
void fv_device_request_clear (FvDeviceRequest *req);

/* Resolves @list (as fv_device_request_parse) and opens the OpenCL device it asks for.
 * Returns the device (transfer full) for an OpenCL choice; NULL with *use_cpu = TRUE for
 * the CPU, which includes the fallback: OpenCL did not open, the list allowed the CPU, and
 * a line "<who>: warning: ... falling back to the CPU" went to stderr. NULL with
 * *use_cpu = FALSE and @error when the list is invalid or OpenCL did not open without a
 * fallback (the error is fv_gpu_device_open's: FV_GPU_ERROR_NO_PLATFORM, _NO_DEVICE...). */
FvGpuDevice *fv_device_choose (const char *list, const char *who, gboolean *use_cpu,
                               GError **error);

/* For a whole process (the CLI): resolves @list as fv_device_choose does, closes the probe
 * device again, and sets $FOVEA_DEVICE to the outcome ("cpu" or the OpenCL word) so every
 * calculator and backend of the process agrees and a fallback warns once. *opencl tells
 * which. FALSE + @error as fv_device_choose (FV_GPU_ERROR_INVALID for a bad list). */
gboolean fv_device_resolve_for_process (const char *list, const char *who, gboolean *opencl,
                                        GError **error);

/* Prints the fallback warning for @who (the program or calculator name) and @reason. */
void fv_device_warn_fallback (const char *who, const GError *reason);

G_END_DECLS
