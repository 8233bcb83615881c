/* fovea — MAX_POOL_2D, AVERAGE_POOL_2D and MEAN for the OpenCL model backend (NHWC; operands
 * are a buffer plus an element offset, see conv2d.cl). */

/* is_max: 1 max pool, 0 average pool; padded cells take no part in either. */
__kernel void
pool2d (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int h, int w, int c,
        int oh, int ow, int fh, int fw, int stride_h, int stride_w, int pad_t, int pad_l,
        int is_max, int act, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int ch = i % c;
  int pix = i / c;
  int ox = pix % ow;
  int rest = pix / ow;
  int oy = rest % oh;
  int b = rest / oh;
  int y0 = oy * stride_h - pad_t, x0 = ox * stride_w - pad_l;
  __global const fv_store_t *x = xb + xo;
  float acc = is_max ? -FLT_MAX : 0.f;
  int count = 0;
  for (int iy = max (y0, 0); iy < min (y0 + fh, h); iy++)
    for (int ix = max (x0, 0); ix < min (x0 + fw, w); ix++) {
      float v = FV_LD (x, ((size_t) (b * h + iy) * w + ix) * c + ch);
      if (is_max)
        acc = acc < v ? v : acc;
      else
        acc += v;
      count++;
    }
  if (!is_max)
    acc = count > 0 ? acc / (float) count : 0.f;
  FV_ST (yb, yo + i, fv_act (acc, act));
}

/* Mean over the axes set in @reduced (bit d = axis d of the input, padded to 8 axes with
 * leading 1s); one work item per output element. Sums in double where the device has it,
 * as the reference does. */
#ifdef FV_HAVE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double fv_sum_t;
#else
typedef float fv_sum_t;
#endif

__kernel void
mean (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int8 shape, int8 stride,
      int reduced, int n_red, int total)
{
  int o = get_global_id (0);
  if (o >= total)
    return;
  int s[8] = { shape.s0, shape.s1, shape.s2, shape.s3, shape.s4, shape.s5, shape.s6, shape.s7 };
  int st[8] = { stride.s0, stride.s1, stride.s2, stride.s3, stride.s4, stride.s5, stride.s6,
                stride.s7 };
  int base = 0, rest = o;
  for (int d = 7; d >= 0; d--)
    if (!((reduced >> d) & 1)) {
      base += (rest % s[d]) * st[d];
      rest /= s[d];
    }
  __global const fv_store_t *x = xb + xo;
  fv_sum_t sum = 0;
  for (int r = 0; r < n_red; r++) {
    int off = base;
    rest = r;
    for (int d = 7; d >= 0; d--)
      if ((reduced >> d) & 1) {
        off += (rest % s[d]) * st[d];
        rest /= s[d];
      }
    sum += FV_LD (x, off);
  }
  FV_ST (yb, yo + o, (float) (sum / (fv_sum_t) n_red));
}
