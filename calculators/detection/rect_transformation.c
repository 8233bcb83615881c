/* fovea — RectTransformationCalculator: grows, shifts, squares and turns rectangles
 * (detection box -> landmark ROI).
 *
 *   input_stream:  NORM_RECT or NORM_RECTS  "norm_rect" / "norm_rects"
 *   input_stream:  IMAGE_SIZE               "image_size" or "image" (sizes in pixels)
 *   output_stream: the one output (any tag)  same type as the input
 *   options { [mediapipe.RectTransformationCalculatorOptions.ext] {
 *     scale_x (1), scale_y (1), rotation (radians) or rotation_degrees (int),
 *     shift_x (0), shift_y (0), square_long or square_short } }
 *
 * As MediaPipe, per rect of size w x h (relative) on a W x H image:
 *  1. rotation += the option's (then wrapped to [-pi, pi)), when one is set;
 *  2. the centre moves by (shift_x w, shift_y h) turned into the rect's frame:
 *     dx = (W w sx cos r - H h sy sin r) / W, dy = (W w sx sin r + H h sy cos r) / H;
 *  3. square_long / square_short make both sides max / min(w W, h H) pixels;
 *  4. the sides are multiplied by scale_x and scale_y.
 * MediaPipe's source computes the new rotation but (as stored) never writes it back;
 * fovea writes it, as the option's documentation says. Nothing is emitted at a timestamp
 * without a rect or an image size.
 */
#include <math.h>
#include <string.h>

#include "calculators/detection/geometry.h"
#include "calculators/detection/options.h"
#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"

typedef struct {
  float scale_x, scale_y, shift_x, shift_y;
  gboolean has_rotation;
  float rotation;
  gboolean square_long, square_short;
} RTState;

static gboolean
load_options (const FvTpMessage *opts, RTState *st, GError **error)
{
  GError *local = NULL;
  if (fv_opt_has (opts, "rotation") && fv_opt_has (opts, "rotation_degrees"))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "set rotation or rotation_degrees, not both");
      return FALSE;
    }
  if (fv_opt_has (opts, "square_long") && fv_opt_has (opts, "square_short"))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "set square_long or square_short, not both");
      return FALSE;
    }
  st->scale_x = (float) fv_tp_get_double (opts, "scale_x", 1.0, &local);
  if (local == NULL)
    st->scale_y = (float) fv_tp_get_double (opts, "scale_y", 1.0, &local);
  if (local == NULL)
    st->shift_x = (float) fv_tp_get_double (opts, "shift_x", 0.0, &local);
  if (local == NULL)
    st->shift_y = (float) fv_tp_get_double (opts, "shift_y", 0.0, &local);
  if (local == NULL)
    st->square_long = fv_tp_get_bool (opts, "square_long", FALSE, &local);
  if (local == NULL)
    st->square_short = fv_tp_get_bool (opts, "square_short", FALSE, &local);
  st->has_rotation = fv_opt_has (opts, "rotation") || fv_opt_has (opts, "rotation_degrees");
  if (local == NULL && fv_opt_has (opts, "rotation"))
    st->rotation = (float) fv_tp_get_double (opts, "rotation", 0.0, &local);
  else if (local == NULL && fv_opt_has (opts, "rotation_degrees"))
    st->rotation = (float) (G_PI * fv_tp_get_int (opts, "rotation_degrees", 0, &local) / 180.0f);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static void
transform (const RTState *st, FvNormRect *r, int image_w, int image_h)
{
  float width = r->width, height = r->height, rotation = r->rotation;
  if (st->has_rotation)
    rotation = fv_normalize_radians (rotation + st->rotation);
  if (rotation == 0.f)
    {
      r->x_center += width * st->shift_x;
      r->y_center += height * st->shift_y;
    }
  else
    {
      float x_shift = (image_w * width * st->shift_x * cosf (rotation)
                       - image_h * height * st->shift_y * sinf (rotation)) / image_w;
      float y_shift = (image_w * width * st->shift_x * sinf (rotation)
                       + image_h * height * st->shift_y * cosf (rotation)) / image_h;
      r->x_center += x_shift;
      r->y_center += y_shift;
    }
  if (st->square_long || st->square_short)
    {
      float side = st->square_long ? MAX (width * image_w, height * image_h)
                                   : MIN (width * image_w, height * image_h);
      width = side / image_w;
      height = side / image_h;
    }
  r->width = width * st->scale_x;
  r->height = height * st->scale_y;
  r->rotation = rotation;
}

static gboolean
rt_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  RTState probe;
  if (!load_options (fv_contract_options (cc), &probe, error))
    return FALSE;
  guint n_rect = fv_contract_tag_count (cc, FV_PORT_INPUT, "NORM_RECT");
  guint n_rects = fv_contract_tag_count (cc, FV_PORT_INPUT, "NORM_RECTS");
  if (n_rect + n_rects != 1 || fv_contract_tag_count (cc, FV_PORT_INPUT, "IMAGE_SIZE") != 1
      || fv_contract_num_ports (cc, FV_PORT_OUTPUT) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs one NORM_RECT or NORM_RECTS input, an IMAGE_SIZE input and one "
                   "output (RECT / RECTS are not supported)");
      return FALSE;
    }
  const char *type = n_rect ? FV_TYPE_NAME_NORM_RECT : FV_TYPE_NAME_NORM_RECTS;
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, n_rect ? "NORM_RECT" : "NORM_RECTS", type,
                                 FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE_SIZE", "any", FALSE, error)
      || !fv_contract_set_type (cc, FV_PORT_OUTPUT, 0, type, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
rt_open (FvCalculatorContext *ctx, GError **error)
{
  return load_options (fv_context_options (ctx), fv_context_state (ctx), error);
}

static FvProcessStatus
rt_process (FvCalculatorContext *ctx, GError **error)
{
  const RTState *st = fv_context_state (ctx);
  gboolean single = fv_context_port (ctx, FV_PORT_INPUT, "NORM_RECT", 0) >= 0;
  FvPacket *rp = fv_context_input (
    ctx, (guint) fv_context_port (ctx, FV_PORT_INPUT, single ? "NORM_RECT" : "NORM_RECTS", 0));
  FvPacket *sp = fv_context_input (ctx, (guint) fv_context_port (ctx, FV_PORT_INPUT,
                                                                 "IMAGE_SIZE", 0));
  if (rp == NULL || sp == NULL)
    return FV_PROCESS_OK;
  int w, h;
  if (!fv_packet_read_image_size (sp, &w, &h, error))
    return FV_PROCESS_ERROR;
  if (single)
    {
      FvNormRect r = *fv_packet_get_norm_rect (rp);
      transform (st, &r, w, h);
      fv_context_output (ctx, 0, fv_packet_new_norm_rect (&r));
    }
  else
    {
      const FvNormRects *src = fv_packet_get_norm_rects (rp);
      FvNormRects *dst = fv_norm_rects_new (src->n);
      if (src->n > 0)
        memcpy (dst->items, src->items, (size_t) src->n * sizeof (FvNormRect));
      for (int i = 0; i < dst->n; i++)
        transform (st, &dst->items[i], w, h);
      fv_context_output (ctx, 0, fv_packet_new_norm_rects (dst));
    }
  return FV_PROCESS_OK;
}

static const FvCalculatorClass rect_transformation_calculator = {
  .name = "RectTransformationCalculator",
  .state_size = sizeof (RTState),
  .contract = rt_contract,
  .open = rt_open,
  .process = rt_process,
};
FV_REGISTER_CALCULATOR (rect_transformation_calculator)
