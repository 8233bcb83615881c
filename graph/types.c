/* fovea — the payload type registry: names to small integer ids, process-wide. */
#include "graph/types.h"

#define FV_TYPE_MAX 1024

static GMutex type_lock;
static const char *type_names[FV_TYPE_MAX] = {
  [FV_TYPE_INVALID] = "invalid",
  [FV_TYPE_ANY] = "any",
  [FV_TYPE_INT] = "int",
  [FV_TYPE_FLOAT] = "float",
  [FV_TYPE_DOUBLE] = "double",
  [FV_TYPE_BOOL] = "bool",
  [FV_TYPE_STRING] = "string",
  [FV_TYPE_PACKET_VECTOR] = "packet_vector",
};
static guint type_count = FV_TYPE_PACKET_VECTOR + 1;

static FvTypeId
lookup_locked (const char *name)
{
  /* A linear scan: the registry holds tens of names and lookups happen at validation. */
  for (guint i = 1; i < type_count; i++)
    if (g_strcmp0 (type_names[i], name) == 0)
      return i;
  return FV_TYPE_INVALID;
}

FvTypeId
fv_type_register (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return FV_TYPE_INVALID;
  g_mutex_lock (&type_lock);
  FvTypeId id = lookup_locked (name);
  if (id == FV_TYPE_INVALID && type_count < FV_TYPE_MAX)
    {
      id = type_count;
      type_names[id] = g_intern_string (name);
      type_count++;
    }
  g_mutex_unlock (&type_lock);
  return id;
}

FvTypeId
fv_type_lookup (const char *name)
{
  if (name == NULL)
    return FV_TYPE_INVALID;
  g_mutex_lock (&type_lock);
  FvTypeId id = lookup_locked (name);
  g_mutex_unlock (&type_lock);
  return id;
}

const char *
fv_type_name (FvTypeId type)
{
  g_mutex_lock (&type_lock);
  const char *name = type < type_count ? type_names[type] : "invalid";
  g_mutex_unlock (&type_lock);
  return name;
}

gboolean
fv_type_compatible (FvTypeId a, FvTypeId b)
{
  if (a == FV_TYPE_INVALID || b == FV_TYPE_INVALID)
    return FALSE;
  return a == FV_TYPE_ANY || b == FV_TYPE_ANY || a == b;
}
