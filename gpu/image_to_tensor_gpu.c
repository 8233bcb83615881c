/* fovea — fv_gpu_image_to_tensor / fv_gpu_nv12_to_tensor: the ROI geometry on the host (as
 * the CPU fv_image_to_tensor computes it) and one kernel launch (kernels/image_to_tensor.cl)
 * reading the frame in place. */
#include "gpu/image_to_tensor_gpu.h"

#include "gpu/buffer_private.h"
#include "gpu/device_private.h"
#include "gpu/program.h"

#include <math.h>
#include <string.h>

#define MAX_SIDE 32768

/* The ROI in image pixels (MediaPipe's RotatedRect). */
typedef struct {
  float cx, cy, w, h, rotation;
} PixelRoi;

/* What a launch needs to know about the frame, whichever layout it has. */
typedef struct {
  int width, height;
  int nv12;                 /* 0: interleaved (format), 1: NV12 */
  int format;               /* FvGpuPixelFormat */
  int stride, uv_stride;
  int range;                /* FvGpuYuvRange */
  const void *data, *uv;    /* host pixels, or NULL with buffers */
  FvGpuBuffer *buffer, *uv_buffer;
  gsize size, uv_size;      /* bytes the kernel may read */
} Frame;

int
fv_gpu_pixel_channels (FvGpuPixelFormat format)
{
  switch (format) {
  case FV_GPU_PIXEL_GRAY8: return 1;
  case FV_GPU_PIXEL_RGB24: return 3;
  case FV_GPU_PIXEL_RGBA32:
  case FV_GPU_PIXEL_BGRA32: return 4;
  default: return 0;
  }
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID, "gpu image to tensor: %s", message);
  return FALSE;
}

static gboolean
check_params (const FvGpuImageToTensorParams *p, GError **error)
{
  if (p == NULL)
    return invalid (error, "no parameters");
  if (p->width < 1 || p->height < 1 || p->width > MAX_SIDE || p->height > MAX_SIDE
      || (gint64) p->width * p->height * 3 > ((gint64) 1 << 28))
    return invalid (error, "output size is not supported (each side 1..32768)");
  if (!isfinite (p->range_min) || !isfinite (p->range_max) || !(p->range_min < p->range_max))
    return invalid (error, "invalid output range (min must be < max)");
  if (p->border != FV_GPU_BORDER_ZERO && p->border != FV_GPU_BORDER_REPLICATE
      && p->border != FV_GPU_BORDER_ZERO_GL)
    return invalid (error, "unknown border mode");
  if (p->out_offset % sizeof (float) != 0)
    return invalid (error, "output offset is not a multiple of 4 bytes");
  return TRUE;
}

static gboolean
check_frame (const Frame *f, GError **error)
{
  if (f->width < 1 || f->height < 1 || f->width > MAX_SIDE || f->height > MAX_SIDE)
    return invalid (error, "invalid image size");
  if (f->buffer == NULL && (f->data == NULL || (f->nv12 && f->uv == NULL)))
    return invalid (error, "image has no pixels");
  if (f->nv12 && (f->buffer == NULL) != (f->uv_buffer == NULL))
    return invalid (error, "NV12 planes must both be host memory or both device buffers");
  if (f->buffer != NULL && (f->buffer->size < f->size
                            || (f->nv12 && f->uv_buffer->size < f->uv_size)))
    return invalid (error, "image buffer is smaller than the image");
  return TRUE;
}

/* GetRoi + ValidateRoi, in float like the CPU version so both agree bit for bit. */
static gboolean
pixel_roi (int width, int height, const FvGpuRect *roi, PixelRoi *r, GError **error)
{
  if (roi == NULL) {
    *r = (PixelRoi) { 0.5f * width, 0.5f * height, (float) width, (float) height, 0.0f };
    return TRUE;
  }
  *r = (PixelRoi) { roi->x_center * width, roi->y_center * height, roi->width * width,
                    roi->height * height, roi->rotation };
  if (isnan (r->cx) || isnan (r->cy) || isnan (r->w) || isnan (r->h) || isnan (r->rotation))
    return invalid (error, "ROI contains NaN values");
  if (!(r->w > 0) || !(r->h > 0) || !isfinite (r->w) || !isfinite (r->h) || !isfinite (r->cx)
      || !isfinite (r->cy) || !isfinite (r->rotation))
    return invalid (error, "ROI width and height must be > 0 and finite");
  return TRUE;
}

