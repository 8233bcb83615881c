/* fovea — ops that move data without arithmetic (PAD, CONCATENATION, DEPTH_TO_SPACE,
 * STRIDED_SLICE, RESIZE_NEAREST_NEIGHBOR) and RESIZE_BILINEAR, for the OpenCL model
 * backend. Shapes are padded to 8 axes with leading 1s; operands are a buffer plus an
 * element offset (see conv2d.cl). */

/* Zero padding: output element -> input element, or 0 outside it. */
__kernel void
pad (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int8 in_shape,
     int8 out_shape, int8 before, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int is[8] = { in_shape.s0, in_shape.s1, in_shape.s2, in_shape.s3, in_shape.s4, in_shape.s5,
                in_shape.s6, in_shape.s7 };
  int os[8] = { out_shape.s0, out_shape.s1, out_shape.s2, out_shape.s3, out_shape.s4,
                out_shape.s5, out_shape.s6, out_shape.s7 };
  int pb[8] = { before.s0, before.s1, before.s2, before.s3, before.s4, before.s5, before.s6,
                before.s7 };
  int rest = i, src = 0, stride = 1;
  bool inside = true;
  for (int d = 7; d >= 0; d--) {
    int k = rest % os[d] - pb[d];
    rest /= os[d];
    if (k < 0 || k >= is[d])
      inside = false;
    src += k * stride;
    stride *= is[d];
  }
  FV_ST (yb, yo + i, inside ? FV_LD (xb, xo + src) : 0.f);
}

/* One input of a concatenation: @outer rows of @chunk elements, each placed at @at within
 * the output rows of @out_chunk elements. */
__kernel void
concat_part (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int chunk,
             int out_chunk, int at, int act, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int r = i / chunk, k = i % chunk;
  FV_ST (yb, yo + r * out_chunk + at + k, fv_act (FV_LD (xb, xo + i), act));
}

/* TF's DCR order: out[n, y*bs+by, x*bs+bx, c] = in[n, y, x, (by*bs+bx)*oc + c] */
__kernel void
depth_to_space (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int h, int w,
                int c, int bs, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int oc = c / (bs * bs), ow = w * bs, oh = h * bs;
  int ch = i % oc;
  int pix = i / oc;
  int ox = pix % ow;
  int rest = pix / ow;
  int oy = rest % oh;
  int n = rest / oh;
  int y = oy / bs, by = oy % bs, x = ox / bs, bx = ox % bs;
  FV_ST (yb, yo + i, FV_LD (xb, xo + ((n * h + y) * w + x) * c + (by * bs + bx) * oc + ch));
}

/* Output element (over the slice's sizes per input axis) -> input element:
 * first + sum over axes of index * step. */
__kernel void
strided_slice (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int8 size,
               int8 step, int first, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int sz[8] = { size.s0, size.s1, size.s2, size.s3, size.s4, size.s5, size.s6, size.s7 };
  int st[8] = { step.s0, step.s1, step.s2, step.s3, step.s4, step.s5, step.s6, step.s7 };
  int rest = i, off = first;
  for (int d = 7; d >= 0; d--) {
    off += (rest % sz[d]) * st[d];
    rest /= sz[d];
  }
  FV_ST (yb, yo + i, FV_LD (xb, xo + off));
}

static void
fv_interpolation (int o, float scale, int half_pixel, int in_size, float *src, int *lo, int *hi)
{
  float v = half_pixel ? ((float) o + 0.5f) * scale - 0.5f : (float) o * scale;
  *src = v;
  *lo = max ((int) floor (v), 0);
  *hi = min ((int) ceil (v), in_size - 1);
  *lo = min (*lo, in_size - 1);
  *hi = max (*hi, 0);
}

/* TFLite's RESIZE_BILINEAR (half-pixel centres or align-corners via @scale_*), the same
 * float expression as the reference kernel. */
__kernel void
resize_bilinear (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int h, int w,
                 int c, int oh, int ow, float scale_y, float scale_x, int half_pixel, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int k = i % c;
  int pix = i / c;
  int x = pix % ow;
  int rest = pix / ow;
  int y = rest % oh;
  int b = rest / oh;
  float sy, sx;
  int y0, y1, x0, x1;
  fv_interpolation (y, scale_y, half_pixel, h, &sy, &y0, &y1);
  fv_interpolation (x, scale_x, half_pixel, w, &sx, &x0, &x1);
  float dy = sy - (float) y0, dx = sx - (float) x0;
  __global const fv_store_t *in = xb + xo;
  float p00 = FV_LD (in, ((b * h + y0) * w + x0) * c + k);
  float p10 = FV_LD (in, ((b * h + y1) * w + x0) * c + k);
  float p01 = FV_LD (in, ((b * h + y0) * w + x1) * c + k);
  float p11 = FV_LD (in, ((b * h + y1) * w + x1) * c + k);
  FV_ST (yb, yo + i, p00 * (1 - dy) * (1 - dx) + p10 * dy * (1 - dx) + p01 * (1 - dy) * dx
                     + p11 * dy * dx);
}

/* TFLite's RESIZE_NEAREST_NEIGHBOR, the reference kernel's index rule: floor (or round
 * under align-corners) of (o + offset) * scale, clamped; a pure copy of the source value. */
static int
fv_nearest (int o, float scale, int align_corners, int half_pixel, int in_size)
{
  float v = ((float) o + (half_pixel ? 0.5f : 0.f)) * scale;
  int src = align_corners ? (int) round (v) : (int) floor (v);
  return clamp (src, 0, in_size - 1);
}

__kernel void
resize_nearest (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int h,
                int w, int c, int oh, int ow, float scale_y, float scale_x, int align_corners,
                int half_pixel, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int k = i % c;
  int pix = i / c;
  int x = pix % ow;
  int rest = pix / ow;
  int y = rest % oh;
  int b = rest / oh;
  int sy = fv_nearest (y, scale_y, align_corners, half_pixel, h);
  int sx = fv_nearest (x, scale_x, align_corners, half_pixel, w);
  FV_ST (yb, yo + i, FV_LD (xb, xo + ((b * h + sy) * w + sx) * c + k));
}
