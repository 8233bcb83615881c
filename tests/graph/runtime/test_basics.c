/* fovea tests — packets, timestamps, the type and calculator registries, validation
 * errors and the tracer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "test_calcs.h"

static int
setup (void **state)
{
  test_calcs_register ();
  return 0;
}

static int destroyed;

static void
count_destroy (gpointer data)
{
  destroyed++;
  g_free (data);
}

static void
test_packet_sharing (void **state)
{
  destroyed = 0;
  FvTypeId t = fv_type_register ("test_blob");
  assert_int_not_equal (t, FV_TYPE_INVALID);
  assert_int_equal (fv_type_register ("test_blob"), t);
  assert_string_equal (fv_type_name (t), "test_blob");
  FvPacket *p = fv_packet_new (t, g_strdup ("payload"), count_destroy);
  assert_int_equal (fv_packet_timestamp (p), FV_TIMESTAMP_UNSET);
  FvPacket *q = fv_packet_at (p, 42);
  assert_int_equal (fv_packet_timestamp (q), 42);
  assert_int_equal (fv_packet_timestamp (p), FV_TIMESTAMP_UNSET);
  assert_ptr_equal (fv_packet_get (p), fv_packet_get (q));
  fv_packet_unref (p);
  assert_int_equal (destroyed, 0);
  GError *err = NULL;
  assert_null (fv_packet_get_checked (q, FV_TYPE_INT, &err));
  assert_int_equal (err->code, FV_GRAPH_ERROR_TYPE);
  g_clear_error (&err);
  assert_string_equal (fv_packet_get_checked (q, t, NULL), "payload");
  /* stamp on a shared packet must not change the other holder */
  FvPacket *r = fv_packet_ref (q);
  FvPacket *s = fv_packet_stamp (r, 7);
  assert_int_equal (fv_packet_timestamp (q), 42);
  assert_int_equal (fv_packet_timestamp (s), 7);
  fv_packet_unref (s);
  fv_packet_unref (q);
  assert_int_equal (destroyed, 1);

  FvPacket *i = fv_packet_new_int (-5), *f = fv_packet_new_float (1.5f);
  FvPacket *b = fv_packet_new_bool (TRUE), *str = fv_packet_new_string ("hi");
  assert_int_equal (fv_packet_get_int (i), -5);
  assert_true (fv_packet_get_float (f) == 1.5f);
  assert_true (fv_packet_get_bool (b));
  assert_string_equal (fv_packet_get_string (str), "hi");
  assert_int_equal (fv_packet_get_int (str), 0);   /* wrong type: default */
  fv_packet_unref (i); fv_packet_unref (f); fv_packet_unref (b); fv_packet_unref (str);
}

static void
test_timestamps (void **state)
{
  char buf[32];
  assert_string_equal (fv_timestamp_format (FV_TIMESTAMP_PRESTREAM, buf), "PreStream");
  assert_string_equal (fv_timestamp_format (FV_TIMESTAMP_DONE, buf), "Done");
  assert_string_equal (fv_timestamp_format (-12, buf), "-12");
  assert_int_equal (fv_timestamp_next_allowed (5), 6);
  assert_int_equal (fv_timestamp_next_allowed (FV_TIMESTAMP_PRESTREAM), FV_TIMESTAMP_ONE_OVER_POSTSTREAM);
  assert_int_equal (fv_timestamp_next_allowed (FV_TIMESTAMP_MAX), FV_TIMESTAMP_ONE_OVER_POSTSTREAM);
  assert_int_equal (fv_timestamp_add (FV_TIMESTAMP_MAX - 1, 10), FV_TIMESTAMP_MAX);
  assert_int_equal (fv_timestamp_add (FV_TIMESTAMP_MIN + 1, -10), FV_TIMESTAMP_MIN);
  assert_int_equal (fv_timestamp_add (FV_TIMESTAMP_UNSET, 10), FV_TIMESTAMP_UNSET);
  assert_false (fv_timestamp_allowed_in_stream (FV_TIMESTAMP_UNSET));
  assert_true (fv_timestamp_allowed_in_stream (FV_TIMESTAMP_POSTSTREAM));
  assert_false (fv_timestamp_allowed_in_stream (FV_TIMESTAMP_DONE));
}

