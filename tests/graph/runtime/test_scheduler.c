/* fovea tests — the scheduler: synchronisation, bounds, sources, back edges, flow
 * limiting, back-pressure, errors, cancellation and a 100k-packet run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "test_calcs.h"

/* sum = in + prev (prev absent on the first frame): the body of a tracking loop. */
static gboolean
accumulate_contract (FvContract *cc, GError **error)
{
  if (!fv_contract_set_all_types (cc, FV_PORT_INPUT, "int", error)
      || !fv_contract_set_all_types (cc, FV_PORT_OUTPUT, "int", error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
accumulate_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *in = fv_context_input (ctx, 0), *prev = fv_context_input (ctx, 1);
  if (in != NULL)
    fv_context_output (ctx, 0, fv_packet_new_int (fv_packet_get_int (in)
                                                  + (prev != NULL ? fv_packet_get_int (prev) : 0)));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass accumulate_class = { .name = "TestAccumulateCalculator",
  .contract = accumulate_contract, .process = accumulate_process };

static int
setup (void **state)
{
  test_calcs_register ();
  fv_calculator_register (&accumulate_class, NULL);
  return 0;
}

static void
add_int (FvGraph *g, const char *stream, gint64 v, gint64 ts)
{
  GError *err = NULL;
  gboolean ok = fv_graph_add_packet (g, stream, fv_packet_stamp (fv_packet_new_int (v), ts), &err);
  if (!ok)
    g_printerr ("add_packet: %s\n", err->message);
  assert_true (ok);
}

static void
test_fan_out_fan_in (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in' num_threads: 2\n"
    "node { calculator: 'TestDoubleCalculator' input_stream: 'in' output_stream: 'd' }\n"
    "node { calculator: 'PassThroughCalculator' input_stream: 'in' output_stream: 'p' }\n"
    "node { calculator: 'TestSlowCalculator' input_stream: 'p' output_stream: 'q'\n"
    "       options { [x.ext] { sleep_us: 50 } } }\n"
    "node { calculator: 'TestAddCalculator' input_stream: 'd' input_stream: 'q' output_stream: 'out' }\n");
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "out", c));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 300; i++)
    add_int (g, "in", i, 1000 + i * 10);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (c->values->len, 300);
  for (guint i = 0; i < 300; i++)
    {
      assert_int_equal (g_array_index (c->values, gint64, i), 3 * (gint64) i);
      assert_int_equal (g_array_index (c->ts, gint64, i), 1000 + (gint64) i * 10);
    }
  collector_free (c);
  fv_graph_free (g);
}

static void
test_bound_propagation (void **state)
{
  /* 'e' skips odd timestamps; the two-input pass-through must not wait for them, even
   * through a node (TestDouble) that receives nothing and emits nothing. */
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\n"
    "node { calculator: 'TestDropOddCalculator' input_stream: 'in' output_stream: 'e' }\n"
    "node { calculator: 'TestDoubleCalculator' input_stream: 'e' output_stream: 'e2' }\n"
    "node { calculator: 'PassThroughCalculator' input_stream: 'in' input_stream: 'e2'\n"
    "       output_stream: 'out1' output_stream: 'out2' }\n");
  assert_non_null (g);
  Collector *c1 = collector_new (), *c2 = collector_new ();
  assert_true (collector_observe (g, "out1", c1));
  assert_true (collector_observe (g, "out2", c2));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 11; i++)
    add_int (g, "in", i, i);
  /* Without closing the input: the last (odd) timestamp must already be through. */
  assert_true (fv_graph_wait_until_idle (g, NULL));
  assert_int_equal (collector_len (c1), 11);
  assert_int_equal (collector_len (c2), 6);
  for (guint i = 0; i < 6; i++)
    {
      assert_int_equal (g_array_index (c2->ts, gint64, i), 2 * (gint64) i);
      assert_int_equal (g_array_index (c2->values, gint64, i), 4 * (gint64) i);
    }
  assert_true (fv_graph_wait_until_done (g, NULL));
  collector_free (c1);
  collector_free (c2);
  fv_graph_free (g);
}

