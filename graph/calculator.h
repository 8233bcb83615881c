/* fovea — the calculator contract, context and registry.
 *
 * A calculator is a FvCalculatorClass (a static vtable) registered by name. For every node
 * of a graph the runtime calls, in order:
 *   contract()  once at validation: declare the type of every port the node's config
 *               lists (a port left undeclared is an error, so tag typos are caught), the
 *               timestamp offset, whether process() runs on bound-only changes, and the
 *               input policy. Options are readable here already.
 *   open()      once per run, before any packet; may set output side packets.
 *   process()   per input timestamp (never concurrently with itself on one node, but
 *               possibly on different threads). A node without input streams is a source:
 *               process() is called again and again until it returns FV_PROCESS_STOP.
 *   close()     once, after the inputs are done, after a STOP, or when the graph stops on
 *               an error or cancellation (then its outputs are discarded). Only after a
 *               successful open().
 * Ports are addressed per kind by their position in the node's config list
 * (fv_contract_port / fv_context_port find them by TAG and index).
 *
 * Errors: every hook returns FALSE (FV_PROCESS_ERROR) with a GError set; the graph stops
 * and the caller gets the message prefixed with the node: "node 'name' (Calc): message".
 */
#pragma once

#include <glib.h>

#include "graph/graph_error.h"
#include "graph/packet.h"
#include "graph/textproto.h"

G_BEGIN_DECLS

typedef struct _FvContract FvContract;
typedef struct _FvCalculatorContext FvCalculatorContext;

typedef enum {
  FV_PORT_INPUT,        /* input_stream */
  FV_PORT_OUTPUT,       /* output_stream */
  FV_PORT_SIDE_INPUT,   /* input_side_packet */
  FV_PORT_SIDE_OUTPUT,  /* output_side_packet */
} FvPortKind;

typedef enum {
  /* Synchronised: process() runs at timestamp T once T is settled on every input (each
   * input has a packet at T or a bound above T), with all packets at T together. */
  FV_INPUT_POLICY_DEFAULT,
  /* Immediate: process() runs as soon as any input has a packet; the packets at the
   * smallest queued timestamp are delivered; timestamps may go down across calls. */
  FV_INPUT_POLICY_IMMEDIATE,
} FvInputPolicy;

typedef enum {
  FV_PROCESS_ERROR = 0,  /* error set */
  FV_PROCESS_OK = 1,
  FV_PROCESS_STOP = 2,   /* a source is finished; from a non-source: stop the run early
                            (graph inputs and sources close, queued packets drain) */
} FvProcessStatus;

typedef struct {
  const char *name;     /* "PassThroughCalculator" */
  gsize state_size;     /* per-node state, zero-filled, given by fv_context_state() */
  gboolean (*contract) (FvContract *cc, GError **error);
  gboolean (*open) (FvCalculatorContext *ctx, GError **error);            /* may be NULL */
  FvProcessStatus (*process) (FvCalculatorContext *ctx, GError **error);  /* may be NULL */
  gboolean (*close) (FvCalculatorContext *ctx, GError **error);           /* may be NULL */
  /* Frees what open()/process() stored in the state (not the state itself); called once
   * when the graph is freed, whether or not open() succeeded. May be NULL. */
  void (*destroy_state) (gpointer state);
} FvCalculatorClass;

/* Registry. klass is transfer none and must outlive its registration (a static). Registering
 * the same pointer twice is a no-op; another class under a taken name is an error. */
gboolean fv_calculator_register (const FvCalculatorClass *klass, GError **error);
const FvCalculatorClass *fv_calculator_lookup (const char *name);   /* transfer none */
gboolean fv_calculator_unregister (const char *name);
/* Registers a static class when the library (or program) is loaded, like MediaPipe's
 * REGISTER_CALCULATOR. */
#define FV_REGISTER_CALCULATOR(klass)                                                  \
  static void fv_register_calculator_##klass (void) __attribute__ ((constructor));     \
  static void fv_register_calculator_##klass (void)                                    \
  { fv_calculator_register (&(klass), NULL); }

