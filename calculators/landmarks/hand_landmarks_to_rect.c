/* fovea — HandLandmarksToRectCalculator: the next frame's hand ROI from this frame's hand
 * landmarks (MediaPipe's modules/hand_landmark/calculators/hand_landmarks_to_rect_calculator).
 *
 * Inputs:  NORM_LANDMARKS ("landmarks"): MediaPipe's 12-point subset of the 21 hand
 *            landmarks, {0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18} in that order (wrist,
 *            thumb CMC/MCP/IP, then MCP and PIP of each finger; no DIP joints, no tips),
 *            as SplitNormalizedLandmarkListCalculator cuts it
 *          IMAGE_SIZE ("image_size" or "image"): the rotation and box are in pixels
 * Outputs: NORM_RECT ("norm_rect")
 * No options.
 *
 * The rect turns so that the wrist (subset point 0) lies below the mean of the index and
 * ring MCPs (points 4 and 8) averaged again with the middle MCP (point 6) — MediaPipe's
 * code names these "PIP", but in the subset they are MCPs:
 *   rotation = normalise(pi/2 - atan2(-(y1 - y0), x1 - x0)), in pixels.
 * Its box is the points' extent in the turned frame, measured about the centre of their
 * axis-aligned box; the rect's centre is that extent's centre turned back.
 * Fewer than 9 points is an error; a timestamp without landmarks or size produces nothing.
 */
#include <math.h>

#include "calculators/detection/geometry.h"
#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/landmark.h"

enum { WRIST = 0, INDEX_MCP = 4, MIDDLE_MCP = 6, RING_MCP = 8, MIN_POINTS = 9 };

typedef struct {
  int landmarks, size, out;
} HandRectState;

static gboolean
hlr_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "NORM_LANDMARKS",
                                 fv_type_name (fv_type_landmarks ()), FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE_SIZE", "any", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "NORM_RECT", FV_TYPE_NAME_NORM_RECT, FALSE,
                                    error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
hlr_open (FvCalculatorContext *ctx, GError **error)
{
  HandRectState *st = fv_context_state (ctx);
  st->landmarks = fv_context_port (ctx, FV_PORT_INPUT, "NORM_LANDMARKS", 0);
  st->size = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE_SIZE", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "NORM_RECT", 0);
  return TRUE;
}

static FvProcessStatus
hlr_process (FvCalculatorContext *ctx, GError **error)
{
  HandRectState *st = fv_context_state (ctx);
  const FvLandmarks *lm = fv_packet_get_landmarks (fv_context_input (ctx, (guint) st->landmarks));
  FvPacket *size_packet = fv_context_input (ctx, (guint) st->size);
  if (lm == NULL || size_packet == NULL)
    return FV_PROCESS_OK;
  int W, H;
  if (!fv_packet_read_image_size (size_packet, &W, &H, error))
    return FV_PROCESS_ERROR;
  if (lm->n < MIN_POINTS)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "needs the 12-point hand subset (at least %d points), not %d", MIN_POINTS,
                   lm->n);
      return FV_PROCESS_ERROR;
    }
  const FvLandmark *p = lm->items;
  float x0 = p[WRIST].x * W, y0 = p[WRIST].y * H;
  float x1 = ((p[INDEX_MCP].x + p[RING_MCP].x) / 2.f + p[MIDDLE_MCP].x) / 2.f * W;
  float y1 = ((p[INDEX_MCP].y + p[RING_MCP].y) / 2.f + p[MIDDLE_MCP].y) / 2.f * H;
  float rotation = fv_normalize_radians ((float) G_PI * 0.5f - atan2f (-(y1 - y0), x1 - x0));
  float reverse = fv_normalize_radians (-rotation);

  float min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
  for (int i = 0; i < lm->n; i++)
    {
      min_x = fminf (min_x, p[i].x), max_x = fmaxf (max_x, p[i].x);
      min_y = fminf (min_y, p[i].y), max_y = fmaxf (max_y, p[i].y);
    }
  float cx = (max_x + min_x) / 2.f, cy = (max_y + min_y) / 2.f;
  min_x = min_y = INFINITY;
  max_x = max_y = -INFINITY;
  float cr = cosf (reverse), sr = sinf (reverse);
  for (int i = 0; i < lm->n; i++)
    {
      float ox = (p[i].x - cx) * W, oy = (p[i].y - cy) * H;
      float px = ox * cr - oy * sr, py = ox * sr + oy * cr;
      min_x = fminf (min_x, px), max_x = fmaxf (max_x, px);
      min_y = fminf (min_y, py), max_y = fmaxf (max_y, py);
    }
  float pcx = (max_x + min_x) / 2.f, pcy = (max_y + min_y) / 2.f;
  float c = cosf (rotation), s = sinf (rotation);
  FvNormRect rect = {
    .x_center = (pcx * c - pcy * s + W * cx) / W,
    .y_center = (pcx * s + pcy * c + H * cy) / H,
    .width = (max_x - min_x) / W,
    .height = (max_y - min_y) / H,
    .rotation = rotation,
  };
  fv_context_output (ctx, (guint) st->out, fv_packet_new_norm_rect (&rect));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass hand_landmarks_to_rect_calculator = {
  .name = "HandLandmarksToRectCalculator",
  .state_size = sizeof (HandRectState),
  .contract = hlr_contract,
  .open = hlr_open,
  .process = hlr_process,
};
FV_REGISTER_CALCULATOR (hand_landmarks_to_rect_calculator)