static void
test_source_and_poller (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "node { calculator: 'TestSourceCalculator' output_stream: 's'\n"
    "       options { [x.ext] { count: 500 step: 33 } } }\n"
    "node { calculator: 'TestDoubleCalculator' input_stream: 's' output_stream: 'out' }\n"
    "max_queue_size: 4\n");
  assert_non_null (g);
  FvPoller *p = fv_graph_add_poller (g, "out", NULL);
  assert_non_null (p);
  assert_true (fv_graph_start (g, NULL));
  FvPacket *packet;
  gint64 n = 0;
  while (fv_poller_next (p, &packet))
    {
      assert_int_equal (fv_packet_get_int (packet), 2 * n);
      assert_int_equal (fv_packet_timestamp (packet), 33 * n);
      fv_packet_unref (packet);
      n++;
    }
  assert_int_equal (n, 500);
  assert_true (fv_graph_wait_until_done (g, NULL));
  fv_graph_free (g);
}

static void
test_back_edge_loop (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\n"
    "node { calculator: 'PreviousLoopbackCalculator' input_stream: 'MAIN:in'\n"
    "       input_stream: 'LOOP:sum' input_stream_info { tag_index: 'LOOP' back_edge: true }\n"
    "       output_stream: 'PREV_LOOP:prev' }\n"
    "node { calculator: 'TestAccumulateCalculator' input_stream: 'in' input_stream: 'prev'\n"
    "       output_stream: 'sum' }\n");
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "sum", c));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 1; i <= 100; i++)
    add_int (g, "in", i, i * 100);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (c->values->len, 100);
  for (guint i = 0; i < 100; i++)
    assert_int_equal (g_array_index (c->values, gint64, i), (gint64) (i + 1) * (i + 2) / 2);
  collector_free (c);
  fv_graph_free (g);
}

static void
test_flow_limiter (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in' num_threads: 2\n"
    "node { name: 'limiter' calculator: 'FlowLimiterCalculator'\n"
    "       input_stream: 'in' input_stream: 'FINISHED:out'\n"
    "       input_stream_info { tag_index: 'FINISHED' back_edge: true }\n"
    "       output_stream: 'gated' output_stream: 'ALLOW:allowed' }\n"
    "node { calculator: 'TestSlowCalculator' input_stream: 'gated' output_stream: 'out'\n"
    "       options { [x.ext] { sleep_us: 3000 } } }\n");
  assert_non_null (g);
  Collector *out = collector_new ();
  FvPoller *allow = fv_graph_add_poller (g, "allowed", NULL);
  assert_true (collector_observe (g, "out", out));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 200; i++)
    add_int (g, "in", i, i);
  assert_true (fv_graph_wait_until_done (g, NULL));
  gint64 passed = fv_graph_get_counter (g, "limiter", "passed");
  gint64 dropped = fv_graph_get_counter (g, "limiter", "dropped");
  assert_int_equal (passed + dropped, 200);
  assert_true (dropped > 100);   /* 200 frames added in far less than 200 * 3 ms */
  assert_int_equal ((gint64) out->values->len, passed);
  FvPacket *p;
  gint64 n_true = 0, n_all = 0, last = -1;
  while (fv_poller_next (allow, &p))
    {
      n_true += fv_packet_get_bool (p);
      assert_true (fv_packet_timestamp (p) > last);
      last = fv_packet_timestamp (p);
      n_all++;
      fv_packet_unref (p);
    }
  assert_int_equal (n_true, passed);
  assert_int_equal (n_all, 200);
  collector_free (out);
  fv_graph_free (g);
}

static void
test_calculator_error_stops_graph (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\n"
    "node { name: 'failer' calculator: 'TestFailCalculator' input_stream: 'in' output_stream: 'out'\n"
    "       options { [x.ext] { fail_at: 5 } } }\n");
  assert_non_null (g);
  FvPoller *p = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  GError *err = NULL;
  gboolean refused = FALSE;
  for (gint64 i = 0; i < 1000 && !refused; i++)
    refused = !fv_graph_add_packet (g, "in", fv_packet_stamp (fv_packet_new_int (i), i), &err);
  if (refused)
    {
      assert_non_null (strstr (err->message, "node 'failer' (TestFailCalculator): boom at 5"));
      g_clear_error (&err);
    }
  assert_false (fv_graph_wait_until_done (g, &err));
  assert_non_null (err);
  assert_int_equal (err->code, FV_GRAPH_ERROR_CALCULATOR);
  assert_string_equal (err->message, "node 'failer' (TestFailCalculator): boom at 5");
  g_clear_error (&err);
  FvPacket *packet;
  gint64 n = 0;
  while (fv_poller_next (p, &packet))
    {
      assert_true (fv_packet_get_int (packet) < 5);
      fv_packet_unref (packet);
      n++;
    }
  assert_true (n <= 5);
  assert_true (fv_graph_has_error (g));
  fv_graph_free (g);
}

