/* Tests of graph configs (graph/config.c): port strings, the MediaPipe-style configs in
 * good/, and the corpus of broken configs in broken/ — each must fail with the error its
 * first line announces ("# expect: ..."), positioned as FILE:LINE:COL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "graph/config.h"

#define CONFIG_DIR FOVEA_SOURCE_ROOT "/tests/graph/config"

static FvGraphConfig *
load_good (const char *name)
{
  char *path = g_build_filename (CONFIG_DIR, "good", name, NULL);
  GError *err = NULL;
  FvGraphConfig *c = fv_graph_config_load_file (path, &err);
  if (!c)
    fail_msg ("%s: %s", path, err->message);
  g_free (path);
  return c;
}

static const FvNodeConfig *
node_at (const FvGraphConfig *c, guint i)
{
  assert_true (i < c->nodes->len);
  return g_ptr_array_index (c->nodes, i);
}

static const FvStreamRef *
ref_at (const GPtrArray *a, guint i)
{
  assert_true (i < a->len);
  return g_ptr_array_index (a, i);
}

static void
test_stream_ref (void **state)
{
  FvStreamRef r;
  GError *err = NULL;
  assert_true (fv_stream_ref_parse ("VIDEO:1:frames", &r, &err));
  assert_string_equal (r.tag, "VIDEO");
  assert_int_equal (r.index, 1);
  assert_string_equal (r.name, "frames");
  char *s = fv_stream_ref_to_string (&r);
  assert_string_equal (s, "VIDEO:1:frames");
  g_free (s);
  fv_stream_ref_clear (&r);
  assert_true (fv_stream_ref_parse ("VIDEO:frames2", &r, &err));
  assert_string_equal (r.tag, "VIDEO");
  assert_int_equal (r.index, 0);
  assert_string_equal (r.name, "frames2");
  fv_stream_ref_clear (&r);
  assert_true (fv_stream_ref_parse ("raw_frames", &r, &err));
  assert_string_equal (r.tag, "");
  assert_int_equal (r.index, -1);
  fv_stream_ref_clear (&r);
  assert_true (fv_stream_ref_parse ("_T2:10:Mixed_Case9", &r, &err));
  fv_stream_ref_clear (&r);
  assert_null (err);
  const char *bad[] = { "", "video:x", "V:", ":x", "V:01:x", "V:-1:x", "V:1:2:x", "a b",
                        "V:x:y", "9V:x", "V:12345:x", "a.b" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    if (fv_stream_ref_parse (bad[i], &r, &err))
      fail_msg ("port \"%s\" should be rejected", bad[i]);
    assert_true (g_error_matches (err, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID));
    assert_null (r.tag);
    g_clear_error (&err);
  }
}

static void
test_face_detection (void **state)
{
  FvGraphConfig *c = load_good ("face_detection_front_cpu.pbtxt");
  assert_null (c->type);
  assert_int_equal (c->input_streams->len, 1);
  assert_string_equal (ref_at (c->input_streams, 0)->name, "input_video");
  assert_int_equal (c->output_streams->len, 2);
  assert_int_equal (ref_at (c->output_streams, 1)->index, 1); /* untagged: position */
  assert_int_equal (c->num_threads, 2);
  assert_int_equal (c->max_queue_size, 4);
  assert_int_equal (c->nodes->len, 9);

  const FvNodeConfig *fl = node_at (c, 0);
  assert_string_equal (fl->calculator, "FlowLimiterCalculator");
  assert_null (fl->name);
  assert_int_equal (fl->line, 12);
  assert_int_equal (fl->col, 1);
  assert_int_equal (fl->input_streams->len, 2);
  assert_int_equal (fl->back_edges->len, 1);
  assert_string_equal (g_ptr_array_index (fl->back_edges, 0), "FINISHED:0");
  assert_string_equal (fl->options_type, "mediapipe.FlowLimiterCalculatorOptions");
  assert_int_equal (fv_tp_get_int (fl->options, "max_in_queue", -1, NULL), 1);
  assert_int_equal (fl->max_in_flight, 1);

  const FvNodeConfig *itt = node_at (c, 1);
  const FvStreamRef *out1 = ref_at (itt->output_streams, 1);
  assert_string_equal (out1->tag, "MATRIX");
  assert_string_equal (out1->name, "transform_matrix");
  const FvTpMessage *range = fv_tp_get_message (itt->options, "output_tensor_float_range");
  assert_true (fv_tp_get_double (range, "min", 0, NULL) == -1.0);
  assert_string_equal (fv_tp_get_string (itt->options, "border_mode", NULL, NULL),
                       "BORDER_ZERO");
  assert_true (fv_tp_get_bool (itt->options, "keep_aspect_ratio", FALSE, NULL));

  const FvNodeConfig *anchors = node_at (c, 3);
  assert_int_equal (anchors->output_side_packets->len, 1);
  assert_int_equal (fv_tp_count (anchors->options, "strides"), 4);
  assert_int_equal (fv_tp_get_nth (anchors->options, "strides", 1)->i, 16);

  const FvNodeConfig *render = node_at (c, 7);
  assert_string_equal (render->options_type, "mediapipe.DetectionsToRenderDataCalculatorOptions");
  assert_int_equal (fv_tp_get_int (fv_tp_get_message (render->options, "color"), "r", 0, NULL),
                    255);
  assert_string_equal (c->filename, CONFIG_DIR "/good/face_detection_front_cpu.pbtxt");
  fv_graph_config_free (c);
}

