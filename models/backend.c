/* fovea — the table of backends built into the library. */
#include "models/backend.h"

#include "models/cpu/backend_cpu.h"

#include <string.h>

const FvBackend *
fv_backend_find (const char *name)
{
  if (!name || !*name)
    name = g_getenv ("FOVEA_BACKEND");
  if (!name || !*name || g_str_equal (name, "cpu"))
    return fv_backend_cpu ();
  if (g_str_equal (name, "ref"))
    return fv_backend_ref ();
  return NULL;
}
