/* fovea — WorldLandmarkProjectionCalculator: turns world landmarks found in a rotated ROI
 * back into the image's orientation (MediaPipe's
 * calculators/util/world_landmark_projection_calculator). A landmark model sees its crop
 * upright, so its metric points are in the crop's frame; turning x and y by the ROI's
 * rotation puts them in the camera's frame (the origin, the object's centre, stays).
 *
 * Inputs:  LANDMARKS ("landmarks", metres)
 *          NORM_RECT ("norm_rect", optional): the ROI; without it the points pass as they are
 * Outputs: LANDMARKS ("landmarks"): x' = cos r x - sin r y, y' = sin r x + cos r y, z, the
 *          visibility and the presence kept
 * No options. A timestamp without landmarks (or, when NORM_RECT is connected, without a
 * rect) produces nothing.
 */
#include <math.h>

#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/landmark.h"

typedef struct {
  int in, rect, out;
} WorldProjectionState;

static gboolean
wlp_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "LANDMARKS", landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "NORM_RECT", FV_TYPE_NAME_NORM_RECT, TRUE,
                                    error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "LANDMARKS", landmarks, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
wlp_open (FvCalculatorContext *ctx, GError **error)
{
  WorldProjectionState *st = fv_context_state (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "LANDMARKS", 0);
  st->rect = fv_context_port (ctx, FV_PORT_INPUT, "NORM_RECT", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "LANDMARKS", 0);
  return TRUE;
}

static FvProcessStatus
wlp_process (FvCalculatorContext *ctx, GError **error)
{
  WorldProjectionState *st = fv_context_state (ctx);
  const FvLandmarks *in = fv_packet_get_landmarks (fv_context_input (ctx, (guint) st->in));
  if (in == NULL)
    return FV_PROCESS_OK;
  float angle = 0;
  if (st->rect >= 0)
    {
      const FvNormRect *rect = fv_packet_get_norm_rect (fv_context_input (ctx, (guint) st->rect));
      if (rect == NULL)
        return FV_PROCESS_OK;
      angle = rect->rotation;
    }
  float c = cosf (angle), s = sinf (angle);
  FvLandmarks *out = fv_landmarks_new (in->n);
  out->score = in->score;
  for (int i = 0; i < in->n; i++)
    {
      const FvLandmark *l = &in->items[i];
      out->items[i] = *l;
      out->items[i].x = c * l->x - s * l->y;
      out->items[i].y = s * l->x + c * l->y;
    }
  fv_context_output (ctx, (guint) st->out, fv_packet_new_landmarks (out));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass world_landmark_projection_calculator = {
  .name = "WorldLandmarkProjectionCalculator",
  .state_size = sizeof (WorldProjectionState),
  .contract = wlp_contract,
  .open = wlp_open,
  .process = wlp_process,
};
FV_REGISTER_CALCULATOR (world_landmark_projection_calculator)