/* ---- contract (valid only inside contract()) ---- */
const char *fv_contract_node_name (FvContract *cc);            /* for messages */
const FvTpMessage *fv_contract_options (FvContract *cc);        /* may be NULL */
guint fv_contract_num_ports (FvContract *cc, FvPortKind kind);
/* Position of the port with this tag ("" = untagged) and index, or -1. */
int fv_contract_port (FvContract *cc, FvPortKind kind, const char *tag, int index);
guint fv_contract_tag_count (FvContract *cc, FvPortKind kind, const char *tag);
const char *fv_contract_port_tag (FvContract *cc, FvPortKind kind, guint port);
/* Declares the type (a registered name, or "any") of one port. */
gboolean fv_contract_set_type (FvContract *cc, FvPortKind kind, guint port,
                               const char *type, GError **error);
/* Declares every port with this tag; when none exists and !optional that is an error. */
gboolean fv_contract_set_tag_type (FvContract *cc, FvPortKind kind, const char *tag,
                                   const char *type, gboolean optional, GError **error);
/* Declares every port of a kind. */
gboolean fv_contract_set_all_types (FvContract *cc, FvPortKind kind, const char *type,
                                    GError **error);
/* The port takes the type of another stream port of this node (e.g. output i = input i). */
void fv_contract_set_same_as (FvContract *cc, FvPortKind kind, guint port,
                              FvPortKind other_kind, guint other_port);
/* Output timestamp = input timestamp + offset: the runtime then advances output bounds
 * by itself when the node emits nothing. */
void fv_contract_set_timestamp_offset (FvContract *cc, gint64 offset);
/* process() also runs when input bounds advance without packets (inputs all NULL). */
void fv_contract_set_process_timestamp_bounds (FvContract *cc, gboolean enable);
/* The policy the calculator wants; a node's input_stream_handler overrides it. */
void fv_contract_set_input_policy (FvContract *cc, FvInputPolicy policy);

/* ---- context (open / process / close) ---- */
gpointer fv_context_state (FvCalculatorContext *ctx);
const FvTpMessage *fv_context_options (FvCalculatorContext *ctx);  /* may be NULL */
const char *fv_context_node_name (FvCalculatorContext *ctx);
guint fv_context_num_ports (FvCalculatorContext *ctx, FvPortKind kind);
int fv_context_port (FvCalculatorContext *ctx, FvPortKind kind, const char *tag, int index);
const char *fv_context_port_tag (FvCalculatorContext *ctx, FvPortKind kind, guint port);
/* Unstarted in open(), Done in close(), the settled timestamp in process(). */
gint64 fv_context_input_timestamp (FvCalculatorContext *ctx);
/* The packet on an input at this timestamp, or NULL (transfer none). */
FvPacket *fv_context_input (FvCalculatorContext *ctx, guint port);
/* The input's bound when the inputs were taken (FV_TIMESTAMP_DONE: closed). */
gint64 fv_context_input_bound (FvCalculatorContext *ctx, guint port);
/* Emits packet (transfer full) on an output. A packet with an unset timestamp is stamped
 * with the input timestamp. Timestamps are checked when process() returns. */
void fv_context_output (FvCalculatorContext *ctx, guint port, FvPacket *packet);
/* Promises no packet below ts on the output (MediaPipe's SetNextTimestampBound). */
void fv_context_set_output_bound (FvCalculatorContext *ctx, guint port, gint64 ts);
/* Side packets: inputs (transfer none) in every hook; outputs (transfer full) in open(). */
FvPacket *fv_context_side_input (FvCalculatorContext *ctx, guint port);
void fv_context_set_side_output (FvCalculatorContext *ctx, guint port, FvPacket *packet);
/* Adds delta to a per-node counter, read with fv_graph_get_counter(). */
void fv_context_counter_add (FvCalculatorContext *ctx, const char *name, gint64 delta);

G_END_DECLS
