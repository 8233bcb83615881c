/* fovea — the optimised CPU backend: until its own kernels land it runs the reference
 * backend, so "cpu" is always a working name. */
#include "models/cpu/backend_cpu.h"

const FvBackend *
fv_backend_cpu (void)
{
  return fv_backend_ref ();
}
