/* fovea — TensorsToDetectionsCalculator: decodes an SSD-style detector's raw outputs
 * into scored boxes with keypoints.
 *
 *   input_stream:       TENSORS     "tensors": [1,N,num_coords] regressions, [1,N,classes]
 *                                   scores (rank 4 [1,1,N,C] accepted), and optionally a
 *                                   third [N,4] tensor of anchors (y, x, h, w)
 *   input_side_packet:  ANCHORS     "anchors" (optional when the model outputs anchors)
 *   output_stream:      DETECTIONS  "detections", relative to the model input (0..1)
 *   options { [mediapipe.TensorsToDetectionsCalculatorOptions.ext] {
 *     num_classes, num_boxes, num_coords (required), box_coord_offset (0),
 *     keypoint_coord_offset, num_keypoints (0), num_values_per_keypoint (2),
 *     reverse_output_order (false) or box_format (YXHW, XYWH, XYXY),
 *     x_scale, y_scale, w_scale, h_scale, apply_exponential_on_box_size (false),
 *     sigmoid_score (false), score_clipping_thresh, min_score_thresh, max_results (-1),
 *     flip_vertically (false), ignore_classes / allow_classes (repeated) } }
 *
 * Per box i, as MediaPipe: the centre is raw/scale * anchor size + anchor centre, the
 * size raw/scale * anchor size (exp(raw/scale) * anchor size with
 * apply_exponential_on_box_size); keypoints decode like the centre. The score is the
 * best allowed class's, after clipping and a sigmoid when asked. Boxes under
 * min_score_thresh (when set), with a negative or NaN size, or with no allowed class
 * are dropped; max_results keeps the first ones in box order. Models whose outputs
 * carry their own post-processing (4 tensors) are not supported.
 */
#include <math.h>
#include <string.h>

#include "calculators/detection/anchors.h"
#include "calculators/detection/options.h"
#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/tensor_list.h"

enum { FORMAT_UNSPECIFIED, FORMAT_YXHW, FORMAT_XYWH, FORMAT_XYXY };
static const char *const box_format_names[] = { "UNSPECIFIED", "YXHW", "XYWH", "XYXY" };

typedef struct {
  int num_classes, num_boxes, num_coords;
  int box_offset, keypoint_offset, num_keypoints, values_per_keypoint;
  int box_format;
  float x_scale, y_scale, w_scale, h_scale;
  gboolean exp_size, sigmoid, has_clip, has_min_score, flip;
  float clip, min_score;
  int max_results;
  gboolean allowlist;       /* class_set lists the allowed classes, else the ignored */
  GHashTable *class_set;    /* GINT_TO_POINTER (class) set */
  int anchors_port;         /* side input, or -1 */
} T2DState;

static gboolean
load_options (const FvTpMessage *opts, T2DState *st, GError **error)
{
  GError *local = NULL;
  if (!fv_opt_has (opts, "num_classes") || !fv_opt_has (opts, "num_coords")
      || !fv_opt_has (opts, "num_boxes"))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "options num_classes, num_boxes and num_coords are required");
      return FALSE;
    }
#define GET_INT(field, def) (local ? 0 : (int) fv_tp_get_int (opts, field, def, &local))
#define GET_FLOAT(field, def) (local ? 0 : (float) fv_tp_get_double (opts, field, def, &local))
#define GET_BOOL(field) (local ? 0 : fv_tp_get_bool (opts, field, FALSE, &local))
  st->num_classes = GET_INT ("num_classes", 0);
  st->num_boxes = GET_INT ("num_boxes", 0);
  st->num_coords = GET_INT ("num_coords", 0);
  st->box_offset = GET_INT ("box_coord_offset", 0);
  st->keypoint_offset = GET_INT ("keypoint_coord_offset", 0);
  st->num_keypoints = GET_INT ("num_keypoints", 0);
  st->values_per_keypoint = GET_INT ("num_values_per_keypoint", 2);
  st->x_scale = GET_FLOAT ("x_scale", 0.0);
  st->y_scale = GET_FLOAT ("y_scale", 0.0);
  st->w_scale = GET_FLOAT ("w_scale", 0.0);
  st->h_scale = GET_FLOAT ("h_scale", 0.0);
  st->exp_size = GET_BOOL ("apply_exponential_on_box_size");
  gboolean reverse = GET_BOOL ("reverse_output_order");
  st->sigmoid = GET_BOOL ("sigmoid_score");
  st->clip = GET_FLOAT ("score_clipping_thresh", 0.0);
  st->min_score = GET_FLOAT ("min_score_thresh", 0.0);
  st->flip = GET_BOOL ("flip_vertically");
  st->max_results = GET_INT ("max_results", -1);
