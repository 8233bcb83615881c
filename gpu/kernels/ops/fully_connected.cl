/* fovea — FULLY_CONNECTED for the OpenCL model backend: out[b, u] = act(x[b, :] . w[u, :]
 * + bias[u]); one work item per output element (operands: buffer + element offset). */

static float fv_act (float x, int act)
{
  if (act == 1)
    return fmax (x, 0.f);
  if (act == 2)
    return clamp (x, -1.f, 1.f);
  if (act == 3)
    return clamp (x, 0.f, 6.f);
  return x;
}

__kernel void
fully_connected (__global const float *xb, int xo, __global const float *wb, int wo,
                 __global const float *bb, int bo, int has_bias, __global float *yb, int yo,
                 int n, int k, int act, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int b = i / n, u = i % n;
  __global const float *x = xb + xo + (size_t) b * k;
  __global const float *wr = wb + wo + (size_t) u * k;
  float acc = 0.f;
  for (int j = 0; j < k; j++)
    acc += x[j] * wr[j];
  yb[yo + i] = fv_act (acc + (has_bias ? bb[bo + u] : 0.f), act);
}
