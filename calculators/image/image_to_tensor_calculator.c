/* fovea — ImageToTensorCalculator: crops a rotated region of an image, letterboxes it if
 * asked, resamples it to the model's input size and maps the pixel range, in one pass
 * (fv_image_to_tensor in image_to_tensor.h).
 *
 * Inputs:  IMAGE      "image"
 *          NORM_RECT  "norm_rect", optional: the region (the whole image without it). An
 *                     absent rect, or MediaPipe's sentinel rect of width = height = 0,
 *                     makes the timestamp emit nothing (only the bound advances).
 * Outputs: TENSORS            "tensors": one [1, H, W, 3] float tensor, RGB
 *          LETTERBOX_PADDING  "tensors", optional: one [4] tensor, left/top/right/bottom as
 *                             fractions of the output (fv_packet_get_letterbox_padding)
 *          MATRIX             "tensors", optional: one [16] tensor, the 4x4 row-major
 *                             matrix from normalized tensor to normalized image coordinates
 *                             (fv_packet_get_matrix)
 * Options (mediapipe.ImageToTensorCalculatorOptions):
 *   output_tensor_width, output_tensor_height (default: the image's size), keep_aspect_ratio
 *   (false), output_tensor_float_range { min max } (required, min < max), border_mode
 *   (BORDER_UNSPECIFIED = BORDER_REPLICATE, BORDER_ZERO; fovea's BORDER_ZERO_GL: MediaPipe's
 *   GL converter's zero border, see image_to_tensor.h), gpu_origin (accepted; only
 *   matters for GPU textures, so ignored here). The integer ranges (output_tensor_int_range,
 *   output_tensor_uint_range) are refused: fovea tensors are float.
 *   device (fovea's): "cpu", "opencl", "opencl:P:D" or "opencl,cpu" (gpu/device_choice.h);
 *   default $FOVEA_DEVICE, else "cpu".
 *
 * On OpenCL the resampling is gpu/'s fv_gpu_image_to_tensor: the kernel reads the frame's
 * pixels in place (a CL_MEM_USE_HOST_PTR view, no copy on unified memory) and, on a
 * unified-memory device, writes straight into the host memory of the "tensors" payload
 * (wrapped the same way; the map afterwards only synchronises). A discrete device writes
 * a buffer from the calculator's pool (planned at the first frame, reused after: no device
 * allocation per frame) and the result comes back through fv_gpu_read, the counted copy;
 * the frame it pulls over the bus is counted by gpu/ too. Same output as the CPU within
 * 1e-5.
 */
#include <string.h>

#include "calculators/image/image_gpu.h"
#include "calculators/image/image_to_tensor.h"
#include "gpu/buffer_pool.h"
#include "gpu/device_choice.h"
#include "gpu/image_to_tensor_gpu.h"
#include "graph/calculator.h"

typedef struct {
  int out_w, out_h;          /* 0: the image's size */
  FvImageToTensorParams params;
  int image, rect, tensors, padding, matrix;   /* ports, -1 when absent */
  FvGpuDevice *gpu;          /* the OpenCL device, or NULL to run on the CPU */
  FvGpuBufferPool *pool;     /* discrete devices: the output tensors' device buffers */
} ImageToTensorState;

