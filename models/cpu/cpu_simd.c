/* fovea — run-time ISA detection and activation bounds for the "cpu" kernels. */
#include "models/cpu/cpu_simd.h"

#include "models/model.h"

#include <math.h>

gboolean
fv_cpu_have_avx2 (void)
{
  if (g_getenv ("FOVEA_CPU_NO_AVX2"))
    return FALSE;
#if FV_CPU_X86
  __builtin_cpu_init ();
  return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
#else
  return FALSE;
#endif
}

void
fv_cpu_act_bounds (int act, float *lo, float *hi)
{
  switch ((FvActivation) act) {
  case FV_ACT_RELU: *lo = 0.f, *hi = INFINITY; break;
  case FV_ACT_RELU6: *lo = 0.f, *hi = 6.f; break;
  case FV_ACT_RELU_N1_TO_1: *lo = -1.f, *hi = 1.f; break;
  case FV_ACT_NONE: default: *lo = -INFINITY, *hi = INFINITY; break;
  }
}
