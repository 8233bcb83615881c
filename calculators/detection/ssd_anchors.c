/* fovea — SsdAnchorsCalculator: generates the SSD anchor boxes of a detector, once, as
 * an output side packet.
 *
 *   output_side_packet: "anchors"   (the one output side packet, any tag; "anchors")
 *   options { [mediapipe.SsdAnchorsCalculatorOptions.ext] {
 *     num_layers, min_scale, max_scale, input_size_height, input_size_width,
 *     anchor_offset_x (0.5), anchor_offset_y (0.5), strides (repeated),
 *     feature_map_height / feature_map_width (repeated, instead of the strides' ceil),
 *     aspect_ratios (repeated), fixed_anchor_size (false),
 *     interpolated_scale_aspect_ratio (1.0), reduce_boxes_in_lowest_layer (false) } }
 *
 * As MediaPipe: consecutive layers with the same stride share one feature map, their
 * anchors interleaved per cell; layer i has scale min + (max - min) * i / (n - 1) (the
 * mean when n = 1); each aspect ratio r gives scale*sqrt(r) x scale/sqrt(r), plus one
 * anchor of scale sqrt(s_i * s_i+1) (s_n = 1) when interpolated_scale_aspect_ratio > 0;
 * centres at ((x + offset_x) / W, (y + offset_y) / H), row-major over the feature map.
 * With fixed_anchor_size every anchor is 1 x 1 (the regression is then in input units
 * divided by the decoder's scales). Multiscale anchor generation is not supported.
 */
#include <math.h>

#include "calculators/detection/anchors.h"
#include "calculators/detection/options.h"
#include "calculators/detection/ports.h"
#include "graph/calculator.h"

static float
layer_scale (float min_scale, float max_scale, int index, int count)
{
  if (count == 1)
    return (min_scale + max_scale) * 0.5f;
  return (float) (min_scale + (max_scale - min_scale) * 1.0 * index / (count - 1.0f));
}