static void
test_output_timestamp_error (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\n"
    "node { name: 'bad' calculator: 'TestBadTimestampCalculator' input_stream: 'in' output_stream: 'out' }\n");
  assert_non_null (g);
  assert_true (fv_graph_start (g, NULL));
  add_int (g, "in", 1, 10);
  GError *err = NULL;
  fv_graph_add_packet (g, "in", fv_packet_stamp (fv_packet_new_int (2), 11), NULL);
  assert_false (fv_graph_wait_until_done (g, &err));
  assert_non_null (strstr (err->message, "node 'bad' (TestBadTimestampCalculator)"));
  assert_non_null (strstr (err->message, "timestamp mismatch"));
  g_clear_error (&err);
  fv_graph_free (g);
}

static void
test_bad_input_timestamp_recovers (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\n"
    "node { calculator: 'PassThroughCalculator' input_stream: 'in' output_stream: 'out' }\n");
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "out", c));
  assert_true (fv_graph_start (g, NULL));
  add_int (g, "in", 1, 1000000);
  GError *err = NULL;
  /* Seconds instead of microseconds: refused, but the graph keeps running. */
  assert_false (fv_graph_add_packet (g, "in", fv_packet_stamp (fv_packet_new_int (2), 1), &err));
  assert_int_equal (err->code, FV_GRAPH_ERROR_INVALID);
  assert_non_null (strstr (err->message, "minimum expected timestamp is 1000001"));
  g_clear_error (&err);
  assert_false (fv_graph_add_packet (g, "in", fv_packet_new_int (3), &err));  /* unset */
  g_clear_error (&err);
  add_int (g, "in", 4, 2000000);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (c->values->len, 2);
  assert_int_equal (g_array_index (c->values, gint64, 1), 4);
  collector_free (c);
  fv_graph_free (g);
}

static void
test_cancel_mid_stream (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "node { calculator: 'TestSourceCalculator' output_stream: 's'\n"
    "       options { [x.ext] { count: 1000000000 } } }\n"
    "node { calculator: 'TestSlowCalculator' input_stream: 's' output_stream: 'out'\n"
    "       options { [x.ext] { sleep_us: 200 } } }\n");
  assert_non_null (g);
  FvPoller *p = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  FvPacket *packet;
  for (int i = 0; i < 20; i++)
    {
      assert_true (fv_poller_next (p, &packet));
      fv_packet_unref (packet);
    }
  fv_graph_cancel (g);
  GError *err = NULL;
  assert_false (fv_graph_wait_until_done (g, &err));
  assert_int_equal (err->code, FV_GRAPH_ERROR_CANCELLED);
  g_clear_error (&err);
  while (fv_poller_next (p, &packet))
    fv_packet_unref (packet);
  fv_graph_free (g);
}

static void
test_free_running_graph (void **state)
{
  /* Freeing a running graph cancels it and joins its threads without leaking. */
  FvGraph *g = graph_from_string_or_fail (
    "node { calculator: 'TestSourceCalculator' output_stream: 's'\n"
    "       options { [x.ext] { count: 1000000000 } } }\n"
    "node { calculator: 'PassThroughCalculator' input_stream: 's' output_stream: 'out' }\n");
  assert_non_null (g);
  assert_true (fv_graph_start (g, NULL));
  g_usleep (2000);
  fv_graph_free (g);
}

static void
test_deadlock_resolved (void **state)
{
  /* 'b' never gets a packet until the end, so 'a' piles up in the synchronised node:
   * a blocked add on a full queue of an idle graph must grow the queue, not hang. */
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'a' input_stream: 'b' max_queue_size: 3\n"
    "node { calculator: 'PassThroughCalculator' input_stream: 'a' input_stream: 'b'\n"
    "       output_stream: 'oa' output_stream: 'ob' }\n");
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "oa", c));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 20; i++)
    add_int (g, "a", i, i);
  assert_true (fv_graph_get_deadlocks_resolved (g) > 0);
  assert_true (fv_graph_close_input (g, "b", NULL));
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (c->values->len, 20);
  collector_free (c);
  fv_graph_free (g);
}

