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
 * The engine's buffers are planned at the first frame and reused; only the output field is
 * allocated per frame (it travels in a packet). */
#include "calculators/flow/dis_flow.h"
#include "graph/calculator.h"
#include "graph/graph_error.h"
#include "graph/image.h"

typedef struct {
  FvDisFlow *dis;
  FvPacket *prev;
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
  st->dis = fv_dis_flow_new (&p, error);
  return st->dis != NULL;
}

static FvProcessStatus
flow_process (FvCalculatorContext *ctx, GError **error)
{
  FlowState *st = fv_context_state (ctx);
  FvPacket *in = fv_context_input (ctx, (guint) st->image);
  const FvImage *cur = fv_packet_get_image (in);
  if (cur == NULL)
    return FV_PROCESS_OK;
  const FvImage *prev = st->prev ? fv_packet_get_image (st->prev) : NULL;
  if (prev != NULL && prev->width == cur->width && prev->height == cur->height) {
    FvFlowField *flow = fv_flow_field_new (cur->width, cur->height, error);
    if (flow == NULL || !fv_dis_flow_calc (st->dis, prev, cur, flow, error)) {
      fv_flow_field_free (flow);
      return FV_PROCESS_ERROR;
    }
    fv_context_output (ctx, (guint) st->flow, fv_packet_new_flow_field (flow));
  }
  fv_packet_unref (st->prev);
  st->prev = fv_packet_ref (in);
  return FV_PROCESS_OK;
}

static gboolean
flow_close (FvCalculatorContext *ctx, GError **error)
{
  FlowState *st = fv_context_state (ctx);
  g_clear_pointer (&st->prev, fv_packet_unref);
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
