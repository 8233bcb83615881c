/* fovea — TensorsToSegmentationCalculator: a segmentation model's output tensor as a mask
 * at the image's size (MediaPipe's calculators/tensor/tensors_to_segmentation_calculator).
 *
 * Inputs:  TENSORS ("tensors"): the first tensor, [1, H, W, C] (or [H, W, C]), C 1 or 2
 *          OUTPUT_SIZE ("image_size", optional): the mask's size; without it, W x H
 * Outputs: MASK ("mask"): the foreground probability per pixel
 * Options (TensorsToSegmentationCalculatorOptions):
 *   activation  NONE (default: the model gives probabilities) | SIGMOID (1 channel) |
 *               SOFTMAX (2 channels)
 *   output_layer_index  the channel that is the foreground (default 1; SOFTMAX and 2-channel
 *               NONE)
 * Resampling is bilinear with pixel centres aligned (OpenCV's INTER_LINEAR, as MediaPipe's
 * CPU path): output pixel x reads the tensor at (x + 0.5) * W / width - 0.5, clamped to the
 * edge. A timestamp without tensors produces nothing.
 */
#include <math.h>
#include <string.h>

#include "calculators/detection/image_size.h"
#include "graph/calculator.h"
#include "graph/mask.h"
#include "graph/tensor_list.h"

typedef enum { ACT_NONE, ACT_SIGMOID, ACT_SOFTMAX } Activation;

typedef struct {
  Activation activation;
  int layer;
  int in, size, out;
  /* planned for one tensor and mask size, reused while they stay (steady-state frames
   * allocate only the mask, which leaves in the packet) */
  int w, h, ow, oh;
  float *small;       /* w * h probabilities */
  float *column;      /* w: the two tensor rows of an output row, blended vertically */
  int *x0;            /* ow: each output column's left tap (the right one is x0 + 1) */
  float *ax;          /* ow: its weight on the right tap */
} SegState;

static gboolean
read_options (const FvTpMessage *opts, Activation *act, int *layer, GError **error)
{
  GError *local = NULL;
  const char *s = fv_tp_get_string (opts, "activation", "NONE", &local);
  gint64 index = local ? 0 : fv_tp_get_int (opts, "output_layer_index", 1, &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  if (strcmp (s, "NONE") == 0)
    *act = ACT_NONE;
  else if (strcmp (s, "SIGMOID") == 0)
    *act = ACT_SIGMOID;
  else if (strcmp (s, "SOFTMAX") == 0)
    *act = ACT_SOFTMAX;
  else {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "activation: unknown value '%s' (NONE, SIGMOID or SOFTMAX)", s);
    return FALSE;
  }
  if (index < 0 || index > 1) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "output_layer_index %" G_GINT64_FORMAT ": the models have 1 or 2 channels",
                 index);
    return FALSE;
  }
  *layer = (int) index;
  return TRUE;
}