static gboolean
dummy_contract (FvContract *cc, GError **error)
{
  return TRUE;
}

static void
test_registry (void **state)
{
  static const FvCalculatorClass a = { .name = "TestDupCalculator", .contract = dummy_contract };
  static const FvCalculatorClass b = { .name = "TestDupCalculator", .contract = dummy_contract };
  GError *err = NULL;
  assert_true (fv_calculator_register (&a, NULL));
  assert_true (fv_calculator_register (&a, NULL));
  assert_false (fv_calculator_register (&b, &err));
  assert_non_null (strstr (err->message, "TestDupCalculator"));
  g_clear_error (&err);
  assert_ptr_equal (fv_calculator_lookup ("TestDupCalculator"), &a);
  assert_non_null (fv_calculator_lookup ("PassThroughCalculator"));  /* built in */
  assert_true (fv_calculator_unregister ("TestDupCalculator"));
  assert_null (fv_calculator_lookup ("TestDupCalculator"));
}

/* Each broken graph gives an error mentioning all the needles. */
static void
expect_invalid (const char *config, const char *needle1, const char *needle2)
{
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, NULL, &err);
  if (g != NULL)
    fail_msg ("graph accepted: %s", config);
  assert_non_null (err);
  assert_int_equal (err->domain, FV_GRAPH_ERROR);
  if (strstr (err->message, needle1) == NULL || (needle2 && strstr (err->message, needle2) == NULL))
    fail_msg ("message '%s' lacks '%s' / '%s'", err->message, needle1, needle2 ? needle2 : "");
  g_clear_error (&err);
}

static void
test_validation_errors (void **state)
{
  expect_invalid ("input_stream: 'in'\nnode { name: 'det' calculator: 'NoSuchCalculator' input_stream: 'in' output_stream: 'o' }",
                  "node 'det' (NoSuchCalculator)", "no calculator registered");
  expect_invalid ("input_stream: 'in'\nnode { calculator: 'TestDoubleCalculator' input_stream: 'nope' output_stream: 'o' }",
                  "node #0 (TestDoubleCalculator)", "'nope' is not connected");
  expect_invalid ("input_stream: 'in'\n"
                  "node { name: 'a' calculator: 'TestDoubleCalculator' input_stream: 'in' output_stream: 'o' }\n"
                  "node { name: 'b' calculator: 'TestDoubleCalculator' input_stream: 'in' output_stream: 'o' }",
                  "stream 'o' has two producers", "node 'b'");
  expect_invalid ("input_stream: 'in'\n"
                  "node { calculator: 'TestDoubleCalculator' input_stream: 'in' output_stream: 'in' }",
                  "stream 'in' has two producers", "graph input");
  /* bool (ALLOW) into an int port */
  expect_invalid ("input_stream: 'in'\n"
                  "node { name: 'lim' calculator: 'FlowLimiterCalculator' input_stream: 'in' input_stream: 'FINISHED:d'\n"
                  "  input_stream_info { tag_index: 'FINISHED' back_edge: true } output_stream: 'g' output_stream: 'ALLOW:ok' }\n"
                  "node { name: 'dbl' calculator: 'TestDoubleCalculator' input_stream: 'ok' output_stream: 'd' }",
                  "node 'dbl' (TestDoubleCalculator): input stream 'ok' expects type 'int'", "'bool'");
  expect_invalid ("input_stream: 'in'\n"
                  "node { name: 'x' calculator: 'TestAddCalculator' input_stream: 'in' input_stream: 'z' output_stream: 'y' }\n"
                  "node { name: 'z' calculator: 'TestDoubleCalculator' input_stream: 'y' output_stream: 'z' }",
                  "cycle without a back edge", "stream 'z'");
  expect_invalid ("input_stream: 'in'\n"
                  "node { name: 'g' calculator: 'GateCalculator' input_stream: 'in' input_side_packet: 'ALLOW:flag' output_stream: 'o' }",
                  "node 'g' (GateCalculator)", "side packet 'flag' is missing");
  expect_invalid ("input_stream: 'in'\n"
                  "node { calculator: 'BeginLoopCalculator' input_stream: 'ITERABLE:in' input_stream: 'BOGUS:in'\n"
                  "  output_stream: 'ITEM:i' output_stream: 'BATCH_END:e' }",
                  "unexpected input stream 'BOGUS:0:in'", "does not use tag BOGUS");
  expect_invalid ("input_stream: 'in'\n"
                  "node { calculator: 'PassThroughCalculator' input_stream: 'in' output_stream: 'o' input_stream_handler { input_stream_handler: 'WeirdHandler' } }",
                  "WeirdHandler", NULL);
  expect_invalid ("input_stream: 'in' output_stream: 'nowhere'\n"
                  "node { calculator: 'PassThroughCalculator' input_stream: 'in' output_stream: 'o' }",
                  "output_stream 'nowhere'", NULL);
  expect_invalid ("node { calculator: 'FlowLimiterCalculator' input_stream: 'in' output_stream: 'o' }",
                  "FINISHED", NULL);
}

