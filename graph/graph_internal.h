/* fovea — the runtime's private structures, shared by graph.c, graph_build.c, stream.c,
 * input_policy.c, scheduler.c and calculator.c. Not installed.
 *
 * Locking: one mutex per graph (FvGraph.lock) guards every queue, bound, node flag and
 * the ready list; calculators run with it released. A node is never queued or run twice
 * at once (its running / queued flags), which is what keeps process() single-threaded.
 */
#pragma once

#include "graph/graph.h"

/* The graph lock. GLib's GMutex/GCond use futexes that ThreadSanitizer cannot see, which
 * would hide every happens-before edge of the scheduler from it; under TSan the same code
 * runs on (intercepted) pthread primitives instead. */
#if defined(__SANITIZE_THREAD__)
#include <pthread.h>
typedef pthread_mutex_t FvMutex;
typedef pthread_cond_t FvCond;
#define fv_mutex_init(m) pthread_mutex_init ((m), NULL)
#define fv_mutex_clear(m) pthread_mutex_destroy (m)
#define fv_mutex_lock(m) pthread_mutex_lock (m)
#define fv_mutex_unlock(m) pthread_mutex_unlock (m)
#define fv_cond_init(c) pthread_cond_init ((c), NULL)
#define fv_cond_clear(c) pthread_cond_destroy (c)
#define fv_cond_wait(c, m) pthread_cond_wait ((c), (m))
#define fv_cond_signal(c) pthread_cond_signal (c)
#define fv_cond_broadcast(c) pthread_cond_broadcast (c)
#else
typedef GMutex FvMutex;
typedef GCond FvCond;
#define fv_mutex_init(m) g_mutex_init (m)
#define fv_mutex_clear(m) g_mutex_clear (m)
#define fv_mutex_lock(m) g_mutex_lock (m)
#define fv_mutex_unlock(m) g_mutex_unlock (m)
#define fv_cond_init(c) g_cond_init (c)
#define fv_cond_clear(c) g_cond_clear (c)
#define fv_cond_wait(c, m) g_cond_wait ((c), (m))
#define fv_cond_signal(c) g_cond_signal (c)
#define fv_cond_broadcast(c) g_cond_broadcast (c)
#endif

typedef struct _FvNode FvNode;
typedef struct _FvStream FvStream;

/* A ring of packets: the queue of one input. */
typedef struct {
  FvPacket **buf;
  guint cap, head, len;
} FvPacketRing;

typedef struct {
  const char *tag;      /* borrowed from the node config */
  int index;
  const char *name;
  FvTypeId type;        /* FV_TYPE_INVALID until declared */
  gboolean declared;
  int same_kind, same_port;  /* -1: none */
} FvPortInfo;

struct _FvContract {
  FvNode *node;
  FvPortInfo *ports[4];
  guint n_ports[4];
  gboolean has_offset;
  gint64 offset;
  gboolean process_bounds;
  FvInputPolicy policy;
};

typedef struct {
  FvPacketRing queue;
  FvStream *stream;
  guint max_size;       /* 0: unbounded */
  gboolean back_edge;
  gint64 seen_bound;    /* the bound at the node's last look (immediate policy) */
} FvInput;

struct _FvStream {
  char *name;
  FvTypeId type;
  FvNode *producer;     /* NULL for a graph input */
  int producer_port;
  gint64 bound;         /* next allowed timestamp; FV_TIMESTAMP_DONE once closed */
  GPtrArray *consumers; /* FvNode* (one entry per input port reading this stream) */
  GArray *consumer_ports; /* guint, parallel to consumers */
  gboolean graph_input;
};

struct _FvCalculatorContext {
  FvNode *node;
  gint64 input_ts;
  FvPacket **in;
  gint64 *in_bound;
  GPtrArray **out;      /* per output port: emitted packets (owned) */
  gint64 *out_bound;    /* per output port: requested bound or FV_TIMESTAMP_UNSET */
  FvPacket **side_out;  /* set in open() */
  gboolean discard;     /* the run is stopping: outputs are dropped */
};

typedef enum { FV_TASK_NONE, FV_TASK_PROCESS, FV_TASK_CLOSE } FvTask;

typedef enum { FV_NODE_CALCULATOR, FV_NODE_OBSERVER, FV_NODE_POLLER } FvNodeKind;