/* PadRoi: grows the ROI to the tensor's aspect ratio; padding as fractions of the output. */
static void
pad_roi (const FvGpuImageToTensorParams *p, PixelRoi *r, float padding[4])
{
  memset (padding, 0, 4 * sizeof (float));
  if (!p->keep_aspect_ratio)
    return;
  const float tensor_aspect = (float) p->height / (float) p->width;
  const float roi_aspect = r->h / r->w;
  if (tensor_aspect > roi_aspect) {
    const float vertical = (1.0f - roi_aspect / tensor_aspect) / 2.0f;
    r->h = r->w * tensor_aspect;
    padding[1] = padding[3] = vertical;
  } else {
    const float horizontal = (1.0f - tensor_aspect / roi_aspect) / 2.0f;
    r->w = r->h / tensor_aspect;
    padding[0] = padding[2] = horizontal;
  }
}

/* GetRotatedSubRectToRectTransformMatrix (no flip): normalized tensor point -> normalized
 * image point; z is scaled like x by the ROI width. */
static void
roi_matrix (const PixelRoi *r, int image_w, int image_h, float m[16])
{
  const float a = r->w, b = r->h;
  const float c = cosf (r->rotation), d = sinf (r->rotation);
  const float e = r->cx, f = r->cy;
  const float g = 1.0f / (float) image_w, h = 1.0f / (float) image_h;
  const float rows[16] = {
    a * c * g, -b * d * g, 0.0f,  (-0.5f * a * c + 0.5f * b * d + e) * g,
    a * d * h, b * c * h,  0.0f,  (-0.5f * b * c - 0.5f * a * d + f) * h,
    0.0f,      0.0f,       a * g, 0.0f,
    0.0f,      0.0f,       0.0f,  1.0f,
  };
  memcpy (m, rows, sizeof rows);
}

/* A read-only view of host pixels the kernel reads in place (CL_MEM_USE_HOST_PTR). */
static cl_mem
wrap_pixels (FvGpuDevice *dev, const void *data, gsize size, GError **error)
{
  cl_int status = CL_SUCCESS;
  /* the cast drops const only for the API: the buffer is CL_MEM_READ_ONLY */
  cl_mem mem = clCreateBuffer (dev->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, size,
                               (void *) data, &status);
  if (mem == NULL) {
    fv_gpu_set_cl_error (error, "clCreateBuffer (wrapping the frame)", status);
    return NULL;
  }
  /* a discrete device pulls the frame over the bus: count it as the copy it is */
  if (!dev->unified_memory)
    fv_gpu_count_bytes_copied (size);
  return mem;
}

static gboolean
use_fp64 (FvGpuDevice *dev)
{
  /* FOVEA_GPU_NO_FP64=1 exercises the float-only path that devices without fp64 take */
  const char *off = g_getenv ("FOVEA_GPU_NO_FP64");
  return dev->has_fp64 && !(off != NULL && *off != '\0' && strcmp (off, "0") != 0);
}

/* Sets kernel argument @index to a "real" (double or float per the build). */
static cl_int
set_real (cl_kernel kernel, cl_uint index, gboolean fp64, double value)
{
  if (fp64)
    return clSetKernelArg (kernel, index, sizeof (double), &value);
  const float f = (float) value;
  return clSetKernelArg (kernel, index, sizeof (float), &f);
}

