/* fovea — the graph C API: build a graph from a config, run it, feed it, observe it.
 *
 *   FvGraph *g = fv_graph_new_from_string (text, NULL, &err);
 *   FvPoller *out = fv_graph_add_poller (g, "out", &err);
 *   fv_graph_start (g, &err);
 *   fv_graph_add_packet (g, "in", fv_packet_stamp (fv_packet_new_int (7), 0), &err);
 *   fv_graph_close_all_inputs (g, &err);
 *   while (fv_poller_next (out, &p)) { ...; fv_packet_unref (p); }
 *   fv_graph_wait_until_done (g, &err);
 *   fv_graph_free (g);
 *
 * Creating a graph expands subgraphs and validates it completely (calculators exist,
 * every input has exactly one producer, types match, no cycle without a back edge, side
 * packets available), so no packet flows through a broken graph. A graph runs once.
 *
 * Errors: the first error of a run (a calculator failure, an invalid output timestamp, a
 * cancellation) stops the run; every later call returns it, with the node named:
 * "node 'detector' (FooCalculator): message". A bad timestamp on a graph input is only
 * that packet's error: the packet is refused and the graph carries on.
 *
 * Thread safety: every function may be called from any thread, except fv_graph_free
 * (not from an observer callback or concurrently with other calls).
 */
#pragma once

#include <glib.h>

#include "graph/calculator.h"
#include "graph/config.h"
#include "graph/graph_error.h"
#include "graph/packet.h"
#include "graph/tracer.h"

G_BEGIN_DECLS

typedef struct _FvGraph FvGraph;
typedef struct _FvPoller FvPoller;

/* Called on a worker thread for every packet of an observed stream, in timestamp order,
 * never concurrently for one observer. packet is transfer none (ref it to keep it).
 * Returning FALSE (with error set) stops the graph. */
typedef gboolean (*FvPacketCallback) (FvPacket *packet, gpointer user_data, GError **error);

typedef enum {
  FV_GRAPH_ADD_WAIT_TILL_NOT_FULL,  /* fv_graph_add_packet blocks while a queue is full */
  FV_GRAPH_ADD_IF_NOT_FULL,         /* ... or fails with FV_GRAPH_ERROR_UNAVAILABLE */
} FvGraphAddMode;

/* side_packets: name (char*) -> FvPacket*, transfer none (the graph takes its own refs);
 * may be NULL. The config is transfer none in every constructor. */
FvGraph *fv_graph_new_from_string (const char *config, GHashTable *side_packets,
                                   GError **error);
FvGraph *fv_graph_new_from_file (const char *path, GHashTable *side_packets, GError **error);
FvGraph *fv_graph_new_from_config (const FvGraphConfig *config, GHashTable *side_packets,
                                   GError **error);
void fv_graph_free (FvGraph *graph);   /* cancels and waits for a running graph */

/* Before start: observers, pollers, tracing, add mode. */
gboolean fv_graph_observe (FvGraph *graph, const char *stream, FvPacketCallback callback,
                           gpointer user_data, GError **error);
/* The poller is owned by the graph (transfer none), valid until fv_graph_free. */
FvPoller *fv_graph_add_poller (FvGraph *graph, const char *stream, GError **error);
/* Records per-node begin/end events in a ring of capacity events (0: 65536). Also enabled
 * by profiler_config { trace_enabled: true } in the config. */
void fv_graph_enable_tracing (FvGraph *graph, guint capacity);
/* The tracer (transfer none) or NULL when tracing is off. */
FvTracer *fv_graph_get_tracer (FvGraph *graph);
void fv_graph_set_add_mode (FvGraph *graph, FvGraphAddMode mode);
/* Overrides max_queue_size of every input queue fed by this stream (-1: unbounded). */
gboolean fv_graph_set_input_max_queue_size (FvGraph *graph, const char *stream, int size,
                                            GError **error);

/* Opens every node (on the caller's thread) and starts the worker pool. */
gboolean fv_graph_start (FvGraph *graph, GError **error);
/* packet: transfer full (consumed even on error); its timestamp must be above the
 * stream's previous one. */
gboolean fv_graph_add_packet (FvGraph *graph, const char *stream, FvPacket *packet,
                              GError **error);
gboolean fv_graph_close_input (FvGraph *graph, const char *stream, GError **error);
gboolean fv_graph_close_all_inputs (FvGraph *graph, GError **error);
/* Blocks until no node runs or is ready, or the run ended (an active source keeps the
 * graph busy). FALSE with the run's error if it failed. */
gboolean fv_graph_wait_until_idle (FvGraph *graph, GError **error);
/* Closes every graph input, then blocks until every node has closed. FALSE with the run's
 * error (FV_GRAPH_ERROR_CANCELLED after fv_graph_cancel). */
gboolean fv_graph_wait_until_done (FvGraph *graph, GError **error);
/* Stops the run: no further process() calls, every opened node is closed. */
void fv_graph_cancel (FvGraph *graph);
gboolean fv_graph_has_error (FvGraph *graph);

/* A node's counter (fv_context_counter_add); node is the node's name, or its calculator
 * name when unnamed. 0 when unknown. */
gint64 fv_graph_get_counter (FvGraph *graph, const char *node, const char *counter);
/* How many times a throttled, idle graph grew a full queue to avoid a deadlock. */
guint fv_graph_get_deadlocks_resolved (FvGraph *graph);

/* Blocks for the next packet of the polled stream (transfer full into *packet). FALSE
 * when the stream is done (or the run stopped) and every packet has been taken. */
gboolean fv_poller_next (FvPoller *poller, FvPacket **packet);
guint fv_poller_queue_size (FvPoller *poller);

G_END_DECLS
