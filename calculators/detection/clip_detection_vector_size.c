/* fovea — ClipDetectionVectorSizeCalculator: keeps the first max_vec_size detections
 * (the detector's best after NMS), so tracking looks for at most N objects.
 *
 *   input_stream:       the one input, "detections"
 *   output_stream:      the one output, "detections"
 *   input_side_packet:  optional, "int": overrides max_vec_size (e.g. num_faces)
 *   options { [mediapipe.ClipVectorSizeCalculatorOptions.ext] { max_vec_size (1) } }
 *
 * max_vec_size below 1 is an error.
 */
#include <string.h>

#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"

typedef struct {
  gint64 max_size;
} ClipState;

static gboolean
check_size (gint64 size, const char *from, GError **error)
{
  if (size >= 1)
    return TRUE;
  g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
               "max_vec_size (%s) should be greater than or equal to 1, got %" G_GINT64_FORMAT,
               from, size);
  return FALSE;
}

static gboolean
clip_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  if (fv_contract_num_ports (cc, FV_PORT_INPUT) != 1
      || fv_contract_num_ports (cc, FV_PORT_OUTPUT) != 1
      || fv_contract_num_ports (cc, FV_PORT_SIDE_INPUT) > 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs one input, one output and at most one input side packet");
      return FALSE;
    }
  GError *local = NULL;
  gint64 size = fv_tp_get_int (fv_contract_options (cc), "max_vec_size", 1, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!check_size (size, "option", error)
      || !fv_contract_set_type (cc, FV_PORT_INPUT, 0, FV_TYPE_NAME_DETECTIONS, error)
      || !fv_contract_set_type (cc, FV_PORT_OUTPUT, 0, FV_TYPE_NAME_DETECTIONS, error)
      || (fv_contract_num_ports (cc, FV_PORT_SIDE_INPUT) == 1
          && !fv_contract_set_type (cc, FV_PORT_SIDE_INPUT, 0, "int", error)))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
clip_open (FvCalculatorContext *ctx, GError **error)
{
  ClipState *st = fv_context_state (ctx);
  st->max_size = fv_tp_get_int (fv_context_options (ctx), "max_vec_size", 1, NULL);
  if (fv_context_num_ports (ctx, FV_PORT_SIDE_INPUT) == 1)
    {
      FvPacket *side = fv_context_side_input (ctx, 0);
      if (side != NULL)
        st->max_size = fv_packet_get_int (side);
    }
  return check_size (st->max_size, "side packet", error);
}

static FvProcessStatus
clip_process (FvCalculatorContext *ctx, GError **error)
{
  const ClipState *st = fv_context_state (ctx);
  const FvDetections *src = fv_packet_get_detections (fv_context_input (ctx, 0));
  if (src == NULL)
    return FV_PROCESS_OK;
  int n = (int) MIN ((gint64) src->n, st->max_size);
  FvDetections *dst = fv_detections_new (n);
  if (n > 0)
    memcpy (dst->items, src->items, (size_t) n * sizeof (FvDetection));
  fv_context_output (ctx, 0, fv_packet_new_detections (dst));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass clip_detection_vector_size_calculator = {
  .name = "ClipDetectionVectorSizeCalculator",
  .state_size = sizeof (ClipState),
  .contract = clip_contract,
  .open = clip_open,
  .process = clip_process,
};
FV_REGISTER_CALCULATOR (clip_detection_vector_size_calculator)