/* Reads and checks the options into @st (ports aside). */
static gboolean
read_options (const FvTpMessage *opts, ImageToTensorState *st, GError **error)
{
  GError *local = NULL;
  gint64 w = fv_tp_get_int (opts, "output_tensor_width", 0, &local);
  gint64 h = local ? 0 : fv_tp_get_int (opts, "output_tensor_height", 0, &local);
  gboolean keep = local ? FALSE : fv_tp_get_bool (opts, "keep_aspect_ratio", FALSE, &local);
  const char *border = local ? NULL
                             : fv_tp_get_string (opts, "border_mode", "BORDER_UNSPECIFIED", &local);
  if (local == NULL)
    fv_tp_get_string (opts, "gpu_origin", "DEFAULT", &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  if (fv_tp_get (opts, "output_tensor_width") != NULL && (w < 1 || w > FV_IMAGE_MAX_SIDE)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "output_tensor_width %" G_GINT64_FORMAT " must be in 1..%d", w, FV_IMAGE_MAX_SIDE);
    return FALSE;
  }
  if (fv_tp_get (opts, "output_tensor_height") != NULL && (h < 1 || h > FV_IMAGE_MAX_SIDE)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "output_tensor_height %" G_GINT64_FORMAT " must be in 1..%d", h, FV_IMAGE_MAX_SIDE);
    return FALSE;
  }
  if (fv_tp_get (opts, "output_tensor_int_range") || fv_tp_get (opts, "output_tensor_uint_range")) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "output_tensor_int_range / output_tensor_uint_range are not supported "
                 "(fovea tensors are float): use output_tensor_float_range");
    return FALSE;
  }
  const FvTpMessage *range = fv_tp_get_message (opts, "output_tensor_float_range");
  if (range == NULL) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "output tensor range is required: set output_tensor_float_range { min max }");
    return FALSE;
  }
  double lo = fv_tp_get_double (range, "min", 0.0, &local);
  double hi = local ? 0.0 : fv_tp_get_double (range, "max", 0.0, &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  if (!(lo < hi)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "output_tensor_float_range: min %g must be < max %g", lo, hi);
    return FALSE;
  }
  FvBorderMode mode;
  if (strcmp (border, "BORDER_UNSPECIFIED") == 0 || strcmp (border, "BORDER_REPLICATE") == 0)
    mode = FV_BORDER_REPLICATE;
  else if (strcmp (border, "BORDER_ZERO") == 0)
    mode = FV_BORDER_ZERO;
  else if (strcmp (border, "BORDER_ZERO_GL") == 0)
    mode = FV_BORDER_ZERO_GL;
  else {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "border_mode '%s' is not one of BORDER_UNSPECIFIED, BORDER_ZERO, "
                 "BORDER_REPLICATE, BORDER_ZERO_GL", border);
    return FALSE;
  }
  st->out_w = (int) w;
  st->out_h = (int) h;
  st->params = (FvImageToTensorParams) { .keep_aspect_ratio = keep, .range_min = (float) lo,
                                         .range_max = (float) hi, .border = mode };
  return TRUE;
}

static gboolean
i2t_contract (FvContract *cc, GError **error)
{
  if (fv_contract_tag_count (cc, FV_PORT_INPUT, "IMAGE_GPU") > 0) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "IMAGE_GPU is not supported: connect the image to IMAGE");
    return FALSE;
  }
  if (fv_contract_tag_count (cc, FV_PORT_INPUT, "IMAGE") != 1) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "exactly one IMAGE input is expected");
    return FALSE;
  }
  ImageToTensorState scratch;
  if (!read_options (fv_contract_options (cc), &scratch, error))
    return FALSE;
  /* a misspelt device fails at graph validation; whether OpenCL opens is open()'s business */
  GError *local = NULL;
  const char *device = fv_tp_get_string (fv_contract_options (cc), "device", NULL, &local);
  FvDeviceRequest req;
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  if (!fv_device_request_parse (device, &req, error))
    return FALSE;
  fv_device_request_clear (&req);
  /* payload types register on first use; the graph checks port types by name before any
   * packet exists */
  fv_type_image ();
  fv_type_norm_rect ();
  fv_type_tensors ();
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE", FV_TYPE_NAME_IMAGE, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "NORM_RECT", FV_TYPE_NAME_NORM_RECT, TRUE,
                                    error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "TENSORS", FV_TYPE_NAME_TENSORS, FALSE,
                                    error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "LETTERBOX_PADDING",
                                    FV_TYPE_NAME_TENSORS, TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "MATRIX", FV_TYPE_NAME_TENSORS, TRUE,
                                    error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
i2t_open (FvCalculatorContext *ctx, GError **error)
{
  ImageToTensorState *st = fv_context_state (ctx);
  if (!read_options (fv_context_options (ctx), st, error))
    return FALSE;
  st->image = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE", 0);
  st->rect = fv_context_port (ctx, FV_PORT_INPUT, "NORM_RECT", 0);
  st->tensors = fv_context_port (ctx, FV_PORT_OUTPUT, "TENSORS", 0);
  st->padding = fv_context_port (ctx, FV_PORT_OUTPUT, "LETTERBOX_PADDING", 0);
  st->matrix = fv_context_port (ctx, FV_PORT_OUTPUT, "MATRIX", 0);
  const char *device = fv_tp_get_string (fv_context_options (ctx), "device", NULL, NULL);
  gboolean use_cpu = FALSE;
  st->gpu = fv_device_choose (device, "ImageToTensorCalculator", &use_cpu, error);
  return st->gpu != NULL || use_cpu;
}

/* fv_image_to_tensor on the OpenCL device: @out (width*height*3 floats, the payload's own
 * memory) receives the tensor. */
