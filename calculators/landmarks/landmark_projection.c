/* fovea — LandmarkProjectionCalculator: maps landmarks from the ROI they were found in
 * (relative to the model's input crop) back to relative image coordinates (MediaPipe's
 * calculators/util/landmark_projection_calculator).
 *
 * Inputs:  NORM_LANDMARKS (one or more, "landmarks", by index)
 *          NORM_RECT ("norm_rect"): the ROI; alone, the landmark is rotated about the ROI
 *            centre in relative units (exact for ROIs square in pixels, the usual case),
 *            x' = cos r (x - .5) - sin r (y - .5), y' = sin r (x - .5) + cos r (y - .5),
 *            then scaled by the ROI size and moved to its centre; z' = z * width.
 *          IMAGE_DIMENSIONS ("image_size", optional, with NORM_RECT): the rotation is done
 *            in pixels, exact for any ROI shape.
 *          PROJECTION_MATRIX (optional, instead of NORM_RECT): a row-major 4x4 matrix
 *            (16 floats, as a "tensors" or "packet_vector" packet) applied to (x, y, z, 1).
 *          With a matrix, z' = z * (length of the projected unit x vector).
 * Outputs: NORM_LANDMARKS (as many as inputs): visibility and presence are kept.
 * Options (LandmarkProjectionCalculatorOptions): ignore_rotation (false).
 * A timestamp without landmarks, rect or matrix produces nothing for it.
 */
#include <math.h>

#include "calculators/detection/image_size.h"
#include "graph/tensor_list.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/landmark.h"

typedef struct {
  gboolean ignore_rotation;
  int rect, dims, matrix;
  int n_landmarks;   /* NORM_LANDMARKS inputs (= outputs), paired by index */
} ProjectionState;

