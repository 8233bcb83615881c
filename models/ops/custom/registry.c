/* fovea — the table of reference kernels for MediaPipe's custom ops. */
#include "models/ops/custom/custom_kernels.h"

const FvKernel *
fv_ref_kernel_custom (FvOpType type)
{
  switch (type) {
  case FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS:
    return &fv_ref_kernel_convolution_2d_transpose_bias;
  case FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX:
    return &fv_ref_kernel_landmarks_to_transform_matrix;
  case FV_OP_TRANSFORM_TENSOR_BILINEAR:
    return &fv_ref_kernel_transform_tensor_bilinear;
  case FV_OP_TRANSFORM_LANDMARKS:
    return &fv_ref_kernel_transform_landmarks;
  default:
    return NULL;
  }
}