static gboolean
launch (FvGpuDevice *dev, const Frame *f, const PixelRoi *r, const FvGpuImageToTensorParams *p,
        FvGpuBuffer *out, GError **error)
{
  const gsize need = (gsize) p->width * (gsize) p->height * 3 * sizeof (float);
  if (out->size < need || out->size - need < p->out_offset)
    return invalid (error, "output buffer is smaller than the tensor");
  if (out->dev != dev && out->dev->context != dev->context)
    return invalid (error, "output buffer belongs to another device");

  const gboolean fp64 = use_fp64 (dev);
  cl_kernel kernel = fv_gpu_kernel_new (dev, "image_to_tensor.cl",
                                        f->nv12 ? "fv_nv12_to_tensor" : "fv_image_to_tensor",
                                        fp64 ? "-DFV_FP64=1" : "-DFV_FP64=0", error);
  if (kernel == NULL)
    return FALSE;

  cl_mem img = f->buffer != NULL ? f->buffer->mem : NULL;
  cl_mem uv = f->uv_buffer != NULL ? f->uv_buffer->mem : NULL;
  const gboolean wrapped = img == NULL;
  gboolean ok = FALSE;
  if (wrapped) {
    img = wrap_pixels (dev, f->data, f->size, error);
    if (img == NULL)
      goto out;
    if (f->nv12 && (uv = wrap_pixels (dev, f->uv, f->uv_size, error)) == NULL)
      goto out;
  }

  /* the kernel's BORDER_* numbers */
  const int border = p->border == FV_GPU_BORDER_ZERO ? 0 : p->border == FV_GPU_BORDER_ZERO_GL ? 2 : 1;
  const float range_min = p->range_min;
  const float scale = (float) (((double) p->range_max - p->range_min) / 255.0);
  const cl_ulong out_index = p->out_offset / sizeof (float);
  cl_uint i = 0;
  cl_int st = CL_SUCCESS;
  st |= clSetKernelArg (kernel, i++, sizeof (cl_mem), &img);
  if (f->nv12) {
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->stride);
    st |= clSetKernelArg (kernel, i++, sizeof (cl_mem), &uv);
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->uv_stride);
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->width);
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->height);
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->range);
  } else {
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->width);
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->height);
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->stride);
    st |= clSetKernelArg (kernel, i++, sizeof (int), &f->format);
  }
  st |= clSetKernelArg (kernel, i++, sizeof (int), &border);
  /* the CPU version widens the float ROI to double and takes cos/sin in double */
  st |= set_real (kernel, i++, fp64, r->cx);
  st |= set_real (kernel, i++, fp64, r->cy);
  st |= set_real (kernel, i++, fp64, r->w);
  st |= set_real (kernel, i++, fp64, r->h);
  st |= set_real (kernel, i++, fp64, cos ((double) r->rotation));
  st |= set_real (kernel, i++, fp64, sin ((double) r->rotation));
  st |= clSetKernelArg (kernel, i++, sizeof (float), &range_min);
  st |= clSetKernelArg (kernel, i++, sizeof (float), &scale);
  st |= clSetKernelArg (kernel, i++, sizeof (cl_mem), &out->mem);
  st |= clSetKernelArg (kernel, i++, sizeof (cl_ulong), &out_index);
  st |= clSetKernelArg (kernel, i++, sizeof (int), &p->width);
  st |= clSetKernelArg (kernel, i++, sizeof (int), &p->height);
  if (st != CL_SUCCESS) {
    /* OR-ing codes loses which one failed; the kernel's signature is ours, so this is a bug */
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_CL,
                 "clSetKernelArg: image to tensor kernel arguments rejected");
    goto out;
  }
  /* A fixed 8x8 work-group (global rounded up; the kernel skips the excess): drivers such
   * as PoCL specialise and recompile a kernel for each work-group size they pick. */
  size_t group = 0;
  clGetKernelWorkGroupInfo (kernel, dev->id, CL_KERNEL_WORK_GROUP_SIZE, sizeof group, &group,
                            NULL);
  const size_t side = group >= 64 ? 8 : 1;
  const size_t local[2] = { side, side };
  const size_t global[2] = { ((size_t) p->width + side - 1) / side * side,
                             ((size_t) p->height + side - 1) / side * side };
  st = clEnqueueNDRangeKernel (dev->queue, kernel, 2, NULL, global, local, 0, NULL, NULL);
  if (st != CL_SUCCESS) {
    fv_gpu_set_cl_error (error, "clEnqueueNDRangeKernel", st);
    goto out;
  }
  /* wrapped host pixels are the caller's again on return */
  if (wrapped && (st = clFinish (dev->queue)) != CL_SUCCESS) {
    fv_gpu_set_cl_error (error, "clFinish", st);
    goto out;
  }
  ok = TRUE;
