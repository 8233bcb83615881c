/* fovea — device buffers, host wrapping (CL_MEM_USE_HOST_PTR) and the counted copies. */
#include "gpu/buffer.h"

#include "gpu/buffer_private.h"
#include "gpu/device_private.h"

#include <stdatomic.h>

#define HOST_ALIGN 64

static _Atomic guint64 bytes_copied;

guint64
fv_gpu_bytes_copied (void)
{
  return atomic_load (&bytes_copied);
}

void
fv_gpu_count_bytes_copied (guint64 n)
{
  atomic_fetch_add (&bytes_copied, n);
}

void
fv_gpu_reset_bytes_copied (void)
{
  atomic_store (&bytes_copied, 0);
}

static gboolean
check_size (FvGpuDevice *dev, gsize size, GError **error)
{
  if (dev == NULL || size == 0) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID, "buffer: %s",
                 dev == NULL ? "no device" : "size 0");
    return FALSE;
  }
  if (size > dev->max_alloc) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_OUT_OF_MEMORY,
                 "buffer of %" G_GSIZE_FORMAT " bytes exceeds the largest allocation of %s "
                 "(%" G_GSIZE_FORMAT " bytes)", size, dev->name, dev->max_alloc);
    return FALSE;
  }
  return TRUE;
}

static FvGpuBuffer *
buffer_create (FvGpuDevice *dev, cl_mem_flags flags, void *host, gsize size, GError **error)
{
  cl_int status = CL_SUCCESS;
  cl_mem mem = clCreateBuffer (dev->context, flags, size, host, &status);
  if (mem == NULL) {
    fv_gpu_set_cl_error (error, "clCreateBuffer", status);
    return NULL;
  }
  FvGpuBuffer *buf = g_new0 (FvGpuBuffer, 1);
  buf->dev = fv_gpu_device_ref (dev);
  buf->mem = mem;
  buf->size = size;
  buf->host = host;
  return buf;
}

FvGpuBuffer *
fv_gpu_buffer_new (FvGpuDevice *dev, gsize size, GError **error)
{
  if (!check_size (dev, size, error))
    return NULL;
  return buffer_create (dev, CL_MEM_READ_WRITE, NULL, size, error);
}

FvGpuBuffer *
fv_gpu_buffer_wrap_host (FvGpuDevice *dev, void *host, gsize size, GError **error)
{
  if (!check_size (dev, size, error))
    return NULL;
  if (host == NULL) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID, "buffer: no host memory to wrap");
    return NULL;
  }
  return buffer_create (dev, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, host, size, error);
}

FvGpuBuffer *
fv_gpu_buffer_new_host (FvGpuDevice *dev, gsize size, GError **error)
{
  if (!check_size (dev, size, error))
    return NULL;
  const gsize padded = (size + HOST_ALIGN - 1) / HOST_ALIGN * HOST_ALIGN;
  void *host = g_aligned_alloc0 (1, padded, HOST_ALIGN);
  FvGpuBuffer *buf = fv_gpu_buffer_wrap_host (dev, host, size, error);
  if (buf == NULL) {
    g_aligned_free (host);
    return NULL;
  }
  buf->host_owned = TRUE;
  return buf;
}

void
fv_gpu_buffer_free (FvGpuBuffer *buf)
{
  if (buf == NULL)
    return;
  /* queued kernels may still use the memory; the host part must outlive them */
  clFinish (buf->dev->queue);
  clReleaseMemObject (buf->mem);
  if (buf->host_owned)
    g_aligned_free (buf->host);
  fv_gpu_device_unref (buf->dev);
  g_free (buf);
}

void *
fv_gpu_buffer_map (FvGpuBuffer *buf, gboolean write, GError **error)
{
  cl_int status = CL_SUCCESS;
  const cl_map_flags flags = write ? CL_MAP_READ | CL_MAP_WRITE : CL_MAP_READ;
  void *ptr = clEnqueueMapBuffer (buf->dev->queue, buf->mem, CL_TRUE, flags, 0, buf->size, 0,
                                  NULL, NULL, &status);
  if (ptr == NULL) {
    fv_gpu_set_cl_error (error, "clEnqueueMapBuffer", status);
    return NULL;
  }
  return ptr;
}

gboolean
fv_gpu_buffer_unmap (FvGpuBuffer *buf, void *ptr, GError **error)
{
  cl_int status = clEnqueueUnmapMemObject (buf->dev->queue, buf->mem, ptr, 0, NULL, NULL);
  if (status != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clEnqueueUnmapMemObject", status);
  return TRUE;
}

static gboolean
check_range (const char *what, gsize size, gsize off, gsize n, GError **error)
{
  if (off > size || n > size - off) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID,
                 "%s: bytes %" G_GSIZE_FORMAT "..+%" G_GSIZE_FORMAT " outside a buffer of %"
                 G_GSIZE_FORMAT, what, off, n, size);
    return FALSE;
  }
  return TRUE;
}

static gsize
mem_size (cl_mem mem)
{
  size_t size = 0;
  if (clGetMemObjectInfo (mem, CL_MEM_SIZE, sizeof size, &size, NULL) != CL_SUCCESS)
    return 0;
  return size;
}

gboolean
fv_gpu_copy (FvGpuDevice *dev, cl_mem dst, gsize dst_off, cl_mem src, gsize src_off, gsize n,
             GError **error)
{
  if (n == 0)
    return TRUE;
  if (!check_range ("fv_gpu_copy source", mem_size (src), src_off, n, error)
      || !check_range ("fv_gpu_copy destination", mem_size (dst), dst_off, n, error))
    return FALSE;
  cl_int status = clEnqueueCopyBuffer (dev->queue, src, dst, src_off, dst_off, n, 0, NULL, NULL);
  if (status != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clEnqueueCopyBuffer", status);
  atomic_fetch_add (&bytes_copied, (guint64) n);
  return TRUE;
}

gboolean
fv_gpu_write (FvGpuBuffer *dst, gsize off, const void *src, gsize n, GError **error)
{
  if (n == 0)
    return TRUE;
  if (!check_range ("fv_gpu_write", dst->size, off, n, error))
    return FALSE;
  cl_int status = clEnqueueWriteBuffer (dst->dev->queue, dst->mem, CL_TRUE, off, n, src, 0, NULL,
                                        NULL);
  if (status != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clEnqueueWriteBuffer", status);
  atomic_fetch_add (&bytes_copied, (guint64) n);
  return TRUE;
}

gboolean
fv_gpu_read (FvGpuBuffer *src, gsize off, void *dst, gsize n, GError **error)
{
  if (n == 0)
    return TRUE;
  if (!check_range ("fv_gpu_read", src->size, off, n, error))
    return FALSE;
  cl_int status = clEnqueueReadBuffer (src->dev->queue, src->mem, CL_TRUE, off, n, dst, 0, NULL,
                                       NULL);
  if (status != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clEnqueueReadBuffer", status);
  atomic_fetch_add (&bytes_copied, (guint64) n);
  return TRUE;
}