struct _FvNode {
  FvGraph *graph;
  guint id;             /* position in graph->nodes */
  guint rank;           /* topological position: higher runs first (nearer the sinks) */
  char *label;          /* "node 'name' (Calc)" / "node #3 (Calc)" */
  char *short_name;     /* name, or calculator name: counters and the tracer */
  FvNodeKind kind;
  const FvCalculatorClass *klass;
  const FvNodeConfig *config;   /* borrowed from graph->config; NULL for sinks */
  FvContract contract;
  guint n_inputs, n_outputs, n_side_in, n_side_out;
  FvInput *inputs;
  FvStream **outputs;
  FvPacket **side_in;
  gpointer state;
  FvCalculatorContext ctx;
  gboolean is_source, opened, closed, running, queued, stopped, force_close;
  gint64 last_ts;       /* last input timestamp given to process() */
  int source_layer;
  GHashTable *counters; /* char* -> gint64*, under graph->lock */
  /* sinks */
  FvPacketCallback callback;
  gpointer callback_data;
  FvPoller *poller;
};

struct _FvPoller {
  FvGraph *graph;
  GQueue packets;
  gboolean done;
};

typedef enum { FV_GRAPH_NEW, FV_GRAPH_RUNNING, FV_GRAPH_DONE } FvGraphState;

struct _FvGraph {
  FvGraphConfig *config;
  GHashTable *side_packets;   /* name -> FvPacket* (owned), given and produced */
  GPtrArray *nodes;           /* FvNode* (owned) */
  GHashTable *streams;        /* name -> FvStream* (owned) */
  GPtrArray *graph_inputs;    /* FvStream* (borrowed) */
  GPtrArray *pollers;         /* FvPoller* (owned) */
  guint num_threads;
  int max_queue_size;         /* per input queue; 0 unbounded */
  FvGraphAddMode add_mode;
  gboolean trace_requested;
  guint trace_capacity;
  FvTracer *tracer;

  FvMutex lock;
  FvCond work_cond;           /* workers: something is ready, or quit */
  FvCond state_cond;           /* idle, done, space in a queue, poller data */
  GThread **workers;
  guint n_workers;
  GPtrArray *ready;           /* FvNode* queued to run */
  guint n_running;
  guint n_closed;
  guint n_blocked_adders;
  guint deadlocks_resolved;
  FvGraphState state;
  gboolean stopping, quit;
  GError *error;              /* the run's first error */
};

/* calculator.c */
void fv_contract_init (FvContract *cc, FvNode *node);
void fv_contract_clear (FvContract *cc);
const FvCalculatorClass *fv_internal_sink_class (void);

/* stream.c */
void fv_ring_push (FvPacketRing *ring, FvPacket *packet);
FvPacket *fv_ring_pop (FvPacketRing *ring);
FvPacket *fv_ring_peek (const FvPacketRing *ring);
void fv_ring_clear (FvPacketRing *ring);
FvStream *fv_stream_new (const char *name);
void fv_stream_free (FvStream *stream);
gboolean fv_stream_is_full (const FvStream *stream);
/* Appends packet (transfer full) after checking its timestamp against the bound. */
gboolean fv_stream_add (FvGraph *graph, FvStream *stream, FvPacket *packet, GError **error);
void fv_stream_set_bound (FvGraph *graph, FvStream *stream, gint64 bound);

/* input_policy.c */
FvTask fv_input_policy_select (FvNode *node, gint64 *ts);
void fv_input_policy_take (FvNode *node, gint64 ts);
gint64 fv_input_policy_settled_bound (FvNode *node);
gboolean fv_input_policy_forward_done (FvNode *node);

/* graph_build.c */
gboolean fv_graph_build (FvGraph *graph, GError **error);
gboolean fv_graph_compute_ranks (FvGraph *graph, GError **error);
FvNode *fv_graph_add_sink (FvGraph *graph, FvStream *stream, FvNodeKind kind);
void fv_node_free (FvNode *node);

/* scheduler.c */
gboolean fv_scheduler_open_all (FvGraph *graph, GError **error);
void fv_scheduler_start (FvGraph *graph);
void fv_scheduler_stop_workers (FvGraph *graph);
void fv_scheduler_check (FvGraph *graph, FvNode *node);
void fv_scheduler_record_error (FvGraph *graph, FvNode *node, GError *error);
void fv_scheduler_check_idle (FvGraph *graph);
void fv_scheduler_input_popped (FvGraph *graph, FvInput *input);
