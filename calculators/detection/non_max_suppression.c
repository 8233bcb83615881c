/* fovea — NonMaxSuppressionCalculator: removes overlapping detections.
 *
 *   input_stream:  one or more "detections" streams (untagged or DETECTIONS; all are
 *                  merged), and optionally IMAGE ("image", unused: fovea boxes are
 *                  always relative)
 *   output_stream: the one output, "detections"
 *   options { [mediapipe.NonMaxSuppressionCalculatorOptions.ext] {
 *     min_suppression_threshold (1.0), overlap_type (JACCARD | MODIFIED_JACCARD |
 *     INTERSECTION_OVER_UNION), algorithm (DEFAULT | WEIGHTED), max_num_detections (-1),
 *     min_score_threshold (-1), return_empty_detections (false), multiclass_nms (false),
 *     num_detection_streams (ignored: every detection input is used) } }
 *
 * Detections are visited by decreasing score; equal scores keep their input order (a
 * stable sort, where MediaPipe's std::sort leaves ties unspecified).
 *  DEFAULT: a detection is kept unless it overlaps a kept one by more than the
 *    threshold; stops at max_num_detections.
 *  WEIGHTED (MediaPipe's blending): take the best remaining detection; every remaining
 *    one (itself included) whose overlap with it exceeds the threshold is a candidate,
 *    the others remain; the output is the best detection (its score, label and keypoint
 *    count) with its box corners and keypoints replaced by the score-weighted mean of
 *    the candidates'. Repeat on what remains; stop as soon as a round removes nothing
 *    (e.g. a threshold >= 1, which not even the box itself exceeds). As in MediaPipe,
 *    max_num_detections does not limit WEIGHTED (except with multiclass_nms).
 * Overlaps follow MediaPipe's OverlapSimilarity(a, b): JACCARD is intersection / area of
 * the box enclosing both, MODIFIED_JACCARD intersection / area of b, IoU intersection /
 * (a + b - intersection); a and b are (kept, current) in DEFAULT, (other, best) in
 * WEIGHTED, as there.
 * Detections scoring under min_score_threshold (when > 0) end the pass. With no
 * detections at all nothing is emitted unless return_empty_detections.
 */
#include <stdlib.h>
#include <string.h>

#include "calculators/detection/geometry.h"
#include "calculators/detection/options.h"
#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/image.h"

enum { OVERLAP_UNSPECIFIED, OVERLAP_JACCARD, OVERLAP_MODIFIED_JACCARD, OVERLAP_IOU };
static const char *const overlap_names[] = { "UNSPECIFIED_OVERLAP_TYPE", "JACCARD",
                                             "MODIFIED_JACCARD", "INTERSECTION_OVER_UNION" };
enum { ALGORITHM_DEFAULT, ALGORITHM_WEIGHTED };
static const char *const algorithm_names[] = { "DEFAULT", "WEIGHTED" };

typedef struct {
  float threshold;
  int overlap, algorithm;
  int max_num;
  float min_score;
  gboolean return_empty, multiclass;
} NmsState;

static gboolean
load_options (const FvTpMessage *opts, NmsState *st, GError **error)
{
  GError *local = NULL;
  st->threshold = (float) fv_tp_get_double (opts, "min_suppression_threshold", 1.0, &local);
  if (local == NULL)
    st->max_num = (int) fv_tp_get_int (opts, "max_num_detections", -1, &local);
  if (local == NULL)
    st->min_score = (float) fv_tp_get_double (opts, "min_score_threshold", -1.0, &local);
  if (local == NULL)
    st->return_empty = fv_tp_get_bool (opts, "return_empty_detections", FALSE, &local);
  if (local == NULL)
    st->multiclass = fv_tp_get_bool (opts, "multiclass_nms", FALSE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!fv_opt_enum (opts, "overlap_type", overlap_names, 4, OVERLAP_JACCARD, &st->overlap,
                    error)
      || !fv_opt_enum (opts, "algorithm", algorithm_names, 2, ALGORITHM_DEFAULT,
                       &st->algorithm, error))
    return FALSE;
  if (st->overlap == OVERLAP_UNSPECIFIED)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "overlap_type must be JACCARD, MODIFIED_JACCARD or "
                   "INTERSECTION_OVER_UNION");
      return FALSE;
    }
  if (st->max_num == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "max_num_detections must be positive, or -1 for no limit");
      return FALSE;
    }
  return TRUE;
}

static FvBox
box_of (const FvDetection *d)
{
  FvBox b = { d->xmin, d->ymin, d->xmin + d->width, d->ymin + d->height };
  return b;
}

