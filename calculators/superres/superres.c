/* fovea — SuperResolutionCalculator: each image upscaled by a super-resolution network (the
 * UpscalerJS ESRGAN/RDN models of the catalog, or any TF.js model.json of that form), in
 * overlapping tiles (calculators/superres/upscaler.h).
 *
 * Inputs:  IMAGE ("image"): RGB24, RGBA32 or BGRA32, any size
 * Outputs: IMAGE ("image"): the same format, scale times the size
 * Options (SuperResolutionCalculatorOptions, all optional):
 *   variant    "slim" (default) or "medium": the UpscalerJS package
 *   scale      2 (default), 3 (slim only) or 4
 *   model      a catalog name or a model.json path; wins over variant and scale
 *   tile_size  input pixels per tile side (default 192; 0: the whole image at once)
 *   overlap    context pixels per tile side (default -1: the model's receptive radius,
 *              which makes tiling seamless)
 *   backend    "cpu", "ref" or "opencl"; wins over device
 *   device     "cpu", "opencl", "opencl:P:D" or "opencl,cpu" ("" or absent:
 *              $FOVEA_DEVICE, else cpu); "opencl,cpu" runs on the CPU, after a warning,
 *              when no OpenCL device opens
 */
#include "calculators/superres/upscaler.h"
#include "gpu/device_choice.h"
#include "graph/calculator.h"
#include "models/backend.h"

#include <string.h>

#define DEFAULT_TILE_SIZE 192

typedef struct {
  FvUpscaler *up;
  int in, out;
} SuperresState;

typedef struct {
  const char *model;
  const char *backend;
  const char *device;
  gint64 tile_size, overlap;
} SuperresOptions;

/* Reads and checks the options; model is resolved from variant and scale when unset. */
static gboolean
read_options (const FvTpMessage *opts, SuperresOptions *o, GError **error)
{
  GError *local = NULL;
  const char *variant = fv_tp_get_string (opts, "variant", "slim", &local);
  gint64 scale = local ? 0 : fv_tp_get_int (opts, "scale", 2, &local);
  o->model = local ? NULL : fv_tp_get_string (opts, "model", NULL, &local);
  o->tile_size = local ? 0 : fv_tp_get_int (opts, "tile_size", DEFAULT_TILE_SIZE, &local);
  o->overlap = local ? 0 : fv_tp_get_int (opts, "overlap", -1, &local);
  o->backend = local ? NULL : fv_tp_get_string (opts, "backend", NULL, &local);
  o->device = local ? NULL : fv_tp_get_string (opts, "device", NULL, &local);
  if (local) {
    g_propagate_error (error, local);
    return FALSE;
  }
  if (o->model && !*o->model)
    o->model = NULL;
  if (o->device && !*o->device)
    o->device = NULL;   /* a solution's default "": as if unset */
  if (!o->model) {
    o->model = fv_upscaler_model_name (variant, (int) CLAMP (scale, 0, 64));
    if (!o->model) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "no super-resolution model for variant '%s' and scale %" G_GINT64_FORMAT
                   " (slim: 2, 3, 4; medium: 2, 4)", variant, scale);
      return FALSE;
    }
  }
  if (o->tile_size < 0 || o->tile_size > 4096 || o->overlap < -1 || o->overlap > 1024) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "tile_size %" G_GINT64_FORMAT " must be in [0, 4096] and overlap %"
                 G_GINT64_FORMAT " in [-1, 1024]", o->tile_size, o->overlap);
    return FALSE;
  }
  if (o->backend && !fv_backend_find (o->backend)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "unknown backend '%s' (known: %s)", o->backend, fv_backend_known_names ());
    return FALSE;
  }
  return TRUE;
}

static gboolean
superres_contract (FvContract *cc, GError **error)
{
  SuperresOptions o;
  if (!read_options (fv_contract_options (cc), &o, error))
    return FALSE;
  const char *image = fv_type_name (fv_type_image ());
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE", image, FALSE, error) ||
      !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "IMAGE", image, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
superres_open (FvCalculatorContext *ctx, GError **error)
{
  SuperresState *st = fv_context_state (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "IMAGE", 0);
  SuperresOptions o;
  if (!read_options (fv_context_options (ctx), &o, error))
    return FALSE;
  FvUpscalerOptions uo = {
    .model = o.model, .backend = o.backend, .tile_size = (int) o.tile_size,
    .overlap = (int) o.overlap,
  };
  FvGpuDevice *probe = NULL;
  FvDeviceRequest req = { 0 };
  if (!o.backend && (o.device || !g_getenv ("FOVEA_BACKEND"))) {
    /* the device list decides; its OpenCL device is opened once here so that "opencl,cpu"
     * falls back now rather than failing on the first image */
    gboolean use_cpu = FALSE;
    if (!fv_device_request_parse (o.device, &req, error))
      return FALSE;
    if (req.opencl) {
      probe = fv_device_choose (o.device, "SuperResolutionCalculator", &use_cpu, error);
      if (!probe && !use_cpu) {
        fv_device_request_clear (&req);
        return FALSE;
      }
    }
    uo.backend = probe ? "opencl" : "cpu";
    if (probe && req.word && g_ascii_strcasecmp (req.word, "opencl") != 0)
      uo.device = req.word;
  }
  st->up = fv_upscaler_new (&uo, error);
  fv_gpu_device_unref (probe);
  fv_device_request_clear (&req);
  return st->up != NULL;
}

static FvProcessStatus
superres_process (FvCalculatorContext *ctx, GError **error)
{
  SuperresState *st = fv_context_state (ctx);
  const FvImage *in = fv_packet_get_image (fv_context_input (ctx, (guint) st->in));
  if (!in)
    return FV_PROCESS_OK;
  FvImage *out = fv_upscaler_upscale (st->up, in, error);
  if (!out)
    return FV_PROCESS_ERROR;
  fv_context_output (ctx, (guint) st->out, fv_packet_new_image (out));
  return FV_PROCESS_OK;
}

static void
superres_destroy (gpointer state)
{
  SuperresState *st = state;
  g_clear_pointer (&st->up, fv_upscaler_free);
}

static const FvCalculatorClass superres_calculator = {
  .name = "SuperResolutionCalculator",
  .state_size = sizeof (SuperresState),
  .contract = superres_contract,
  .open = superres_open,
  .process = superres_process,
  .destroy_state = superres_destroy,
};

FV_REGISTER_CALCULATOR (superres_calculator)