static void
test_api_state_errors (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\nnode { calculator: 'PassThroughCalculator' input_stream: 'in' output_stream: 'out' }");
  assert_non_null (g);
  GError *err = NULL;
  assert_false (fv_graph_add_packet (g, "in", fv_packet_stamp (fv_packet_new_int (1), 1), &err));
  assert_int_equal (err->code, FV_GRAPH_ERROR_STATE);
  g_clear_error (&err);
  assert_null (fv_graph_add_poller (g, "missing", &err));
  g_clear_error (&err);
  assert_true (fv_graph_start (g, NULL));
  assert_false (fv_graph_start (g, &err));
  g_clear_error (&err);
  assert_null (fv_graph_add_poller (g, "out", &err));
  assert_int_equal (err->code, FV_GRAPH_ERROR_STATE);
  g_clear_error (&err);
  assert_false (fv_graph_add_packet (g, "out", fv_packet_stamp (fv_packet_new_int (1), 1), &err));
  g_clear_error (&err);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_false (fv_graph_add_packet (g, "in", fv_packet_stamp (fv_packet_new_int (1), 1), &err));
  g_clear_error (&err);
  fv_graph_free (g);
}

static void
test_tracer (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\n"
    "profiler_config { trace_enabled: true trace_log_capacity: 64 }\n"
    "node { name: 'dbl' calculator: 'TestDoubleCalculator' input_stream: 'in' output_stream: 'out' }\n");
  assert_non_null (g);
  assert_true (fv_graph_start (g, NULL));
  FvTracer *t = fv_graph_get_tracer (g);
  assert_non_null (t);
  for (gint64 i = 0; i < 100; i++)
    fv_graph_add_packet (g, "in", fv_packet_stamp (fv_packet_new_int (i), i), NULL);
  assert_true (fv_graph_wait_until_done (g, NULL));
  /* open + 100 process + close, kept in a ring of 64 */
  assert_int_equal (fv_tracer_total_events (t), 102);
  assert_int_equal (fv_tracer_num_events (t), 64);
  char *json = fv_tracer_to_chrome_json (t);
  assert_non_null (strstr (json, "\"traceEvents\""));
  assert_non_null (strstr (json, "\"ph\":\"X\""));
  assert_non_null (strstr (json, "\"name\":\"dbl\""));
  assert_non_null (strstr (json, "\"args\":{\"timestamp\":99}"));
  assert_non_null (strstr (json, "\"timestamp\":\"Done\""));
  /* the JSON must parse: check it with the JSON parser of GLib's sibling? keep it simple:
   * balanced braces and brackets */
  int depth = 0;
  gboolean in_str = FALSE;
  for (const char *c = json; *c; c++)
    {
      if (*c == '"' && c[-1] != '\\')
        in_str = !in_str;
      else if (!in_str && (*c == '{' || *c == '['))
        depth++;
      else if (!in_str && (*c == '}' || *c == ']'))
        depth--;
      assert_true (depth >= 0);
    }
  assert_int_equal (depth, 0);
  g_free (json);
  char *summary = fv_tracer_summary (t);
  assert_non_null (strstr (summary, "dbl"));
  assert_non_null (strstr (summary, " 100 "));
  assert_non_null (strstr (summary, "p99_us"));
  g_free (summary);
  fv_graph_free (g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_packet_sharing),
    cmocka_unit_test (test_timestamps),
    cmocka_unit_test (test_registry),
    cmocka_unit_test (test_validation_errors),
    cmocka_unit_test (test_api_state_errors),
    cmocka_unit_test (test_tracer),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
