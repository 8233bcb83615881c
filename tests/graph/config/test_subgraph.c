/* Tests of subgraph registration and expansion (graph/subgraph.c): a subgraph used twice,
 * nested subgraphs, side packets, graph options through option_value, unknown ports and
 * recursion. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "graph/config.h"

#define CONFIG_DIR FOVEA_SOURCE_ROOT "/tests/graph/config"

static const char *doubler =
    "type: \"Doubler\"\n"
    "input_stream: \"IN:in\"\n"
    "output_stream: \"OUT:out\"\n"
    "node { calculator: \"PassThroughCalculator\" input_stream: \"in\" output_stream: \"mid\" }\n"
    "node { calculator: \"PassThroughCalculator\" input_stream: \"mid\" output_stream: \"out\" }\n";

static const char *outer =
    "type: \"Outer\"\n"
    "input_stream: \"A:a\"\n"
    "output_stream: \"B:b\"\n"
    "node { calculator: \"Doubler\" input_stream: \"IN:a\" output_stream: \"OUT:b\" }\n";

static const char *with_sides =
    "type: \"Infer\"\n"
    "input_stream: \"TENSORS:t\"\n"
    "output_stream: \"TENSORS:r\"\n"
    "input_side_packet: \"MODEL:model_path\"\n"
    "output_side_packet: \"STATS:stats\"\n"
    "node { calculator: \"InferenceCalculator\" input_stream: \"TENSORS:t\"\n"
    "       input_side_packet: \"MODEL:model_path\" input_side_packet: \"OPTS:opts\"\n"
    "       output_stream: \"TENSORS:r\" output_side_packet: \"STATS:stats\" }\n"
    "node { calculator: \"ConstantSidePacketCalculator\" output_side_packet: \"PACKET:opts\" }\n";

static int
setup (void **state)
{
  GError *err = NULL;
  if (!fv_subgraph_register_text (doubler, "doubler.pbtxt", &err) ||
      !fv_subgraph_register_text (outer, "outer.pbtxt", &err) ||
      !fv_subgraph_register_text (with_sides, "infer.pbtxt", &err)) {
    print_error ("%s\n", err->message);
    g_error_free (err);
    return -1;
  }
  return 0;
}

static int
teardown (void **state)
{
  fv_subgraph_registry_clear ();
  return 0;
}

static FvGraphConfig *
expand_ok (const char *text)
{
  GError *err = NULL;
  FvGraphConfig *c = fv_graph_config_parse (text, -1, "main.pbtxt", &err);
  if (!c)
    fail_msg ("parse: %s", err->message);
  if (!fv_graph_config_expand_subgraphs (c, &err))
    fail_msg ("expand: %s", err->message);
  return c;
}

static char *
expand_err (const char *text)
{
  GError *err = NULL;
  FvGraphConfig *c = fv_graph_config_parse (text, -1, "main.pbtxt", &err);
  if (!c)
    fail_msg ("parse: %s", err->message);
  guint before = c->nodes->len;
  if (fv_graph_config_expand_subgraphs (c, &err))
    fail_msg ("expansion of \"%s\" should fail", text);
  assert_int_equal (c->nodes->len, before); /* a failed expansion changes nothing */
  fv_graph_config_free (c);
  assert_true (g_error_matches (err, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID));
  char *m = g_strdup (err->message);
  g_error_free (err);
  return m;
}

static void
assert_contains (const char *msg, const char *want)
{
  if (!strstr (msg, want))
    fail_msg ("error \"%s\" does not contain \"%s\"", msg, want);
}

static const FvNodeConfig *
node_at (const FvGraphConfig *c, guint i)
{
  assert_true (i < c->nodes->len);
  return g_ptr_array_index (c->nodes, i);
}

static const char *
in_name (const FvNodeConfig *n, guint i)
{
  assert_true (i < n->input_streams->len);
  return ((FvStreamRef *) g_ptr_array_index (n->input_streams, i))->name;
}

static const char *
out_name (const FvNodeConfig *n, guint i)
{
  assert_true (i < n->output_streams->len);
  return ((FvStreamRef *) g_ptr_array_index (n->output_streams, i))->name;
}

