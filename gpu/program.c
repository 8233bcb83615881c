/* fovea — embedded kernel sources and the program cache: in memory per device, and program
 * binaries on disk keyed by sha256(device, driver, options, source). */
#include "gpu/program.h"

#include "gpu/device_private.h"
#include "gpu/kernels_embedded.h"

#include <string.h>

/* A disk cache file is this magic, the hex sha256 of the payload, '\n', then the driver's
 * binary. The checksum means a truncated or damaged file is never handed to the driver. */
#define CACHE_MAGIC "fovea-cl-binary-1\n"

static guint programs_built;
static guint programs_loaded;

const char *
fv_gpu_kernel_source (const char *name)
{
  if (name == NULL)
    return NULL;
  for (const FvGpuKernelFile *f = fv_gpu_kernel_files; f->name != NULL; f++)
    if (strcmp (f->name, name) == 0)
      return f->text;
  return NULL;
}

guint
fv_gpu_programs_built (void)
{
  return g_atomic_int_get (&programs_built);
}

guint
fv_gpu_programs_loaded (void)
{
  return g_atomic_int_get (&programs_loaded);
}

static char *
cache_dir (void)
{
  const char *dir = g_getenv ("FOVEA_CL_CACHE_DIR");
  if (dir != NULL && *dir != '\0')
    return g_strdup (dir);
  /* read XDG_CACHE_HOME each time: g_get_user_cache_dir() freezes the first value */
  const char *xdg = g_getenv ("XDG_CACHE_HOME");
  if (xdg != NULL && g_path_is_absolute (xdg))
    return g_build_filename (xdg, "fovea", "cl", NULL);
  return g_build_filename (g_get_user_cache_dir (), "fovea", "cl", NULL);
}

static char *
cache_path (FvGpuDevice *dev, const char *options, const char *source)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *parts[] = { dev->name, dev->driver_version, options, source };
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    /* the NUL separates the parts, so ("ab","c") and ("a","bc") differ */
    g_checksum_update (sum, (const guchar *) parts[i], (gssize) strlen (parts[i]) + 1);
  g_autofree char *dir = cache_dir ();
  char *path = g_strdup_printf ("%s/%s.bin", dir, g_checksum_get_string (sum));
  g_checksum_free (sum);
  return path;
}

static char *
build_log (FvGpuDevice *dev, cl_program program)
{
  size_t n = 0;
  if (clGetProgramBuildInfo (program, dev->id, CL_PROGRAM_BUILD_LOG, 0, NULL, &n) != CL_SUCCESS
      || n == 0)
    return g_strdup ("(no build log)");
  char *log = g_malloc0 (n + 1);
  if (clGetProgramBuildInfo (program, dev->id, CL_PROGRAM_BUILD_LOG, n, log, NULL) != CL_SUCCESS)
    log[0] = '\0';
  return log;
}

/* The program from the disk cache, or NULL (any problem: missing, damaged, refused). */
static cl_program
load_cached (FvGpuDevice *dev, const char *path, const char *options)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  const gsize header = strlen (CACHE_MAGIC) + 64 + 1;
  if (length <= header || memcmp (contents, CACHE_MAGIC, strlen (CACHE_MAGIC)) != 0
      || contents[header - 1] != '\n')
    return NULL;
  const guchar *binary = (const guchar *) contents + header;
  const size_t binary_size = length - header;
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, binary, binary_size);
  if (memcmp (sum, contents + strlen (CACHE_MAGIC), 64) != 0)
    return NULL;

  cl_int status = CL_SUCCESS, binary_status = CL_SUCCESS;
  cl_program program = clCreateProgramWithBinary (dev->context, 1, &dev->id, &binary_size,
                                                  &binary, &binary_status, &status);
  if (program == NULL)
    return NULL;
  if (status != CL_SUCCESS || binary_status != CL_SUCCESS
      || clBuildProgram (program, 1, &dev->id, options, NULL, NULL) != CL_SUCCESS) {
    clReleaseProgram (program);
    return NULL;
  }
  return program;
}

