/* fovea — DetectionsToRectsCalculator: turns detections into (rotated) rectangles, the
 * regions of interest the landmark models run on.
 *
 *   input_stream:  DETECTION or DETECTIONS  "detections" (DETECTION uses the first item;
 *                                           fovea has no single-detection payload)
 *   input_stream or input_side_packet: IMAGE_SIZE  "image_size" or "image" (needed for
 *                                           the rotation, which is computed in pixels)
 *   output_stream: NORM_RECT   "norm_rect" of the first detection, or
 *                  NORM_RECTS  "norm_rects", one per detection
 *   options { [mediapipe.DetectionsToRectsCalculatorOptions.ext] {
 *     rotation_vector_start_keypoint_index, rotation_vector_end_keypoint_index,
 *     rotation_vector_target_angle (radians) or rotation_vector_target_angle_degrees,
 *     output_zero_rect_for_empty_detections (false),
 *     conversion_mode (DEFAULT | USE_BOUNDING_BOX | USE_KEYPOINTS) } }
 *
 * The rect is the box (centre, size), or with USE_KEYPOINTS the box around the
 * keypoints. With a rotation vector, rotation = normalise(target - atan2(-(y1 - y0),
 * x1 - x0)) from the start keypoint (x0, y0) to the end one, in pixels: the rect turns
 * so that this vector points at the target angle (counter-clockwise from +x). Without
 * an image size at a timestamp nothing is emitted when rotating. An empty detection list
 * gives nothing, or a zero rect (NORM_RECT) / a list of one zero rect (NORM_RECTS) with
 * output_zero_rect_for_empty_detections. Absolute RECT / RECTS outputs are not
 * supported (fovea rects are relative).
 *
 * AlignmentPointsRectsCalculator (MediaPipe's calculators/util/
 * alignment_points_to_rects_calculator, the pose ROI) is the same node with another rect:
 * centred on the start keypoint, a square (in pixels) of side 2 x the distance from the
 * start keypoint to the end one, turned as above; the rotation vector options and
 * IMAGE_SIZE are required.
 */
#include <math.h>

#include "calculators/detection/geometry.h"
#include "calculators/detection/options.h"
#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"

enum { MODE_DEFAULT, MODE_USE_BOUNDING_BOX, MODE_USE_KEYPOINTS };
static const char *const mode_names[] = { "DEFAULT", "USE_BOUNDING_BOX", "USE_KEYPOINTS" };

typedef struct {
  gboolean rotate;
  int start, end;
  float target;
  gboolean zero_rect_for_empty;
  int mode;
  gboolean alignment;   /* AlignmentPointsRectsCalculator */
} D2RState;

static gboolean
load_options (const FvTpMessage *opts, gboolean has_image_size, D2RState *st, GError **error)
{
  GError *local = NULL;
  st->zero_rect_for_empty = fv_tp_get_bool (opts, "output_zero_rect_for_empty_detections",
                                            FALSE, &local);
  if (local == NULL && fv_opt_has (opts, "rotation_vector_start_keypoint_index"))
    {
      gboolean has_rad = fv_opt_has (opts, "rotation_vector_target_angle");
      gboolean has_deg = fv_opt_has (opts, "rotation_vector_target_angle_degrees");
      if (!fv_opt_has (opts, "rotation_vector_end_keypoint_index") || has_rad == has_deg)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "a rotation vector needs rotation_vector_end_keypoint_index and one of "
                       "rotation_vector_target_angle / rotation_vector_target_angle_degrees");
          return FALSE;
        }
      if (!has_image_size)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "a rotation vector needs IMAGE_SIZE");
          return FALSE;
        }
      st->rotate = TRUE;
      st->start = (int) fv_tp_get_int (opts, "rotation_vector_start_keypoint_index", 0, &local);
      if (local == NULL)
        st->end = (int) fv_tp_get_int (opts, "rotation_vector_end_keypoint_index", 0, &local);
      if (local == NULL && has_rad)
        st->target = (float) fv_tp_get_double (opts, "rotation_vector_target_angle", 0, &local);
      else if (local == NULL)
        st->target = (float) (G_PI * fv_tp_get_double (opts,
                                                       "rotation_vector_target_angle_degrees",
                                                       0, &local) / 180.0f);
      if (local == NULL && (st->start < 0 || st->end < 0))
        g_set_error (&local, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "rotation vector keypoint indices must not be negative");
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return fv_opt_enum (opts, "conversion_mode", mode_names, 3, MODE_DEFAULT, &st->mode, error);
}

