/* fovea tests — synthetic calculators for the runtime tests. */
#include "test_calcs.h"

gint test_exclusive_violations;

static gboolean
int_io_contract (FvContract *cc, GError **error)
{
  if (!fv_contract_set_all_types (cc, FV_PORT_INPUT, "int", error)
      || !fv_contract_set_all_types (cc, FV_PORT_OUTPUT, "int", error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
add_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *a = fv_context_input (ctx, 0), *b = fv_context_input (ctx, 1);
  if (a == NULL || b == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "inputs not synchronised at %" G_GINT64_FORMAT,
                   fv_context_input_timestamp (ctx));
      return FV_PROCESS_ERROR;
    }
  fv_context_output (ctx, 0, fv_packet_new_int (fv_packet_get_int (a) + fv_packet_get_int (b)));
  return FV_PROCESS_OK;
}

static FvProcessStatus
double_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *a = fv_context_input (ctx, 0);
  if (a != NULL)
    fv_context_output (ctx, 0, fv_packet_new_int (2 * fv_packet_get_int (a)));
  return FV_PROCESS_OK;
}

static FvProcessStatus
drop_odd_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *a = fv_context_input (ctx, 0);
  if (a != NULL && fv_packet_get_int (a) % 2 == 0)
    fv_context_output (ctx, 0, fv_packet_ref (a));
  return FV_PROCESS_OK;
}

typedef struct {
  gint64 next, count, step;
} SourceState;

static gboolean
source_contract (FvContract *cc, GError **error)
{
  return fv_contract_set_all_types (cc, FV_PORT_OUTPUT, "int", error);
}

static gboolean
source_open (FvCalculatorContext *ctx, GError **error)
{
  SourceState *st = fv_context_state (ctx);
  st->count = fv_tp_get_int (fv_context_options (ctx), "count", 10, error);
  st->step = fv_tp_get_int (fv_context_options (ctx), "step", 1, error);
  return TRUE;
}

static FvProcessStatus
source_process (FvCalculatorContext *ctx, GError **error)
{
  SourceState *st = fv_context_state (ctx);
  if (st->next >= st->count)
    return FV_PROCESS_STOP;
  fv_context_output (ctx, 0, fv_packet_stamp (fv_packet_new_int (st->next), st->next * st->step));
  st->next++;
  return FV_PROCESS_OK;
}

static FvProcessStatus
fail_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *a = fv_context_input (ctx, 0);
  gint64 fail_at = fv_tp_get_int (fv_context_options (ctx), "fail_at", -1, NULL);
  if (a != NULL && fv_packet_get_int (a) == fail_at)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR, "boom at %" G_GINT64_FORMAT,
                   fail_at);
      return FV_PROCESS_ERROR;
    }
  if (a != NULL)
    fv_context_output (ctx, 0, fv_packet_ref (a));
  return FV_PROCESS_OK;
}

static FvProcessStatus
slow_process (FvCalculatorContext *ctx, GError **error)
{
  g_usleep ((gulong) fv_tp_get_int (fv_context_options (ctx), "sleep_us", 1000, NULL));
  FvPacket *a = fv_context_input (ctx, 0);
  if (a != NULL)
    fv_context_output (ctx, 0, fv_packet_ref (a));
  return FV_PROCESS_OK;
}

typedef struct {
  gint busy;
} ExclusiveState;

static FvProcessStatus
exclusive_process (FvCalculatorContext *ctx, GError **error)
{
  ExclusiveState *st = fv_context_state (ctx);
  if (!g_atomic_int_compare_and_exchange (&st->busy, 0, 1))
    g_atomic_int_inc (&test_exclusive_violations);
  g_thread_yield ();
  FvPacket *a = fv_context_input (ctx, 0);
  if (a != NULL)
    fv_context_output (ctx, 0, fv_packet_ref (a));
  g_atomic_int_set (&st->busy, 0);
  return FV_PROCESS_OK;
}

static FvProcessStatus
bad_ts_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *a = fv_context_input (ctx, 0);
  if (a != NULL)
    fv_context_output (ctx, 0, fv_packet_at (a, 5));
  return FV_PROCESS_OK;
}

static FvProcessStatus
stop_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *a = fv_context_input (ctx, 0);
  if (a != NULL)
    fv_context_output (ctx, 0, fv_packet_ref (a));
  if (a != NULL && fv_packet_get_int (a) == fv_tp_get_int (fv_context_options (ctx), "stop_at", -1, NULL))
    return FV_PROCESS_STOP;
  return FV_PROCESS_OK;
}

static const FvCalculatorClass add_class = { .name = "TestAddCalculator",
  .contract = int_io_contract, .process = add_process };
static const FvCalculatorClass double_class = { .name = "TestDoubleCalculator",
  .contract = int_io_contract, .process = double_process };
static const FvCalculatorClass drop_odd_class = { .name = "TestDropOddCalculator",
  .contract = int_io_contract, .process = drop_odd_process };
static const FvCalculatorClass source_class = { .name = "TestSourceCalculator",
  .state_size = sizeof (SourceState), .contract = source_contract, .open = source_open,
  .process = source_process };
static const FvCalculatorClass fail_class = { .name = "TestFailCalculator",
  .contract = int_io_contract, .process = fail_process };
static const FvCalculatorClass slow_class = { .name = "TestSlowCalculator",
  .contract = int_io_contract, .process = slow_process };
static const FvCalculatorClass exclusive_class = { .name = "TestExclusiveCalculator",
  .state_size = sizeof (ExclusiveState), .contract = int_io_contract,
  .process = exclusive_process };
static const FvCalculatorClass bad_ts_class = { .name = "TestBadTimestampCalculator",
  .contract = int_io_contract, .process = bad_ts_process };
static const FvCalculatorClass stop_class = { .name = "TestStopCalculator",
  .contract = int_io_contract, .process = stop_process };

void
test_calcs_register (void)
{
  const FvCalculatorClass *all[] = { &add_class, &double_class, &drop_odd_class,
    &source_class, &fail_class, &slow_class, &exclusive_class, &bad_ts_class, &stop_class };
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    fv_calculator_register (all[i], NULL);
}

Collector *
collector_new (void)
{
  Collector *c = g_new0 (Collector, 1);
  g_mutex_init (&c->lock);
  c->ts = g_array_new (FALSE, FALSE, sizeof (gint64));
  c->values = g_array_new (FALSE, FALSE, sizeof (gint64));
  return c;
}

void
collector_free (Collector *c)
{
  g_array_unref (c->ts);
  g_array_unref (c->values);
  g_mutex_clear (&c->lock);
  g_free (c);
}

static gboolean
collect_cb (FvPacket *packet, gpointer user_data, GError **error)
{
  Collector *c = user_data;
  gint64 ts = fv_packet_timestamp (packet), v = fv_packet_get_int (packet);
  g_mutex_lock (&c->lock);
  g_array_append_val (c->ts, ts);
  g_array_append_val (c->values, v);
  g_mutex_unlock (&c->lock);
  return TRUE;
}

gboolean
collector_observe (FvGraph *graph, const char *stream, Collector *c)
{
  return fv_graph_observe (graph, stream, collect_cb, c, NULL);
}

guint
collector_len (Collector *c)
{
  g_mutex_lock (&c->lock);
  guint n = c->ts->len;
  g_mutex_unlock (&c->lock);
  return n;
}

FvGraph *
graph_from_string_or_fail (const char *text)
{
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (text, NULL, &err);
  if (g == NULL)
    g_printerr ("graph creation failed: %s\n", err->message);
  g_clear_error (&err);
  return g;
}
