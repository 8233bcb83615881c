/* fovea — a pool of same-sized OpenCL buffers, so that steady-state frames reuse device
 * memory instead of creating it: clCreateBuffer may allocate on the device, and on some
 * drivers costs more than the kernel that fills the buffer.
 *
 * The pool creates up to @max_buffers buffers, on demand, and keeps the released ones for
 * the next acquire; with @max_buffers in use an acquire is FV_GPU_ERROR_OUT_OF_MEMORY
 * ("pool exhausted"), so a stalled consumer shows up as an error instead of unbounded
 * device memory. Buffers are device memory (fv_gpu_buffer_new), or host-visible memory
 * (fv_gpu_buffer_new_host: zero-copy on unified-memory devices) when @host_visible.
 *
 * Thread safety: acquire and release may be called from any thread.
 */
#pragma once

#include "gpu/buffer.h"

G_BEGIN_DECLS

typedef struct _FvGpuBufferPool FvGpuBufferPool;

/* A pool of buffers of @size bytes (> 0) on @dev (a reference is held), at most
 * @max_buffers (>= 1) alive; @n_prealloc (<= max_buffers) are created now, so that their
 * cost and any out-of-memory error come at set-up. transfer full; NULL + @error when a
 * preallocation fails. */
FvGpuBufferPool *fv_gpu_buffer_pool_new (FvGpuDevice *dev, gsize size, gboolean host_visible,
                                         guint n_prealloc, guint max_buffers, GError **error);
/* Frees the pool and its free buffers. Every acquired buffer must have been released. */
void fv_gpu_buffer_pool_free (FvGpuBufferPool *pool);

/* A free buffer (transfer full, give it back with fv_gpu_buffer_pool_release), created
 * when none is free and fewer than max_buffers exist. NULL + @error otherwise. */
FvGpuBuffer *fv_gpu_buffer_pool_acquire (FvGpuBufferPool *pool, GError **error);
/* Gives @buf (from this pool's acquire; transfer full) back for reuse. */
void fv_gpu_buffer_pool_release (FvGpuBufferPool *pool, FvGpuBuffer *buf);

gsize fv_gpu_buffer_pool_buffer_size (const FvGpuBufferPool *pool);
/* Buffers created so far (the pool never frees one before fv_gpu_buffer_pool_free). */
guint fv_gpu_buffer_pool_n_created (FvGpuBufferPool *pool);

G_END_DECLS
