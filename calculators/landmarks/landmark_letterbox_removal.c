/* fovea — LandmarkLetterboxRemovalCalculator: maps landmarks found on a letterboxed
 * (padded) model input back to the unpadded image (MediaPipe's
 * calculators/util/landmark_letterbox_removal_calculator).
 *
 * Inputs:  LANDMARKS (one or more, "landmarks", by index)
 *          LETTERBOX_PADDING: [left, top, right, bottom] as fractions of the padded image,
 *            as 4 floats in a "tensors" packet (one [4] tensor) or a "packet_vector" of
 *            floats (ImageToTensorCalculator's LETTERBOX_PADDING output)
 * Outputs: LANDMARKS (as many as inputs):
 *            x' = (x - left) / (1 - left - right), y' = (y - top) / (1 - top - bottom);
 *            z, visibility and presence are kept.
 * No options. A timestamp without padding produces nothing; one without landmarks on an
 * input produces nothing on the matching output.
 */
#include "graph/tensor_list.h"
#include "graph/calculator.h"
#include "graph/landmark.h"

typedef struct {
  int padding;
  int n_landmarks;
} LetterboxState;

static gboolean
letterbox_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  guint n_in = fv_contract_tag_count (cc, FV_PORT_INPUT, "LANDMARKS");
  guint n_out = fv_contract_tag_count (cc, FV_PORT_OUTPUT, "LANDMARKS");
  if (n_in == 0 || n_in != n_out)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs as many LANDMARKS outputs as inputs (at least one), not %u and %u",
                   n_in, n_out);
      return FALSE;
    }
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "LANDMARKS", landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "LANDMARKS", landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "LETTERBOX_PADDING", "any", FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
letterbox_open (FvCalculatorContext *ctx, GError **error)
{
  LetterboxState *st = fv_context_state (ctx);
  st->padding = fv_context_port (ctx, FV_PORT_INPUT, "LETTERBOX_PADDING", 0);
  st->n_landmarks = 0;
  for (guint i = 0; i < fv_context_num_ports (ctx, FV_PORT_INPUT); i++)
    if (g_strcmp0 (fv_context_port_tag (ctx, FV_PORT_INPUT, i), "LANDMARKS") == 0)
      st->n_landmarks++;
  return TRUE;
}

static FvProcessStatus
letterbox_process (FvCalculatorContext *ctx, GError **error)
{
  LetterboxState *st = fv_context_state (ctx);
  FvPacket *pad_packet = fv_context_input (ctx, (guint) st->padding);
  if (pad_packet == NULL)
    return FV_PROCESS_OK;
  float pad[4];
  if (!fv_packet_read_floats (pad_packet, pad, 4, "LETTERBOX_PADDING", error))
    return FV_PROCESS_ERROR;
  float left = pad[0], top = pad[1];
  float keep_x = 1.0f - pad[0] - pad[2], keep_y = 1.0f - pad[1] - pad[3];
  if (!(keep_x > 0) || !(keep_y > 0))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "LETTERBOX_PADDING [%g, %g, %g, %g] leaves no image", pad[0], pad[1], pad[2],
                   pad[3]);
      return FV_PROCESS_ERROR;
    }
  for (int k = 0; k < st->n_landmarks; k++)
    {
      int in_port = fv_context_port (ctx, FV_PORT_INPUT, "LANDMARKS", k);
      int out_port = fv_context_port (ctx, FV_PORT_OUTPUT, "LANDMARKS", k);
      if (in_port < 0 || out_port < 0)
        continue;
      const FvLandmarks *in = fv_packet_get_landmarks (fv_context_input (ctx, (guint) in_port));
      if (in == NULL)
        continue;
      FvLandmarks *res = fv_landmarks_new (in->n);
      res->score = in->score;
      for (int i = 0; i < in->n; i++)
        {
          res->items[i] = in->items[i];
          res->items[i].x = (in->items[i].x - left) / keep_x;
          res->items[i].y = (in->items[i].y - top) / keep_y;
        }
      fv_context_output (ctx, (guint) out_port, fv_packet_new_landmarks (res));
    }
  return FV_PROCESS_OK;
}

static const FvCalculatorClass landmark_letterbox_removal_calculator = {
  .name = "LandmarkLetterboxRemovalCalculator",
  .state_size = sizeof (LetterboxState),
  .contract = letterbox_contract,
  .open = letterbox_open,
  .process = letterbox_process,
};
FV_REGISTER_CALCULATOR (landmark_letterbox_removal_calculator)
