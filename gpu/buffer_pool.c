/* fovea — a pool of same-sized OpenCL buffers (see buffer_pool.h). */
#include "gpu/buffer_pool.h"

#include "gpu/gpu_error.h"

struct _FvGpuBufferPool {
  FvGpuDevice *dev;
  gsize size;
  gboolean host_visible;
  guint max_buffers;
  GMutex lock;
  GPtrArray *free_list;   /* FvGpuBuffer, ready for acquire */
  guint n_created, n_out;
};

static FvGpuBuffer *
create (FvGpuBufferPool *pool, GError **error)
{
  return pool->host_visible ? fv_gpu_buffer_new_host (pool->dev, pool->size, error)
                            : fv_gpu_buffer_new (pool->dev, pool->size, error);
}

FvGpuBufferPool *
fv_gpu_buffer_pool_new (FvGpuDevice *dev, gsize size, gboolean host_visible, guint n_prealloc,
                        guint max_buffers, GError **error)
{
  if (dev == NULL || size == 0 || max_buffers == 0 || n_prealloc > max_buffers) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID,
                 "buffer pool: %s", dev == NULL ? "no device" : size == 0 ? "size 0"
                 : max_buffers == 0 ? "at most 0 buffers" : "more buffers preallocated than allowed");
    return NULL;
  }
  FvGpuBufferPool *pool = g_new0 (FvGpuBufferPool, 1);
  pool->dev = fv_gpu_device_ref (dev);
  pool->size = size;
  pool->host_visible = host_visible;
  pool->max_buffers = max_buffers;
  g_mutex_init (&pool->lock);
  pool->free_list = g_ptr_array_new_full (max_buffers, (GDestroyNotify) fv_gpu_buffer_free);
  for (guint i = 0; i < n_prealloc; i++) {
    FvGpuBuffer *buf = create (pool, error);
    if (buf == NULL) {
      g_prefix_error (error, "buffer pool (%u of %" G_GSIZE_FORMAT " bytes): ", n_prealloc, size);
      fv_gpu_buffer_pool_free (pool);
      return NULL;
    }
    g_ptr_array_add (pool->free_list, buf);
    pool->n_created++;
  }
  return pool;
}

void
fv_gpu_buffer_pool_free (FvGpuBufferPool *pool)
{
  if (pool == NULL)
    return;
  /* an outstanding buffer would be freed by its holder's release into a dead pool */
  if (pool->n_out != 0)
    g_critical ("fv_gpu_buffer_pool_free: %u buffers still acquired", pool->n_out);
  g_ptr_array_free (pool->free_list, TRUE);
  g_mutex_clear (&pool->lock);
  fv_gpu_device_unref (pool->dev);
  g_free (pool);
}

FvGpuBuffer *
fv_gpu_buffer_pool_acquire (FvGpuBufferPool *pool, GError **error)
{
  g_mutex_lock (&pool->lock);
  FvGpuBuffer *buf = NULL;
  if (pool->free_list->len > 0) {
    buf = g_ptr_array_steal_index_fast (pool->free_list, pool->free_list->len - 1);
  } else if (pool->n_created < pool->max_buffers) {
    buf = create (pool, error);
    pool->n_created += buf != NULL;
  } else {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_OUT_OF_MEMORY,
                 "buffer pool exhausted: all %u buffers of %" G_GSIZE_FORMAT " bytes are in use",
                 pool->max_buffers, pool->size);
  }
  pool->n_out += buf != NULL;
  g_mutex_unlock (&pool->lock);
  return buf;
}

void
fv_gpu_buffer_pool_release (FvGpuBufferPool *pool, FvGpuBuffer *buf)
{
  if (buf == NULL)
    return;
  g_mutex_lock (&pool->lock);
  g_ptr_array_add (pool->free_list, buf);
  pool->n_out--;
  g_mutex_unlock (&pool->lock);
}

gsize
fv_gpu_buffer_pool_buffer_size (const FvGpuBufferPool *pool)
{
  return pool->size;
}

guint
fv_gpu_buffer_pool_n_created (FvGpuBufferPool *pool)
{
  g_mutex_lock (&pool->lock);
  guint n = pool->n_created;
  g_mutex_unlock (&pool->lock);
  return n;
}