static float
overlap (int type, const FvDetection *a, const FvDetection *b)
{
  FvBox ra = box_of (a), rb = box_of (b);
  float inter = fv_box_intersection_area (ra, rb);
  if (inter <= 0.0f)
    return 0.0f;
  float norm;
  switch (type)
    {
    case OVERLAP_JACCARD:
      norm = fv_box_area (fv_box_union (ra, rb));
      break;
    case OVERLAP_MODIFIED_JACCARD:
      norm = fv_box_area (rb);
      break;
    default:
      norm = fv_box_area (ra) + fv_box_area (rb) - inter;
      break;
    }
  return norm > 0.0f ? inter / norm : 0.0f;
}

/* Indices into dets, by decreasing score, ties in input order. */
typedef struct {
  int index;
  float score;
} Ranked;

static int
by_score (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->index - y->index;
}

static Ranked *
rank (const FvDetection *dets, int n)
{
  Ranked *r = g_new (Ranked, MAX (n, 1));
  for (int i = 0; i < n; i++)
    r[i] = (Ranked) { i, dets[i].score };
  qsort (r, (size_t) n, sizeof *r, by_score);
  return r;
}

static void
suppress_default (const NmsState *st, const FvDetection *dets, int n, GArray *out)
{
  Ranked *order = rank (dets, n);
  int limit = st->max_num > -1 ? st->max_num : n;
  guint first = out->len;
  for (int i = 0; i < n; i++)
    {
      const FvDetection *d = &dets[order[i].index];
      if (st->min_score > 0 && d->score < st->min_score)
        break;
      gboolean suppressed = FALSE;
      for (guint k = first; k < out->len && !suppressed; k++)
        suppressed = overlap (st->overlap, &g_array_index (out, FvDetection, k), d)
                     > st->threshold;
      if (!suppressed)
        g_array_append_val (out, *d);
      if ((int) (out->len - first) >= limit)
        break;
    }
  g_free (order);
}

static void
suppress_weighted (const NmsState *st, const FvDetection *dets, int n, GArray *out)
{
  Ranked *remained = rank (dets, n);
  Ranked *rest = g_new (Ranked, MAX (n, 1));
  Ranked *candidates = g_new (Ranked, MAX (n, 1));
  int n_remained = n;
  while (n_remained > 0)
    {
      const FvDetection *best = &dets[remained[0].index];
      if (st->min_score > 0 && best->score < st->min_score)
        break;
      int n_rest = 0, n_cand = 0;
      for (int i = 0; i < n_remained; i++)
        {
          if (overlap (st->overlap, &dets[remained[i].index], best) > st->threshold)
            candidates[n_cand++] = remained[i];
          else
            rest[n_rest++] = remained[i];
        }
      FvDetection blended = *best;
      if (n_cand > 0)
        {
          float total = 0, xmin = 0, ymin = 0, xmax = 0, ymax = 0;
          float kx[FV_DETECTION_MAX_KEYPOINTS] = { 0 }, ky[FV_DETECTION_MAX_KEYPOINTS] = { 0 };
          for (int c = 0; c < n_cand; c++)
            {
              const FvDetection *d = &dets[candidates[c].index];
              float w = candidates[c].score;
              total += w;
              xmin += d->xmin * w;
              ymin += d->ymin * w;
              xmax += (d->xmin + d->width) * w;
              ymax += (d->ymin + d->height) * w;
              /* A candidate lacking a keypoint the best one has adds nothing to it. */
              for (int k = 0; k < best->n_keypoints && k < d->n_keypoints; k++)
                {
                  kx[k] += d->keypoints[k].x * w;
                  ky[k] += d->keypoints[k].y * w;
                }
            }
          blended.xmin = xmin / total;
          blended.ymin = ymin / total;
          blended.width = xmax / total - blended.xmin;
          blended.height = ymax / total - blended.ymin;
          for (int k = 0; k < best->n_keypoints; k++)
            {
              blended.keypoints[k].x = kx[k] / total;
              blended.keypoints[k].y = ky[k] / total;
            }
        }
      g_array_append_val (out, blended);
      if (n_rest == n_remained)
        break;
      memcpy (remained, rest, (size_t) n_rest * sizeof *rest);
      n_remained = n_rest;
    }
  g_free (remained);
  g_free (rest);
  g_free (candidates);
}

static void
suppress (const NmsState *st, const FvDetection *dets, int n, GArray *out)
{
  if (st->algorithm == ALGORITHM_WEIGHTED)
    suppress_weighted (st, dets, n, out);
  else
    suppress_default (st, dets, n, out);
}

