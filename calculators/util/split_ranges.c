/* fovea — SplitVectorCalculator's options and contract (split_ranges.h). */
#include "calculators/util/split_ranges.h"

#include "graph/graph_error.h"

#define MAX_INDEX (1 << 20)

gboolean
fv_split_ranges_load (FvSplitRanges *sr, const FvTpMessage *opts, GError **error)
{
  GError *local = NULL;
  *sr = (FvSplitRanges) { 0 };
  gboolean element_only = fv_tp_get_bool (opts, "element_only", FALSE, &local);
  if (local == NULL)
    sr->combine = fv_tp_get_bool (opts, "combine_outputs", FALSE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  sr->ranges = g_array_new (FALSE, FALSE, sizeof (FvSplitRange));
  for (guint i = 0; i < fv_tp_count (opts, "ranges"); i++)
    {
      const FvTpField *f = fv_tp_get_nth (opts, "ranges", i);
      gint64 b = -1, e = -1;
      if (f->kind == FV_TP_MESSAGE)
        {
          b = fv_tp_get_int (f->msg, "begin", 0, &local);
          if (local == NULL)
            e = fv_tp_get_int (f->msg, "end", 0, &local);
        }
      if (local != NULL || b < 0 || e < 0 || b >= e || e > MAX_INDEX
          || (element_only && e - b != 1))
        {
          if (local != NULL)
            g_propagate_error (error, local);
          else
            g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                         "ranges (line %d): need 0 <= begin < end <= %d%s", f->line, MAX_INDEX,
                         element_only ? " and, with element_only, end = begin + 1" : "");
          fv_split_ranges_clear (sr);
          return FALSE;
        }
      FvSplitRange r = { (int) b, (int) e };
      g_array_append_val (sr->ranges, r);
      sr->max_end = MAX (sr->max_end, r.end);
      sr->total += r.end - r.begin;
    }
  if (sr->ranges->len == 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "options need ranges");
      fv_split_ranges_clear (sr);
      return FALSE;
    }
  return TRUE;
}

void
fv_split_ranges_clear (FvSplitRanges *sr)
{
  g_clear_pointer (&sr->ranges, g_array_unref);
}

gboolean
fv_split_ranges_contract (FvContract *cc, const char *type_name, GError **error)
{
  FvSplitRanges sr;
  if (!fv_split_ranges_load (&sr, fv_contract_options (cc), error))
    return FALSE;
  guint n_ranges = sr.ranges->len;
  gboolean combine = sr.combine;
  fv_split_ranges_clear (&sr);
  guint n_out = fv_contract_num_ports (cc, FV_PORT_OUTPUT);
  if (fv_contract_num_ports (cc, FV_PORT_INPUT) != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "needs exactly one input");
      return FALSE;
    }
  if (combine ? n_out != 1 : n_out != n_ranges)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   combine ? "combine_outputs needs exactly one output, not %u"
                           : "the number of outputs (%u) should match the number of ranges (%u)",
                   n_out, n_ranges);
      return FALSE;
    }
  if (!fv_contract_set_all_types (cc, FV_PORT_INPUT, type_name, error)
      || !fv_contract_set_all_types (cc, FV_PORT_OUTPUT, type_name, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}
