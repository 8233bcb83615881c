/* fovea — the error domain of the graph layer (config parsing, validation, runtime).
 *
 * Every function in graph/ that can fail reports a GError in FV_GRAPH_ERROR with one of
 * the codes below; the message names the file:line:col, node or stream concerned.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FV_GRAPH_ERROR (fv_graph_error_quark ())
GQuark fv_graph_error_quark (void);

typedef enum {
  FV_GRAPH_ERROR_PARSE,       /* the text is not valid protobuf text format */
  FV_GRAPH_ERROR_INVALID,     /* parsed, but the config breaks a rule (unknown field, bad port) */
  FV_GRAPH_ERROR_TYPE,        /* a value or packet has the wrong type */
  FV_GRAPH_ERROR_CALCULATOR,  /* a calculator failed (open / process / close) */
  FV_GRAPH_ERROR_CANCELLED,   /* the run was cancelled */
  FV_GRAPH_ERROR_STATE,       /* a call made in the wrong graph state */
  FV_GRAPH_ERROR_UNAVAILABLE, /* try again later (a full input queue, ADD_IF_NOT_FULL) */
} FvGraphError;

G_END_DECLS
