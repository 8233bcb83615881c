/* fovea — an FvImage as gpu/'s frame struct (gpu/ knows nothing of graphs, so its
 * operations take their own FvGpuImage; calculators convert with this). */
#pragma once

#include "gpu/image_to_tensor_gpu.h"
#include "graph/image.h"

G_BEGIN_DECLS

/* @image's format, size, stride and host pixels as an FvGpuImage (no device buffer).
 * transfer none: the result points at @image's pixels. */
FvGpuImage fv_image_to_gpu (const FvImage *image);

G_END_DECLS
