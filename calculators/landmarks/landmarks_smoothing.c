/* fovea — LandmarksSmoothingCalculator: the one-euro filter on every landmark coordinate,
 * against jitter on video (MediaPipe's calculators/util/landmarks_smoothing_calculator,
 * one_euro_filter mode; the pose graph smooths its landmarks, world landmarks and
 * auxiliary landmarks with it).
 *
 * Inputs:  NORM_LANDMARKS ("landmarks", relative) with IMAGE_SIZE ("image_size" or "image"),
 *          or LANDMARKS ("landmarks", e.g. world landmarks in metres)
 *          OBJECT_SCALE_ROI ("norm_rect", optional): the object's size is
 *            (width W + height H) / 2 pixels of this rect; else that of the landmarks' box
 * Side:    ENABLE, DISABLE (bool, optional; fovea's): the filter runs when ENABLE is true (or
 *          absent) and DISABLE false (or absent), else landmarks pass unchanged (MediaPipe
 *          switches between this node and a no_filter one with a SwitchContainer)
 * Outputs: NORM_FILTERED_LANDMARKS or FILTERED_LANDMARKS ("landmarks")
 * Options (LandmarksSmoothingCalculatorOptions): no_filter {} (pass through) or
 *   one_euro_filter { frequency (30), min_cutoff (1), beta (0), derivate_cutoff (1),
 *   min_allowed_object_scale (1e-6), disable_value_scaling (false) }. velocity_filter is
 *   refused (not implemented).
 * Relative landmarks are filtered in pixels (x W, y H, z W), each coordinate of each point
 * by its own one-euro filter (one_euro_filter.h) with value_scale = 1 / object size, or 1
 * with disable_value_scaling; an object smaller than min_allowed_object_scale passes
 * unfiltered. Visibility, presence and the score are kept. A timestamp without landmarks
 * resets the filters (the object was lost) and emits nothing, as does a change in the
 * number of landmarks (MediaPipe fails there).
 */
#include <math.h>

#include "calculators/detection/image_size.h"
#include "calculators/detection/ports.h"
#include "calculators/landmarks/one_euro_filter.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/landmark.h"

typedef struct {
  gboolean filter;   /* FALSE: no_filter */
  double frequency, min_cutoff, beta, derivate_cutoff, min_scale;
  gboolean disable_value_scaling;
  gboolean enabled;
  gboolean normalized;
  int in, size, roi;
  int n;                       /* landmarks the filters are for; 0 = reset */
  FvOneEuroFilter *filters;    /* 3 per landmark: x, y, z */
} SmoothingState;

static gboolean
load_options (const FvTpMessage *opts, SmoothingState *st, GError **error)
{
  const FvTpMessage *euro = fv_tp_get_message (opts, "one_euro_filter");
  if (fv_tp_get (opts, "velocity_filter") != NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "velocity_filter is not implemented; use one_euro_filter or no_filter");
      return FALSE;
    }
  if (euro == NULL && fv_tp_get (opts, "no_filter") == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "options need one_euro_filter { ... } or no_filter {}");
      return FALSE;
    }
  st->filter = euro != NULL;
  if (euro == NULL)
    return TRUE;
  GError *local = NULL;
  st->frequency = fv_tp_get_double (euro, "frequency", 30.0, &local);
  if (local == NULL)
    st->min_cutoff = fv_tp_get_double (euro, "min_cutoff", 1.0, &local);
  if (local == NULL)
    st->beta = fv_tp_get_double (euro, "beta", 0.0, &local);
  if (local == NULL)
    st->derivate_cutoff = fv_tp_get_double (euro, "derivate_cutoff", 1.0, &local);
  if (local == NULL)
    st->min_scale = fv_tp_get_double (euro, "min_allowed_object_scale", 1e-6, &local);
  if (local == NULL)
    st->disable_value_scaling = fv_tp_get_bool (euro, "disable_value_scaling", FALSE, &local);
  if (local == NULL && !(st->frequency > 0 && st->min_cutoff > 0 && st->derivate_cutoff > 0
                         && st->beta >= 0 && isfinite (st->frequency) && isfinite (st->beta)
                         && isfinite (st->min_cutoff) && isfinite (st->derivate_cutoff)))
    g_set_error (&local, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "one_euro_filter needs frequency, min_cutoff and derivate_cutoff > 0 and "
                 "beta >= 0");
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
smoothing_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  gboolean norm = fv_contract_tag_count (cc, FV_PORT_INPUT, "NORM_LANDMARKS") == 1;
  gboolean abs = fv_contract_tag_count (cc, FV_PORT_INPUT, "LANDMARKS") == 1;
  const char *out = norm ? "NORM_FILTERED_LANDMARKS" : "FILTERED_LANDMARKS";
  if (norm == abs || fv_contract_tag_count (cc, FV_PORT_OUTPUT, out) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs NORM_LANDMARKS in and NORM_FILTERED_LANDMARKS out, or LANDMARKS in "
                   "and FILTERED_LANDMARKS out");
      return FALSE;
    }
  if (norm && fv_contract_tag_count (cc, FV_PORT_INPUT, "IMAGE_SIZE") != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "NORM_LANDMARKS needs IMAGE_SIZE (they are filtered in pixels)");
      return FALSE;
    }
  SmoothingState probe = { 0 };
  if (!load_options (fv_contract_options (cc), &probe, error))
    return FALSE;
  fv_detection_types_init ();
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, norm ? "NORM_LANDMARKS" : "LANDMARKS",
                                 landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE_SIZE", "any", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "OBJECT_SCALE_ROI",
                                    FV_TYPE_NAME_NORM_RECT, TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "ENABLE", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "DISABLE", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, out, landmarks, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  /* a frame without landmarks must reach process() to reset the filters */
  fv_contract_set_process_timestamp_bounds (cc, TRUE);
  return TRUE;
}

