/* fovea — the prelude the OpenCL model backend puts before every ops/*.cl program: how a
 * tensor element is stored, and the fused activations.
 *
 * Arithmetic is float in both modes; only storage changes. Built with -DFV_STORAGE_HALF,
 * activations and weights are IEEE half in memory, read with vload_half and written with
 * vstore_half_rte (round to nearest even). These are core OpenCL 1.2 and need no
 * cl_khr_fp16 (a half pointer may be declared and offset, only not dereferenced). Every
 * kernel reads with FV_LD (buffer, index) and writes with FV_ST (buffer, index, value), so
 * one source serves both modes. */

#ifdef FV_STORAGE_HALF
typedef half fv_store_t;
#define FV_LD(p, i) vload_half ((i), (p))
#define FV_ST(p, i, v) vstore_half_rte ((v), (i), (p))
#else
typedef float fv_store_t;
#define FV_LD(p, i) ((p)[(i)])
#define FV_ST(p, i, v) ((p)[(i)] = (v))
#endif

static float
fv_act (float x, int act)
{
  /* FvActivation: 0 none, 1 relu, 2 relu_n1_to_1, 3 relu6 */
  if (act == 1)
    return fmax (x, 0.f);
  if (act == 2)
    return clamp (x, -1.f, 1.f);
  if (act == 3)
    return clamp (x, 0.f, 6.f);
  return x;
}

/* The model boundary: the host reads and writes inputs and outputs as float32, the ops
 * work on fv_store_t. A plain copy when storage is float. */
__kernel void
store_from_float (__global const float *xb, int xo, __global fv_store_t *yb, int yo, int total)
{
  int i = get_global_id (0);
  if (i < total)
    FV_ST (yb, yo + i, xb[xo + i]);
}

__kernel void
store_to_float (__global const fv_store_t *xb, int xo, __global float *yb, int yo, int total)
{
  int i = get_global_id (0);
  if (i < total)
    yb[yo + i] = FV_LD (xb, xo + i);
}