static void
test_hand_tracking (void **state)
{
  FvGraphConfig *c = load_good ("hand_tracking_desktop.pbtxt");
  assert_int_equal (c->executors->len, 1);
  const FvExecutorConfig *e = g_ptr_array_index (c->executors, 0);
  assert_string_equal (e->name, "inference");
  assert_string_equal (e->type, "ThreadPoolExecutor");
  assert_int_equal (e->num_threads, 1);
  assert_int_equal (c->input_side_packets->len, 1);
  const FvNodeConfig *loop = node_at (c, 1);
  assert_string_equal (g_ptr_array_index (loop->back_edges, 0), "LOOP:0");
  const FvNodeConfig *palm = node_at (c, 3);
  assert_string_equal (palm->name, "palm_detector");
  assert_string_equal (palm->options_type, "mediapipe.FaceDetectionOptions");
  assert_int_equal (fv_tp_get_int (palm->options, "tensor_width", 0, NULL), 192);
  const FvNodeConfig *lm = node_at (c, 4);
  assert_string_equal (lm->executor, "inference");
  assert_string_equal (lm->input_stream_handler, "SyncSetInputStreamHandler");
  assert_int_equal (fv_tp_count (lm->input_stream_handler_options, "sync_set"), 2);
  fv_graph_config_free (c);
}

static void
test_syntax_torture (void **state)
{
  FvGraphConfig *c = load_good ("syntax_torture.pbtxt");
  assert_string_equal (c->input_stream_handler, "ImmediateInputStreamHandler");
  assert_int_equal (c->max_queue_size, -1);
  assert_true (c->report_deadlock);
  assert_string_equal (c->package, "fovea.test");
  const FvNodeConfig *n = node_at (c, 0);
  assert_string_equal (n->name, "first_node");
  assert_int_equal (n->input_streams->len, 2);
  assert_int_equal (ref_at (n->input_streams, 1)->index, 1);
  assert_string_equal (n->options_type, "fovea.test.TortureOptions");
  assert_int_equal (fv_tp_count (n->options, "i"), 5);
  assert_int_equal (fv_tp_get_nth (n->options, "i", 0)->i, 31);
  assert_int_equal (fv_tp_get_nth (n->options, "i", 1)->i, 15);
  assert_int_equal (fv_tp_count (n->options, "f"), 10);
  assert_int_equal (fv_tp_count (n->options, "list"), 3);
  assert_int_equal (fv_tp_count (n->options, "msgs"), 2);
  assert_string_equal (fv_tp_get_nth (n->options, "s", 0)->s,
                       "tab\there\nnl \\ ' \" \a\b\f\r\v AB \xc3\xa9 \xf0\x9f\x98\x80");
  const FvNodeConfig *n2 = node_at (c, 1);
  assert_int_equal (ref_at (n2->output_streams, 1)->index, 1);
  fv_graph_config_free (c);
}

