/* fovea — OpenCL device choice and the FvGpuDevice object (context, queue, facts). The
 * program cache lives on the device but is managed by program.c. */
#include "gpu/device_private.h"

#include <stdlib.h>
#include <string.h>

/* A device spec parsed: platform / device indices, -1 = choose. */
typedef struct {
  int platform, device;
} Spec;

static gboolean
parse_index (const char *text, int *out)
{
  char *end = NULL;
  if (text == NULL || *text == '\0')
    return FALSE;
  gint64 v = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || v < 0 || v > 1000)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* "opencl", "opencl:P", "opencl:P:D" -> Spec. */
static gboolean
parse_opencl_word (const char *word, Spec *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (word, ":", 0);
  const guint n = g_strv_length (parts);
  spec->platform = spec->device = -1;
  if (n < 1 || n > 3 || g_ascii_strcasecmp (g_strstrip (parts[0]), "opencl") != 0
      || (n >= 2 && !parse_index (g_strstrip (parts[1]), &spec->platform))
      || (n == 3 && !parse_index (g_strstrip (parts[2]), &spec->device))) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID,
                 "unknown OpenCL device \"%s\": expected opencl, opencl:PLATFORM or "
                 "opencl:PLATFORM:DEVICE", word);
    return FALSE;
  }
  return TRUE;
}

/* Parses a device list; @first_opencl (may be NULL) receives the first OpenCL word. */
static gboolean
parse_list (const char *list, gboolean *use_opencl, gboolean *fallback_cpu,
            char **first_opencl, GError **error)
{
  gboolean opencl = FALSE, cpu = FALSE, any = FALSE;
  g_auto (GStrv) words = g_strsplit (list != NULL ? list : "", ",", 0);
  for (guint i = 0; words[i] != NULL; i++) {
    char *word = g_strstrip (words[i]);
    if (*word == '\0')
      continue;
    any = TRUE;
    if (g_ascii_strcasecmp (word, "cpu") == 0) {
      cpu = TRUE;
      continue;
    }
    Spec spec;
    if (!parse_opencl_word (word, &spec, NULL)) {
      g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID,
                   "unknown device \"%s\" in \"%s\": expected cpu, opencl[:PLATFORM[:DEVICE]] "
                   "or a comma-separated list such as opencl,cpu", word, list);
      return FALSE;
    }
    if (cpu && !opencl) {
      /* "cpu,opencl": the CPU comes first, so OpenCL would never be used */
      g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID,
                   "device list \"%s\": cpu must come after opencl (e.g. opencl,cpu)", list);
      return FALSE;
    }
    if (!opencl && first_opencl != NULL)
      *first_opencl = g_strdup (word);
    opencl = TRUE;
  }
  if (!any) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID,
                 "empty device list: expected cpu, opencl[:PLATFORM[:DEVICE]] or opencl,cpu");
    return FALSE;
  }
  if (use_opencl != NULL)
    *use_opencl = opencl;
  if (fallback_cpu != NULL)
    *fallback_cpu = cpu;
  return TRUE;
}

gboolean
fv_gpu_parse_device_list (const char *list, gboolean *use_opencl, gboolean *fallback_cpu,
                          GError **error)
{
  return parse_list (list, use_opencl, fallback_cpu, NULL, error);
}

static char *
device_string (cl_device_id id, cl_device_info what)
{
  size_t n = 0;
  if (clGetDeviceInfo (id, what, 0, NULL, &n) != CL_SUCCESS || n == 0)
    return g_strdup ("");
  char *s = g_malloc0 (n + 1);
  if (clGetDeviceInfo (id, what, n, s, NULL) != CL_SUCCESS)
    s[0] = '\0';
  return s;
}

static char *
platform_string (cl_platform_id id, cl_platform_info what)
{
  size_t n = 0;
  if (clGetPlatformInfo (id, what, 0, NULL, &n) != CL_SUCCESS || n == 0)
    return g_strdup ("");
  char *s = g_malloc0 (n + 1);
  if (clGetPlatformInfo (id, what, n, s, NULL) != CL_SUCCESS)
    s[0] = '\0';
  return s;
}