/* Builds the anchors of the options; NULL with error when they are inconsistent. */
static FvAnchors *
generate_anchors (const FvTpMessage *opts, GError **error)
{
  GError *local = NULL;
  FvAnchors *result = NULL;
  int num_layers = (int) fv_tp_get_int (opts, "num_layers", 0, &local);
  int in_w = local ? 0 : (int) fv_tp_get_int (opts, "input_size_width", 0, &local);
  int in_h = local ? 0 : (int) fv_tp_get_int (opts, "input_size_height", 0, &local);
  float min_scale = local ? 0 : (float) fv_tp_get_double (opts, "min_scale", 0, &local);
  float max_scale = local ? 0 : (float) fv_tp_get_double (opts, "max_scale", 0, &local);
  float off_x = local ? 0 : (float) fv_tp_get_double (opts, "anchor_offset_x", 0.5, &local);
  float off_y = local ? 0 : (float) fv_tp_get_double (opts, "anchor_offset_y", 0.5, &local);
  gboolean fixed = local ? 0 : fv_tp_get_bool (opts, "fixed_anchor_size", FALSE, &local);
  gboolean reduce = local ? 0 : fv_tp_get_bool (opts, "reduce_boxes_in_lowest_layer", FALSE,
                                                &local);
  float interp = local ? 0 : (float) fv_tp_get_double (opts, "interpolated_scale_aspect_ratio",
                                                       1.0, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  GArray *strides = fv_opt_repeated_int (opts, "strides", error);
  GArray *fm_h = strides ? fv_opt_repeated_int (opts, "feature_map_height", error) : NULL;
  GArray *fm_w = fm_h ? fv_opt_repeated_int (opts, "feature_map_width", error) : NULL;
  GArray *ratios = fm_w ? fv_opt_repeated_double (opts, "aspect_ratios", error) : NULL;
  if (ratios == NULL)
    goto out;

  gboolean use_fm = fm_h->len > 0;
  if (num_layers < 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "num_layers must be at least 1 (got %d)", num_layers);
      goto out;
    }
  if (!use_fm && strides->len == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "both feature map shape and strides are missing; give either");
      goto out;
    }
  if (use_fm && (fm_h->len != (guint) num_layers || fm_w->len != (guint) num_layers))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%u feature_map_height and %u feature_map_width for %d layers",
                   fm_h->len, fm_w->len, num_layers);
      goto out;
    }
  if (strides->len > 0 && strides->len != (guint) num_layers)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%u strides for %d layers", strides->len, num_layers);
      goto out;
    }
  if (!use_fm && (in_w < 1 || in_h < 1))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "input_size_width and input_size_height must be positive (got %dx%d)",
                   in_w, in_h);
      goto out;
    }
  for (int i = 0; i < num_layers; i++)
    {
      gint64 s = strides->len ? g_array_index (strides, gint64, i) : 1;
      /* Feature maps, given or ceil(input / stride), are bounded so that a hostile config
       * cannot ask for billions of anchors. */
      gint64 step = MAX (s, 1);
      gint64 h = use_fm ? g_array_index (fm_h, gint64, i) : (in_h + step - 1) / step;
      gint64 w = use_fm ? g_array_index (fm_w, gint64, i) : (in_w + step - 1) / step;
      if (s < 1 || h < 1 || w < 1 || h > 4096 || w > 4096)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "layer %d: strides must be positive and feature maps in 1..4096 cells "
                       "a side", i);
          goto out;
        }
    }
  for (guint i = 0; i < ratios->len; i++)
    if (!(g_array_index (ratios, double, i) > 0.0))
      {
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "aspect_ratios must be positive (#%u is %g)", i,
                     g_array_index (ratios, double, i));
        goto out;
      }

  GArray *out = g_array_new (FALSE, FALSE, sizeof (FvAnchor));
  GArray *scales = g_array_new (FALSE, FALSE, sizeof (float));
  GArray *aspects = g_array_new (FALSE, FALSE, sizeof (float));
  int layer = 0;
  while (layer < num_layers)
    {
      g_array_set_size (scales, 0);
      g_array_set_size (aspects, 0);
      /* Layers sharing a stride share one feature map (without strides, none merge). */
      int last = layer;
      do
        {
          float scale = layer_scale (min_scale, max_scale, last, num_layers);
          if (last == 0 && reduce)
            {
              float fixed_ratios[3] = { 1.0f, 2.0f, 0.5f };
              float fixed_scales[3] = { 0.1f, scale, scale };
              g_array_append_vals (aspects, fixed_ratios, 3);
              g_array_append_vals (scales, fixed_scales, 3);
            }
          else
            {
              for (guint r = 0; r < ratios->len; r++)
                {
                  float ratio = (float) g_array_index (ratios, double, r);
                  g_array_append_val (aspects, ratio);
                  g_array_append_val (scales, scale);
                }
              if (interp > 0.0f)
                {
                  float next = last == num_layers - 1
                                   ? 1.0f
                                   : layer_scale (min_scale, max_scale, last + 1, num_layers);
                  float s = sqrtf (scale * next);
                  g_array_append_val (scales, s);
                  g_array_append_val (aspects, interp);
                }
            }
          last++;
        }
      while (strides->len > 0 && last < num_layers
             && g_array_index (strides, gint64, last) == g_array_index (strides, gint64, layer));

      int fh, fw;
      if (use_fm)
        {
          fh = (int) g_array_index (fm_h, gint64, layer);
          fw = (int) g_array_index (fm_w, gint64, layer);
        }
      else
        {
          int stride = (int) g_array_index (strides, gint64, layer);
          fh = (int) ceilf (1.0f * in_h / stride);
          fw = (int) ceilf (1.0f * in_w / stride);
        }
      for (int y = 0; y < fh; y++)
        for (int x = 0; x < fw; x++)
          for (guint k = 0; k < scales->len; k++)
            {
              float ratio_sqrt = sqrtf (g_array_index (aspects, float, k));
              float scale = g_array_index (scales, float, k);
              FvAnchor a = {
                .x_center = (x + off_x) * 1.0f / fw,
                .y_center = (y + off_y) * 1.0f / fh,
                .w = fixed ? 1.0f : scale * ratio_sqrt,
                .h = fixed ? 1.0f : scale / ratio_sqrt,
              };
              g_array_append_val (out, a);
            }
      layer = last;
    }
  g_array_free (scales, TRUE);
  g_array_free (aspects, TRUE);
  result = g_new0 (FvAnchors, 1);
  result->n = (int) out->len;
  result->items = (FvAnchor *) g_array_free (out, FALSE);
  if (result->items == NULL)
    result->items = g_new0 (FvAnchor, 1);

out:
  if (strides)
    g_array_free (strides, TRUE);
  if (fm_h)
    g_array_free (fm_h, TRUE);
  if (fm_w)
    g_array_free (fm_w, TRUE);
  if (ratios)
    g_array_free (ratios, TRUE);
  return result;
}

static gboolean
ssd_anchors_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  if (fv_contract_num_ports (cc, FV_PORT_SIDE_OUTPUT) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs exactly one output side packet (the anchors), has %u",
                   fv_contract_num_ports (cc, FV_PORT_SIDE_OUTPUT));
      return FALSE;
    }
  /* Generated here too so a bad option fails at validation, before any run. */
  FvAnchors *anchors = generate_anchors (fv_contract_options (cc), error);
  if (anchors == NULL)
    return FALSE;
  fv_anchors_free (anchors);
  return fv_contract_set_type (cc, FV_PORT_SIDE_OUTPUT, 0, FV_TYPE_NAME_ANCHORS, error);
}

static gboolean
ssd_anchors_open (FvCalculatorContext *ctx, GError **error)
{
  FvAnchors *anchors = generate_anchors (fv_context_options (ctx), error);
  if (anchors == NULL)
    return FALSE;
  fv_context_set_side_output (ctx, 0, fv_packet_new_anchors (anchors));
  return TRUE;
}

static const FvCalculatorClass ssd_anchors_calculator = {
  .name = "SsdAnchorsCalculator",
  .contract = ssd_anchors_contract,
  .open = ssd_anchors_open,
};
FV_REGISTER_CALCULATOR (ssd_anchors_calculator)
