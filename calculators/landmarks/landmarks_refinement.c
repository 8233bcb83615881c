/* fovea — LandmarksRefinementCalculator: merges several landmark lists into one, each list
 * overwriting the points its index mapping names (MediaPipe's
 * calculators/util/landmarks_refinement_calculator); the attention face mesh uses it to
 * refine the 468 mesh points with lips, eyes and irises into 478.
 *
 * Inputs:  LANDMARKS:0 .. LANDMARKS:N-1 ("landmarks"), one per refinement, applied in order
 * Outputs: REFINED_LANDMARKS ("landmarks"): as many points as the mappings cover
 *   (the mapped indices must be exactly 0 .. n-1); x and y come from the last list mapping
 *   a point; z per refinement: none (keep), copy (from the list) or assign_average (the
 *   mean z of the refined points at indexes_for_average, taken when that refinement
 *   runs); visibility and presence stay 0, as in MediaPipe.
 * Options (LandmarksRefinementCalculatorOptions): refinement { indexes_mapping: [...]
 *   z_refinement { none {} | copy {} | assign_average { indexes_for_average: [...] } } }
 *   (repeated). Without any refinement option, fovea uses the attention face mesh specs
 *   (face_refinement_maps.h), which need 6 inputs: mesh, lips, left eye, right eye, left
 *   iris, right iris.
 * If any input lacks landmarks at a timestamp, nothing is produced for it.
 */
#include <string.h>

#include "calculators/landmarks/face_refinement_maps.h"
#include "graph/calculator.h"
#include "graph/landmark.h"

/* Bounds the refined list (and the memory a hostile config can ask for). */
#define MAX_INDEX (1 << 20)

typedef struct {
  GArray *mapping;    /* int */
  FvZRefinementKind z;
  GArray *average;    /* int */
} Refinement;

typedef struct {
  GArray *refinements;   /* Refinement */
  int n_refined;
  int out;
} RefinementState;

static void
refinement_clear (gpointer p)
{
  Refinement *r = p;
  g_clear_pointer (&r->mapping, g_array_unref);
  g_clear_pointer (&r->average, g_array_unref);
}

static GArray *
int_array (const int *v, guint n)
{
  GArray *a = g_array_sized_new (FALSE, FALSE, sizeof (int), n);
  g_array_append_vals (a, v, n);
  return a;
}

static gboolean
read_ints (const FvTpMessage *msg, const char *field, GArray *out, GError **error)
{
  for (guint i = 0; i < fv_tp_count (msg, field); i++)
    {
      const FvTpField *f = fv_tp_get_nth (msg, field, i);
      if (f->kind != FV_TP_INT || f->i < 0 || f->i >= MAX_INDEX)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "%s (line %d): expected an index in 0 .. %d", field, f->line,
                       MAX_INDEX - 1);
          return FALSE;
        }
      int v = (int) f->i;
      g_array_append_val (out, v);
    }
  return TRUE;
}

static gboolean
parse_refinement (const FvTpMessage *msg, guint k, Refinement *r, GError **error)
{
  r->mapping = g_array_new (FALSE, FALSE, sizeof (int));
  r->average = g_array_new (FALSE, FALSE, sizeof (int));
  if (!read_ints (msg, "indexes_mapping", r->mapping, error))
    return FALSE;
  if (r->mapping->len == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "refinement %u has no indexes_mapping", k);
      return FALSE;
    }
  const FvTpMessage *z = fv_tp_get_message (msg, "z_refinement");
  guint kinds = z == NULL ? 0
                          : (fv_tp_get_message (z, "none") != NULL)
                              + (fv_tp_get_message (z, "copy") != NULL)
                              + (fv_tp_get_message (z, "assign_average") != NULL);
  if (kinds != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "refinement %u needs exactly one z_refinement (none, copy or assign_average)",
                   k);
      return FALSE;
    }
  if (fv_tp_get_message (z, "none") != NULL)
    r->z = FV_Z_REFINEMENT_NONE;
  else if (fv_tp_get_message (z, "copy") != NULL)
    r->z = FV_Z_REFINEMENT_COPY;
  else
    {
      r->z = FV_Z_REFINEMENT_ASSIGN_AVERAGE;
      if (!read_ints (fv_tp_get_message (z, "assign_average"), "indexes_for_average", r->average,
                      error))
        return FALSE;
      if (r->average->len == 0)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "refinement %u: assign_average needs indexes_for_average", k);
          return FALSE;
        }
    }
  return TRUE;
}

