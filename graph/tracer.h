/* fovea — the graph tracer: per-node begin/end events, Chrome trace JSON and a summary.
 *
 * Events (open / process / close of a node, with the input timestamp and the thread) are
 * kept in a ring allocated once; when it is full the oldest events are overwritten, so
 * steady-state tracing allocates nothing. Per-node counts and totals cover the whole run;
 * the percentiles of the summary cover the events still in the ring.
 * A tracer belongs to its graph (fv_graph_get_tracer); its functions are thread-safe.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FvTracer FvTracer;

typedef enum { FV_TRACE_OPEN, FV_TRACE_PROCESS, FV_TRACE_CLOSE } FvTraceKind;

/* Used by the runtime. node_names: transfer none, copied. */
FvTracer *fv_tracer_new (guint capacity, guint n_nodes, const char *const *node_names);
void fv_tracer_free (FvTracer *tracer);
void fv_tracer_record (FvTracer *tracer, guint node, FvTraceKind kind, gint64 input_ts,
                       gint64 begin_us, gint64 end_us, guint thread);

guint fv_tracer_num_events (FvTracer *tracer);      /* events held in the ring */
guint64 fv_tracer_total_events (FvTracer *tracer);  /* events recorded in all */
/* {"traceEvents":[{"name":node,"cat":"process","ph":"X","ts":µs,"dur":µs,"pid":1,
 * "tid":thread,"args":{"timestamp":ts}}, ...]}; transfer full. */
char *fv_tracer_to_chrome_json (FvTracer *tracer);
gboolean fv_tracer_write_chrome_json (FvTracer *tracer, const char *path, GError **error);
/* One line per node: process count, mean, p50, p99 in µs; transfer full. */
char *fv_tracer_summary (FvTracer *tracer);

G_END_DECLS
