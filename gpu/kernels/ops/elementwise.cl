/* fovea — element-wise ops for the OpenCL model backend: ADD, MUL and PRELU with numpy
 * broadcasting, RELU, RELU6, LOGISTIC, HARD_SWISH, and the plain copy RESHAPE needs.
 * Operands are a buffer plus an element offset (see conv2d.cl). */

/* op: 0 add, 1 mul, 2 prelu (a = x, b = alpha). @shape is the result's shape padded to 8
 * axes with leading 1s; @sa / @sb are element strides of each operand, 0 along broadcast
 * axes. */
__kernel void
binary (__global const fv_store_t *ab, int ao, __global const fv_store_t *bbuf, int bo,
        __global fv_store_t *yb, int yo, int8 shape, int8 sa, int8 sb, int op, int act, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int rest = i, oa = 0, ob = 0;
  int s[8] = { shape.s0, shape.s1, shape.s2, shape.s3, shape.s4, shape.s5, shape.s6, shape.s7 };
  int as[8] = { sa.s0, sa.s1, sa.s2, sa.s3, sa.s4, sa.s5, sa.s6, sa.s7 };
  int bs[8] = { sb.s0, sb.s1, sb.s2, sb.s3, sb.s4, sb.s5, sb.s6, sb.s7 };
  for (int d = 7; d >= 0; d--) {
    int k = rest % s[d];
    rest /= s[d];
    oa += k * as[d];
    ob += k * bs[d];
  }
  float a = FV_LD (ab, ao + oa), b = FV_LD (bbuf, bo + ob);
  float r;
  if (op == 0)
    r = a + b;
  else if (op == 1)
    r = a * b;
  else
    r = a >= 0.f ? a : a * b;
  FV_ST (yb, yo + i, fv_act (r, act));
}

/* Same-shape fast path of binary(): no index arithmetic. */
__kernel void
binary_flat (__global const fv_store_t *ab, int ao, __global const fv_store_t *bbuf, int bo,
             __global fv_store_t *yb, int yo, int op, int act, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  float a = FV_LD (ab, ao + i), b = FV_LD (bbuf, bo + i);
  float r;
  if (op == 0)
    r = a + b;
  else if (op == 1)
    r = a * b;
  else
    r = a >= 0.f ? a : a * b;
  FV_ST (yb, yo + i, fv_act (r, act));
}

/* op: 0 relu, 1 relu6, 2 logistic, 3 hard_swish, 4 copy */
__kernel void
unary (__global const fv_store_t *xb, int xo, __global fv_store_t *yb, int yo, int op, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  float x = FV_LD (xb, xo + i);
  float r;
  if (op == 0) {
    r = fmax (x, 0.f);
  } else if (op == 1) {
    r = clamp (x, 0.f, 6.f);
  } else if (op == 2) {
    /* TFLite's cut-offs, as the reference kernel */
    if (x > 16.619047164916992188f)
      r = 1.f;
    else if (x < -9.f)
      r = exp (x);
    else
      r = 1.f / (1.f + exp (-x));
  } else if (op == 3) {
    r = x * clamp (x + 3.f, 0.f, 6.f) / 6.f;
  } else {
    r = x;
  }
  FV_ST (yb, yo + i, r);
}