#undef GET_INT
#undef GET_FLOAT
#undef GET_BOOL
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  st->has_clip = fv_opt_has (opts, "score_clipping_thresh");
  st->has_min_score = fv_opt_has (opts, "min_score_thresh");
  /* box_format, when written, wins over the older reverse_output_order. */
  if (!fv_opt_enum (opts, "box_format", box_format_names, 4, FORMAT_UNSPECIFIED,
                    &st->box_format, error))
    return FALSE;
  if (!fv_opt_has (opts, "box_format"))
    st->box_format = reverse ? FORMAT_XYWH : FORMAT_YXHW;
  if (st->box_format == FORMAT_UNSPECIFIED)
    st->box_format = FORMAT_YXHW;

  if (st->num_classes < 1 || st->num_boxes < 1 || st->num_coords < 4)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "num_classes (%d) and num_boxes (%d) must be positive and num_coords (%d) "
                   "at least 4", st->num_classes, st->num_boxes, st->num_coords);
      return FALSE;
    }
  if (st->max_results == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "max_results must be positive, or negative for no limit");
      return FALSE;
    }
  if (st->num_keypoints < 0 || st->num_keypoints > FV_DETECTION_MAX_KEYPOINTS)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "num_keypoints must be in 0..%d (got %d)", FV_DETECTION_MAX_KEYPOINTS,
                   st->num_keypoints);
      return FALSE;
    }
  if (st->values_per_keypoint < 2)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "num_values_per_keypoint must be at least 2 (got %d)",
                   st->values_per_keypoint);
      return FALSE;
    }
  /* Every value read per box must lie inside its num_coords. */
  if (st->box_offset < 0 || st->box_offset + 4 > st->num_coords
      || (st->num_keypoints > 0
          && (st->keypoint_offset < 0
              || st->keypoint_offset + st->num_keypoints * st->values_per_keypoint
                     > st->num_coords)))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "the box (offset %d) and %d keypoints (offset %d, %d values each) do not "
                   "fit in num_coords %d", st->box_offset, st->num_keypoints,
                   st->keypoint_offset, st->values_per_keypoint, st->num_coords);
      return FALSE;
    }
  if (st->x_scale == 0.0f || st->y_scale == 0.0f || st->w_scale == 0.0f
      || st->h_scale == 0.0f)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "x_scale, y_scale, w_scale and h_scale must be set and non-zero");
      return FALSE;
    }

  GArray *ignore = fv_opt_repeated_int (opts, "ignore_classes", error);
  if (ignore == NULL)
    return FALSE;
  GArray *allow = fv_opt_repeated_int (opts, "allow_classes", error);
  if (allow == NULL)
    {
      g_array_free (ignore, TRUE);
      return FALSE;
    }
  gboolean ok = !(ignore->len > 0 && allow->len > 0);
  if (!ok)
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "ignore_classes and allow_classes are mutually exclusive");
  else
    {
      GArray *list = allow->len > 0 ? allow : ignore;
      st->allowlist = allow->len > 0;
      st->class_set = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < list->len; i++)
        g_hash_table_add (st->class_set, GINT_TO_POINTER ((int) g_array_index (list, gint64, i)));
    }
  g_array_free (ignore, TRUE);
  g_array_free (allow, TRUE);
  return ok;
}

static gboolean
class_allowed (const T2DState *st, int c)
{
  gboolean listed = g_hash_table_contains (st->class_set, GINT_TO_POINTER (c));
  return st->allowlist ? listed : !listed;
}

