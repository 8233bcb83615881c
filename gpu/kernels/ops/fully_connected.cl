/* fovea — FULLY_CONNECTED for the OpenCL model backend: out[b, u] = act(x[b, :] . w[u, :]
 * + bias[u]); one work item per output element (operands: buffer + element offset). */

__kernel void
fully_connected (__global const fv_store_t *xb, int xo, __global const fv_store_t *wb, int wo,
                 __global const fv_store_t *bb, int bo, int has_bias, __global fv_store_t *yb, int yo,
                 int n, int k, int act, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int b = i / n, u = i % n;
  __global const fv_store_t *x = xb + xo + (size_t) b * k;
  __global const fv_store_t *wr = wb + wo + (size_t) u * k;
  float acc = 0.f;
  for (int j = 0; j < k; j++)
    acc += FV_LD (x, j) * FV_LD (wr, j);
  FV_ST (yb, yo + i, fv_act (acc + (has_bias ? FV_LD (bb, bo + u) : 0.f), act));
}