/* Writes @program's binary to @path; failures only cost the next run a rebuild. */
static void
save_cached (FvGpuDevice *dev, cl_program program, const char *path)
{
  size_t size = 0;
  if (clGetProgramInfo (program, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS
      || size == 0)
    return;
  g_autofree guchar *binary = g_malloc (size);
  guchar *binaries[1] = { binary };
  if (clGetProgramInfo (program, CL_PROGRAM_BINARIES, sizeof binaries, binaries, NULL)
      != CL_SUCCESS)
    return;
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, binary, size);
  GByteArray *file = g_byte_array_new ();
  g_byte_array_append (file, (const guint8 *) CACHE_MAGIC, strlen (CACHE_MAGIC));
  g_byte_array_append (file, (const guint8 *) sum, 64);
  g_byte_array_append (file, (const guint8 *) "\n", 1);
  g_byte_array_append (file, binary, size);
  g_autofree char *dir = g_path_get_dirname (path);
  /* g_file_set_contents writes a temporary file and renames it: readers never see half */
  if (g_mkdir_with_parents (dir, 0700) == 0)
    g_file_set_contents (path, (const char *) file->data, (gssize) file->len, NULL);
  g_byte_array_unref (file);
}

static cl_program
build_from_source (FvGpuDevice *dev, const char *label, const char *source, const char *options,
                   GError **error)
{
  cl_int status = CL_SUCCESS;
  cl_program program = clCreateProgramWithSource (dev->context, 1, &source, NULL, &status);
  if (program == NULL) {
    fv_gpu_set_cl_error (error, "clCreateProgramWithSource", status);
    return NULL;
  }
  status = clBuildProgram (program, 1, &dev->id, options, NULL, NULL);
  if (status != CL_SUCCESS) {
    g_autofree char *log = build_log (dev, program);
    if (status == CL_BUILD_PROGRAM_FAILURE || status == CL_INVALID_BUILD_OPTIONS
        || status == CL_COMPILER_NOT_AVAILABLE)
      g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_BUILD,
                   "building OpenCL program %s (options \"%s\") on %s failed (%s):\n%s", label,
                   options, dev->name, fv_gpu_cl_error_name (status), g_strstrip (log));
    else
      fv_gpu_set_cl_error (error, "clBuildProgram", status);
    clReleaseProgram (program);
    return NULL;
  }
  g_atomic_int_inc (&programs_built);
  return program;
}

static cl_program
program_get (FvGpuDevice *dev, const char *label, const char *source, const char *build_options,
             GError **error)
{
  const char *options = build_options != NULL ? build_options : "";
  g_autofree char *source_sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, source, -1);
  g_autofree char *key = g_strconcat (options, "\n", source_sum, NULL);

  /* one lock for lookup and build: two threads asking for the same program build it once */
  g_mutex_lock (&dev->lock);
  cl_program program = g_hash_table_lookup (dev->programs, key);
  if (program == NULL) {
    g_autofree char *path = cache_path (dev, options, source);
    program = load_cached (dev, path, options);
    if (program != NULL) {
      g_atomic_int_inc (&programs_loaded);
    } else {
      program = build_from_source (dev, label, source, options, error);
      if (program != NULL)
        save_cached (dev, program, path);
    }
    if (program != NULL)
      g_hash_table_insert (dev->programs, g_steal_pointer (&key), program);
  }
  g_mutex_unlock (&dev->lock);
  return program;
}

cl_program
fv_gpu_program_get (FvGpuDevice *dev, const char *name, const char *build_options,
                    GError **error)
{
  const char *source = fv_gpu_kernel_source (name);
  if (source == NULL) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID,
                 "no embedded OpenCL kernel file \"%s\"", name != NULL ? name : "(null)");
    return NULL;
  }
  return program_get (dev, name, source, build_options, error);
}

cl_program
fv_gpu_program_get_source (FvGpuDevice *dev, const char *source, const char *build_options,
                           GError **error)
{
  if (source == NULL) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID, "no OpenCL source");
    return NULL;
  }
  return program_get (dev, "(source text)", source, build_options, error);
}

cl_kernel
fv_gpu_kernel_new (FvGpuDevice *dev, const char *program_name, const char *kernel_name,
                   const char *build_options, GError **error)
{
  cl_program program = fv_gpu_program_get (dev, program_name, build_options, error);
  if (program == NULL)
    return NULL;
  cl_int status = CL_SUCCESS;
  cl_kernel kernel = clCreateKernel (program, kernel_name, &status);
  if (kernel == NULL) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_CL, "clCreateKernel %s in %s: %s", kernel_name,
                 program_name, fv_gpu_cl_error_name (status));
    return NULL;
  }
  return kernel;
}
