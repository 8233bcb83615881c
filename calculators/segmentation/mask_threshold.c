/* fovea — MaskThresholdCalculator: a soft mask made hard at a threshold (fovea's own: in
 * MediaPipe applications compare the mask with a threshold themselves, e.g. the selfie
 * segmentation samples' `mask > 0.1`); the selfie_segmentation solutions' `threshold`.
 *
 * Inputs:  MASK ("mask"): probabilities in [0, 1]
 * Outputs: MASK ("mask"): with threshold > 0, 1 where the probability is >= threshold and 0
 *          elsewhere; with threshold 0, the input mask itself (the same packet, no copy)
 * Options (MaskThresholdCalculatorOptions): threshold, in [0, 1] (default 0).
 */
#include "graph/calculator.h"
#include "graph/mask.h"

typedef struct {
  double threshold;
  int in, out;
} ThresholdState;

static gboolean
read_threshold (const FvTpMessage *opts, double *threshold, GError **error)
{
  GError *local = NULL;
  *threshold = fv_tp_get_double (opts, "threshold", 0.0, &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  if (!(*threshold >= 0.0 && *threshold <= 1.0)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "threshold %g is not in [0, 1]", *threshold);
    return FALSE;
  }
  return TRUE;
}

static gboolean
threshold_contract (FvContract *cc, GError **error)
{
  double threshold;
  const char *mask = fv_type_name (fv_type_mask ());
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "MASK", mask, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "MASK", mask, FALSE, error)
      || !read_threshold (fv_contract_options (cc), &threshold, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
threshold_open (FvCalculatorContext *ctx, GError **error)
{
  ThresholdState *st = fv_context_state (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "MASK", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "MASK", 0);
  return read_threshold (fv_context_options (ctx), &st->threshold, error);
}

static FvProcessStatus
threshold_process (FvCalculatorContext *ctx, GError **error)
{
  ThresholdState *st = fv_context_state (ctx);
  FvPacket *in = fv_context_input (ctx, (guint) st->in);
  const FvMask *soft = fv_packet_get_mask (in);
  if (soft == NULL)
    return FV_PROCESS_OK;
  if (st->threshold == 0.0) {
    fv_context_output (ctx, (guint) st->out, fv_packet_ref (in));
    return FV_PROCESS_OK;
  }
  FvMask *hard = fv_mask_new (soft->width, soft->height, error);
  if (hard == NULL)
    return FV_PROCESS_ERROR;
  const float t = (float) st->threshold;
  for (gsize i = 0; i < (gsize) soft->width * (gsize) soft->height; i++)
    hard->data[i] = soft->data[i] >= t ? 1.0f : 0.0f;
  fv_context_output (ctx, (guint) st->out, fv_packet_new_mask (hard));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass mask_threshold_calculator = {
  .name = "MaskThresholdCalculator",
  .state_size = sizeof (ThresholdState),
  .contract = threshold_contract,
  .open = threshold_open,
  .process = threshold_process,
};
FV_REGISTER_CALCULATOR (mask_threshold_calculator)
