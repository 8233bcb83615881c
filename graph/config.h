/* fovea — a parsed CalculatorGraphConfig (MediaPipe's .pbtxt graph description).
 *
 * fv_graph_config_parse() reads the protobuf text format (graph/textproto.h) and checks
 * the config's syntax-level rules: known field names (a typo is an error naming the field
 * and its file:line:col; MediaPipe fields we do not use are accepted and ignored with a
 * debug message), scalar types, port strings, tag/index uniqueness and back-edge
 * references. Whether calculators exist and streams connect is the runtime's validation.
 *
 * Port strings are "TAG:index:name", "TAG:name" (index 0) or "name" (untagged). Tags
 * match [A-Z_][A-Z0-9_]*; names are letters, digits and '_' (MediaPipe writes them in
 * lowercase; we accept uppercase too). A TAG:index appears at most once in a list and
 * a tag's indexes run 0..n-1. Tagged and untagged ports may share one list, as MediaPipe
 * allows and its configs do (FlowLimiterCalculator: "frames" + "FINISHED:detections");
 * untagged ports are numbered by their position among the untagged ones.
 *
 * Subgraphs: a config with `type:` can be registered by its type name; every node whose
 * calculator names a registered subgraph is inlined by fv_graph_config_expand_subgraphs().
 *
 * Ownership: a FvGraphConfig owns everything it points to; free it with
 * fv_graph_config_free(). Every char* and FvTpMessage* in these structs is owned by the
 * struct holding it.
 */
#pragma once

#include <glib.h>

#include "graph/graph_error.h"
#include "graph/textproto.h"

G_BEGIN_DECLS

/* Subgraphs nest at most this deep; deeper means recursion (or a mistake). */
#define FV_SUBGRAPH_MAX_DEPTH 32

typedef struct {
  char *tag;    /* "" when untagged */
  int index;    /* tagged: the index (0 when written "TAG:name"); untagged: the port's
                   position among the list's untagged ports (fv_stream_ref_parse() alone
                   gives -1) */
  char *name;
} FvStreamRef;

typedef struct {
  char *name;                  /* may be NULL */
  char *calculator;
  GPtrArray *input_streams, *output_streams,
            *input_side_packets, *output_side_packets;  /* FvStreamRef*, never NULL */
  GPtrArray *back_edges;       /* char*: "TAG:index" of inputs marked input_stream_info
                                  { tag_index: ... back_edge: true }; tagged ports are
                                  always written with their index ("FINISHED:0"),
                                  untagged ones as ":N". Each names an existing input. */
  char *input_stream_handler;  /* NULL = graph default / DefaultInputStreamHandler */
  FvTpMessage *input_stream_handler_options; /* the handler's options, unwrapped from
                                  options { [pkg.XOptions.ext] { ... } } when written that
                                  way; may be NULL */
  char *output_stream_handler; /* NULL = InOrderOutputStreamHandler (accepted, unused) */
  char *executor;              /* NULL = default */
  int max_in_flight;           /* default 1 */
  int source_layer;
  int buffer_size_hint;
  FvTpMessage *options;        /* the calculator's options: the inner message of
                                  options { [x.ext] { ... } } or
                                  node_options { [type.googleapis.com/x] { ... } }
                                  (options wins if both); NULL if none */
  char *options_type;          /* "x" without ".ext" or "type.googleapis.com/"; NULL if none */
  GPtrArray *option_values;    /* char*: option_value strings (for subgraph options), never NULL */
  int line, col;               /* where the node starts */
} FvNodeConfig;

typedef struct {
  char *name;                  /* "" or "default" = the default executor */
  char *type;                  /* NULL = ThreadPoolExecutor */
  int num_threads;             /* from options { [mediapipe.ThreadPoolExecutorOptions.ext]
                                  { num_threads: N } }; 0 = unset */
} FvExecutorConfig;

