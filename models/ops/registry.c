/* fovea — the table of reference kernels for TFLite builtin ops. */
#include "models/kernel.h"
#include "models/ops/ref_kernels.h"

static const FvKernel *const builtin_kernels[FV_OP_COUNT] = {
  [FV_OP_ADD] = &fv_ref_kernel_add,
  [FV_OP_AVERAGE_POOL_2D] = &fv_ref_kernel_average_pool_2d,
  [FV_OP_CONCATENATION] = &fv_ref_kernel_concatenation,
  [FV_OP_CONV_2D] = &fv_ref_kernel_conv_2d,
  [FV_OP_DEPTHWISE_CONV_2D] = &fv_ref_kernel_depthwise_conv_2d,
  [FV_OP_DEPTH_TO_SPACE] = &fv_ref_kernel_depth_to_space,
  [FV_OP_DEQUANTIZE] = &fv_ref_kernel_dequantize,
  [FV_OP_DENSIFY] = &fv_ref_kernel_densify,
  [FV_OP_FULLY_CONNECTED] = &fv_ref_kernel_fully_connected,
  [FV_OP_HARD_SWISH] = &fv_ref_kernel_hard_swish,
  [FV_OP_LOGISTIC] = &fv_ref_kernel_logistic,
  [FV_OP_MAX_POOL_2D] = &fv_ref_kernel_max_pool_2d,
  [FV_OP_MEAN] = &fv_ref_kernel_mean,
  [FV_OP_MUL] = &fv_ref_kernel_mul,
  [FV_OP_PAD] = &fv_ref_kernel_pad,
  [FV_OP_PRELU] = &fv_ref_kernel_prelu,
  [FV_OP_RELU] = &fv_ref_kernel_relu,
  [FV_OP_RELU6] = &fv_ref_kernel_relu6,
  [FV_OP_RESHAPE] = &fv_ref_kernel_reshape,
  [FV_OP_RESIZE_BILINEAR] = &fv_ref_kernel_resize_bilinear,
  [FV_OP_RESIZE_NEAREST_NEIGHBOR] = &fv_ref_kernel_resize_nearest_neighbor,
  [FV_OP_STRIDED_SLICE] = &fv_ref_kernel_strided_slice,
};

const FvKernel *
fv_ref_kernel_builtin (FvOpType type)
{
  if ((int) type < 0 || type >= FV_OP_COUNT)
    return NULL;
  return builtin_kernels[type];
}