static gboolean
d2r_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  guint n_single = fv_contract_tag_count (cc, FV_PORT_INPUT, "DETECTION");
  guint n_list = fv_contract_tag_count (cc, FV_PORT_INPUT, "DETECTIONS");
  guint n_rect = fv_contract_tag_count (cc, FV_PORT_OUTPUT, "NORM_RECT");
  guint n_rects = fv_contract_tag_count (cc, FV_PORT_OUTPUT, "NORM_RECTS");
  if (n_single + n_list != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "exactly one of DETECTION or DETECTIONS input stream should be provided");
      return FALSE;
    }
  if (n_rect + n_rects != 1 || fv_contract_num_ports (cc, FV_PORT_OUTPUT) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "exactly one of NORM_RECT or NORM_RECTS output stream should be provided "
                   "(RECT / RECTS are not supported)");
      return FALSE;
    }
  guint n_size = fv_contract_tag_count (cc, FV_PORT_INPUT, "IMAGE_SIZE")
                 + fv_contract_tag_count (cc, FV_PORT_SIDE_INPUT, "IMAGE_SIZE");
  if (n_size > 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "give IMAGE_SIZE once, as a stream or as a side packet");
      return FALSE;
    }
  D2RState probe = { 0 };
  if (!load_options (fv_contract_options (cc), n_size == 1, &probe, error))
    return FALSE;
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, n_single ? "DETECTION" : "DETECTIONS",
                                 FV_TYPE_NAME_DETECTIONS, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE_SIZE", "any", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "IMAGE_SIZE", "any", TRUE, error)
      || !fv_contract_set_type (cc, FV_PORT_OUTPUT, 0,
                                n_rect ? FV_TYPE_NAME_NORM_RECT : FV_TYPE_NAME_NORM_RECTS,
                                error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
d2r_open (FvCalculatorContext *ctx, GError **error)
{
  gboolean has_size = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE_SIZE", 0) >= 0
                      || fv_context_port (ctx, FV_PORT_SIDE_INPUT, "IMAGE_SIZE", 0) >= 0;
  return load_options (fv_context_options (ctx), has_size, fv_context_state (ctx), error);
}

static gboolean
rect_from_detection (const D2RState *st, const FvDetection *d, int width, int height,
                     FvNormRect *r, GError **error)
{
  *r = (FvNormRect) { 0 };
  if (st->alignment)
    {
      if (st->start >= d->n_keypoints || st->end >= d->n_keypoints)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "alignment keypoints %d -> %d, but the detection has %d keypoints",
                       st->start, st->end, d->n_keypoints);
          return FALSE;
        }
      /* in pixels, so that the rect is square on the image */
      float xc = d->keypoints[st->start].x * width, yc = d->keypoints[st->start].y * height;
      float xs = d->keypoints[st->end].x * width, ys = d->keypoints[st->end].y * height;
      float side = 2.0f * sqrtf ((xs - xc) * (xs - xc) + (ys - yc) * (ys - yc));
      r->x_center = xc / width;
      r->y_center = yc / height;
      r->width = side / width;
      r->height = side / height;
    }
  else if (st->mode == MODE_USE_KEYPOINTS)
    {
      if (d->n_keypoints < 2)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "2 or more keypoints are needed to make a rect (the detection has %d)",
                       d->n_keypoints);
          return FALSE;
        }
      float xmin = G_MAXFLOAT, ymin = G_MAXFLOAT, xmax = -G_MAXFLOAT, ymax = -G_MAXFLOAT;
      for (int k = 0; k < d->n_keypoints; k++)
        {
          xmin = MIN (xmin, d->keypoints[k].x);
          ymin = MIN (ymin, d->keypoints[k].y);
          xmax = MAX (xmax, d->keypoints[k].x);
          ymax = MAX (ymax, d->keypoints[k].y);
        }
      r->x_center = (xmin + xmax) / 2;
      r->y_center = (ymin + ymax) / 2;
      r->width = xmax - xmin;
      r->height = ymax - ymin;
    }
  else
    {
      r->x_center = d->xmin + d->width / 2;
      r->y_center = d->ymin + d->height / 2;
      r->width = d->width;
      r->height = d->height;
    }
  return TRUE;
}

