/* fovea — the table of kernel sources embedded at build time (gpu/embed_kernels.py writes
 * its definition); private to gpu/, read through fv_gpu_kernel_source(). */
#pragma once

#include <stddef.h>

typedef struct {
  const char *name;   /* path relative to gpu/kernels/, e.g. "ops/conv2d.cl" */
  const char *text;
} FvGpuKernelFile;

/* Terminated by { NULL, NULL }. */
extern const FvGpuKernelFile fv_gpu_kernel_files[];
