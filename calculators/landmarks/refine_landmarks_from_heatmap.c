/* fovea — RefineLandmarksFromHeatmapCalculator: moves each landmark to the confidence-weighted
 * centre of its heatmap around it (MediaPipe's calculators/util/
 * refine_landmarks_from_heatmap_calculator); the pose landmark model regresses coarse
 * points and gives a 64x64 heatmap per point that is sharper.
 *
 * Inputs:  NORM_LANDMARKS ("landmarks", relative to the model input)
 *          TENSORS ("tensors"): the first tensor is the heatmap, [1,] H x W x C with
 *            C = the number of landmarks, raw logits (a sigmoid is applied here)
 * Outputs: NORM_LANDMARKS ("landmarks")
 * Options (RefineLandmarksFromHeatmapCalculatorOptions): kernel_size (9; odd, >= 1),
 *   min_confidence_to_refine (0.5), refine_presence (false), refine_visibility (false).
 * Per landmark: the cell (col, row) = (int) (x W, y H) (truncated, as MediaPipe); within
 * the kernel around it, clipped to the heatmap, c = sigmoid (logit) gives x = sum (col c) /
 * sum c / W and y alike, kept only if max c >= min_confidence_to_refine. refine_presence /
 * refine_visibility lower the value to max c. A landmark whose cell is outside keeps its
 * place; as in MediaPipe the row is compared with the height only through the column test
 * (an exact copy of its bounds check), which only matters for non-square heatmaps.
 * A timestamp without landmarks or heatmap emits nothing.
 */
#include <math.h>

#include "graph/calculator.h"
#include "graph/landmark.h"
#include "graph/tensor_list.h"

typedef struct {
  int kernel_size;
  float min_confidence;
  gboolean refine_presence, refine_visibility;
  int in_landmarks, in_tensors;
} RefineState;

static gboolean
load_options (const FvTpMessage *opts, RefineState *st, GError **error)
{
  GError *local = NULL;
  gint64 k = fv_tp_get_int (opts, "kernel_size", 9, &local);
  if (local == NULL)
    st->min_confidence = (float) fv_tp_get_double (opts, "min_confidence_to_refine", 0.5, &local);
  if (local == NULL)
    st->refine_presence = fv_tp_get_bool (opts, "refine_presence", FALSE, &local);
  if (local == NULL)
    st->refine_visibility = fv_tp_get_bool (opts, "refine_visibility", FALSE, &local);
  if (local == NULL && (k < 1 || k > 1001 || k % 2 == 0))
    g_set_error (&local, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "kernel_size must be odd and in 1..1001, not %" G_GINT64_FORMAT, k);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  st->kernel_size = (int) k;
  return TRUE;
}

static gboolean
refine_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  RefineState probe = { 0 };
  if (!load_options (fv_contract_options (cc), &probe, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "NORM_LANDMARKS", landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "TENSORS",
                                    fv_type_name (fv_type_tensors ()), FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "NORM_LANDMARKS", landmarks, FALSE,
                                    error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
refine_open (FvCalculatorContext *ctx, GError **error)
{
  RefineState *st = fv_context_state (ctx);
  st->in_landmarks = fv_context_port (ctx, FV_PORT_INPUT, "NORM_LANDMARKS", 0);
  st->in_tensors = fv_context_port (ctx, FV_PORT_INPUT, "TENSORS", 0);
  return load_options (fv_context_options (ctx), st, error);
}

static FvProcessStatus
refine_process (FvCalculatorContext *ctx, GError **error)
{
  RefineState *st = fv_context_state (ctx);
  const FvLandmarks *in = fv_packet_get_landmarks (fv_context_input (ctx, (guint) st->in_landmarks));
  const FvTensorList *list = fv_packet_get_tensors (fv_context_input (ctx, (guint) st->in_tensors));
  if (in == NULL || list == NULL)
    return FV_PROCESS_OK;
  const FvTensorBuffer *hm = list->n > 0 ? &list->tensors[0] : NULL;
  /* [1, H, W, C] or [H, W, C] */
  if (hm == NULL || hm->rank < 3 || hm->rank > 4 || (hm->rank == 4 && hm->shape[0] != 1))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the heatmap should be a [1, H, W, C] or [H, W, C] tensor");
      return FV_PROCESS_ERROR;
    }
  int h = hm->shape[hm->rank - 3], w = hm->shape[hm->rank - 2], c = hm->shape[hm->rank - 1];
  if (c != in->n)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the heatmap has %d channels but there are %d landmarks", c, in->n);
      return FV_PROCESS_ERROR;
    }
  FvLandmarks *out = fv_landmarks_new (in->n);
  out->score = in->score;
  int offset = (st->kernel_size - 1) / 2;
  for (int i = 0; i < in->n; i++)
    {
      FvLandmark *o = &out->items[i];
      *o = in->items[i];
      if (!isfinite (o->x) || !isfinite (o->y) || fabsf (o->x) > 1e6f || fabsf (o->y) > 1e6f)
        continue;
      int col = (int) (o->x * (float) w), row = (int) (o->y * (float) h);
      if (col < 0 || col >= w || row < 0 || col >= h)
        continue;
      int c0 = MAX (0, col - offset), c1 = MIN (w, col + offset + 1);
      int r0 = MAX (0, row - offset), r1 = MIN (h, row + offset + 1);
      float sum = 0, wcol = 0, wrow = 0, max_conf = 0;
      for (int r = r0; r < r1; r++)
        for (int k = c0; k < c1; k++)
          {
            float v = hm->data[((gsize) r * (gsize) w + (gsize) k) * (gsize) c + (gsize) i];
            float conf = 1.0f / (1.0f + expf (-v));
            sum += conf;
            max_conf = MAX (max_conf, conf);
            wcol += (float) k * conf;
            wrow += (float) r * conf;
          }
      if (max_conf >= st->min_confidence && sum > 0)
        {
          o->x = wcol / (float) w / sum;
          o->y = wrow / (float) h / sum;
        }
      if (st->refine_presence && sum > 0)
        o->presence = MIN (o->presence, max_conf);
      if (st->refine_visibility && sum > 0)
        o->visibility = MIN (o->visibility, max_conf);
    }
  fv_context_output (ctx, 0, fv_packet_new_landmarks (out));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass refine_landmarks_from_heatmap_calculator = {
  .name = "RefineLandmarksFromHeatmapCalculator",
  .state_size = sizeof (RefineState),
  .contract = refine_contract,
  .open = refine_open,
  .process = refine_process,
};
FV_REGISTER_CALCULATOR (refine_landmarks_from_heatmap_calculator)
