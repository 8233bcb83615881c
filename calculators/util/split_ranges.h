/* fovea — the options and port contract of MediaPipe's SplitVectorCalculator
 * (calculators/core/split_vector_calculator.proto), shared by the split calculators of each
 * payload (SplitTensorVectorCalculator, SplitNormalizedLandmarkListCalculator), which
 * differ only in how they copy an element.
 *
 * Options: ranges { begin end } (repeated, at least one; 0 <= begin < end <= 2^20),
 *   element_only (false; every range must then have size 1), combine_outputs (false).
 * Ports: one untagged input; one untagged output per range, or exactly one with
 *   combine_outputs. */
#pragma once

#include "graph/calculator.h"

G_BEGIN_DECLS

typedef struct {
  int begin, end;
} FvSplitRange;

typedef struct {
  GArray *ranges;   /* FvSplitRange, owned */
  gboolean combine; /* combine_outputs */
  int max_end;      /* the largest end: the input must have at least this many elements */
  int total;        /* the elements of all ranges together */
} FvSplitRanges;

/* Reads @opts into @sr (which the caller clears with fv_split_ranges_clear). FALSE with
 * FV_GRAPH_ERROR_INVALID naming the bad range (and its line) when the options are wrong;
 * @sr then holds nothing. */
gboolean fv_split_ranges_load (FvSplitRanges *sr, const FvTpMessage *opts, GError **error);
void fv_split_ranges_clear (FvSplitRanges *sr);

/* The contract of a split calculator of payload type @type_name: checks the options and
 * the number of ports and sets every port's type. */
gboolean fv_split_ranges_contract (FvContract *cc, const char *type_name, GError **error);

G_END_DECLS