/* Builds the refinements (transfer full) and the refined landmark count. */
static GArray *
load_refinements (const FvTpMessage *opts, int *n_refined, GError **error)
{
  GArray *list = g_array_new (FALSE, TRUE, sizeof (Refinement));
  g_array_set_clear_func (list, refinement_clear);
  guint n = fv_tp_count (opts, "refinement");
  for (guint k = 0; k < n; k++)
    {
      g_array_set_size (list, k + 1);
      const FvTpField *f = fv_tp_get_nth (opts, "refinement", k);
      if (f->kind != FV_TP_MESSAGE)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "refinement (line %d) must be a message", f->line);
          g_array_unref (list);
          return NULL;
        }
      if (!parse_refinement (f->msg, k, &g_array_index (list, Refinement, k), error))
        {
          g_array_unref (list);
          return NULL;
        }
    }
  if (n == 0)
    for (guint k = 0; k < FV_FACE_ATTENTION_REFINEMENTS; k++)
      {
        const FvLandmarksRefinement *p = &fv_face_attention_refinements[k];
        Refinement r = { int_array (p->indexes_mapping, p->n_mapping), p->z,
                         int_array (p->indexes_for_average, p->n_average) };
        g_array_append_val (list, r);
      }
  /* the mapped indices must cover 0 .. n-1 with no gap */
  int max = -1;
  for (guint k = 0; k < list->len; k++)
    {
      GArray *m = g_array_index (list, Refinement, k).mapping;
      for (guint i = 0; i < m->len; i++)
        max = MAX (max, g_array_index (m, int, i));
    }
  g_autofree gboolean *seen = g_new0 (gboolean, (gsize) max + 1);
  for (guint k = 0; k < list->len; k++)
    {
      GArray *m = g_array_index (list, Refinement, k).mapping;
      for (guint i = 0; i < m->len; i++)
        seen[g_array_index (m, int, i)] = TRUE;
    }
  int missing = 0;
  for (int i = 0; i <= max; i++)
    missing += !seen[i];
  if (missing > 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "indexes_mapping should cover 0 .. %d with no gap, but %d indexes are missing",
                   max, missing);
      g_array_unref (list);
      return NULL;
    }
  for (guint k = 0; k < list->len; k++)
    {
      GArray *a = g_array_index (list, Refinement, k).average;
      for (guint i = 0; i < a->len; i++)
        if (g_array_index (a, int, i) > max)
          {
            g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                         "refinement %u: indexes_for_average %d is past the %d refined landmarks",
                         k, g_array_index (a, int, i), max + 1);
            g_array_unref (list);
            return NULL;
          }
    }
  *n_refined = max + 1;
  return list;
}

static gboolean
refinement_contract (FvContract *cc, GError **error)
{
  const char *landmarks = fv_type_name (fv_type_landmarks ());
  int n_refined;
  GArray *list = load_refinements (fv_contract_options (cc), &n_refined, error);
  if (list == NULL)
    return FALSE;
  guint n_refinements = list->len;
  g_array_unref (list);
  guint n_inputs = fv_contract_tag_count (cc, FV_PORT_INPUT, "LANDMARKS");
  if (n_inputs != n_refinements)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "there are %u refinements while %u LANDMARKS streams", n_refinements,
                   n_inputs);
      return FALSE;
    }
  for (guint k = 0; k < n_inputs; k++)
    if (fv_contract_port (cc, FV_PORT_INPUT, "LANDMARKS", (int) k) < 0)
      {
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "LANDMARKS:%u is missing (inputs are LANDMARKS:0 .. LANDMARKS:%u)", k,
                     n_inputs - 1);
        return FALSE;
      }
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "LANDMARKS", landmarks, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "REFINED_LANDMARKS", landmarks, FALSE,
                                    error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
refinement_open (FvCalculatorContext *ctx, GError **error)
{
  RefinementState *st = fv_context_state (ctx);
  st->refinements = load_refinements (fv_context_options (ctx), &st->n_refined, error);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "REFINED_LANDMARKS", 0);
  return st->refinements != NULL;
}

static FvProcessStatus
refinement_process (FvCalculatorContext *ctx, GError **error)
{
  RefinementState *st = fv_context_state (ctx);
  guint n = st->refinements->len;
  g_autofree const FvLandmarks **in = g_new0 (const FvLandmarks *, n);
  for (guint k = 0; k < n; k++)
    {
      int port = fv_context_port (ctx, FV_PORT_INPUT, "LANDMARKS", (int) k);
      in[k] = fv_packet_get_landmarks (fv_context_input (ctx, (guint) port));
      if (in[k] == NULL)
        return FV_PROCESS_OK;
      guint expect = g_array_index (st->refinements, Refinement, k).mapping->len;
      if ((guint) in[k]->n != expect)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                       "LANDMARKS:%u has %d landmarks while its indexes_mapping has %u", k,
                       in[k]->n, expect);
          return FV_PROCESS_ERROR;
        }
    }
  FvLandmarks *out = fv_landmarks_new (st->n_refined);
  for (guint k = 0; k < n; k++)
    {
      const Refinement *r = &g_array_index (st->refinements, Refinement, k);
      const int *map = (const int *) r->mapping->data;
      for (int i = 0; i < in[k]->n; i++)
        {
          out->items[map[i]].x = in[k]->items[i].x;
          out->items[map[i]].y = in[k]->items[i].y;
        }
      if (r->z == FV_Z_REFINEMENT_COPY)
        for (int i = 0; i < in[k]->n; i++)
          out->items[map[i]].z = in[k]->items[i].z;
      else if (r->z == FV_Z_REFINEMENT_ASSIGN_AVERAGE)
        {
          double sum = 0;
          for (guint i = 0; i < r->average->len; i++)
            sum += out->items[g_array_index (r->average, int, i)].z;
          float mean = (float) (sum / r->average->len);
          for (int i = 0; i < in[k]->n; i++)
            out->items[map[i]].z = mean;
        }
    }
  out->score = in[0]->score;
  fv_context_output (ctx, (guint) st->out, fv_packet_new_landmarks (out));
  return FV_PROCESS_OK;
}

static void
refinement_destroy (gpointer state)
{
  RefinementState *st = state;
  g_clear_pointer (&st->refinements, g_array_unref);
}

static const FvCalculatorClass landmarks_refinement_calculator = {
  .name = "LandmarksRefinementCalculator",
  .state_size = sizeof (RefinementState),
  .contract = refinement_contract,
  .open = refinement_open,
  .process = refinement_process,
  .destroy_state = refinement_destroy,
};
FV_REGISTER_CALCULATOR (landmarks_refinement_calculator)