static void
test_programmatic (void **state)
{
  GError *err = NULL;
  FvGraphConfig *c = fv_graph_config_parse ("node { calculator: \"A\" output_stream: \"x\" }",
                                            -1, NULL, &err);
  assert_non_null (c);
  FvGraphConfig *copy = fv_graph_config_copy (c);
  assert_string_equal (node_at (copy, 0)->calculator, "A");
  assert_null (copy->filename);
  fv_graph_config_free (c);
  fv_graph_config_free (copy);
  c = fv_graph_config_parse ("node { calculator: \"A\" typo: 1 }", -1, NULL, &err);
  assert_null (c);
  assert_string_equal (err->message,
                       "<string>:1:24: expected a field of node, found unknown field 'typo'");
  g_clear_error (&err);
  assert_null (fv_graph_config_load_file (CONFIG_DIR "/no/such.pbtxt", &err));
  assert_true (g_error_matches (err, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID));
  g_clear_error (&err);
}

static char *
expected_text (const char *path, const char *contents)
{
  if (!g_str_has_prefix (contents, "# expect: "))
    fail_msg ("%s: first line must be '# expect: <error text>'", path);
  const char *s = contents + strlen ("# expect: ");
  const char *nl = strchr (s, '\n');
  return g_strndup (s, nl ? (gsize) (nl - s) : strlen (s));
}

static void
test_broken_corpus (void **state)
{
  GError *err = NULL;
  char *sub_path = g_build_filename (CONFIG_DIR, "good", "face_detection_short_range_cpu.pbtxt",
                                     NULL);
  FvGraphConfig *sub = fv_graph_config_load_file (sub_path, &err);
  assert_non_null (sub);
  assert_true (fv_subgraph_register (sub, &err));
  g_free (sub_path);

  char *dir_path = g_build_filename (CONFIG_DIR, "broken", NULL);
  GDir *dir = g_dir_open (dir_path, 0, &err);
  assert_non_null (dir);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  while ((n = g_dir_read_name (dir)))
    if (g_str_has_suffix (n, ".pbtxt"))
      g_ptr_array_add (names, g_strdup (n));
  g_dir_close (dir);
  assert_true (names->len >= 50);

  for (guint i = 0; i < names->len; i++) {
    char *path = g_build_filename (dir_path, g_ptr_array_index (names, i), NULL);
    char *contents = NULL;
    assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    char *want = expected_text (path, contents);
    FvGraphConfig *c = fv_graph_config_load_file (path, &err);
    if (c) {
      gboolean expanded = fv_graph_config_expand_subgraphs (c, &err);
      fv_graph_config_free (c);
      if (expanded)
        fail_msg ("%s: accepted, but should fail with \"%s\"", path, want);
    }
    assert_non_null (err);
    if (!strstr (err->message, want))
      fail_msg ("%s: error \"%s\" does not contain \"%s\"", path, err->message, want);
    /* every error starts with FILE:LINE:COL */
    const char *rest = err->message + strlen (path);
    if (!g_str_has_prefix (err->message, path) || rest[0] != ':' ||
        !g_ascii_isdigit (rest[1]) || !strchr (rest + 1, ':'))
      fail_msg ("%s: error \"%s\" does not start with FILE:LINE:COL", path, err->message);
    g_clear_error (&err);
    g_free (want);
    g_free (contents);
    g_free (path);
  }
  g_ptr_array_unref (names);
  g_free (dir_path);
  fv_subgraph_registry_clear ();
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_stream_ref),
    cmocka_unit_test (test_face_detection),
    cmocka_unit_test (test_hand_tracking),
    cmocka_unit_test (test_syntax_torture),
    cmocka_unit_test (test_programmatic),
    cmocka_unit_test (test_broken_corpus),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
