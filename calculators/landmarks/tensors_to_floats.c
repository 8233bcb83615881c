/* fovea — TensorsToFloatsCalculator: the values of the first tensor as floats, e.g. a
 * landmark model's presence score (MediaPipe's calculators/tensor/tensors_to_floats_calculator).
 *
 * Inputs:  TENSORS ("tensors"; the first tensor is read)
 * Outputs: FLOAT ("float", optional): the single value (the tensor must hold exactly one)
 *          FLOATS ("packet_vector" of "float", optional): every value
 *          (at least one of the two)
 * Options (TensorsToFloatsCalculatorOptions): activation NONE (default) | SIGMOID.
 * A timestamp without tensors produces nothing.
 */
#include <math.h>
#include <string.h>

#include "graph/calculator.h"
#include "graph/packet_vector.h"
#include "graph/tensor_list.h"

typedef struct {
  gboolean sigmoid;
  int in, out_float, out_floats;
} TensorsToFloatsState;

static gboolean
read_activation (const FvTpMessage *opts, gboolean *sigmoid, GError **error)
{
  GError *local = NULL;
  const char *s = fv_tp_get_string (opts, "activation", "NONE", &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (strcmp (s, "NONE") != 0 && strcmp (s, "SIGMOID") != 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "activation: unknown value '%s' (NONE or SIGMOID)", s);
      return FALSE;
    }
  *sigmoid = strcmp (s, "SIGMOID") == 0;
  return TRUE;
}

static gboolean
t2f_contract (FvContract *cc, GError **error)
{
  if (fv_contract_tag_count (cc, FV_PORT_OUTPUT, "FLOAT")
      + fv_contract_tag_count (cc, FV_PORT_OUTPUT, "FLOATS") == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "needs a FLOAT or FLOATS output");
      return FALSE;
    }
  gboolean sigmoid;
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "TENSORS", fv_type_name (fv_type_tensors ()),
                                 FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "FLOAT", "float", TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "FLOATS", "packet_vector", TRUE, error)
      || !read_activation (fv_contract_options (cc), &sigmoid, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
t2f_open (FvCalculatorContext *ctx, GError **error)
{
  TensorsToFloatsState *st = fv_context_state (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "TENSORS", 0);
  st->out_float = fv_context_port (ctx, FV_PORT_OUTPUT, "FLOAT", 0);
  st->out_floats = fv_context_port (ctx, FV_PORT_OUTPUT, "FLOATS", 0);
  return read_activation (fv_context_options (ctx), &st->sigmoid, error);
}

static FvProcessStatus
t2f_process (FvCalculatorContext *ctx, GError **error)
{
  TensorsToFloatsState *st = fv_context_state (ctx);
  const FvTensorList *list = fv_packet_get_tensors (fv_context_input (ctx, (guint) st->in));
  if (list == NULL)
    return FV_PROCESS_OK;
  if (list->n < 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR, "TENSORS holds no tensor");
      return FV_PROCESS_ERROR;
    }
  const FvTensorBuffer *t = &list->tensors[0];
  if (st->out_float >= 0 && t->n != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "FLOAT needs a tensor of one value, not %" G_GSIZE_FORMAT, t->n);
      return FV_PROCESS_ERROR;
    }
  GPtrArray *values = g_ptr_array_new_full ((guint) t->n, (GDestroyNotify) fv_packet_unref);
  for (gsize i = 0; i < t->n; i++)
    {
      float v = t->data[i];
      if (st->sigmoid)
        v = 1.0f / (1.0f + expf (-v));
      g_ptr_array_add (values, fv_packet_new_float (v));
    }
  if (st->out_float >= 0)
    fv_context_output (ctx, (guint) st->out_float,
                       fv_packet_new_float (fv_packet_get_float (g_ptr_array_index (values, 0))));
  if (st->out_floats >= 0)
    fv_context_output (ctx, (guint) st->out_floats, fv_packet_new_vector (values));
  else
    g_ptr_array_unref (values);
  return FV_PROCESS_OK;
}

static const FvCalculatorClass tensors_to_floats_calculator = {
  .name = "TensorsToFloatsCalculator",
  .state_size = sizeof (TensorsToFloatsState),
  .contract = t2f_contract,
  .open = t2f_open,
  .process = t2f_process,
};
FV_REGISTER_CALCULATOR (tensors_to_floats_calculator)
