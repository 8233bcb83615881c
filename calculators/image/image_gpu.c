/* fovea — an FvImage as gpu/'s frame struct (image_gpu.h). */
#include "calculators/image/image_gpu.h"

static FvGpuPixelFormat
gpu_format (FvImageFormat f)
{
  switch (f) {
  case FV_IMAGE_GRAY8:
    return FV_GPU_PIXEL_GRAY8;
  case FV_IMAGE_RGB24:
    return FV_GPU_PIXEL_RGB24;
  case FV_IMAGE_BGRA32:
    return FV_GPU_PIXEL_BGRA32;
  case FV_IMAGE_RGBA32:
  case FV_IMAGE_FORMAT_COUNT:
    break;
  }
  return FV_GPU_PIXEL_RGBA32;
}

FvGpuImage
fv_image_to_gpu (const FvImage *image)
{
  return (FvGpuImage) {
    .format = gpu_format (image->format), .width = image->width, .height = image->height,
    .stride = image->stride, .data = image->data,
  };
}
