/* fovea — the inside of FvGpuDevice, shared by the gpu/ files (not installed). */
#pragma once

#include "gpu/device.h"

struct _FvGpuDevice {
  gatomicrefcount ref;
  cl_platform_id platform;
  cl_device_id id;
  cl_context context;
  cl_command_queue queue;
  char *name;
  char *driver_version;
  gboolean unified_memory, has_fp16, has_fp64;
  gsize max_alloc;
  GMutex lock;            /* guards programs */
  GHashTable *programs;   /* "options\nsha256(source)" -> cl_program (owned) */
};