static gboolean
image_to_tensor_gpu (ImageToTensorState *st, const FvImage *image, const FvNormRect *rect,
                     const FvImageToTensorParams *p, float *out, float padding[4],
                     float matrix[16], GError **error)
{
  FvGpuDevice *dev = st->gpu;
  const FvGpuImage gimg = fv_image_to_gpu (image);
  FvGpuRect roi;
  if (rect != NULL)
    roi = (FvGpuRect) { rect->x_center, rect->y_center, rect->width, rect->height,
                        rect->rotation };
  const FvGpuImageToTensorParams gp = {
    .width = p->width, .height = p->height, .keep_aspect_ratio = p->keep_aspect_ratio,
    .range_min = p->range_min, .range_max = p->range_max,
    .border = p->border == FV_BORDER_ZERO      ? FV_GPU_BORDER_ZERO
              : p->border == FV_BORDER_ZERO_GL ? FV_GPU_BORDER_ZERO_GL
                                               : FV_GPU_BORDER_REPLICATE,
  };
  const gsize bytes = (gsize) p->width * (gsize) p->height * 3 * sizeof (float);
  const gboolean unified = fv_gpu_device_unified_memory (dev);
  if (!unified && (st->pool == NULL || fv_gpu_buffer_pool_buffer_size (st->pool) != bytes)) {
    /* one buffer is enough: process() waits for it (fv_gpu_read) before returning */
    g_clear_pointer (&st->pool, fv_gpu_buffer_pool_free);
    st->pool = fv_gpu_buffer_pool_new (dev, bytes, FALSE, 1, 1, error);
    if (st->pool == NULL)
      return FALSE;
  }
  /* on unified memory the payload's own memory is wrapped: no device allocation */
  FvGpuBuffer *buf = unified ? fv_gpu_buffer_wrap_host (dev, out, bytes, error)
                             : fv_gpu_buffer_pool_acquire (st->pool, error);
  if (buf == NULL)
    return FALSE;
  gboolean ok = fv_gpu_image_to_tensor (dev, &gimg, rect ? &roi : NULL, &gp, buf, padding,
                                        matrix, error);
  if (ok && unified) {
    /* the map hands the tensor back to the host (OpenCL's rule for USE_HOST_PTR memory);
     * on unified memory it moves nothing */
    void *host = fv_gpu_buffer_map (buf, FALSE, error);
    ok = host != NULL && fv_gpu_buffer_unmap (buf, host, error);
  } else if (ok) {
    ok = fv_gpu_read (buf, 0, out, bytes, error);
  }
  if (unified)
    fv_gpu_buffer_free (buf);
  else
    fv_gpu_buffer_pool_release (st->pool, buf);
  return ok;
}

static FvProcessStatus
i2t_process (FvCalculatorContext *ctx, GError **error)
{
  ImageToTensorState *st = fv_context_state (ctx);
  const FvImage *image = fv_packet_get_image (fv_context_input (ctx, (guint) st->image));
  if (image == NULL)
    return FV_PROCESS_OK;
  const FvNormRect *rect = NULL;
  if (st->rect >= 0) {
    rect = fv_packet_get_norm_rect (fv_context_input (ctx, (guint) st->rect));
    /* MediaPipe skips a missing rect and the width = height = 0 sentinel some graphs send */
    if (rect == NULL || (rect->width == 0 && rect->height == 0))
      return FV_PROCESS_OK;
  }
  FvImageToTensorParams params = st->params;
  params.width = st->out_w > 0 ? st->out_w : image->width;
  params.height = st->out_h > 0 ? st->out_h : image->height;

  g_autoptr (FvTensorList) list = fv_tensor_list_new (1);
  const gint32 shape[4] = { 1, params.height, params.width, 3 };
  float padding[4], matrix[16];
  if (!fv_tensor_list_alloc (list, 0, 4, shape, error))
    return FV_PROCESS_ERROR;
  float *out = list->tensors[0].data;
  if (st->gpu != NULL
        ? !image_to_tensor_gpu (st, image, rect, &params, out, padding, matrix, error)
        : !fv_image_to_tensor (image, rect, &params, out, padding, matrix, error))
    return FV_PROCESS_ERROR;
  if (st->padding >= 0)
    fv_context_output (ctx, (guint) st->padding, fv_packet_new_letterbox_padding (padding));
  if (st->matrix >= 0)
    fv_context_output (ctx, (guint) st->matrix, fv_packet_new_matrix (matrix));
  fv_context_output (ctx, (guint) st->tensors, fv_packet_new_tensors (g_steal_pointer (&list)));
  return FV_PROCESS_OK;
}

static void
i2t_destroy_state (gpointer state)
{
  ImageToTensorState *st = state;
  g_clear_pointer (&st->pool, fv_gpu_buffer_pool_free);
  g_clear_pointer (&st->gpu, fv_gpu_device_unref);
}

static const FvCalculatorClass image_to_tensor_calculator = {
  .name = "ImageToTensorCalculator",
  .state_size = sizeof (ImageToTensorState),
  .contract = i2t_contract,
  .open = i2t_open,
  .process = i2t_process,
  .destroy_state = i2t_destroy_state,
};
FV_REGISTER_CALCULATOR (image_to_tensor_calculator)