static void
test_registry (void **state)
{
  GError *err = NULL;
  assert_true (fv_subgraph_is_registered ("Doubler"));
  assert_false (fv_subgraph_is_registered ("doubler"));
  assert_false (fv_subgraph_register_text ("node { calculator: \"X\" }", "notype.pbtxt", &err));
  assert_contains (err->message, "needs a 'type");
  g_clear_error (&err);
  assert_false (fv_subgraph_register_text ("type: \"Bad\" input_stream: \"X:s\" "
                                           "output_stream: \"Y:s\"", "bad.pbtxt", &err));
  assert_contains (err->message, "both a graph input and output");
  g_clear_error (&err);
  assert_false (fv_subgraph_register_text ("type: \"Bad\" nod {}", "bad.pbtxt", &err));
  assert_contains (err->message, "bad.pbtxt:1:13: expected a field of graph");
  g_clear_error (&err);
  assert_true (fv_subgraph_register_text ("type: \"Tmp\"", NULL, &err));
  assert_true (fv_subgraph_unregister ("Tmp"));
  assert_false (fv_subgraph_unregister ("Tmp"));
  assert_false (fv_subgraph_is_registered ("Tmp"));
}

static void
test_used_twice (void **state)
{
  FvGraphConfig *c = expand_ok (
      "input_stream: \"x\" output_stream: \"z\"\n"
      "node { calculator: \"Doubler\" input_stream: \"IN:x\" output_stream: \"OUT:y\" }\n"
      "node { calculator: \"Doubler\" input_stream: \"IN:y\" output_stream: \"OUT:z\" }\n");
  assert_int_equal (c->nodes->len, 4);
  const char *want[4][3] = {
    { "doubler_1__PassThroughCalculator_1", "x", "doubler_1__mid" },
    { "doubler_1__PassThroughCalculator_2", "doubler_1__mid", "y" },
    { "doubler_2__PassThroughCalculator_1", "y", "doubler_2__mid" },
    { "doubler_2__PassThroughCalculator_2", "doubler_2__mid", "z" },
  };
  for (guint i = 0; i < 4; i++) {
    const FvNodeConfig *n = node_at (c, i);
    assert_string_equal (n->name, want[i][0]);
    assert_string_equal (n->calculator, "PassThroughCalculator");
    assert_string_equal (in_name (n, 0), want[i][1]);
    assert_string_equal (out_name (n, 0), want[i][2]);
    assert_int_equal (n->line, i < 2 ? 2 : 3); /* errors point at the using node */
  }
  fv_graph_config_free (c);
}

static void
test_nested (void **state)
{
  FvGraphConfig *c = expand_ok (
      "node { calculator: \"Source\" output_stream: \"s\" }\n"
      "node { calculator: \"Outer\" input_stream: \"A:s\" output_stream: \"B:t\" }\n"
      "node { calculator: \"Sink\" input_stream: \"t\" }\n");
  assert_int_equal (c->nodes->len, 4);
  assert_string_equal (node_at (c, 0)->calculator, "Source");
  const FvNodeConfig *a = node_at (c, 1), *b = node_at (c, 2);
  assert_string_equal (a->name, "outer__doubler__PassThroughCalculator_1");
  assert_string_equal (b->name, "outer__doubler__PassThroughCalculator_2");
  assert_string_equal (in_name (a, 0), "s");
  assert_string_equal (out_name (a, 0), "outer__doubler__mid");
  assert_string_equal (in_name (b, 0), "outer__doubler__mid");
  assert_string_equal (out_name (b, 0), "t");
  assert_string_equal (node_at (c, 3)->calculator, "Sink");
  fv_graph_config_free (c);
}

static void
test_side_packets (void **state)
{
  FvGraphConfig *c = expand_ok (
      "node { name: \"net\" calculator: \"Infer\" input_stream: \"TENSORS:in\"\n"
      "       input_side_packet: \"MODEL:my_model\" output_stream: \"TENSORS:out\" }\n"
      "node { calculator: \"Infer\" input_stream: \"TENSORS:out\"\n"
      "       output_stream: \"TENSORS:out2\" output_side_packet: \"STATS:s2\" }\n");
  assert_int_equal (c->nodes->len, 4);
  const FvNodeConfig *n = node_at (c, 0);
  assert_string_equal (n->name, "net__InferenceCalculator");
  assert_int_equal (n->input_side_packets->len, 2);
  const FvStreamRef *model = g_ptr_array_index (n->input_side_packets, 0);
  assert_string_equal (model->tag, "MODEL");
  assert_string_equal (model->name, "my_model");
  const FvStreamRef *opts = g_ptr_array_index (n->input_side_packets, 1);
  assert_string_equal (opts->name, "net__opts"); /* internal side packet */
  const FvStreamRef *stats = g_ptr_array_index (n->output_side_packets, 0);
  assert_string_equal (stats->name, "net__stats"); /* unconnected output stays internal */
  assert_string_equal (((FvStreamRef *) g_ptr_array_index (node_at (c, 1)->output_side_packets,
                                                           0))->name, "net__opts");
  /* the second use connects STATS but leaves MODEL out: the input is dropped */
  const FvNodeConfig *m = node_at (c, 2);
  assert_string_equal (m->name, "infer__InferenceCalculator");
  assert_int_equal (m->input_side_packets->len, 1);
  assert_string_equal (((FvStreamRef *) g_ptr_array_index (m->input_side_packets, 0))->name,
                       "infer__opts");
  assert_string_equal (((FvStreamRef *) g_ptr_array_index (m->output_side_packets, 0))->name,
                       "s2");
  assert_string_equal (in_name (m, 0), "out");
  fv_graph_config_free (c);
}