out:
  if (wrapped && img != NULL)
    clReleaseMemObject (img);
  if (wrapped && uv != NULL)
    clReleaseMemObject (uv);
  clReleaseKernel (kernel);
  return ok;
}

static gboolean
run (FvGpuDevice *dev, const Frame *f, const FvGpuRect *roi, const FvGpuImageToTensorParams *p,
     FvGpuBuffer *out, float letterbox[4], float matrix[16], GError **error)
{
  PixelRoi r;
  float padding[4];
  if (dev == NULL)
    return invalid (error, "no device");
  if (!check_params (p, error) || !check_frame (f, error)
      || !pixel_roi (f->width, f->height, roi, &r, error))
    return FALSE;
  pad_roi (p, &r, padding);
  if (letterbox != NULL)
    memcpy (letterbox, padding, sizeof padding);
  if (matrix != NULL)
    roi_matrix (&r, f->width, f->height, matrix);
  if (out == NULL)
    return TRUE;
  return launch (dev, f, &r, p, out, error);
}

gboolean
fv_gpu_image_to_tensor (FvGpuDevice *dev, const FvGpuImage *image, const FvGpuRect *roi,
                        const FvGpuImageToTensorParams *p, FvGpuBuffer *out, float letterbox[4],
                        float matrix[16], GError **error)
{
  if (image == NULL)
    return invalid (error, "no image");
  const int ch = fv_gpu_pixel_channels (image->format);
  if (ch == 0 || image->width < 1 || image->height < 1 || image->stride < image->width * ch)
    return invalid (error, "invalid image (format, size or stride)");
  const Frame f = {
    .width = image->width, .height = image->height, .format = (int) image->format,
    .stride = image->stride, .data = image->data, .buffer = image->buffer,
    .size = (gsize) image->stride * (gsize) (image->height - 1) + (gsize) image->width * ch,
  };
  return run (dev, &f, roi, p, out, letterbox, matrix, error);
}

gboolean
fv_gpu_nv12_to_tensor (FvGpuDevice *dev, const FvGpuNv12Image *image, const FvGpuRect *roi,
                       const FvGpuImageToTensorParams *p, FvGpuBuffer *out, float letterbox[4],
                       float matrix[16], GError **error)
{
  if (image == NULL)
    return invalid (error, "no image");
  const int cw = (image->width + 1) / 2, chh = (image->height + 1) / 2;
  if (image->width < 1 || image->height < 1 || image->y_stride < image->width
      || image->uv_stride < 2 * cw)
    return invalid (error, "invalid NV12 image (size or strides)");
  if (image->range != FV_GPU_YUV_BT601_FULL && image->range != FV_GPU_YUV_BT601_LIMITED)
    return invalid (error, "unknown YUV range");
  const Frame f = {
    .width = image->width, .height = image->height, .nv12 = 1, .stride = image->y_stride,
    .uv_stride = image->uv_stride, .range = (int) image->range, .data = image->y,
    .uv = image->uv, .buffer = image->y_buffer, .uv_buffer = image->uv_buffer,
    .size = (gsize) image->y_stride * (gsize) (image->height - 1) + (gsize) image->width,
    .uv_size = (gsize) image->uv_stride * (gsize) (chh - 1) + (gsize) (2 * cw),
  };
  return run (dev, &f, roi, p, out, letterbox, matrix, error);
}

void
fv_gpu_nv12_pixel_to_rgb (guint8 y, guint8 u, guint8 v, FvGpuYuvRange range, guint8 rgb[3])
{
  const int d = u - 128, e = v - 128;
  int r, g, b;
  if (range == FV_GPU_YUV_BT601_FULL) {
    const int c = 256 * y;
    r = c + 359 * e;
    g = c - 88 * d - 183 * e;
    b = c + 454 * d;
  } else {
    const int c = 298 * (y - 16);
    r = c + 409 * e;
    g = c - 100 * d - 208 * e;
    b = c + 516 * d;
  }
  rgb[0] = (guint8) (CLAMP (r + 128, 0, 65535) >> 8);
  rgb[1] = (guint8) (CLAMP (g + 128, 0, 65535) >> 8);
  rgb[2] = (guint8) (CLAMP (b + 128, 0, 65535) >> 8);
}
