/* fovea — ImageToTensor kernels: one work item per output tensor pixel maps the pixel centre
 * into the image through the (rotated, letterbox-padded) ROI, blends 4 taps bilinearly and
 * writes range-mapped RGB floats. Same math as calculators/image/image_to_tensor.c; see
 * gpu/image_to_tensor_gpu.h. Build option FV_FP64=1 computes tap positions in double. */

#if FV_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
#else
typedef float real;
#endif

/* pixel formats (FvGpuPixelFormat) */
#define FMT_GRAY8 0
#define FMT_RGB24 1
#define FMT_RGBA32 2
#define FMT_BGRA32 3

#define BORDER_ZERO 0
#define BORDER_ZERO_GL 2 /* a sample outside the image is 0, its taps clamp to the edge */

/* BT.601 ranges (FvGpuYuvRange) */
#define YUV_FULL 0

/* Tap (x, y) of an interleaved 8-bit image as RGB in 0..255; outside the image it reads 0
 * or the nearest edge pixel. */
static float3
fetch_rgb (__global const uchar *img, int w, int h, int stride, int format, int border, int x,
           int y)
{
  if (x < 0 || y < 0 || x >= w || y >= h) {
    if (border == BORDER_ZERO)
      return (float3) (0.0f);
    x = clamp (x, 0, w - 1);
    y = clamp (y, 0, h - 1);
  }
  __global const uchar *row = img + (size_t) y * (size_t) stride;
  switch (format) {
  case FMT_GRAY8:
    return (float3) ((float) row[x]);
  case FMT_RGB24:
    return (float3) (row[3 * x], row[3 * x + 1], row[3 * x + 2]);
  case FMT_RGBA32:
    return (float3) (row[4 * x], row[4 * x + 1], row[4 * x + 2]);
  default: /* BGRA32 */
    return (float3) (row[4 * x + 2], row[4 * x + 1], row[4 * x]);
  }
}