static void
test_unknown_port (void **state)
{
  char *m = expand_err ("node {\n  name: \"dbl\"\n  calculator: \"Doubler\"\n"
                        "  input_stream: \"IN:x\"\n  input_stream: \"EXTRA:e\"\n}\n");
  assert_string_equal (m, "main.pbtxt:1:1: node 'dbl' (subgraph Doubler): unknown input "
                          "stream \"EXTRA:e\" (EXTRA:0); the subgraph declares \"IN:in\"");
  g_free (m);
  m = expand_err ("node { calculator: \"Doubler\" input_stream: \"x\" }");
  assert_contains (m, "unknown input stream \"x\" (untagged:0)");
  g_free (m);
  m = expand_err ("node { calculator: \"Doubler\" output_stream: \"OUT:1:o\" output_stream: \"OUT:o0\" }");
  assert_contains (m, "unknown output stream \"OUT:1:o\"");
  g_free (m);
  m = expand_err ("node { calculator: \"Infer\" output_side_packet: \"MODEL:m\" }");
  assert_contains (m, "node 'Infer' (subgraph Infer): unknown output side packet "
                              "\"MODEL:m\"");
  g_free (m);
  /* inside a nested subgraph: the inner use is named */
  GError *err = NULL;
  assert_true (fv_subgraph_register_text (
      "type: \"BadOuter\" input_stream: \"A:a\"\n"
      "node { calculator: \"Doubler\" input_stream: \"WRONG:a\" }", "badouter.pbtxt", &err));
  m = expand_err ("node { calculator: \"BadOuter\" input_stream: \"A:x\" }");
  assert_contains (m, "node 'badouter__Doubler' (subgraph Doubler): unknown input "
                              "stream \"WRONG:x\"");
  g_free (m);
  fv_subgraph_unregister ("BadOuter");
}

static void
test_recursion (void **state)
{
  GError *err = NULL;
  assert_true (fv_subgraph_register_text (
      "type: \"Ping\" input_stream: \"IN:i\"\n"
      "node { calculator: \"Pong\" input_stream: \"IN:i\" }", "ping.pbtxt", &err));
  assert_true (fv_subgraph_register_text (
      "type: \"Pong\" input_stream: \"IN:i\"\n"
      "node { calculator: \"Ping\" input_stream: \"IN:i\" }", "pong.pbtxt", &err));
  assert_true (fv_subgraph_register_text (
      "type: \"Self\"\nnode { calculator: \"Self\" }", "self.pbtxt", &err));
  char *m = expand_err ("input_stream: \"x\"\nnode { calculator: \"Ping\" input_stream: \"IN:x\" }");
  assert_contains (m, "subgraph Ping contains itself (inlined through Ping>Pong>Ping)");
  g_free (m);
  m = expand_err ("node { calculator: \"Self\" }");
  assert_contains (m, "subgraph Self contains itself");
  g_free (m);
  fv_subgraph_unregister ("Ping");
  fv_subgraph_unregister ("Pong");
  fv_subgraph_unregister ("Self");
}

static void
test_depth_limit (void **state)
{
  GError *err = NULL;
  /* a legal (non-recursive) chain longer than the limit */
  for (int i = 0; i <= FV_SUBGRAPH_MAX_DEPTH; i++) {
    char *text = g_strdup_printf ("type: \"Level%d\"\nnode { calculator: \"Level%d\" }", i,
                                  i + 1);
    assert_true (fv_subgraph_register_text (text, NULL, &err));
    g_free (text);
  }
  char *m = expand_err ("node { calculator: \"Level0\" }");
  assert_contains (m, "nests too deeply");
  g_free (m);
  for (int i = 0; i <= FV_SUBGRAPH_MAX_DEPTH; i++) {
    char *t = g_strdup_printf ("Level%d", i);
    assert_true (fv_subgraph_unregister (t));
    g_free (t);
  }
}

