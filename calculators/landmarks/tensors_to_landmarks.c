/* fovea — TensorsToLandmarksCalculator: decodes a landmark model's regression tensor into
 * landmarks (MediaPipe's calculators/tensor/tensors_to_landmarks_calculator).
 *
 * Inputs:  TENSORS ("tensors"; only the first tensor is read: num_landmarks x D floats,
 *            D = values / num_landmarks; D >= 1 gives x, 2 y, 3 z, 4 visibility, 5 presence)
 *          FLIP_HORIZONTALLY, FLIP_VERTICALLY (bool, optional; override the side packets
 *            and the options)
 * Side:    FLIP_HORIZONTALLY, FLIP_VERTICALLY (bool, optional; override the options)
 * Outputs: NORM_LANDMARKS ("landmarks", optional): x / input_image_width,
 *            y / input_image_height, z / input_image_width / normalize_z
 *          LANDMARKS ("landmarks", optional): the raw values, in the model's input pixels
 * Options (TensorsToLandmarksCalculatorOptions): num_landmarks (required),
 *   input_image_width, input_image_height (required for NORM_LANDMARKS and for flipping),
 *   normalize_z (1.0), visibility_activation / presence_activation (NONE | SIGMOID),
 *   flip_horizontally, flip_vertically (false): x -> input_image_width - x, and y alike.
 * A timestamp without tensors produces nothing (the output bound advances).
 */
#include <math.h>
#include <string.h>

#include "graph/calculator.h"
#include "graph/landmark.h"
#include "graph/tensor_list.h"

typedef enum { ACTIVATION_NONE, ACTIVATION_SIGMOID } Activation;

typedef struct {
  int num_landmarks;
  gboolean has_size;
  double width, height, normalize_z;
  Activation visibility, presence;
  gboolean flip_h, flip_v;
  int in_tensors, in_flip_h, in_flip_v;
  int out_norm, out_abs;
} TensorsToLandmarksState;

static gboolean
parse_activation (const FvTpMessage *opts, const char *field, Activation *out, GError **error)
{
  GError *local = NULL;
  const char *s = fv_tp_get_string (opts, field, "NONE", &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (strcmp (s, "NONE") == 0)
    *out = ACTIVATION_NONE;
  else if (strcmp (s, "SIGMOID") == 0)
    *out = ACTIVATION_SIGMOID;
  else
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%s: unknown activation '%s' (NONE or SIGMOID)", field, s);
      return FALSE;
    }
  return TRUE;
}

/* Reads and checks the options; shared by contract() (early errors) and open(). */
static gboolean
load_options (const FvTpMessage *opts, gboolean want_norm, gboolean may_flip,
              TensorsToLandmarksState *st, GError **error)
{
  GError *local = NULL;
  if (fv_tp_get (opts, "num_landmarks") == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "options need num_landmarks");
      return FALSE;
    }
  gint64 n = fv_tp_get_int (opts, "num_landmarks", 0, &local);
  if (local == NULL && (n < 1 || n > 1 << 20))
    g_set_error (&local, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "num_landmarks must be in 1..%d, not %" G_GINT64_FORMAT, 1 << 20, n);
  st->num_landmarks = (int) n;
  st->has_size = fv_tp_get (opts, "input_image_width") != NULL
                 && fv_tp_get (opts, "input_image_height") != NULL;
  if (local == NULL)
    st->width = (double) fv_tp_get_int (opts, "input_image_width", 0, &local);
  if (local == NULL)
    st->height = (double) fv_tp_get_int (opts, "input_image_height", 0, &local);
  if (local == NULL)
    st->normalize_z = fv_tp_get_double (opts, "normalize_z", 1.0, &local);
  if (local == NULL)
    st->flip_h = fv_tp_get_bool (opts, "flip_horizontally", FALSE, &local);
  if (local == NULL)
    st->flip_v = fv_tp_get_bool (opts, "flip_vertically", FALSE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!parse_activation (opts, "visibility_activation", &st->visibility, error)
      || !parse_activation (opts, "presence_activation", &st->presence, error))
    return FALSE;
  if ((want_norm || may_flip || st->flip_h || st->flip_v)
      && (!st->has_size || st->width <= 0 || st->height <= 0))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "options need positive input_image_width and input_image_height for "
                   "NORM_LANDMARKS or flipping");
      return FALSE;
    }
  if (want_norm && st->normalize_z == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "normalize_z must not be 0");
      return FALSE;
    }
  return TRUE;
}

