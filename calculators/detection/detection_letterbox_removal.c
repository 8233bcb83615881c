/* fovea — DetectionLetterboxRemovalCalculator: maps detections found on a letterboxed
 * tensor back to the image without the padding.
 *
 *   input_stream:  DETECTIONS         "detections", relative to the letterboxed image
 *   input_stream:  LETTERBOX_PADDING  "tensors": one [4] tensor, left, top, right,
 *                                     bottom as fractions of the letterboxed image
 *                                     (ImageToTensor's LETTERBOX_PADDING)
 *   output_stream: DETECTIONS         "detections", relative to the unpadded image
 *
 * x' = (x - left) / (1 - left - right), y' = (y - top) / (1 - top - bottom) for the box
 * origin and every keypoint; sizes are divided by the same factors. Nothing is emitted
 * at a timestamp without detections; detections without padding are an error.
 */
#include <string.h>

#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/tensor_list.h"

static gboolean
letterbox_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "DETECTIONS", FV_TYPE_NAME_DETECTIONS,
                                 FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "LETTERBOX_PADDING",
                                    FV_TYPE_NAME_TENSORS, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "DETECTIONS",
                                    FV_TYPE_NAME_DETECTIONS, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
letterbox_process (FvCalculatorContext *ctx, GError **error)
{
  int in = fv_context_port (ctx, FV_PORT_INPUT, "DETECTIONS", 0);
  int pad_port = fv_context_port (ctx, FV_PORT_INPUT, "LETTERBOX_PADDING", 0);
  const FvDetections *src = fv_packet_get_detections (fv_context_input (ctx, (guint) in));
  if (src == NULL)
    return FV_PROCESS_OK;
  float pad[4];
  if (!fv_packet_read_floats (fv_context_input (ctx, (guint) pad_port), pad, 4,
                              "LETTERBOX_PADDING", error))
    return FV_PROCESS_ERROR;
  float left = pad[0], top = pad[1];
  float sx = 1.0f - (pad[0] + pad[2]), sy = 1.0f - (pad[1] + pad[3]);
  if (!(sx > 0.0f) || !(sy > 0.0f))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "LETTERBOX_PADDING (%g, %g, %g, %g) leaves no image", pad[0], pad[1],
                   pad[2], pad[3]);
      return FV_PROCESS_ERROR;
    }
  FvDetections *dst = fv_detections_new (src->n);
  if (src->n > 0)
    memcpy (dst->items, src->items, (size_t) src->n * sizeof (FvDetection));
  for (int i = 0; i < dst->n; i++)
    {
      FvDetection *d = &dst->items[i];
      d->xmin = (d->xmin - left) / sx;
      d->ymin = (d->ymin - top) / sy;
      d->width /= sx;
      d->height /= sy;
      for (int k = 0; k < d->n_keypoints; k++)
        {
          d->keypoints[k].x = (d->keypoints[k].x - left) / sx;
          d->keypoints[k].y = (d->keypoints[k].y - top) / sy;
        }
    }
  int out = fv_context_port (ctx, FV_PORT_OUTPUT, "DETECTIONS", 0);
  fv_context_output (ctx, (guint) out, fv_packet_new_detections (dst));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass detection_letterbox_removal_calculator = {
  .name = "DetectionLetterboxRemovalCalculator",
  .contract = letterbox_contract,
  .process = letterbox_process,
};
FV_REGISTER_CALCULATOR (detection_letterbox_removal_calculator)