/* The devices of @platform (g_free), or NULL when it has none. */
static cl_device_id *
platform_devices (cl_platform_id platform, cl_uint *n)
{
  *n = 0;
  if (clGetDeviceIDs (platform, CL_DEVICE_TYPE_ALL, 0, NULL, n) != CL_SUCCESS || *n == 0)
    return NULL;
  cl_device_id *ids = g_new0 (cl_device_id, *n);
  if (clGetDeviceIDs (platform, CL_DEVICE_TYPE_ALL, *n, ids, NULL) != CL_SUCCESS) {
    g_free (ids);
    *n = 0;
    return NULL;
  }
  return ids;
}

/* Picks the device @spec asks for: a given index, or the first GPU, else the first device. */
static gboolean
choose (const Spec *spec, cl_platform_id *out_platform, cl_device_id *out_device,
        GError **error)
{
  cl_uint np = 0;
  cl_int status = clGetPlatformIDs (0, NULL, &np);
  if (status == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (status == CL_SUCCESS && np == 0)) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_PLATFORM,
                 "no OpenCL platform: install an OpenCL driver, e.g. pocl-opencl-icd");
    return FALSE;
  }
  if (status != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clGetPlatformIDs", status);
  g_autofree cl_platform_id *platforms = g_new0 (cl_platform_id, np);
  status = clGetPlatformIDs (np, platforms, NULL);
  if (status != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clGetPlatformIDs", status);

  if (spec->platform >= (int) np) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE,
                 "no OpenCL platform %d (there %s %u; see clinfo -l)", spec->platform,
                 np == 1 ? "is" : "are", np);
    return FALSE;
  }
  gboolean found = FALSE;
  for (int pass = 0; pass < 2 && !found; pass++) {
    /* pass 0 looks for a GPU, pass 1 takes any device */
    for (cl_uint p = 0; p < np && !found; p++) {
      if (spec->platform >= 0 && (int) p != spec->platform)
        continue;
      cl_uint nd = 0;
      g_autofree cl_device_id *devices = platform_devices (platforms[p], &nd);
      if (spec->device >= 0) {
        if (spec->device >= (int) nd) {
          g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE,
                       "no OpenCL device %d on platform %u (it has %u; see clinfo -l)",
                       spec->device, p, nd);
          return FALSE;
        }
        *out_platform = platforms[p];
        *out_device = devices[spec->device];
        found = TRUE;
        break;
      }
      for (cl_uint d = 0; d < nd && !found; d++) {
        cl_device_type type = 0;
        cl_bool available = CL_FALSE;
        clGetDeviceInfo (devices[d], CL_DEVICE_TYPE, sizeof type, &type, NULL);
        clGetDeviceInfo (devices[d], CL_DEVICE_AVAILABLE, sizeof available, &available, NULL);
        if (!available || (pass == 0 && !(type & CL_DEVICE_TYPE_GPU)))
          continue;
        *out_platform = platforms[p];
        *out_device = devices[d];
        found = TRUE;
      }
    }
  }
  if (!found) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE,
                 "no available OpenCL device%s", spec->platform >= 0 ? " on that platform" : "");
    return FALSE;
  }
  return TRUE;
}

static void
release_program (gpointer program)
{
  clReleaseProgram (program);
}

static gboolean
has_extension (const char *extensions, const char *name)
{
  g_auto (GStrv) words = g_strsplit (extensions, " ", 0);
  return g_strv_contains ((const char *const *) words, name);
}

