/* fovea — a user's device list resolved to the CPU or an opened OpenCL device, with the
 * CPU fallback only where the list asks for it (see device_choice.h). */
#include "gpu/device_choice.h"

#include <stdio.h>

gboolean
fv_device_request_parse (const char *list, FvDeviceRequest *req, GError **error)
{
  *req = (FvDeviceRequest) { 0 };
  gboolean from_env = FALSE;
  if (list == NULL || *list == '\0') {
    list = g_getenv ("FOVEA_DEVICE");
    from_env = list != NULL && *list != '\0';
    if (!from_env)
      list = "cpu";
  }
  if (!fv_gpu_parse_device_list (list, &req->opencl, &req->fallback_cpu, error)) {
    if (from_env)
      g_prefix_error (error, "FOVEA_DEVICE: ");
    return FALSE;
  }
  if (req->opencl) {
    /* the list parsed, so its first non-cpu word is the OpenCL one */
    g_auto (GStrv) words = g_strsplit (list, ",", 0);
    for (guint i = 0; words[i] != NULL && req->word == NULL; i++) {
      char *w = g_strstrip (words[i]);
      if (*w != '\0' && g_ascii_strcasecmp (w, "cpu") != 0)
        req->word = g_strdup (w);
    }
  }
  return TRUE;
}

void
fv_device_request_clear (FvDeviceRequest *req)
{
  g_clear_pointer (&req->word, g_free);
}

void
fv_device_warn_fallback (const char *who, const GError *reason)
{
  fprintf (stderr, "%s: warning: OpenCL unavailable (%s); falling back to the CPU as the "
           "device list allows\n", who, reason != NULL ? reason->message : "unknown reason");
}

FvGpuDevice *
fv_device_choose (const char *list, const char *who, gboolean *use_cpu, GError **error)
{
  *use_cpu = FALSE;
  FvDeviceRequest req;
  if (!fv_device_request_parse (list, &req, error))
    return NULL;
  if (!req.opencl) {
    *use_cpu = TRUE;
    fv_device_request_clear (&req);
    return NULL;
  }
  GError *local = NULL;
  FvGpuDevice *dev = fv_gpu_device_open (req.word, &local);
  if (dev == NULL) {
    if (req.fallback_cpu) {
      fv_device_warn_fallback (who, local);
      g_error_free (local);
      *use_cpu = TRUE;
    } else {
      g_propagate_error (error, local);
    }
  }
  fv_device_request_clear (&req);
  return dev;
}

gboolean
fv_device_resolve_for_process (const char *list, const char *who, gboolean *opencl,
                               GError **error)
{
  *opencl = FALSE;
  FvDeviceRequest req;
  if (!fv_device_request_parse (list, &req, error))
    return FALSE;
  gboolean use_cpu = FALSE;
  g_autofree char *word = g_steal_pointer (&req.word);
  fv_device_request_clear (&req);
  FvGpuDevice *dev = fv_device_choose (list, who, &use_cpu, error);
  if (dev == NULL && !use_cpu)
    return FALSE;
  fv_gpu_device_unref (dev);
  *opencl = !use_cpu;
  g_setenv ("FOVEA_DEVICE", use_cpu ? "cpu" : word, TRUE);
  return TRUE;
}
