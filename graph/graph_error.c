/* fovea — the FV_GRAPH_ERROR quark. */
#include "graph/graph_error.h"

G_DEFINE_QUARK (fv-graph-error-quark, fv_graph_error)