static gboolean
t2d_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  T2DState probe = { 0 };
  gboolean ok = load_options (fv_contract_options (cc), &probe, error);
  if (probe.class_set)
    g_hash_table_destroy (probe.class_set);
  if (!ok)
    return FALSE;
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "TENSORS", FV_TYPE_NAME_TENSORS, FALSE,
                                 error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "ANCHORS", FV_TYPE_NAME_ANCHORS,
                                    TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "DETECTIONS",
                                    FV_TYPE_NAME_DETECTIONS, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
t2d_open (FvCalculatorContext *ctx, GError **error)
{
  T2DState *st = fv_context_state (ctx);
  if (!load_options (fv_context_options (ctx), st, error))
    return FALSE;
  st->anchors_port = fv_context_port (ctx, FV_PORT_SIDE_INPUT, "ANCHORS", 0);
  return TRUE;
}

/* Checks a [1,N,C] or [1,1,N,C] tensor. */
static gboolean
check_shape (const FvTensorBuffer *t, int n, int c, const char *what, GError **error)
{
  gboolean ok = FALSE;
  if (t->rank == 3)
    ok = t->shape[0] == 1 && t->shape[1] == n && t->shape[2] == c;
  else if (t->rank == 4)
    ok = t->shape[0] == 1 && t->shape[1] == 1 && t->shape[2] == n && t->shape[3] == c;
  if (!ok)
    {
      GString *shape = g_string_new (NULL);
      for (int i = 0; i < t->rank; i++)
        g_string_append_printf (shape, "%s%d", i ? "," : "", t->shape[i]);
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                   "the %s tensor has shape [%s], expected [1,%d,%d]", what, shape->str, n, c);
      g_string_free (shape, TRUE);
    }
  return ok;
}

static float
score_of (const T2DState *st, float raw)
{
  if (!st->sigmoid)
    return raw;
  if (st->has_clip)
    raw = CLAMP (raw, -st->clip, st->clip);
  return 1.0f / (1.0f + expf (-raw));
}

static void
decode_box (const T2DState *st, const float *raw, const FvAnchor *a, FvDetection *d)
{
  const float *b = raw + st->box_offset;
  float xc, yc, w, h;
  switch (st->box_format)
    {
    case FORMAT_XYWH:
      xc = b[0], yc = b[1], w = b[2], h = b[3];
      break;
    case FORMAT_XYXY:
      xc = (-b[0] + b[2]) / 2, yc = (-b[1] + b[3]) / 2;
      w = b[2] + b[0], h = b[3] + b[1];
      break;
    default:
      yc = b[0], xc = b[1], h = b[2], w = b[3];
      break;
    }
  xc = xc / st->x_scale * a->w + a->x_center;
  yc = yc / st->y_scale * a->h + a->y_center;
  if (st->exp_size)
    {
      h = expf (h / st->h_scale) * a->h;
      w = expf (w / st->w_scale) * a->w;
    }
  else
    {
      h = h / st->h_scale * a->h;
      w = w / st->w_scale * a->w;
    }
  float ymin = yc - h / 2.f, xmin = xc - w / 2.f, ymax = yc + h / 2.f, xmax = xc + w / 2.f;
  d->xmin = xmin;
  d->ymin = st->flip ? 1.f - ymax : ymin;
  d->width = xmax - xmin;
  d->height = ymax - ymin;
  d->n_keypoints = st->num_keypoints;
  for (int k = 0; k < st->num_keypoints; k++)
    {
      const float *kp = raw + st->keypoint_offset + k * st->values_per_keypoint;
      float kx = st->box_format == FORMAT_YXHW ? kp[1] : kp[0];
      float ky = st->box_format == FORMAT_YXHW ? kp[0] : kp[1];
      d->keypoints[k].x = kx / st->x_scale * a->w + a->x_center;
      d->keypoints[k].y = ky / st->y_scale * a->h + a->y_center;
      if (st->flip)
        d->keypoints[k].y = 1.f - d->keypoints[k].y;
    }
}

