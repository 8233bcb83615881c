/* fovea — WorldLandmarkProjectionCalculator: turns world landmarks (metres, in the frame of
 * the model's ROI) back into the image's orientation (MediaPipe's
 * calculators/util/world_landmark_projection_calculator): the ROI was rotated to make the
 * body upright, so its world points are rotated by the ROI's rotation about the origin.
 *
 * Inputs:  LANDMARKS ("landmarks"): world landmarks
 *          NORM_RECT ("norm_rect", optional): the ROI; without it landmarks pass unchanged
 * Outputs: LANDMARKS ("landmarks"): x' = cos r x - sin r y, y' = sin r x + cos r y; z,
 *          visibility and presence are kept.
 * No options. A timestamp without landmarks, or without a rect when NORM_RECT is connected,
 * produces nothing.
 */
#include <math.h>

#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/landmark.h"

typedef struct {
  int in, rect;
} WorldProjectionState;

static gboolean
world_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "LANDMARKS", landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "NORM_RECT",
                                    fv_type_name (fv_type_norm_rect ()), TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "LANDMARKS", landmarks, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
world_open (FvCalculatorContext *ctx, GError **error)
{
  WorldProjectionState *st = fv_context_state (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "LANDMARKS", 0);
  st->rect = fv_context_port (ctx, FV_PORT_INPUT, "NORM_RECT", 0);
  return TRUE;
}

static FvProcessStatus
world_process (FvCalculatorContext *ctx, GError **error)
{
  WorldProjectionState *st = fv_context_state (ctx);
  const FvLandmarks *in = fv_packet_get_landmarks (fv_context_input (ctx, (guint) st->in));
  const FvNormRect *rect = st->rect >= 0
    ? fv_packet_get_norm_rect (fv_context_input (ctx, (guint) st->rect)) : NULL;
  if (in == NULL || (st->rect >= 0 && rect == NULL))
    return FV_PROCESS_OK;
  float c = rect ? cosf (rect->rotation) : 1.0f, s = rect ? sinf (rect->rotation) : 0.0f;
  FvLandmarks *out = fv_landmarks_new (in->n);
  out->score = in->score;
  for (int i = 0; i < in->n; i++)
    {
      const FvLandmark *l = &in->items[i];
      out->items[i] = *l;
      out->items[i].x = c * l->x - s * l->y;
      out->items[i].y = s * l->x + c * l->y;
    }
  fv_context_output (ctx, 0, fv_packet_new_landmarks (out));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass world_landmark_projection_calculator = {
  .name = "WorldLandmarkProjectionCalculator",
  .state_size = sizeof (WorldProjectionState),
  .contract = world_contract,
  .open = world_open,
  .process = world_process,
};
FV_REGISTER_CALCULATOR (world_landmark_projection_calculator)
