/* fovea — device buffers, zero-copy host wrapping, and the one counted copy path.
 *
 * A buffer is device memory (fv_gpu_buffer_new) or host memory the device uses in place
 * (CL_MEM_USE_HOST_PTR: fv_gpu_buffer_wrap_host / fv_gpu_buffer_new_host); on unified-memory
 * devices (phones, integrated GPUs, PoCL) the latter moves nothing between host and device,
 * map/unmap only synchronise. Every real copy goes through fv_gpu_copy / fv_gpu_write /
 * fv_gpu_read, which add to a process-wide byte counter, so a pipeline can prove it copies
 * 0 bytes.
 */
#pragma once

#include "gpu/device.h"

G_BEGIN_DECLS

typedef struct {
  FvGpuDevice *dev;      /* a reference held by the buffer */
  cl_mem mem;
  gsize size;            /* bytes */
  void *host;            /* the wrapped host memory, or NULL for device memory */
  gboolean host_owned;   /* host was allocated by fv_gpu_buffer_new_host and is freed with us */
} FvGpuBuffer;

/* Device memory of @size bytes (> 0). transfer full; FV_GPU_ERROR_OUT_OF_MEMORY when the
 * device cannot allocate it (or it exceeds fv_gpu_device_max_alloc). */
FvGpuBuffer *fv_gpu_buffer_new (FvGpuDevice *dev, gsize size, GError **error);
/* Wraps @host (transfer none: must stay valid until the buffer is freed; should be 64-byte
 * aligned) without copying. transfer full. */
FvGpuBuffer *fv_gpu_buffer_wrap_host (FvGpuDevice *dev, void *host, gsize size, GError **error);
/* Allocates 64-byte aligned, zeroed host memory and wraps it. transfer full. */
FvGpuBuffer *fv_gpu_buffer_new_host (FvGpuDevice *dev, gsize size, GError **error);
void fv_gpu_buffer_free (FvGpuBuffer *buf);   /* NULL is ignored; waits for queued work */

/* Makes the host view current (blocking clEnqueueMapBuffer of the whole buffer) and returns
 * it; @write maps for writing (CL_MAP_READ|CL_MAP_WRITE). For wrapped host memory on a
 * unified-memory device the pointer is buf->host and nothing is copied. Pair with unmap. */
void *fv_gpu_buffer_map (FvGpuBuffer *buf, gboolean write, GError **error);
/* Hands the host view back to the device (the pointer map returned). */
gboolean fv_gpu_buffer_unmap (FvGpuBuffer *buf, void *ptr, GError **error);

/* THE function for every real device<->device copy: @n bytes from @src+@src_off to
 * @dst+@dst_off on @dev's queue (in order with other work; not waited for). Counted. */
gboolean fv_gpu_copy (FvGpuDevice *dev, cl_mem dst, gsize dst_off, cl_mem src, gsize src_off,
                      gsize n, GError **error);
/* Host -> device (blocking write), counted. */
gboolean fv_gpu_write (FvGpuBuffer *dst, gsize off, const void *src, gsize n, GError **error);
/* Device -> host (blocking read, waits for queued work), counted. */
gboolean fv_gpu_read (FvGpuBuffer *src, gsize off, void *dst, gsize n, GError **error);

/* Bytes copied by the three functions above since start / the last reset (process-wide,
 * atomic). */
guint64 fv_gpu_bytes_copied (void);
void fv_gpu_reset_bytes_copied (void);

G_END_DECLS
