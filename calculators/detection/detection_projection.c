/* fovea — DetectionProjectionCalculator: maps detections from one coordinate system to
 * another with a 4x4 matrix, e.g. from the detector's input tensor to the image with
 * ImageToTensor's MATRIX.
 *
 *   input_stream:  DETECTIONS         "detections" (one or more, paired with the outputs)
 *   input_stream:  PROJECTION_MATRIX  "tensors": one [16] tensor, the 4x4 matrix
 *                                     row-major (ImageToTensor's MATRIX,
 *                                     fv_packet_new_matrix in calculators/image)
 *   output_stream: DETECTIONS         "detections", as many as the inputs
 *
 * A point (x, y) becomes (m0 x + m1 y + m3, m4 x + m5 y + m7). Every keypoint is
 * projected; the box becomes the axis-aligned box around its 4 projected corners (a
 * rotated ROI gives a larger box). With no matrix at a timestamp nothing is emitted.
 */
#include <string.h>

#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/tensor_list.h"

static void
project (const float *m, float x, float y, float *px, float *py)
{
  *px = x * m[0] + y * m[1] + m[3];
  *py = x * m[4] + y * m[5] + m[7];
}

static void
project_detection (const float *m, FvDetection *d)
{
  for (int k = 0; k < d->n_keypoints; k++)
    project (m, d->keypoints[k].x, d->keypoints[k].y, &d->keypoints[k].x, &d->keypoints[k].y);
  float cx[4] = { d->xmin, d->xmin + d->width, d->xmin + d->width, d->xmin };
  float cy[4] = { d->ymin, d->ymin, d->ymin + d->height, d->ymin + d->height };
  float xmin = G_MAXFLOAT, ymin = G_MAXFLOAT, xmax = -G_MAXFLOAT, ymax = -G_MAXFLOAT;
  for (int i = 0; i < 4; i++)
    {
      float px, py;
      project (m, cx[i], cy[i], &px, &py);
      xmin = MIN (xmin, px);
      ymin = MIN (ymin, py);
      xmax = MAX (xmax, px);
      ymax = MAX (ymax, py);
    }
  d->xmin = xmin;
  d->ymin = ymin;
  d->width = xmax - xmin;
  d->height = ymax - ymin;
}

static gboolean
projection_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  guint n_in = fv_contract_tag_count (cc, FV_PORT_INPUT, "DETECTIONS");
  guint n_out = fv_contract_tag_count (cc, FV_PORT_OUTPUT, "DETECTIONS");
  if (n_in == 0 || n_in != n_out
      || fv_contract_tag_count (cc, FV_PORT_INPUT, "PROJECTION_MATRIX") != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs PROJECTION_MATRIX and as many DETECTIONS outputs as inputs "
                   "(%u in, %u out)", n_in, n_out);
      return FALSE;
    }
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "DETECTIONS", FV_TYPE_NAME_DETECTIONS,
                                 FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "PROJECTION_MATRIX",
                                    FV_TYPE_NAME_TENSORS, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "DETECTIONS",
                                    FV_TYPE_NAME_DETECTIONS, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
projection_process (FvCalculatorContext *ctx, GError **error)
{
  int mport = fv_context_port (ctx, FV_PORT_INPUT, "PROJECTION_MATRIX", 0);
  FvPacket *mp = fv_context_input (ctx, (guint) mport);
  if (mp == NULL)
    return FV_PROCESS_OK;
  float m[16];
  if (!fv_packet_read_floats (mp, m, 16, "PROJECTION_MATRIX", error))
    return FV_PROCESS_ERROR;
  for (int i = 0;; i++)
    {
      int in = fv_context_port (ctx, FV_PORT_INPUT, "DETECTIONS", i);
      int out = fv_context_port (ctx, FV_PORT_OUTPUT, "DETECTIONS", i);
      if (in < 0 || out < 0)
        break;
      const FvDetections *src = fv_packet_get_detections (fv_context_input (ctx, (guint) in));
      if (src == NULL)
        continue;
      FvDetections *dst = fv_detections_new (src->n);
      if (src->n > 0)
        memcpy (dst->items, src->items, (size_t) src->n * sizeof (FvDetection));
      for (int k = 0; k < dst->n; k++)
        project_detection (m, &dst->items[k]);
      fv_context_output (ctx, (guint) out, fv_packet_new_detections (dst));
    }
  return FV_PROCESS_OK;
}

static const FvCalculatorClass detection_projection_calculator = {
  .name = "DetectionProjectionCalculator",
  .contract = projection_contract,
  .process = projection_process,
};
FV_REGISTER_CALCULATOR (detection_projection_calculator)
