/* fovea — the reference kernels of TFLite's builtin ops, one per file in models/ops/;
 * registry.c maps FvOpType to them. Private to models/ops/ and its tests. */
#pragma once

#include "models/kernel.h"

G_BEGIN_DECLS

extern const FvKernel fv_ref_kernel_add;
extern const FvKernel fv_ref_kernel_average_pool_2d;
extern const FvKernel fv_ref_kernel_concatenation;
extern const FvKernel fv_ref_kernel_conv_2d;
extern const FvKernel fv_ref_kernel_densify;
extern const FvKernel fv_ref_kernel_depth_to_space;
extern const FvKernel fv_ref_kernel_depthwise_conv_2d;
extern const FvKernel fv_ref_kernel_dequantize;
extern const FvKernel fv_ref_kernel_fully_connected;
extern const FvKernel fv_ref_kernel_hard_swish;
extern const FvKernel fv_ref_kernel_logistic;
extern const FvKernel fv_ref_kernel_max_pool_2d;
extern const FvKernel fv_ref_kernel_mean;
extern const FvKernel fv_ref_kernel_mul;
extern const FvKernel fv_ref_kernel_pad;
extern const FvKernel fv_ref_kernel_prelu;
extern const FvKernel fv_ref_kernel_relu;
extern const FvKernel fv_ref_kernel_relu6;
extern const FvKernel fv_ref_kernel_reshape;
extern const FvKernel fv_ref_kernel_resize_bilinear;
extern const FvKernel fv_ref_kernel_resize_nearest_neighbor;
extern const FvKernel fv_ref_kernel_strided_slice;

/* IEEE 754 binary16 bits to float, exact (subnormals, infinities and NaN payloads kept).
 * Defined in dequantize.c; DENSIFY's tests and other backends may use it. */
float fv_half_to_float (uint16_t h);

G_END_DECLS