static void
test_add_if_not_full (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'a' input_stream: 'b' max_queue_size: 2\n"
    "node { calculator: 'PassThroughCalculator' input_stream: 'a' input_stream: 'b'\n"
    "       output_stream: 'oa' output_stream: 'ob' }\n");
  assert_non_null (g);
  fv_graph_set_add_mode (g, FV_GRAPH_ADD_IF_NOT_FULL);
  assert_true (fv_graph_start (g, NULL));
  add_int (g, "a", 0, 0);
  add_int (g, "a", 1, 1);
  GError *err = NULL;
  assert_false (fv_graph_add_packet (g, "a", fv_packet_stamp (fv_packet_new_int (2), 2), &err));
  assert_int_equal (err->code, FV_GRAPH_ERROR_UNAVAILABLE);
  g_clear_error (&err);
  add_int (g, "b", 0, 0);
  add_int (g, "b", 1, 1);
  assert_true (fv_graph_wait_until_idle (g, NULL));
  add_int (g, "a", 2, 2);   /* room again */
  assert_true (fv_graph_wait_until_done (g, NULL));
  fv_graph_free (g);
}

static void
test_never_concurrent (void **state)
{
  g_atomic_int_set (&test_exclusive_violations, 0);
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in' num_threads: 4\n"
    "node { calculator: 'TestExclusiveCalculator' input_stream: 'in' output_stream: 'x' }\n"
    "node { calculator: 'TestExclusiveCalculator' input_stream: 'x' output_stream: 'out' }\n");
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "out", c));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 2000; i++)
    add_int (g, "in", i, i);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (g_atomic_int_get (&test_exclusive_violations), 0);
  assert_int_equal (c->values->len, 2000);
  collector_free (c);
  fv_graph_free (g);
}

static void
test_stop_from_non_source (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "node { calculator: 'TestSourceCalculator' output_stream: 's'\n"
    "       options { [x.ext] { count: 1000000000 } } }\n"
    "node { calculator: 'TestStopCalculator' input_stream: 's' output_stream: 'out'\n"
    "       options { [x.ext] { stop_at: 30 } } }\n");
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "out", c));
  assert_true (fv_graph_start (g, NULL));
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_true (c->values->len >= 31);
  for (guint i = 0; i < c->values->len; i++)
    assert_int_equal (g_array_index (c->values, gint64, i), (gint64) i);
  collector_free (c);
  fv_graph_free (g);
}

/* 100k packets, 10 nodes, 2 threads: every output exact and in order. */
static void
test_100k_through_10_nodes (void **state)
{
  GString *cfg = g_string_new ("input_stream: 'in' num_threads: 2\n");
  const char *prev = "in";
  char *names[10];
  for (int i = 0; i < 10; i++)
    {
      names[i] = g_strdup_printf ("s%d", i);
      g_string_append_printf (cfg, "node { calculator: '%s' input_stream: '%s' output_stream: '%s' }\n",
                              i % 2 == 0 ? "TestDoubleCalculator" : "PassThroughCalculator",
                              prev, names[i]);
      prev = names[i];
    }
  FvGraph *g = graph_from_string_or_fail (cfg->str);
  g_string_free (cfg, TRUE);
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "s9", c));
  assert_true (fv_graph_start (g, NULL));
  const gint64 n = 100000;
  for (gint64 i = 0; i < n; i++)
    add_int (g, "in", i, i);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (c->values->len, n);
  for (gint64 i = 0; i < n; i++)
    {
      assert_int_equal (g_array_index (c->values, gint64, i), 32 * i);
      assert_int_equal (g_array_index (c->ts, gint64, i), i);
    }
  collector_free (c);
  fv_graph_free (g);
  for (int i = 0; i < 10; i++)
    g_free (names[i]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_fan_out_fan_in),
    cmocka_unit_test (test_bound_propagation),
    cmocka_unit_test (test_source_and_poller),
    cmocka_unit_test (test_back_edge_loop),
    cmocka_unit_test (test_flow_limiter),
    cmocka_unit_test (test_calculator_error_stops_graph),
    cmocka_unit_test (test_output_timestamp_error),
    cmocka_unit_test (test_bad_input_timestamp_recovers),
    cmocka_unit_test (test_cancel_mid_stream),
    cmocka_unit_test (test_free_running_graph),
    cmocka_unit_test (test_deadlock_resolved),
    cmocka_unit_test (test_add_if_not_full),
    cmocka_unit_test (test_never_concurrent),
    cmocka_unit_test (test_stop_from_non_source),
    cmocka_unit_test (test_100k_through_10_nodes),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