static gboolean
rotation_of (const D2RState *st, const FvDetection *d, int width, int height, float *rotation,
             GError **error)
{
  if (st->start >= d->n_keypoints || st->end >= d->n_keypoints)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "rotation vector keypoints %d -> %d, but the detection has %d keypoints",
                   st->start, st->end, d->n_keypoints);
      return FALSE;
    }
  float x0 = d->keypoints[st->start].x * width, y0 = d->keypoints[st->start].y * height;
  float x1 = d->keypoints[st->end].x * width, y1 = d->keypoints[st->end].y * height;
  *rotation = fv_normalize_radians (st->target - atan2f (-(y1 - y0), x1 - x0));
  return TRUE;
}

static FvProcessStatus
d2r_process (FvCalculatorContext *ctx, GError **error)
{
  const D2RState *st = fv_context_state (ctx);
  gboolean single = fv_context_port (ctx, FV_PORT_INPUT, "DETECTION", 0) >= 0;
  int in = fv_context_port (ctx, FV_PORT_INPUT, single ? "DETECTION" : "DETECTIONS", 0);
  const FvDetections *dets = fv_packet_get_detections (fv_context_input (ctx, (guint) in));
  if (dets == NULL)
    return FV_PROCESS_OK;

  int width = 0, height = 0;
  int size_port = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE_SIZE", 0);
  int size_side = fv_context_port (ctx, FV_PORT_SIDE_INPUT, "IMAGE_SIZE", 0);
  FvPacket *size_packet = size_port >= 0 ? fv_context_input (ctx, (guint) size_port)
                          : size_side >= 0 ? fv_context_side_input (ctx, (guint) size_side)
                                           : NULL;
  if (st->rotate && size_packet == NULL)
    return FV_PROCESS_OK;
  if (size_packet != NULL && !fv_packet_read_image_size (size_packet, &width, &height, error))
    return FV_PROCESS_ERROR;

  gboolean list_out = fv_context_port (ctx, FV_PORT_OUTPUT, "NORM_RECTS", 0) >= 0;
  if (dets->n == 0)
    {
      /* A DETECTION input with nothing in it is "no detection", as an empty packet. */
      if (!st->zero_rect_for_empty || single)
        return FV_PROCESS_OK;
      FvNormRect zero = { 0 };
      fv_context_output (ctx, 0, list_out ? fv_packet_new_norm_rects (fv_norm_rects_new (1))
                                           : fv_packet_new_norm_rect (&zero));
      return FV_PROCESS_OK;
    }

  int n = list_out ? dets->n : 1;
  g_autoptr (FvNormRects) rects = fv_norm_rects_new (n);
  for (int i = 0; i < n; i++)
    {
      if (!rect_from_detection (st, &dets->items[i], width, height, &rects->items[i], error))
        return FV_PROCESS_ERROR;
      if (st->rotate
          && !rotation_of (st, &dets->items[i], width, height, &rects->items[i].rotation, error))
        return FV_PROCESS_ERROR;
    }
  fv_context_output (ctx, 0, list_out ? fv_packet_new_norm_rects (g_steal_pointer (&rects))
                                      : fv_packet_new_norm_rect (&rects->items[0]));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass detections_to_rects_calculator = {
  .name = "DetectionsToRectsCalculator",
  .state_size = sizeof (D2RState),
  .contract = d2r_contract,
  .open = d2r_open,
  .process = d2r_process,
};
FV_REGISTER_CALCULATOR (detections_to_rects_calculator)

static gboolean
alignment_contract (FvContract *cc, GError **error)
{
  const FvTpMessage *opts = fv_contract_options (cc);
  if (!fv_opt_has (opts, "rotation_vector_start_keypoint_index")
      || fv_contract_tag_count (cc, FV_PORT_INPUT, "IMAGE_SIZE")
         + fv_contract_tag_count (cc, FV_PORT_SIDE_INPUT, "IMAGE_SIZE") == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs IMAGE_SIZE and the rotation vector options "
                   "(rotation_vector_start_keypoint_index, ..._end_keypoint_index, "
                   "..._target_angle[_degrees]): they name the two alignment points");
      return FALSE;
    }
  return d2r_contract (cc, error);
}

static gboolean
alignment_open (FvCalculatorContext *ctx, GError **error)
{
  D2RState *st = fv_context_state (ctx);
  st->alignment = TRUE;
  return d2r_open (ctx, error);
}

static const FvCalculatorClass alignment_points_rects_calculator = {
  .name = "AlignmentPointsRectsCalculator",
  .state_size = sizeof (D2RState),
  .contract = alignment_contract,
  .open = alignment_open,
  .process = d2r_process,
};
FV_REGISTER_CALCULATOR (alignment_points_rects_calculator)
