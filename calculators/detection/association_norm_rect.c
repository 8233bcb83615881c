/* fovea — AssociationNormRectCalculator: merges lists of rects, dropping duplicates,
 * e.g. the ROIs tracked from the last frame's landmarks and the ROIs of new detections.
 *
 *   input_stream:  two or more "norm_rects" lists (any tags), in increasing priority;
 *                  at most one tagged PREV (taken out of the merge)
 *   output_stream: the one output, "norm_rects"
 *   options { [mediapipe.AssociationCalculatorOptions.ext] {
 *     min_similarity_threshold (1.0) } }
 *
 * As MediaPipe: the lists are visited in input order; each rect removes every rect
 * already gathered whose IoU with it exceeds the threshold, then joins the end of the
 * result — so where rects overlap, the later list (or the later rect of one list) wins.
 * IoU is of the axis-aligned boxes (rotation ignored, as in MediaPipe). The PREV input
 * only carries ids in MediaPipe, and NormalizedRect has none there, so it changes
 * nothing here either. An empty list is emitted when every list is empty.
 */
#include <string.h>

#include "calculators/detection/geometry.h"
#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/detection.h"

typedef struct {
  float threshold;
} AssocState;

static FvBox
box_of (const FvNormRect *r)
{
  FvBox b = { r->x_center - r->width / 2, r->y_center - r->height / 2,
              r->x_center + r->width / 2, r->y_center + r->height / 2 };
  return b;
}

static void
add_rect (GArray *result, const FvNormRect *r, float threshold)
{
  FvBox cur = box_of (r);
  for (guint i = 0; i < result->len;)
    {
      if (fv_box_iou (cur, box_of (&g_array_index (result, FvNormRect, i))) > threshold)
        g_array_remove_index (result, i);
      else
        i++;
    }
  g_array_append_val (result, *r);
}

static gboolean
assoc_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  guint n_prev = fv_contract_tag_count (cc, FV_PORT_INPUT, "PREV");
  if (n_prev > 1 || (n_prev == 1 && fv_contract_num_ports (cc, FV_PORT_INPUT) < 2)
      || fv_contract_num_ports (cc, FV_PORT_INPUT) < 1
      || fv_contract_num_ports (cc, FV_PORT_OUTPUT) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "needs rect list inputs (at most one PREV, plus another) and one output");
      return FALSE;
    }
  GError *local = NULL;
  double threshold = fv_tp_get_double (fv_contract_options (cc), "min_similarity_threshold",
                                       1.0, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!(threshold >= 0))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "min_similarity_threshold must not be negative (got %g)", threshold);
      return FALSE;
    }
  if (!fv_contract_set_all_types (cc, FV_PORT_INPUT, FV_TYPE_NAME_NORM_RECTS, error)
      || !fv_contract_set_type (cc, FV_PORT_OUTPUT, 0, FV_TYPE_NAME_NORM_RECTS, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
assoc_open (FvCalculatorContext *ctx, GError **error)
{
  AssocState *st = fv_context_state (ctx);
  st->threshold = (float) fv_tp_get_double (fv_context_options (ctx),
                                            "min_similarity_threshold", 1.0, NULL);
  return TRUE;
}

static FvProcessStatus
assoc_process (FvCalculatorContext *ctx, GError **error)
{
  const AssocState *st = fv_context_state (ctx);
  GArray *result = g_array_new (FALSE, FALSE, sizeof (FvNormRect));
  for (guint i = 0; i < fv_context_num_ports (ctx, FV_PORT_INPUT); i++)
    {
      if (strcmp (fv_context_port_tag (ctx, FV_PORT_INPUT, i), "PREV") == 0)
        continue;
      const FvNormRects *list = fv_packet_get_norm_rects (fv_context_input (ctx, i));
      for (int k = 0; list != NULL && k < list->n; k++)
        add_rect (result, &list->items[k], st->threshold);
    }
  FvNormRects *out = fv_norm_rects_new ((int) result->len);
  if (result->len > 0)
    memcpy (out->items, result->data, result->len * sizeof (FvNormRect));
  g_array_free (result, TRUE);
  fv_context_output (ctx, 0, fv_packet_new_norm_rects (out));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass association_norm_rect_calculator = {
  .name = "AssociationNormRectCalculator",
  .state_size = sizeof (AssocState),
  .contract = assoc_contract,
  .open = assoc_open,
  .process = assoc_process,
};
FV_REGISTER_CALCULATOR (association_norm_rect_calculator)