static gboolean
seg_contract (FvContract *cc, GError **error)
{
  Activation act;
  int layer;
  fv_type_image_size ();
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "TENSORS", fv_type_name (fv_type_tensors ()),
                                 FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "OUTPUT_SIZE", FV_TYPE_NAME_IMAGE_SIZE,
                                    TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "MASK", fv_type_name (fv_type_mask ()),
                                    FALSE, error)
      || !read_options (fv_contract_options (cc), &act, &layer, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
seg_open (FvCalculatorContext *ctx, GError **error)
{
  SegState *st = fv_context_state (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "TENSORS", 0);
  st->size = fv_context_port (ctx, FV_PORT_INPUT, "OUTPUT_SIZE", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "MASK", 0);
  return read_options (fv_context_options (ctx), &st->activation, &st->layer, error);
}

/* The foreground probability of tensor pixel @p (its @c channels at @v). */
static float
probability (const SegState *st, const float *v, int c)
{
  switch (st->activation) {
    case ACT_SIGMOID:
      return 1.0f / (1.0f + expf (-v[0]));
    case ACT_SOFTMAX: {
      /* two channels: softmax of the foreground = sigmoid of the difference */
      float d = v[st->layer] - v[1 - st->layer];
      return 1.0f / (1.0f + expf (-d));
    }
    case ACT_NONE:
    default:
      return c == 2 ? v[st->layer] : v[0];
  }
}

/* The buffers and column taps for a @w x @h tensor and an @ow x @oh mask. */
static void
plan (SegState *st, int w, int h, int ow, int oh)
{
  st->w = w, st->h = h, st->ow = ow, st->oh = oh;
  g_free (st->small);
  g_free (st->column);
  g_free (st->x0);
  g_free (st->ax);
  st->small = g_new (float, (gsize) w * (gsize) h);
  st->column = g_new (float, (gsize) w + 1);
  st->x0 = g_new (int, (gsize) ow);
  st->ax = g_new (float, (gsize) ow);
  const float sx = (float) w / (float) ow;
  for (int x = 0; x < ow; x++) {
    float fx = ((float) x + 0.5f) * sx - 0.5f;
    fx = CLAMP (fx, 0.0f, (float) (w - 1));
    st->x0[x] = (int) fx;
    st->ax[x] = fx - (float) st->x0[x];
  }
}

static void
seg_destroy_state (gpointer state)
{
  SegState *st = state;
  g_free (st->small);
  g_free (st->column);
  g_free (st->x0);
  g_free (st->ax);
}

static FvProcessStatus
seg_process (FvCalculatorContext *ctx, GError **error)
{
  SegState *st = fv_context_state (ctx);
  const FvTensorList *list = fv_packet_get_tensors (fv_context_input (ctx, (guint) st->in));
  if (list == NULL)
    return FV_PROCESS_OK;
  const FvTensorBuffer *t = list->n > 0 ? &list->tensors[0] : NULL;
  int rank = t ? t->rank : 0;
  if (t == NULL || rank < 3 || (rank == 4 && t->shape[0] != 1) || rank > 4) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                 "TENSORS: expected one [1, H, W, C] tensor");
    return FV_PROCESS_ERROR;
  }
  const int h = t->shape[rank - 3], w = t->shape[rank - 2], c = t->shape[rank - 1];
  if (c != 1 && c != 2) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                 "TENSORS: %d channels (a mask has 1, or 2 for SOFTMAX)", c);
    return FV_PROCESS_ERROR;
  }
  if (st->activation == ACT_SOFTMAX && c != 2) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                 "SOFTMAX needs 2 channels, the tensor has %d", c);
    return FV_PROCESS_ERROR;
  }
  int ow = w, oh = h;
  if (st->size >= 0) {
    const FvImageSize *size = fv_packet_get_image_size (fv_context_input (ctx, (guint) st->size));
    if (size == NULL) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "OUTPUT_SIZE has no packet at this timestamp");
      return FV_PROCESS_ERROR;
    }
    ow = size->width;
    oh = size->height;
  }
  FvMask *mask = fv_mask_new (ow, oh, error);
  if (mask == NULL)
    return FV_PROCESS_ERROR;

  if (st->w != w || st->h != h || st->ow != ow || st->oh != oh)
    plan (st, w, h, ow, oh);
  /* the small mask first, then the bilinear upsampling from it: each output row blends two
   * tensor rows (vertically, w values), then reads that blend at its columns' taps */
  for (gsize i = 0; i < (gsize) w * (gsize) h; i++)
    st->small[i] = probability (st, t->data + i * (gsize) c, c);
  const float sy = (float) h / (float) oh;
  for (int y = 0; y < oh; y++) {
    float fy = ((float) y + 0.5f) * sy - 0.5f;
    fy = CLAMP (fy, 0.0f, (float) (h - 1));
    int y0 = (int) fy, y1 = MIN (y0 + 1, h - 1);
    float ay = fy - (float) y0;
    const float *r0 = st->small + (gsize) y0 * (gsize) w, *r1 = st->small + (gsize) y1 * (gsize) w;
    for (int x = 0; x < w; x++)
      st->column[x] = r0[x] + (r1[x] - r0[x]) * ay;
    st->column[w] = st->column[w - 1];   /* the right tap of the last column */
    float *row = mask->data + (gsize) y * (gsize) ow;
    for (int x = 0; x < ow; x++) {
      const float *v = st->column + st->x0[x];
      row[x] = v[0] + (v[1] - v[0]) * st->ax[x];
    }
  }
  fv_context_output (ctx, (guint) st->out, fv_packet_new_mask (mask));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass tensors_to_segmentation_calculator = {
  .name = "TensorsToSegmentationCalculator",
  .state_size = sizeof (SegState),
  .contract = seg_contract,
  .open = seg_open,
  .process = seg_process,
  .destroy_state = seg_destroy_state,
};
FV_REGISTER_CALCULATOR (tensors_to_segmentation_calculator)
