/* fovea — SegmentationSmoothingCalculator: blends a frame's mask with the previous frame's
 * where the new one is uncertain, against flicker on video (MediaPipe's
 * calculators/image/segmentation_smoothing_calculator).
 *
 * Inputs:  MASK ("mask"): this frame's mask
 *          MASK_PREVIOUS ("mask", optional packet): the previous output (a back edge
 *            through PreviousLoopbackCalculator); absent or of another size: no blending
 * Outputs: MASK_SMOOTHED ("mask")
 * Options (SegmentationSmoothingCalculatorOptions):
 *   combine_with_previous_ratio (0.7 in MediaPipe's graphs; 0 turns smoothing off)
 * Per pixel, with p the new value: uncertainty u = 1 - min(1, x (c1 + x (c2 + x (c3 + x (c4
 * + x c5))))) where x = (p - 0.5)^2 and c1..c5 = 5.68842, -0.748699, -57.8051, 291.309,
 * -624.717 (a fit of 1 - the binary entropy's complement, 1 at p = 0.5, 0 near 0 and 1);
 * out = p + (previous - p) * u * ratio.
 */
#include <math.h>

#include "graph/calculator.h"
#include "graph/mask.h"

typedef struct {
  double ratio;
  int mask, prev, out;
} SmoothState;

static gboolean
read_ratio (const FvTpMessage *opts, double *ratio, GError **error)
{
  GError *local = NULL;
  *ratio = fv_tp_get_double (opts, "combine_with_previous_ratio", 0.0, &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  if (!(*ratio >= 0.0 && *ratio <= 1.0)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "combine_with_previous_ratio %g is not in [0, 1]", *ratio);
    return FALSE;
  }
  return TRUE;
}

static gboolean
smooth_contract (FvContract *cc, GError **error)
{
  double ratio;
  const char *mask = fv_type_name (fv_type_mask ());
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "MASK", mask, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "MASK_PREVIOUS", mask, TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "MASK_SMOOTHED", mask, FALSE, error)
      || !read_ratio (fv_contract_options (cc), &ratio, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
smooth_open (FvCalculatorContext *ctx, GError **error)
{
  SmoothState *st = fv_context_state (ctx);
  st->mask = fv_context_port (ctx, FV_PORT_INPUT, "MASK", 0);
  st->prev = fv_context_port (ctx, FV_PORT_INPUT, "MASK_PREVIOUS", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "MASK_SMOOTHED", 0);
  return read_ratio (fv_context_options (ctx), &st->ratio, error);
}

static FvProcessStatus
smooth_process (FvCalculatorContext *ctx, GError **error)
{
  SmoothState *st = fv_context_state (ctx);
  FvPacket *in = fv_context_input (ctx, (guint) st->mask);
  const FvMask *cur = fv_packet_get_mask (in);
  if (cur == NULL)
    return FV_PROCESS_OK;
  const FvMask *prev = st->prev >= 0
    ? fv_packet_get_mask (fv_context_input (ctx, (guint) st->prev)) : NULL;
  if (prev == NULL || prev->width != cur->width || prev->height != cur->height
      || st->ratio == 0.0) {
    fv_context_output (ctx, (guint) st->out, fv_packet_ref (in));
    return FV_PROCESS_OK;
  }
  FvMask *out = fv_mask_new (cur->width, cur->height, error);
  if (out == NULL)
    return FV_PROCESS_ERROR;
  const float c1 = 5.68842f, c2 = -0.748699f, c3 = -57.8051f, c4 = 291.309f, c5 = -624.717f;
  const float ratio = (float) st->ratio;
  for (gsize i = 0; i < (gsize) cur->width * (gsize) cur->height; i++) {
    float p = cur->data[i], t = p - 0.5f, x = t * t;
    float u = 1.0f - fminf (1.0f, x * (c1 + x * (c2 + x * (c3 + x * (c4 + x * c5)))));
    out->data[i] = p + (prev->data[i] - p) * (u * ratio);
  }
  fv_context_output (ctx, (guint) st->out, fv_packet_new_mask (out));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass segmentation_smoothing_calculator = {
  .name = "SegmentationSmoothingCalculator",
  .state_size = sizeof (SmoothState),
  .contract = smooth_contract,
  .open = smooth_open,
  .process = smooth_process,
};
FV_REGISTER_CALCULATOR (segmentation_smoothing_calculator)
