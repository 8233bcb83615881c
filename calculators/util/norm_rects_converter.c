/* fovea — NormRectsConverterCalculator: converts a list of rects between its two fovea
 * forms, the "norm_rects" payload (what DetectionsToRects, RectTransformation and
 * AssociationNormRect exchange) and a "packet_vector" of "norm_rect" packets (what
 * BeginLoopCalculator iterates and EndLoopCalculator gathers). MediaPipe needs no such node
 * because its loops are templated on std::vector<NormalizedRect>; fovea's loops are
 * generic over packet_vector, so the face mesh graph converts at the loop's edges.
 *
 * Either  input NORM_RECTS ("norm_rects")  -> output VECTOR ("packet_vector" of "norm_rect")
 * or      input VECTOR ("packet_vector")   -> output NORM_RECTS ("norm_rects").
 * The order of the rects is kept. No options. A timestamp without an input packet emits
 * nothing (the output bound advances); a vector element that is not a "norm_rect" is an
 * error naming its position.
 */
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/packet_vector.h"

static gboolean
converter_contract (FvContract *cc, GError **error)
{
  (void) fv_type_norm_rects ();
  (void) fv_type_norm_rect ();
  gboolean to_vector = fv_contract_tag_count (cc, FV_PORT_INPUT, "NORM_RECTS") == 1
                       && fv_contract_tag_count (cc, FV_PORT_OUTPUT, "VECTOR") == 1;
  gboolean to_rects = fv_contract_tag_count (cc, FV_PORT_INPUT, "VECTOR") == 1
                      && fv_contract_tag_count (cc, FV_PORT_OUTPUT, "NORM_RECTS") == 1;
  if (fv_contract_num_ports (cc, FV_PORT_INPUT) != 1
      || fv_contract_num_ports (cc, FV_PORT_OUTPUT) != 1 || !(to_vector || to_rects))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs either input NORM_RECTS and output VECTOR, or input VECTOR and "
                   "output NORM_RECTS");
      return FALSE;
    }
  if (!fv_contract_set_type (cc, FV_PORT_INPUT, 0,
                             to_vector ? FV_TYPE_NAME_NORM_RECTS : "packet_vector", error)
      || !fv_contract_set_type (cc, FV_PORT_OUTPUT, 0,
                                to_vector ? "packet_vector" : FV_TYPE_NAME_NORM_RECTS, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvPacket *
rects_to_vector (const FvNormRects *rects)
{
  GPtrArray *items = g_ptr_array_new_full ((guint) rects->n, (GDestroyNotify) fv_packet_unref);
  for (int i = 0; i < rects->n; i++)
    g_ptr_array_add (items, fv_packet_new_norm_rect (&rects->items[i]));
  return fv_packet_new_vector (items);
}

static FvPacket *
vector_to_rects (const GPtrArray *items, GError **error)
{
  g_autoptr (FvNormRects) rects = fv_norm_rects_new ((int) items->len);
  for (guint i = 0; i < items->len; i++)
    {
      const FvNormRect *r = fv_packet_get_norm_rect (g_ptr_array_index (items, i));
      if (r == NULL)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "VECTOR element %u is not a \"norm_rect\"", i);
          return NULL;
        }
      rects->items[i] = *r;
    }
  return fv_packet_new_norm_rects (g_steal_pointer (&rects));
}

static FvProcessStatus
converter_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *in = fv_context_input (ctx, 0);
  if (in == NULL)
    return FV_PROCESS_OK;
  const FvNormRects *rects = fv_packet_get_norm_rects (in);
  FvPacket *out;
  if (rects != NULL)
    out = rects_to_vector (rects);
  else
    {
      out = vector_to_rects (fv_packet_get_vector (in), error);
      if (out == NULL)
        return FV_PROCESS_ERROR;
    }
  fv_context_output (ctx, 0, out);
  return FV_PROCESS_OK;
}

static const FvCalculatorClass norm_rects_converter_calculator = {
  .name = "NormRectsConverterCalculator",
  .contract = converter_contract,
  .process = converter_process,
};
FV_REGISTER_CALCULATOR (norm_rects_converter_calculator)