/* One NV12 pixel to 8-bit RGB, BT.601 with 8 fractional bits (fv_gpu_nv12_pixel_to_rgb). */
static float3
yuv_to_rgb (int y, int u, int v, int range)
{
  const int d = u - 128, e = v - 128;
  int r, g, b;
  if (range == YUV_FULL) {
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
  /* clamp before the shift: the shift then never sees a negative number */
  r = clamp (r + 128, 0, 65535) >> 8;
  g = clamp (g + 128, 0, 65535) >> 8;
  b = clamp (b + 128, 0, 65535) >> 8;
  return (float3) ((float) r, (float) g, (float) b);
}

static float3
fetch_nv12 (__global const uchar *yp, int y_stride, __global const uchar *uvp, int uv_stride,
            int w, int h, int range, int border, int x, int y)
{
  if (x < 0 || y < 0 || x >= w || y >= h) {
    if (border == BORDER_ZERO)
      return (float3) (0.0f);
    x = clamp (x, 0, w - 1);
    y = clamp (y, 0, h - 1);
  }
  __global const uchar *uv = uvp + (size_t) (y >> 1) * (size_t) uv_stride + 2 * (x >> 1);
  return yuv_to_rgb (yp[(size_t) y * (size_t) y_stride + x], uv[0], uv[1], range);
}

/* The source position of tensor pixel (x, y): the pixel centre as an offset (u, v) from the
 * ROI centre in ROI axes, rotated into the image, minus 0.5 for pixel-centre indices.
 * Returns the top-left tap in *x0, *y0, the blend weights in *ax, *ay and in *outside
 * whether the sample lies outside the image (for BORDER_ZERO_GL). */
static void
source_taps (int x, int y, int out_w, int out_h, real cx, real cy, real rw, real rh, real c,
             real s, int w, int h, int *x0, int *y0, float *ax, float *ay, int *outside)
{
  const real v = (((real) y + (real) 0.5) / (real) out_h - (real) 0.5) * rh;
  const real u = (((real) x + (real) 0.5) / (real) out_w - (real) 0.5) * rw;
  const real sx = cx + u * c - v * s - (real) 0.5;
  const real sy = cy + u * s + v * c - (real) 0.5;
  *outside = sx < (real) -0.5 || sy < (real) -0.5 || sx > (real) w - (real) 0.5
             || sy > (real) h - (real) 0.5;
  const real fx0 = floor (sx), fy0 = floor (sy);
  *ax = (float) (sx - fx0);
  *ay = (float) (sy - fy0);
  /* taps far outside the image all read the border: clamp before the int cast */
  *x0 = (int) clamp (fx0, (real) -2, (real) (w + 1));
  *y0 = (int) clamp (fy0, (real) -2, (real) (h + 1));
}

static void
store (__global float *out, ulong out_index, int x, int y, int out_w, float3 p00, float3 p01,
       float3 p10, float3 p11, float ax, float ay, float range_min, float scale)
{
  const float3 top = p00 * (1.0f - ax) + p01 * ax;
  const float3 bottom = p10 * (1.0f - ax) + p11 * ax;
  const float3 value = top * (1.0f - ay) + bottom * ay;
  __global float *o = out + out_index + ((size_t) y * (size_t) out_w + (size_t) x) * 3;
  o[0] = range_min + value.x * scale;
  o[1] = range_min + value.y * scale;
  o[2] = range_min + value.z * scale;
}

__kernel void
fv_image_to_tensor (__global const uchar *img, int w, int h, int stride, int format, int border,
                    real cx, real cy, real rw, real rh, real c, real s, float range_min,
                    float scale, __global float *out, ulong out_index, int out_w, int out_h)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= out_w || y >= out_h)
    return;
  int x0, y0;
  float ax, ay;
  int outside;
  source_taps (x, y, out_w, out_h, cx, cy, rw, rh, c, s, w, h, &x0, &y0, &ax, &ay, &outside);
  if (border == BORDER_ZERO_GL) {
    if (outside) {
      const float3 zero = (float3) (0.0f);
      store (out, out_index, x, y, out_w, zero, zero, zero, zero, 0.0f, 0.0f, range_min, scale);
      return;
    }
    border = 1; /* the taps clamp to the edge */
  }
  store (out, out_index, x, y, out_w,
         fetch_rgb (img, w, h, stride, format, border, x0, y0),
         fetch_rgb (img, w, h, stride, format, border, x0 + 1, y0),
         fetch_rgb (img, w, h, stride, format, border, x0, y0 + 1),
         fetch_rgb (img, w, h, stride, format, border, x0 + 1, y0 + 1), ax, ay, range_min, scale);
}

__kernel void
fv_nv12_to_tensor (__global const uchar *yp, int y_stride, __global const uchar *uvp,
                   int uv_stride, int w, int h, int range, int border, real cx, real cy, real rw,
                   real rh, real c, real s, float range_min, float scale, __global float *out,
                   ulong out_index, int out_w, int out_h)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= out_w || y >= out_h)
    return;
  int x0, y0;
  float ax, ay;
  int outside;
  source_taps (x, y, out_w, out_h, cx, cy, rw, rh, c, s, w, h, &x0, &y0, &ax, &ay, &outside);
  if (border == BORDER_ZERO_GL) {
    if (outside) {
      const float3 zero = (float3) (0.0f);
      store (out, out_index, x, y, out_w, zero, zero, zero, zero, 0.0f, 0.0f, range_min, scale);
      return;
    }
    border = 1; /* the taps clamp to the edge */
  }
  store (out, out_index, x, y, out_w,
         fetch_nv12 (yp, y_stride, uvp, uv_stride, w, h, range, border, x0, y0),
         fetch_nv12 (yp, y_stride, uvp, uv_stride, w, h, range, border, x0 + 1, y0),
         fetch_nv12 (yp, y_stride, uvp, uv_stride, w, h, range, border, x0, y0 + 1),
         fetch_nv12 (yp, y_stride, uvp, uv_stride, w, h, range, border, x0 + 1, y0 + 1), ax, ay,
         range_min, scale);
}
