/* fovea — the table of backends built into the library. */
#include "models/backend.h"

#include "models/cpu/backend_cpu.h"
#include "models/opencl/backend_opencl.h"

#include <string.h>

const char *
fv_backend_known_names (void)
{
  return "cpu, ref, opencl";
}

const FvBackend *
fv_backend_find (const char *name)
{
  if (!name || !*name)
    name = g_getenv ("FOVEA_BACKEND");
  if (!name || !*name || g_str_equal (name, "cpu"))
    return fv_backend_cpu ();
  if (g_str_equal (name, "ref"))
    return fv_backend_ref ();
  if (g_str_equal (name, "opencl"))
    return fv_backend_opencl ();
  return NULL;
}
