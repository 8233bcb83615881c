/* fovea — NormalizedRectVectorHasMinSizeCalculator: tells whether a list of rects holds at
 * least min_size of them (MediaPipe's CollectionHasMinSizeCalculator, instantiated for
 * std::vector<NormalizedRect>, calculators/util/collection_has_min_size_calculator). The
 * face mesh tracking uses it to skip the detector while enough faces are tracked.
 *
 * Inputs:  ITERABLE: the list, "norm_rects" or a "packet_vector" (of "norm_rect", counted
 *          as elements whatever they hold)
 * Side:    one untagged "int", optional: overrides min_size (e.g. num_faces)
 * Outputs: one untagged "bool": size >= min_size, at the input's timestamp
 * Options (CollectionHasMinSizeCalculatorOptions): min_size (0; negative is an error).
 * A timestamp without a list emits nothing (the output bound advances), as in MediaPipe's
 * graphs where a gated-out list leaves the following gate to its empty-packet rule.
 */
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/packet_vector.h"

typedef struct {
  gint64 min_size;
} HasMinSizeState;

static gboolean
check_min_size (gint64 size, const char *from, GError **error)
{
  if (size >= 0)
    return TRUE;
  g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
               "min_size (%s) must be >= 0, got %" G_GINT64_FORMAT, from, size);
  return FALSE;
}

static gboolean
has_min_size_contract (FvContract *cc, GError **error)
{
  (void) fv_type_norm_rects ();
  if (fv_contract_num_ports (cc, FV_PORT_INPUT) != 1
      || fv_contract_port (cc, FV_PORT_INPUT, "ITERABLE", 0) != 0
      || fv_contract_num_ports (cc, FV_PORT_OUTPUT) != 1
      || fv_contract_num_ports (cc, FV_PORT_SIDE_INPUT) > 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs one ITERABLE input, one output and at most one input side packet");
      return FALSE;
    }
  GError *local = NULL;
  gint64 size = fv_tp_get_int (fv_contract_options (cc), "min_size", 0, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!check_min_size (size, "option", error)
      || !fv_contract_set_type (cc, FV_PORT_INPUT, 0, "any", error)
      || !fv_contract_set_type (cc, FV_PORT_OUTPUT, 0, "bool", error)
      || (fv_contract_num_ports (cc, FV_PORT_SIDE_INPUT) == 1
          && !fv_contract_set_type (cc, FV_PORT_SIDE_INPUT, 0, "int", error)))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
has_min_size_open (FvCalculatorContext *ctx, GError **error)
{
  HasMinSizeState *st = fv_context_state (ctx);
  st->min_size = fv_tp_get_int (fv_context_options (ctx), "min_size", 0, NULL);
  if (fv_context_num_ports (ctx, FV_PORT_SIDE_INPUT) == 1)
    {
      FvPacket *side = fv_context_side_input (ctx, 0);
      if (side != NULL)
        st->min_size = fv_packet_get_int (side);
    }
  return check_min_size (st->min_size, "side packet", error);
}

static FvProcessStatus
has_min_size_process (FvCalculatorContext *ctx, GError **error)
{
  const HasMinSizeState *st = fv_context_state (ctx);
  FvPacket *in = fv_context_input (ctx, 0);
  if (in == NULL)
    return FV_PROCESS_OK;
  gint64 size;
  const FvNormRects *rects = fv_packet_get_norm_rects (in);
  const GPtrArray *vector = fv_packet_get_vector (in);
  if (rects != NULL)
    size = rects->n;
  else if (vector != NULL)
    size = vector->len;
  else
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "ITERABLE must be \"norm_rects\" or \"packet_vector\"");
      return FV_PROCESS_ERROR;
    }
  fv_context_output (ctx, 0, fv_packet_new_bool (size >= st->min_size));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass normalized_rect_vector_has_min_size_calculator = {
  .name = "NormalizedRectVectorHasMinSizeCalculator",
  .state_size = sizeof (HasMinSizeState),
  .contract = has_min_size_contract,
  .open = has_min_size_open,
  .process = has_min_size_process,
};
FV_REGISTER_CALCULATOR (normalized_rect_vector_has_min_size_calculator)
