/* fovea — LandmarksToDetectionCalculator: a detection whose box is the extent of the
 * landmarks and whose keypoints are the landmarks (MediaPipe's
 * calculators/util/landmarks_to_detection_calculator); face mesh tracking turns it into the
 * next frame's ROI with DetectionsToRectsCalculator.
 *
 * Inputs:  NORM_LANDMARKS ("landmarks")
 * Outputs: DETECTION ("detections" holding one detection; score = the landmarks' score)
 * Options (LandmarksToDetectionCalculatorOptions):
 *   selected_landmark_indices (repeated int): use only these landmarks, in this order, for
 *     both the box and the keypoints (all landmarks when empty);
 *   keypoint_indices (repeated int; a fovea extension): the box still covers the
 *     (selected) landmarks, but only these of them become keypoints, in this order.
 *     FvDetection holds at most FV_DETECTION_MAX_KEYPOINTS keypoints, so a full face mesh
 *     needs it (e.g. keypoint_indices: [33, 263] and DetectionsToRects on keypoints 0 -> 1).
 * More keypoints than FV_DETECTION_MAX_KEYPOINTS, or an index out of range, is an error.
 * A timestamp without landmarks (or with an empty list) produces nothing.
 */
#include <float.h>

#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/landmark.h"

typedef struct {
  GArray *selected;    /* int */
  GArray *keypoints;   /* int */
  int in, out;
} LandmarksToDetectionState;

static gboolean
read_indices (const FvTpMessage *opts, const char *field, GArray **out, GError **error)
{
  guint n = fv_tp_count (opts, field);
  GArray *a = g_array_sized_new (FALSE, FALSE, sizeof (int), n);
  for (guint i = 0; i < n; i++)
    {
      const FvTpField *f = fv_tp_get_nth (opts, field, i);
      if (f->kind != FV_TP_INT || f->i < 0 || f->i > G_MAXINT)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "%s (line %d): expected an index >= 0", field, f->line);
          g_array_unref (a);
          return FALSE;
        }
      int v = (int) f->i;
      g_array_append_val (a, v);
    }
  if (out != NULL)
    *out = a;
  else
    g_array_unref (a);
  return TRUE;
}

static gboolean
l2d_contract (FvContract *cc, GError **error)
{
  const FvTpMessage *opts = fv_contract_options (cc);
  if (!read_indices (opts, "selected_landmark_indices", NULL, error)
      || !read_indices (opts, "keypoint_indices", NULL, error))
    return FALSE;
  if (fv_tp_count (opts, "keypoint_indices") > FV_DETECTION_MAX_KEYPOINTS)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "keypoint_indices: at most %d keypoints", FV_DETECTION_MAX_KEYPOINTS);
      return FALSE;
    }
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "NORM_LANDMARKS",
                                 fv_type_name (fv_type_landmarks ()), FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "DETECTION",
                                    fv_type_name (fv_type_detections ()), FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
l2d_open (FvCalculatorContext *ctx, GError **error)
{
  LandmarksToDetectionState *st = fv_context_state (ctx);
  const FvTpMessage *opts = fv_context_options (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "NORM_LANDMARKS", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "DETECTION", 0);
  return read_indices (opts, "selected_landmark_indices", &st->selected, error)
         && read_indices (opts, "keypoint_indices", &st->keypoints, error);
}

static FvProcessStatus
l2d_process (FvCalculatorContext *ctx, GError **error)
{
  LandmarksToDetectionState *st = fv_context_state (ctx);
  const FvLandmarks *lm = fv_packet_get_landmarks (fv_context_input (ctx, (guint) st->in));
  if (lm == NULL || lm->n == 0)
    return FV_PROCESS_OK;
  /* the landmarks in use: the selection, or all of them */
  guint n = st->selected->len > 0 ? st->selected->len : (guint) lm->n;
  g_autofree const FvLandmark **use = g_new (const FvLandmark *, n);
  for (guint i = 0; i < n; i++)
    {
      int idx = st->selected->len > 0 ? g_array_index (st->selected, int, i) : (int) i;
      if (idx >= lm->n)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                       "selected_landmark_indices: index %d is out of range (%d landmarks)", idx,
                       lm->n);
          return FV_PROCESS_ERROR;
        }
      use[i] = &lm->items[idx];
    }
  guint n_kp = st->keypoints->len > 0 ? st->keypoints->len : n;
  if (n_kp > FV_DETECTION_MAX_KEYPOINTS)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "%u landmarks would become keypoints, but a detection holds at most %d; "
                   "choose them with keypoint_indices", n_kp, FV_DETECTION_MAX_KEYPOINTS);
      return FV_PROCESS_ERROR;
    }
  float xmin = FLT_MAX, ymin = FLT_MAX, xmax = -FLT_MAX, ymax = -FLT_MAX;
  for (guint i = 0; i < n; i++)
    {
      xmin = MIN (xmin, use[i]->x);
      xmax = MAX (xmax, use[i]->x);
      ymin = MIN (ymin, use[i]->y);
      ymax = MAX (ymax, use[i]->y);
    }
  FvDetections *d = fv_detections_new (1);
  FvDetection *det = &d->items[0];
  det->score = lm->score;
  det->xmin = xmin;
  det->ymin = ymin;
  det->width = xmax - xmin;
  det->height = ymax - ymin;
  det->n_keypoints = (int) n_kp;
  for (guint k = 0; k < n_kp; k++)
    {
      guint i = k;
      if (st->keypoints->len > 0)
        {
          int idx = g_array_index (st->keypoints, int, k);
          if ((guint) idx >= n)
            {
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                           "keypoint_indices: index %d is out of range (%u landmarks)", idx, n);
              fv_detections_free (d);
              return FV_PROCESS_ERROR;
            }
          i = (guint) idx;
        }
      det->keypoints[k].x = use[i]->x;
      det->keypoints[k].y = use[i]->y;
    }
  fv_context_output (ctx, (guint) st->out, fv_packet_new_detections (d));
  return FV_PROCESS_OK;
}

static void
l2d_destroy (gpointer state)
{
  LandmarksToDetectionState *st = state;
  g_clear_pointer (&st->selected, g_array_unref);
  g_clear_pointer (&st->keypoints, g_array_unref);
}

static const FvCalculatorClass landmarks_to_detection_calculator = {
  .name = "LandmarksToDetectionCalculator",
  .state_size = sizeof (LandmarksToDetectionState),
  .contract = l2d_contract,
  .open = l2d_open,
  .process = l2d_process,
  .destroy_state = l2d_destroy,
};
FV_REGISTER_CALCULATOR (landmarks_to_detection_calculator)