static gboolean
side_flag (FvCalculatorContext *ctx, const char *tag, gboolean absent)
{
  int port = fv_context_port (ctx, FV_PORT_SIDE_INPUT, tag, 0);
  return port >= 0 ? fv_packet_get_bool (fv_context_side_input (ctx, (guint) port)) : absent;
}

static gboolean
smoothing_open (FvCalculatorContext *ctx, GError **error)
{
  SmoothingState *st = fv_context_state (ctx);
  if (!load_options (fv_context_options (ctx), st, error))
    return FALSE;
  st->enabled = st->filter && side_flag (ctx, "ENABLE", TRUE) && !side_flag (ctx, "DISABLE", FALSE);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "NORM_LANDMARKS", 0);
  st->normalized = st->in >= 0;
  if (st->in < 0)
    st->in = fv_context_port (ctx, FV_PORT_INPUT, "LANDMARKS", 0);
  st->size = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE_SIZE", 0);
  st->roi = fv_context_port (ctx, FV_PORT_INPUT, "OBJECT_SCALE_ROI", 0);
  st->n = 0;
  return TRUE;
}

/* (box width + box height) / 2 of the points' x, y */
static double
landmarks_scale (const FvLandmark *p, int n)
{
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (int i = 0; i < n; i++)
    {
      x0 = fmin (x0, p[i].x), x1 = fmax (x1, p[i].x);
      y0 = fmin (y0, p[i].y), y1 = fmax (y1, p[i].y);
    }
  return n > 0 ? ((x1 - x0) + (y1 - y0)) / 2 : 0;
}

static FvProcessStatus
smoothing_process (FvCalculatorContext *ctx, GError **error)
{
  SmoothingState *st = fv_context_state (ctx);
  FvPacket *packet = fv_context_input (ctx, (guint) st->in);
  const FvLandmarks *in = packet ? fv_packet_get_landmarks (packet) : NULL;
  if (in == NULL)
    {
      st->n = 0;   /* lost: start afresh when it comes back */
      return FV_PROCESS_OK;
    }
  if (!st->enabled)
    {
      fv_context_output (ctx, 0, fv_packet_ref (packet));
      return FV_PROCESS_OK;
    }
  int w = 1, h = 1;
  if (st->normalized)
    {
      FvPacket *size = fv_context_input (ctx, (guint) st->size);
      if (size == NULL)
        return FV_PROCESS_OK;
      if (!fv_packet_read_image_size (size, &w, &h, error))
        return FV_PROCESS_ERROR;
    }
  if (st->n != in->n)
    {
      g_free (st->filters);
      st->filters = g_new (FvOneEuroFilter, 3 * (gsize) in->n);
      for (int i = 0; i < 3 * in->n; i++)
        fv_one_euro_filter_init (&st->filters[i], st->frequency, st->min_cutoff, st->beta,
                                 st->derivate_cutoff);
      st->n = in->n;
    }
  FvLandmarks *out = fv_landmarks_copy (in);
  /* to pixels (z in x's scale, as MediaPipe) */
  for (int i = 0; i < in->n; i++)
    {
      out->items[i].x *= (float) w;
      out->items[i].y *= (float) h;
      out->items[i].z *= (float) w;
    }
  double value_scale = 1.0;
  gboolean filter = TRUE;
  if (!st->disable_value_scaling)
    {
      const FvNormRect *roi = st->roi >= 0
        ? fv_packet_get_norm_rect (fv_context_input (ctx, (guint) st->roi)) : NULL;
      double scale = roi ? ((double) roi->width * w + (double) roi->height * h) / 2
                         : landmarks_scale (out->items, in->n);
      if (scale < st->min_scale || !isfinite (scale))
        filter = FALSE;
      else
        value_scale = 1.0 / scale;
    }
  gint64 ts = fv_context_input_timestamp (ctx);
  for (int i = 0; filter && i < in->n; i++)
    {
      FvLandmark *l = &out->items[i];
      l->x = (float) fv_one_euro_filter_apply (&st->filters[3 * i], ts, value_scale, l->x);
      l->y = (float) fv_one_euro_filter_apply (&st->filters[3 * i + 1], ts, value_scale, l->y);
      l->z = (float) fv_one_euro_filter_apply (&st->filters[3 * i + 2], ts, value_scale, l->z);
    }
  for (int i = 0; i < in->n; i++)
    {
      out->items[i].x /= (float) w;
      out->items[i].y /= (float) h;
      out->items[i].z /= (float) w;
    }
  fv_context_output (ctx, 0, fv_packet_new_landmarks (out));
  return FV_PROCESS_OK;
}

static void
smoothing_destroy (gpointer state)
{
  SmoothingState *st = state;
  g_clear_pointer (&st->filters, g_free);
}

static const FvCalculatorClass landmarks_smoothing_calculator = {
  .name = "LandmarksSmoothingCalculator",
  .state_size = sizeof (SmoothingState),
  .contract = smoothing_contract,
  .open = smoothing_open,
  .process = smoothing_process,
  .destroy_state = smoothing_destroy,
};
FV_REGISTER_CALCULATOR (landmarks_smoothing_calculator)