FvGpuDevice *
fv_gpu_device_open (const char *spec_text, GError **error)
{
  g_autofree char *word = NULL;
  if (spec_text == NULL) {
    const char *env = g_getenv ("FOVEA_DEVICE");
    if (env != NULL && *env != '\0') {
      gboolean use_opencl = FALSE;
      if (!parse_list (env, &use_opencl, NULL, &word, error)) {
        g_prefix_error (error, "FOVEA_DEVICE: ");
        return NULL;
      }
      if (!use_opencl) {
        g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE,
                     "FOVEA_DEVICE=%s selects no OpenCL device", env);
        return NULL;
      }
    } else {
      word = g_strdup ("opencl");
    }
  } else {
    word = g_strdup (spec_text);
  }
  Spec spec;
  if (!parse_opencl_word (word, &spec, error))
    return NULL;

  cl_platform_id platform = NULL;
  cl_device_id id = NULL;
  if (!choose (&spec, &platform, &id, error))
    return NULL;

  cl_int status = CL_SUCCESS;
  const cl_context_properties props[] = { CL_CONTEXT_PLATFORM, (cl_context_properties) platform,
                                          0 };
  cl_context context = clCreateContext (props, 1, &id, NULL, NULL, &status);
  if (context == NULL) {
    fv_gpu_set_cl_error (error, "clCreateContext", status);
    return NULL;
  }
  cl_command_queue queue = clCreateCommandQueue (context, id, 0, &status);
  if (queue == NULL) {
    fv_gpu_set_cl_error (error, "clCreateCommandQueue", status);
    clReleaseContext (context);
    return NULL;
  }

  FvGpuDevice *dev = g_new0 (FvGpuDevice, 1);
  g_atomic_ref_count_init (&dev->ref);
  dev->platform = platform;
  dev->id = id;
  dev->context = context;
  dev->queue = queue;
  g_autofree char *dname = device_string (id, CL_DEVICE_NAME);
  g_autofree char *pname = platform_string (platform, CL_PLATFORM_NAME);
  dev->name = g_strdup_printf ("%s (%s)", g_strstrip (dname), g_strstrip (pname));
  dev->driver_version = device_string (id, CL_DRIVER_VERSION);
  g_autofree char *extensions = device_string (id, CL_DEVICE_EXTENSIONS);
  cl_bool unified = CL_FALSE;
  clGetDeviceInfo (id, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified, NULL);
  dev->unified_memory = unified != CL_FALSE;
  /* FOVEA_OPENCL_DISCRETE=1: plan as for a discrete GPU (explicit, counted copies), so the
   * copy paths a discrete device takes run and are checked on a unified one (PoCL) */
  const char *discrete = g_getenv ("FOVEA_OPENCL_DISCRETE");
  if (discrete != NULL && *discrete != '\0' && strcmp (discrete, "0") != 0)
    dev->unified_memory = FALSE;
  dev->has_fp16 = has_extension (extensions, "cl_khr_fp16");
  cl_device_fp_config fp64 = 0;
  clGetDeviceInfo (id, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL);
  dev->has_fp64 = has_extension (extensions, "cl_khr_fp64") || fp64 != 0;
  cl_ulong max_alloc = 0;
  clGetDeviceInfo (id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL);
  dev->max_alloc = (gsize) MIN (max_alloc, (cl_ulong) G_MAXSIZE);
  g_mutex_init (&dev->lock);
  dev->programs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         release_program);
  return dev;
}

FvGpuDevice *
fv_gpu_device_ref (FvGpuDevice *dev)
{
  g_return_val_if_fail (dev != NULL, NULL);
  g_atomic_ref_count_inc (&dev->ref);
  return dev;
}

void
fv_gpu_device_unref (FvGpuDevice *dev)
{
  if (dev == NULL || !g_atomic_ref_count_dec (&dev->ref))
    return;
  clFinish (dev->queue);
  g_hash_table_destroy (dev->programs);
  g_mutex_clear (&dev->lock);
  clReleaseCommandQueue (dev->queue);
  clReleaseContext (dev->context);
  g_free (dev->name);
  g_free (dev->driver_version);
  g_free (dev);
}

cl_context
fv_gpu_device_context (FvGpuDevice *dev)
{
  return dev->context;
}

cl_command_queue
fv_gpu_device_queue (FvGpuDevice *dev)
{
  return dev->queue;
}

cl_device_id
fv_gpu_device_id (FvGpuDevice *dev)
{
  return dev->id;
}

const char *
fv_gpu_device_name (FvGpuDevice *dev)
{
  return dev->name;
}

const char *
fv_gpu_device_driver_version (FvGpuDevice *dev)
{
  return dev->driver_version;
}

gboolean
fv_gpu_device_unified_memory (FvGpuDevice *dev)
{
  return dev->unified_memory;
}

gboolean
fv_gpu_device_has_fp16 (FvGpuDevice *dev)
{
  return dev->has_fp16;
}

gboolean
fv_gpu_device_has_fp64 (FvGpuDevice *dev)
{
  return dev->has_fp64;
}

gsize
fv_gpu_device_max_alloc (FvGpuDevice *dev)
{
  return dev->max_alloc;
}