static FvProcessStatus
t2d_process (FvCalculatorContext *ctx, GError **error)
{
  T2DState *st = fv_context_state (ctx);
  int in = fv_context_port (ctx, FV_PORT_INPUT, "TENSORS", 0);
  int out = fv_context_port (ctx, FV_PORT_OUTPUT, "DETECTIONS", 0);
  FvPacket *p = fv_context_input (ctx, (guint) in);
  if (p == NULL)
    return FV_PROCESS_OK;
  const FvTensorList *tensors = fv_packet_get_tensors (p);
  if (tensors == NULL || (tensors->n != 2 && tensors->n != 3))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                   "TENSORS must hold 2 tensors (boxes, scores) or 3 (with anchors), got %d",
                   tensors ? tensors->n : 0);
      return FV_PROCESS_ERROR;
    }
  const FvTensorBuffer *boxes = &tensors->tensors[0], *scores = &tensors->tensors[1];
  if (!check_shape (boxes, st->num_boxes, st->num_coords, "box", error)
      || !check_shape (scores, st->num_boxes, st->num_classes, "score", error))
    return FV_PROCESS_ERROR;

  /* Anchors: from the model's third tensor (y, x, h, w per box), else the side packet. */
  FvAnchor *model_anchors = NULL;
  const FvAnchor *anchors = NULL;
  if (tensors->n == 3)
    {
      const FvTensorBuffer *t = &tensors->tensors[2];
      if (t->rank != 2 || t->shape[0] != st->num_boxes || t->shape[1] != 4)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                       "the anchor tensor must have shape [%d,4]", st->num_boxes);
          return FV_PROCESS_ERROR;
        }
      model_anchors = g_new (FvAnchor, st->num_boxes);
      for (int i = 0; i < st->num_boxes; i++)
        {
          model_anchors[i].y_center = t->data[i * 4 + 0];
          model_anchors[i].x_center = t->data[i * 4 + 1];
          model_anchors[i].h = t->data[i * 4 + 2];
          model_anchors[i].w = t->data[i * 4 + 3];
        }
      anchors = model_anchors;
    }
  else
    {
      const FvAnchors *side = st->anchors_port >= 0
                                  ? fv_packet_get_anchors (
                                      fv_context_side_input (ctx, (guint) st->anchors_port))
                                  : NULL;
      if (side == NULL)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                       "no anchor data: connect the ANCHORS side packet");
          return FV_PROCESS_ERROR;
        }
      if (side->n < st->num_boxes)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "%d anchors for num_boxes %d", side->n, st->num_boxes);
          return FV_PROCESS_ERROR;
        }
      anchors = side->items;
    }

  GArray *found = g_array_new (FALSE, FALSE, sizeof (FvDetection));
  for (int i = 0; i < st->num_boxes; i++)
    {
      if (st->max_results > 0 && found->len == (guint) st->max_results)
        break;
      int best_class = -1;
      float best = -G_MAXFLOAT;
      for (int c = 0; c < st->num_classes; c++)
        {
          if (!class_allowed (st, c))
            continue;
          float s = score_of (st, scores->data[(gsize) i * st->num_classes + c]);
          if (best < s)
            {
              best = s;
              best_class = c;
            }
        }
      if (best_class < 0 || (st->has_min_score && best < st->min_score))
        continue;
      FvDetection d = { .score = best, .label_id = best_class };
      decode_box (st, boxes->data + (gsize) i * st->num_coords, &anchors[i], &d);
      /* Regressions can give negative or NaN sizes; downstream assumes sane boxes. */
      if (d.width < 0 || d.height < 0 || isnan (d.width) || isnan (d.height))
        continue;
      g_array_append_val (found, d);
    }
  g_free (model_anchors);

  FvDetections *dets = fv_detections_new ((int) found->len);
  if (found->len > 0)
    memcpy (dets->items, found->data, found->len * sizeof (FvDetection));
  g_array_free (found, TRUE);
  fv_context_output (ctx, (guint) out, fv_packet_new_detections (dets));
  return FV_PROCESS_OK;
}

static void
t2d_destroy (gpointer state)
{
  T2DState *st = state;
  if (st->class_set)
    g_hash_table_destroy (st->class_set);
}

static const FvCalculatorClass tensors_to_detections_calculator = {
  .name = "TensorsToDetectionsCalculator",
  .state_size = sizeof (T2DState),
  .contract = t2d_contract,
  .open = t2d_open,
  .process = t2d_process,
  .destroy_state = t2d_destroy,
};
FV_REGISTER_CALCULATOR (tensors_to_detections_calculator)