static gboolean
projection_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  guint n_in = fv_contract_tag_count (cc, FV_PORT_INPUT, "NORM_LANDMARKS");
  guint n_out = fv_contract_tag_count (cc, FV_PORT_OUTPUT, "NORM_LANDMARKS");
  if (n_in == 0 || n_in != n_out)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs as many NORM_LANDMARKS outputs as inputs (at least one), not %u and %u",
                   n_in, n_out);
      return FALSE;
    }
  gboolean has_rect = fv_contract_tag_count (cc, FV_PORT_INPUT, "NORM_RECT") > 0;
  gboolean has_matrix = fv_contract_tag_count (cc, FV_PORT_INPUT, "PROJECTION_MATRIX") > 0;
  if (has_rect == has_matrix)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs either NORM_RECT or PROJECTION_MATRIX (exactly one)");
      return FALSE;
    }
  if (fv_contract_tag_count (cc, FV_PORT_INPUT, "IMAGE_DIMENSIONS") > 0 && !has_rect)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "IMAGE_DIMENSIONS goes with NORM_RECT");
      return FALSE;
    }
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "NORM_LANDMARKS", landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "NORM_LANDMARKS", landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "NORM_RECT",
                                    fv_type_name (fv_type_norm_rect ()), TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE_DIMENSIONS",
                                    fv_type_name (fv_type_image_size ()), TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "PROJECTION_MATRIX", "any", TRUE, error))
    return FALSE;
  GError *local = NULL;
  fv_tp_get_bool (fv_contract_options (cc), "ignore_rotation", FALSE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
projection_open (FvCalculatorContext *ctx, GError **error)
{
  ProjectionState *st = fv_context_state (ctx);
  st->ignore_rotation = fv_tp_get_bool (fv_context_options (ctx), "ignore_rotation", FALSE, NULL);
  st->rect = fv_context_port (ctx, FV_PORT_INPUT, "NORM_RECT", 0);
  st->dims = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE_DIMENSIONS", 0);
  st->matrix = fv_context_port (ctx, FV_PORT_INPUT, "PROJECTION_MATRIX", 0);
  st->n_landmarks = 0;
  for (guint i = 0; i < fv_context_num_ports (ctx, FV_PORT_INPUT); i++)
    if (g_strcmp0 (fv_context_port_tag (ctx, FV_PORT_INPUT, i), "NORM_LANDMARKS") == 0)
      st->n_landmarks++;
  return TRUE;
}

/* The ROI-to-image matrix of MediaPipe's GetRotatedSubRectToRectTransformMatrix (no flip):
 * a point p of the unit square goes to ((p - 0.5) * (w, h) rotated by r, + centre) / (W, H),
 * all in pixels; z is scaled like x. */
static void
roi_matrix (double cx, double cy, double w, double h, double r, double img_w, double img_h,
            float m[16])
{
  double c = cos (r), s = sin (r);
  for (int i = 0; i < 16; i++)
    m[i] = 0;
  m[0] = (float) (w * c / img_w);
  m[1] = (float) (-h * s / img_w);
  m[3] = (float) ((-0.5 * w * c + 0.5 * h * s + cx) / img_w);
  m[4] = (float) (w * s / img_h);
  m[5] = (float) (h * c / img_h);
  m[7] = (float) ((-0.5 * h * c - 0.5 * w * s + cy) / img_h);
  m[10] = (float) (w / img_w);
  m[15] = 1;
}

static FvProcessStatus
projection_process (FvCalculatorContext *ctx, GError **error)
{
  ProjectionState *st = fv_context_state (ctx);
  const FvNormRect *rect = NULL;
  const FvImageSize *size = NULL;
  gboolean use_matrix = TRUE;
  float m[16];
  if (st->rect >= 0)
    {
      rect = fv_packet_get_norm_rect (fv_context_input (ctx, (guint) st->rect));
      if (rect == NULL)
        return FV_PROCESS_OK;
      if (st->dims >= 0)
        {
          size = fv_packet_get_image_size (fv_context_input (ctx, (guint) st->dims));
          if (size == NULL)
            return FV_PROCESS_OK;
          double rot = st->ignore_rotation ? 0 : rect->rotation;
          roi_matrix ((double) rect->x_center * size->width, (double) rect->y_center * size->height,
                      (double) rect->width * size->width, (double) rect->height * size->height,
                      rot, size->width, size->height, m);
        }
      else
        use_matrix = FALSE;
    }
  else
    {
      FvPacket *p = fv_context_input (ctx, (guint) st->matrix);
      if (p == NULL)
        return FV_PROCESS_OK;
      if (!fv_packet_read_floats (p, m, 16, "PROJECTION_MATRIX", error))
        return FV_PROCESS_ERROR;
    }
  float z_scale = hypotf (m[0], m[4]);

  for (int k = 0; k < st->n_landmarks; k++)
    {
      int in_port = fv_context_port (ctx, FV_PORT_INPUT, "NORM_LANDMARKS", k);
      int out_port = fv_context_port (ctx, FV_PORT_OUTPUT, "NORM_LANDMARKS", k);
      if (in_port < 0 || out_port < 0)
        continue;
      const FvLandmarks *in = fv_packet_get_landmarks (fv_context_input (ctx, (guint) in_port));
      if (in == NULL)
        continue;
      FvLandmarks *res = fv_landmarks_new (in->n);
      res->score = in->score;
      for (int i = 0; i < in->n; i++)
        {
          const FvLandmark *l = &in->items[i];
          FvLandmark *o = &res->items[i];
          *o = *l;
          if (use_matrix)
            {
              o->x = l->x * m[0] + l->y * m[1] + l->z * m[2] + m[3];
              o->y = l->x * m[4] + l->y * m[5] + l->z * m[6] + m[7];
              o->z = l->z * z_scale;
              continue;
            }
          float angle = st->ignore_rotation ? 0.0f : rect->rotation;
          float x = l->x - 0.5f, y = l->y - 0.5f;
          float rx = cosf (angle) * x - sinf (angle) * y;
          float ry = sinf (angle) * x + cosf (angle) * y;
          o->x = rx * rect->width + rect->x_center;
          o->y = ry * rect->height + rect->y_center;
          o->z = l->z * rect->width;   /* z is in the scale of x */
        }
      fv_context_output (ctx, (guint) out_port, fv_packet_new_landmarks (res));
    }
  return FV_PROCESS_OK;
}

static const FvCalculatorClass landmark_projection_calculator = {
  .name = "LandmarkProjectionCalculator",
  .state_size = sizeof (ProjectionState),
  .contract = projection_contract,
  .open = projection_open,
  .process = projection_process,
};
FV_REGISTER_CALCULATOR (landmark_projection_calculator)
