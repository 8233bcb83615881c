/* fovea — WarpAffineCalculator: resamples a mask through an affine map (MediaPipe's
 * calculators/image/warp_affine_calculator, for fovea's "mask" payload); the pose graph
 * warps the segmentation the model made on its rotated ROI back onto the whole image.
 *
 * Inputs:  IMAGE ("mask"): the source
 *          MATRIX: 16 floats, row-major ("tensors" of one [16] tensor, or a "packet_vector"
 *            of floats): maps normalized output coordinates to normalized source
 *            coordinates (x, y in [0, 1] across each); only its affine 2D part is used
 *          OUTPUT_SIZE ("image_size" or "image"): the output's size
 * Outputs: IMAGE ("mask"), OUTPUT_SIZE pixels
 * Options (WarpAffineCalculatorOptions): border_mode (BORDER_ZERO, the default here, or
 *   BORDER_REPLICATE), interpolation (INTER_LINEAR, the default, or INTER_NEAREST),
 *   gpu_origin (accepted, ignored).
 * Pixel centres map onto pixel centres: output pixel (X, Y) reads the source at
 * M ((X + .5) / W, (Y + .5) / H) * (w, h) - .5, bilinearly; with BORDER_ZERO a neighbour
 * outside the source counts as 0. A timestamp without mask, matrix or size emits nothing.
 */
#include <math.h>
#include <string.h>

#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/mask.h"
#include "graph/tensor_list.h"

typedef struct {
  gboolean zero_border, nearest;
  int image, matrix, size;
} WarpState;

static gboolean
load_options (const FvTpMessage *opts, WarpState *st, GError **error)
{
  GError *local = NULL;
  const char *border = fv_tp_get_string (opts, "border_mode", "BORDER_ZERO", &local);
  const char *interp = local ? NULL : fv_tp_get_string (opts, "interpolation", "INTER_LINEAR",
                                                        &local);
  if (local == NULL)
    fv_tp_get_string (opts, "gpu_origin", "DEFAULT", &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (strcmp (border, "BORDER_ZERO") == 0 || strcmp (border, "BORDER_UNSPECIFIED") == 0)
    st->zero_border = TRUE;
  else if (strcmp (border, "BORDER_REPLICATE") == 0)
    st->zero_border = FALSE;
  else
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "border_mode: unknown value '%s' (BORDER_ZERO or BORDER_REPLICATE)", border);
      return FALSE;
    }
  if (strcmp (interp, "INTER_LINEAR") == 0 || strcmp (interp, "INTER_UNSPECIFIED") == 0)
    st->nearest = FALSE;
  else if (strcmp (interp, "INTER_NEAREST") == 0)
    st->nearest = TRUE;
  else
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "interpolation: unknown value '%s' (INTER_LINEAR or INTER_NEAREST)", interp);
      return FALSE;
    }
  return TRUE;
}

static gboolean
warp_contract (FvContract *cc, GError **error)
{
  WarpState probe;
  fv_detection_types_init ();
  const char *mask = fv_type_name (fv_type_mask ());
  if (!load_options (fv_contract_options (cc), &probe, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE", mask, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "MATRIX", "any", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "OUTPUT_SIZE", "any", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "IMAGE", mask, FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
warp_open (FvCalculatorContext *ctx, GError **error)
{
  WarpState *st = fv_context_state (ctx);
  st->image = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE", 0);
  st->matrix = fv_context_port (ctx, FV_PORT_INPUT, "MATRIX", 0);
  st->size = fv_context_port (ctx, FV_PORT_INPUT, "OUTPUT_SIZE", 0);
  return load_options (fv_context_options (ctx), st, error);
}

static inline float
pixel (const FvMask *m, int x, int y, gboolean zero_border)
{
  if (x < 0 || y < 0 || x >= m->width || y >= m->height)
    {
      if (zero_border)
        return 0.0f;
      x = CLAMP (x, 0, m->width - 1);
      y = CLAMP (y, 0, m->height - 1);
    }
  return m->data[(gsize) y * (gsize) m->width + (gsize) x];
}

static FvProcessStatus
warp_process (FvCalculatorContext *ctx, GError **error)
{
  WarpState *st = fv_context_state (ctx);
  const FvMask *src = fv_packet_get_mask (fv_context_input (ctx, (guint) st->image));
  FvPacket *mp = fv_context_input (ctx, (guint) st->matrix);
  FvPacket *sp = fv_context_input (ctx, (guint) st->size);
  if (src == NULL || mp == NULL || sp == NULL)
    return FV_PROCESS_OK;
  float m[16];
  int w, h;
  if (!fv_packet_read_floats (mp, m, 16, "MATRIX", error)
      || !fv_packet_read_image_size (sp, &w, &h, error))
    return FV_PROCESS_ERROR;
  for (int i = 0; i < 16; i++)
    if (!isfinite (m[i]))
      {
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR, "MATRIX is not finite");
        return FV_PROCESS_ERROR;
      }
  FvMask *out = fv_mask_new (w, h, error);
  if (out == NULL)
    return FV_PROCESS_ERROR;
  /* source pixel coordinates as an affine function of the output pixel (X, Y) */
  double sw = src->width, sh = src->height;
  double ax = m[0] * sw / w, bx = m[1] * sw / h;
  double cx = (m[0] * 0.5 / w + m[1] * 0.5 / h + m[3]) * sw - 0.5;
  double ay = m[4] * sh / w, by = m[5] * sh / h;
  double cy = (m[4] * 0.5 / w + m[5] * 0.5 / h + m[7]) * sh - 0.5;
  const double limit = 1e6;   /* far outside: the border; keeps the int casts defined */
  for (int y = 0; y < h; y++)
    {
      float *row = out->data + (gsize) y * (gsize) w;
      for (int x = 0; x < w; x++)
        {
          double fx = ax * x + bx * y + cx, fy = ay * x + by * y + cy;
          fx = CLAMP (fx, -limit, limit);
          fy = CLAMP (fy, -limit, limit);
          if (st->nearest)
            {
              row[x] = pixel (src, (int) floor (fx + 0.5), (int) floor (fy + 0.5), st->zero_border);
              continue;
            }
          int x0 = (int) floor (fx), y0 = (int) floor (fy);
          float tx = (float) (fx - x0), ty = (float) (fy - y0);
          float v00 = pixel (src, x0, y0, st->zero_border);
          float v10 = pixel (src, x0 + 1, y0, st->zero_border);
          float v01 = pixel (src, x0, y0 + 1, st->zero_border);
          float v11 = pixel (src, x0 + 1, y0 + 1, st->zero_border);
          row[x] = (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
        }
    }
  fv_context_output (ctx, 0, fv_packet_new_mask (out));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass warp_affine_calculator = {
  .name = "WarpAffineCalculator",
  .state_size = sizeof (WarpState),
  .contract = warp_contract,
  .open = warp_open,
  .process = warp_process,
};
FV_REGISTER_CALCULATOR (warp_affine_calculator)