static gboolean
is_detection_port (FvCalculatorContext *ctx, guint i)
{
  return strcmp (fv_context_port_tag (ctx, FV_PORT_INPUT, i), "IMAGE") != 0;
}

static gboolean
nms_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  NmsState probe;
  if (!load_options (fv_contract_options (cc), &probe, error))
    return FALSE;
  guint n_dets = 0;
  for (guint i = 0; i < fv_contract_num_ports (cc, FV_PORT_INPUT); i++)
    {
      gboolean image = strcmp (fv_contract_port_tag (cc, FV_PORT_INPUT, i), "IMAGE") == 0;
      n_dets += !image;
      if (!fv_contract_set_type (cc, FV_PORT_INPUT, i,
                                 image ? FV_TYPE_NAME_IMAGE : FV_TYPE_NAME_DETECTIONS, error))
        return FALSE;
    }
  if (n_dets == 0 || fv_contract_num_ports (cc, FV_PORT_OUTPUT) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs at least one detections input and exactly one output");
      return FALSE;
    }
  fv_contract_set_timestamp_offset (cc, 0);
  return fv_contract_set_type (cc, FV_PORT_OUTPUT, 0, FV_TYPE_NAME_DETECTIONS, error);
}

static gboolean
nms_open (FvCalculatorContext *ctx, GError **error)
{
  return load_options (fv_context_options (ctx), fv_context_state (ctx), error);
}

static FvProcessStatus
nms_process (FvCalculatorContext *ctx, GError **error)
{
  const NmsState *st = fv_context_state (ctx);
  GArray *input = g_array_new (FALSE, FALSE, sizeof (FvDetection));
  for (guint i = 0; i < fv_context_num_ports (ctx, FV_PORT_INPUT); i++)
    {
      const FvDetections *d = is_detection_port (ctx, i)
                                  ? fv_packet_get_detections (fv_context_input (ctx, i))
                                  : NULL;
      if (d != NULL && d->n > 0)
        g_array_append_vals (input, d->items, (guint) d->n);
    }
  if (input->len == 0)
    {
      g_array_free (input, TRUE);
      if (st->return_empty)
        fv_context_output (ctx, 0, fv_packet_new_detections (fv_detections_new (0)));
      return FV_PROCESS_OK;
    }

  const FvDetection *all = (const FvDetection *) input->data;
  int n = (int) input->len;
  GArray *kept = g_array_new (FALSE, FALSE, sizeof (FvDetection));
  if (!st->multiclass)
    suppress (st, all, n, kept);
  else
    {
      /* Per label, in order of first appearance; then best first, capped. */
      GArray *labels = g_array_new (FALSE, FALSE, sizeof (int));
      for (int i = 0; i < n; i++)
        {
          gboolean seen = FALSE;
          for (guint l = 0; l < labels->len && !seen; l++)
            seen = g_array_index (labels, int, l) == all[i].label_id;
          if (!seen)
            g_array_append_val (labels, all[i].label_id);
        }
      GArray *merged = g_array_new (FALSE, FALSE, sizeof (FvDetection));
      GArray *same = g_array_new (FALSE, FALSE, sizeof (FvDetection));
      for (guint l = 0; l < labels->len; l++)
        {
          g_array_set_size (same, 0);
          for (int i = 0; i < n; i++)
            if (all[i].label_id == g_array_index (labels, int, l))
              g_array_append_val (same, all[i]);
          suppress (st, (const FvDetection *) same->data, (int) same->len, merged);
        }
      Ranked *order = rank ((const FvDetection *) merged->data, (int) merged->len);
      int limit = (int) merged->len;
      if (st->max_num > -1)
        limit = MIN (limit, st->max_num);
      for (int i = 0; i < limit; i++)
        g_array_append_val (kept, g_array_index (merged, FvDetection, order[i].index));
      g_free (order);
      g_array_free (merged, TRUE);
      g_array_free (same, TRUE);
      g_array_free (labels, TRUE);
    }
  g_array_free (input, TRUE);

  FvDetections *result = fv_detections_new ((int) kept->len);
  if (kept->len > 0)
    memcpy (result->items, kept->data, kept->len * sizeof (FvDetection));
  g_array_free (kept, TRUE);
  fv_context_output (ctx, 0, fv_packet_new_detections (result));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass non_max_suppression_calculator = {
  .name = "NonMaxSuppressionCalculator",
  .state_size = sizeof (NmsState),
  .contract = nms_contract,
  .open = nms_open,
  .process = nms_process,
};
FV_REGISTER_CALCULATOR (non_max_suppression_calculator)
