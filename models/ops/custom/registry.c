/* fovea — the table of reference kernels for MediaPipe's custom ops. */
#include "models/kernel.h"

const FvKernel *
fv_ref_kernel_custom (FvOpType type)
{
  (void) type;
  return NULL;
}
