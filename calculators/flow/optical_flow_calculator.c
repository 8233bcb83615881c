/* fovea — OpticalFlowCalculator: the dense flow (DIS, dis_flow.h) from each frame to the
 * next, for video or a pair of stills fed one after the other.
 *
 * Inputs:  IMAGE ("image"): the frames, in timestamp order
 * Outputs: FLOW ("flow_field"): at each frame after the first, the flow from the previous
 *            frame to this one (the previous frame's pixel (x, y) is at (x + u, y + v)
 *            here); nothing at the first frame or after a change of frame size (the
 *            pair restarts)
 * Options (OpticalFlowCalculatorOptions):
 *   preset: "ultrafast", "fast", "medium" (default) or "accurate"
 *   patch_size, patch_stride, finest_scale, gradient_descent_iterations,
 *   variational_refinement_iterations: override the preset where given (>= 0)
 *   threads: threads in all (0: one per processor, at most 8; the result is the same)
 *   device (fovea's): "cpu", "opencl", "opencl:P:D" or "opencl,cpu" (gpu/device_choice.h;
 *     unset or "": $FOVEA_DEVICE, else cpu): where the flow is computed; "opencl" without
 *     an OpenCL device is an error at open, "opencl,cpu" falls back to the CPU with a warning
 * The engine's buffers are planned at the first frame and reused; only the output field is
 * allocated per frame (it travels in a packet). */
#include "calculators/flow/dis_flow.h"
#include "gpu/device_choice.h"
#include "graph/calculator.h"
#include "graph/graph_error.h"
#include "graph/image.h"

typedef struct {
  FvDisFlow *dis;    /* keeps the previous frame's gray plane (not the frame: a camera
                      * buffer is released as soon as this frame is done) */
  int image, flow;
} FlowState;

static gboolean
read_params (const FvTpMessage *opts, FvDisParams *p, GError **error)
{
  GError *local = NULL;
  const char *name = fv_tp_get_string (opts, "preset", "medium", &local);
  FvDisPreset preset;
  if (local == NULL && !fv_dis_preset_from_name (name, &preset)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "preset '%s' is not one of ultrafast, fast, medium, accurate", name);
    return FALSE;
  }
  if (local == NULL)
    fv_dis_params_preset (p, preset);
  struct { const char *name; int *field; } ints[] = {
    { "patch_size", &p->patch_size },
    { "patch_stride", &p->patch_stride },
    { "finest_scale", &p->finest_scale },
    { "gradient_descent_iterations", &p->grad_descent_iter },
    { "variational_refinement_iterations", &p->variational_iter },
    { "threads", &p->threads },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ints) && local == NULL; i++) {
    gint64 v = fv_tp_get_int (opts, ints[i].name, -1, &local);
    if (local == NULL && v >= 0)
      *ints[i].field = (int) MIN (v, G_MAXINT);
  }
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  return fv_dis_params_check (p, error);
}

static gboolean
flow_contract (FvContract *cc, GError **error)
{
  FvDisParams p;
  const char *image = fv_type_name (fv_type_image ());
  const char *flow = fv_type_name (fv_type_flow_field ());
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE", image, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "FLOW", flow, FALSE, error)
      || !read_params (fv_contract_options (cc), &p, error))
    return FALSE;
  /* a misspelt device fails at graph validation; whether OpenCL opens is open()'s business */
  GError *local = NULL;
  const char *device = fv_tp_get_string (fv_contract_options (cc), "device", NULL, &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  FvDeviceRequest req;
  if (!fv_device_request_parse (device, &req, error))
    return FALSE;
  fv_device_request_clear (&req);
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
flow_open (FvCalculatorContext *ctx, GError **error)
{
  FlowState *st = fv_context_state (ctx);
  FvDisParams p;
  st->image = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE", 0);
  st->flow = fv_context_port (ctx, FV_PORT_OUTPUT, "FLOW", 0);
  if (!read_params (fv_context_options (ctx), &p, error))
    return FALSE;
  const char *device = fv_tp_get_string (fv_context_options (ctx), "device", NULL, NULL);
  gboolean use_cpu = FALSE;
  FvGpuDevice *gpu = fv_device_choose (device, "OpticalFlowCalculator", &use_cpu, error);
  if (gpu == NULL && !use_cpu)
    return FALSE;
  st->dis = gpu != NULL ? fv_dis_flow_new_on_device (&p, gpu, error) : fv_dis_flow_new (&p, error);
  fv_gpu_device_unref (gpu);
  return st->dis != NULL;
}

static FvProcessStatus
flow_process (FvCalculatorContext *ctx, GError **error)
{
  FlowState *st = fv_context_state (ctx);
  const FvImage *cur = fv_packet_get_image (fv_context_input (ctx, (guint) st->image));
  if (cur == NULL)
    return FV_PROCESS_OK;
  FvFlowField *flow = fv_flow_field_new (cur->width, cur->height, error);
  gboolean computed = FALSE;
  if (flow == NULL || !fv_dis_flow_push (st->dis, cur, flow, &computed, error)) {
    fv_flow_field_free (flow);
    return FV_PROCESS_ERROR;
  }
  if (computed)
    fv_context_output (ctx, (guint) st->flow, fv_packet_new_flow_field (flow));
  else
    fv_flow_field_free (flow);
  return FV_PROCESS_OK;
}

static gboolean
flow_close (FvCalculatorContext *ctx, GError **error)
{
  FlowState *st = fv_context_state (ctx);
  g_clear_pointer (&st->dis, fv_dis_flow_free);
  return TRUE;
}

static const FvCalculatorClass optical_flow_calculator = {
  .name = "OpticalFlowCalculator",
  .state_size = sizeof (FlowState),
  .contract = flow_contract,
  .open = flow_open,
  .process = flow_process,
  .close = flow_close,
};
FV_REGISTER_CALCULATOR (optical_flow_calculator)