typedef struct {
  char *type;                  /* non-NULL for a subgraph config */
  char *filename;              /* for messages; may be NULL */
  GPtrArray *input_streams, *output_streams,
            *input_side_packets, *output_side_packets;  /* FvStreamRef*, never NULL */
  GPtrArray *nodes;            /* FvNodeConfig* */
  GPtrArray *executors;        /* FvExecutorConfig* */
  int num_threads;             /* 0 = number of cores */
  int max_queue_size;          /* 0 = default (100); -1 = unbounded */
  gboolean report_deadlock;
  char *input_stream_handler;  /* graph default, may be NULL */
  FvTpMessage *input_stream_handler_options; /* may be NULL */
  char *package;               /* may be NULL */
  FvTpMessage *graph_options;  /* a subgraph's option defaults, unwrapped from
                                  graph_options { [type.googleapis.com/x] { ... } } or
                                  options { [x.ext] { ... } }; may be NULL */
  char *graph_options_type;    /* "x"; may be NULL */
} FvGraphConfig;

/* Parses one port string. On success fills *out (the caller frees it with
 * fv_stream_ref_clear()); on failure sets FV_GRAPH_ERROR_INVALID and leaves *out zeroed. */
gboolean fv_stream_ref_parse (const char *spec, FvStreamRef *out, GError **error);
void fv_stream_ref_clear (FvStreamRef *ref);
void fv_stream_ref_free (FvStreamRef *ref);
/* "TAG:index:name" / "name" as written in a config; transfer full. */
char *fv_stream_ref_to_string (const FvStreamRef *ref);
/* The ref in list whose tag and index match, or NULL (transfer none). */
const FvStreamRef *fv_stream_ref_find (const GPtrArray *list, const char *tag, int index);

/* Parse text (len bytes, or NUL-terminated when len < 0). transfer full. */
FvGraphConfig *fv_graph_config_parse (const char *text, gssize len, const char *filename,
                                      GError **error);
FvGraphConfig *fv_graph_config_load_file (const char *path, GError **error);
FvGraphConfig *fv_graph_config_new (void);
FvGraphConfig *fv_graph_config_copy (const FvGraphConfig *config);  /* deep, transfer full */
void fv_graph_config_free (FvGraphConfig *config);
FvNodeConfig *fv_node_config_new (void);
FvNodeConfig *fv_node_config_copy (const FvNodeConfig *node);       /* deep, transfer full */
void fv_node_config_free (FvNodeConfig *node);

/* A node's name for messages: its name, else its calculator; transfer none. */
const char *fv_node_config_display_name (const FvNodeConfig *node);

/* Subgraphs: a config with `type:` registered by name. The registry is process-wide and
 * thread-safe; registering a type twice replaces the earlier one. */
gboolean fv_subgraph_register (FvGraphConfig *config /* transfer full (freed on error too) */,
                               GError **error);
gboolean fv_subgraph_register_text (const char *text, const char *filename, GError **error);
gboolean fv_subgraph_is_registered (const char *type);
/* Removes one type (TRUE if it was registered) / every type (for tests). */
gboolean fv_subgraph_unregister (const char *type);
void fv_subgraph_registry_clear (void);

/* Inlines every node whose calculator names a registered subgraph (recursively, at most
 * FV_SUBGRAPH_MAX_DEPTH deep; a subgraph that contains itself is an error), in place of
 * that node. Names follow MediaPipe: the prefix is the node's canonical name (its name, or
 * its calculator, with "_<n>" appended when several nodes share it) in lowercase plus
 * "__". Internal streams and side packets become "<prefix><name>", inner nodes
 * "<prefix><inner canonical name>"; the subgraph's graph-level input/output streams and
 * side packets are mapped by tag/index to the node's ports (a node port the subgraph does
 * not declare is an error naming node and port; a subgraph port the node leaves
 * unconnected stays internal). The subgraph's graph_options, overridden by the node's
 * options, feed the inner nodes' option_value "field/path:options/field/path" entries. */
gboolean fv_graph_config_expand_subgraphs (FvGraphConfig *config, GError **error);

G_END_DECLS