static void
test_options (void **state)
{
  GError *err = NULL;
  FvGraphConfig *sub = fv_graph_config_load_file (
      CONFIG_DIR "/good/face_detection_short_range_cpu.pbtxt", &err);
  assert_non_null (sub);
  assert_string_equal (sub->graph_options_type, "mediapipe.FaceDetectionOptions");
  assert_true (fv_subgraph_register (sub, &err));
  FvGraphConfig *c = fv_graph_config_load_file (CONFIG_DIR "/good/hand_tracking_desktop.pbtxt",
                                                &err);
  assert_non_null (c);
  assert_true (fv_graph_config_expand_subgraphs (c, &err));
  assert_int_equal (c->nodes->len, 5 + 5); /* the subgraph node becomes 5 */
  const FvNodeConfig *itt = node_at (c, 3);
  assert_string_equal (itt->name, "palm_detector__ImageToTensorCalculator");
  assert_string_equal (in_name (itt, 0), "palm_detection_input");
  assert_int_equal (itt->input_streams->len, 1); /* ROI left unconnected: dropped */
  assert_string_equal (out_name (itt, 0), "palm_detector__input_tensors");
  /* node options override the subgraph defaults; untouched defaults still apply */
  assert_int_equal (fv_tp_get_int (itt->options, "output_tensor_width", 0, NULL), 192);
  assert_int_equal (fv_tp_get_int (itt->options, "output_tensor_height", 0, NULL), 192);
  assert_true (fv_tp_get_bool (itt->options, "keep_aspect_ratio", FALSE, NULL));
  assert_int_equal (itt->option_values->len, 0);
  const FvNodeConfig *inf = node_at (c, 4);
  const FvStreamRef *model = g_ptr_array_index (inf->input_side_packets, 0);
  assert_string_equal (model->name, "palm_model");
  const FvNodeConfig *t2d = node_at (c, 5);
  assert_true (fv_tp_get_double (t2d->options, "min_score_thresh", 0, NULL) == 0.5);
  assert_int_equal (fv_tp_count (t2d->options, "min_score_thresh"), 1);
  const FvNodeConfig *proj = node_at (c, 7);
  assert_string_equal (proj->name, "palm_detector__DetectionProjectionCalculator");
  assert_string_equal (out_name (proj, 0), "palm_detections");
  for (guint i = 0; i < c->nodes->len; i++)
    assert_string_not_equal (node_at (c, i)->calculator, "FaceDetectionShortRangeCpu");
  fv_graph_config_free (c);

  /* nested option paths create what is missing */
  assert_true (fv_subgraph_register_text (
      "type: \"Opt\" graph_options { [type.googleapis.com/x.O] { a { b: 7 } r: 1 r: 2 } }\n"
      "node { calculator: \"C\" option_value: \"p/q:options/a/b\" "
      "option_value: \"rep:options/r\" option_value: \"none:options/missing\" }", NULL, &err));
  c = expand_ok ("node { calculator: \"Opt\" }");
  const FvNodeConfig *n = node_at (c, 0);
  assert_int_equal (fv_tp_get_int (fv_tp_get_message (n->options, "p"), "q", 0, NULL), 7);
  assert_int_equal (fv_tp_count (n->options, "rep"), 2);
  assert_null (fv_tp_get (n->options, "none"));
  fv_graph_config_free (c);
  assert_true (fv_subgraph_register_text (
      "type: \"BadOpt\"\nnode { calculator: \"C\" option_value: \"p:graph/a\" }", NULL, &err));
  char *m = expand_err ("node { calculator: \"BadOpt\" }");
  assert_contains (m, "expected option_value \"field/path:options/field/path\"");
  g_free (m);
  fv_subgraph_unregister ("Opt");
  fv_subgraph_unregister ("BadOpt");
  fv_subgraph_unregister ("FaceDetectionShortRangeCpu");
}

static void
test_calculator_only_fields (void **state)
{
  char *m = expand_err ("node { calculator: \"Doubler\" input_stream: \"IN:x\" "
                        "source_layer: 1 }");
  assert_contains (m, "field 'source_layer' applies to calculators only");
  g_free (m);
  /* nothing registered: expansion is a no-op */
  FvGraphConfig *c = expand_ok ("node { calculator: \"Plain\" input_stream: \"a\" }");
  assert_int_equal (c->nodes->len, 1);
  assert_null (node_at (c, 0)->name);
  fv_graph_config_free (c);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_registry),
    cmocka_unit_test (test_used_twice),
    cmocka_unit_test (test_nested),
    cmocka_unit_test (test_side_packets),
    cmocka_unit_test (test_unknown_port),
    cmocka_unit_test (test_recursion),
    cmocka_unit_test (test_depth_limit),
    cmocka_unit_test (test_options),
    cmocka_unit_test (test_calculator_only_fields),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