static gboolean
t2l_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "TENSORS", fv_type_name (fv_type_tensors ()),
                                 FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "FLIP_HORIZONTALLY", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "FLIP_VERTICALLY", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "FLIP_HORIZONTALLY", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "FLIP_VERTICALLY", "bool", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "NORM_LANDMARKS", landmarks, TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "LANDMARKS", landmarks, TRUE, error))
    return FALSE;
  gboolean may_flip = fv_contract_tag_count (cc, FV_PORT_INPUT, "FLIP_HORIZONTALLY")
                      + fv_contract_tag_count (cc, FV_PORT_INPUT, "FLIP_VERTICALLY")
                      + fv_contract_tag_count (cc, FV_PORT_SIDE_INPUT, "FLIP_HORIZONTALLY")
                      + fv_contract_tag_count (cc, FV_PORT_SIDE_INPUT, "FLIP_VERTICALLY") > 0;
  TensorsToLandmarksState st = { 0 };
  if (!load_options (fv_contract_options (cc),
                     fv_contract_tag_count (cc, FV_PORT_OUTPUT, "NORM_LANDMARKS") > 0, may_flip,
                     &st, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
t2l_open (FvCalculatorContext *ctx, GError **error)
{
  TensorsToLandmarksState *st = fv_context_state (ctx);
  st->in_tensors = fv_context_port (ctx, FV_PORT_INPUT, "TENSORS", 0);
  st->in_flip_h = fv_context_port (ctx, FV_PORT_INPUT, "FLIP_HORIZONTALLY", 0);
  st->in_flip_v = fv_context_port (ctx, FV_PORT_INPUT, "FLIP_VERTICALLY", 0);
  st->out_norm = fv_context_port (ctx, FV_PORT_OUTPUT, "NORM_LANDMARKS", 0);
  st->out_abs = fv_context_port (ctx, FV_PORT_OUTPUT, "LANDMARKS", 0);
  gboolean may_flip = st->in_flip_h >= 0 || st->in_flip_v >= 0;
  if (!load_options (fv_context_options (ctx), st->out_norm >= 0, may_flip, st, error))
    return FALSE;
  int side = fv_context_port (ctx, FV_PORT_SIDE_INPUT, "FLIP_HORIZONTALLY", 0);
  if (side >= 0)
    st->flip_h = fv_packet_get_bool (fv_context_side_input (ctx, (guint) side));
  side = fv_context_port (ctx, FV_PORT_SIDE_INPUT, "FLIP_VERTICALLY", 0);
  if (side >= 0)
    st->flip_v = fv_packet_get_bool (fv_context_side_input (ctx, (guint) side));
  return TRUE;
}

static float
activate (Activation a, float v)
{
  return a == ACTIVATION_SIGMOID ? 1.0f / (1.0f + expf (-v)) : v;
}

static gboolean
flag_at (FvCalculatorContext *ctx, int port, gboolean fallback)
{
  FvPacket *p = port >= 0 ? fv_context_input (ctx, (guint) port) : NULL;
  return p != NULL ? fv_packet_get_bool (p) : fallback;
}

static FvProcessStatus
t2l_process (FvCalculatorContext *ctx, GError **error)
{
  TensorsToLandmarksState *st = fv_context_state (ctx);
  const FvTensorList *list = fv_packet_get_tensors (fv_context_input (ctx, (guint) st->in_tensors));
  if (list == NULL)
    return FV_PROCESS_OK;
  if (list->n < 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR, "TENSORS holds no tensor");
      return FV_PROCESS_ERROR;
    }
  const FvTensorBuffer *t = &list->tensors[0];
  gsize dims = t->n / (gsize) st->num_landmarks;
  if (dims < 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the tensor has %" G_GSIZE_FORMAT " values, fewer than num_landmarks (%d)",
                   t->n, st->num_landmarks);
      return FV_PROCESS_ERROR;
    }
  gboolean flip_h = flag_at (ctx, st->in_flip_h, st->flip_h);
  gboolean flip_v = flag_at (ctx, st->in_flip_v, st->flip_v);

  g_autoptr (FvLandmarks) raw = fv_landmarks_new (st->num_landmarks);
  for (int i = 0; i < st->num_landmarks; i++)
    {
      const float *v = t->data + (gsize) i * dims;
      FvLandmark *l = &raw->items[i];
      l->x = flip_h ? (float) st->width - v[0] : v[0];
      if (dims > 1)
        l->y = flip_v ? (float) st->height - v[1] : v[1];
      if (dims > 2)
        l->z = v[2];
      if (dims > 3)
        l->visibility = activate (st->visibility, v[3]);
      if (dims > 4)
        l->presence = activate (st->presence, v[4]);
    }
  if (st->out_norm >= 0)
    {
      FvLandmarks *norm = fv_landmarks_new (st->num_landmarks);
      for (int i = 0; i < st->num_landmarks; i++)
        {
          norm->items[i] = raw->items[i];
          norm->items[i].x = (float) (raw->items[i].x / st->width);
          norm->items[i].y = (float) (raw->items[i].y / st->height);
          /* z is in the scale of x, with an optional extra uniform factor */
          norm->items[i].z = (float) (raw->items[i].z / st->width / st->normalize_z);
        }
      fv_context_output (ctx, (guint) st->out_norm, fv_packet_new_landmarks (norm));
    }
  if (st->out_abs >= 0)
    fv_context_output (ctx, (guint) st->out_abs, fv_packet_new_landmarks (g_steal_pointer (&raw)));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass tensors_to_landmarks_calculator = {
  .name = "TensorsToLandmarksCalculator",
  .state_size = sizeof (TensorsToLandmarksState),
  .contract = t2l_contract,
  .open = t2l_open,
  .process = t2l_process,
};
FV_REGISTER_CALCULATOR (tensors_to_landmarks_calculator)
