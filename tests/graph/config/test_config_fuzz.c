/* A small fuzzer for the text-format parser and the config layer: random bytes, random
 * token soups, every truncation and random byte mutations of the good configs. Nothing
 * may crash or leak; every failure must be a FV_GRAPH_ERROR with a message; every
 * success must print and re-parse to the same tree. Seeds are fixed: runs repeat. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "graph/config.h"

#define CONFIG_DIR FOVEA_SOURCE_ROOT "/tests/graph/config"

static guint n_ok, n_err;

/* Runs one input through everything; asserts the contract. */
static void
check_input (const char *text, gsize len)
{
  GError *err = NULL;
  FvTpMessage *m = fv_textproto_parse (text, (gssize) len, "fuzz", &err);
  if (!m) {
    assert_true (g_error_matches (err, FV_GRAPH_ERROR, FV_GRAPH_ERROR_PARSE));
    assert_true (g_str_has_prefix (err->message, "fuzz:"));
    g_clear_error (&err);
    n_err++;
  } else {
    n_ok++;
    char *s1 = fv_tp_message_to_string (m);
    FvTpMessage *r = fv_textproto_parse (s1, -1, "reprint", &err);
    if (!r)
      fail_msg ("printed tree does not re-parse: %s\n--\n%s", err->message, s1);
    char *s2 = fv_tp_message_to_string (r);
    assert_string_equal (s1, s2);
    g_free (s1);
    g_free (s2);
    fv_tp_message_free (r);
    fv_tp_message_free (m);
  }
  FvGraphConfig *c = fv_graph_config_parse (text, (gssize) len, "fuzz", &err);
  if (!c) {
    assert_non_null (err);
    assert_true (err->domain == FV_GRAPH_ERROR);
    assert_true (err->message[0] != '\0');
    g_clear_error (&err);
    return;
  }
  if (!fv_graph_config_expand_subgraphs (c, &err)) {
    assert_true (err->domain == FV_GRAPH_ERROR);
    g_clear_error (&err);
  }
  fv_graph_config_free (c);
}

static GPtrArray *
load_good_texts (void)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (CONFIG_DIR "/good", 0, NULL);
  assert_non_null (dir);
  const char *n;
  while ((n = g_dir_read_name (dir))) {
    char *path = g_build_filename (CONFIG_DIR, "good", n, NULL);
    char *text = NULL;
    assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_ptr_array_add (texts, text);
    g_free (path);
  }
  g_dir_close (dir);
  assert_true (texts->len >= 3);
  return texts;
}

static int
setup (void **state)
{
  GError *err = NULL;
  FvGraphConfig *sub = fv_graph_config_load_file (
      CONFIG_DIR "/good/face_detection_short_range_cpu.pbtxt", &err);
  if (!sub || !fv_subgraph_register (sub, &err)) {
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

static void
test_random_bytes (void **state)
{
  GRand *rng = g_rand_new_with_seed (1234);
  char buf[256];
  for (int it = 0; it < 3000; it++) {
    gsize len = (gsize) g_rand_int_range (rng, 0, sizeof buf);
    for (gsize k = 0; k < len; k++)
      buf[k] = (char) g_rand_int_range (rng, 0, 256);
    check_input (buf, len);
  }
  g_rand_free (rng);
}

static void
test_token_soup (void **state)
{
  static const char *const toks[] = {
    "{", "}", "<", ">", "[", "]", ":", ",", ";", "/", ".", "-", " ", "\n", "#c\n",
    "node", "calculator", "input_stream", "output_stream", "options", "node_options",
    "\"A:x\"", "\"x\"", "'y'", "\"\\x4", "\"\\u00e9\"", "\"\\", "1", "0x1F", "017", "1.5e3",
    "2f", "inf", "nan", "true", "[a.b.ext]", "[type.googleapis.com/a.B]", "input_stream_info",
    "tag_index", "back_edge", "\"FaceDetectionShortRangeCpu\"", "\"IMAGE:i\"", "executor",
    "type", "num_threads", "max_queue_size", "\"Doubler\"", "option_value", "\"a:options/b\"",
  };
  GRand *rng = g_rand_new_with_seed (99);
  GString *s = g_string_new (NULL);
  for (int it = 0; it < 4000; it++) {
    g_string_truncate (s, 0);
    int n = g_rand_int_range (rng, 1, 60);
    for (int k = 0; k < n; k++)
      g_string_append (s, toks[g_rand_int_range (rng, 0, G_N_ELEMENTS (toks))]);
    check_input (s->str, s->len);
  }
  g_string_free (s, TRUE);
  g_rand_free (rng);
}

static void
test_truncations (void **state)
{
  GPtrArray *texts = load_good_texts ();
  for (guint i = 0; i < texts->len; i++) {
    const char *t = g_ptr_array_index (texts, i);
    gsize len = strlen (t);
    /* every prefix of the short configs, a stride through the long ones */
    gsize step = len > 3000 ? 3 : 1;
    for (gsize cut = 0; cut <= len; cut += step)
      check_input (t, cut);
  }
  g_ptr_array_unref (texts);
}

static void
test_mutations (void **state)
{
  static const char interesting[] = "{}<>[]:\"'\\#\n -0x.9";
  GPtrArray *texts = load_good_texts ();
  GRand *rng = g_rand_new_with_seed (7);
  for (int it = 0; it < 3000; it++) {
    const char *t = g_ptr_array_index (texts, (guint) g_rand_int_range (rng, 0, (gint32) texts->len));
    gsize len = strlen (t);
    char *m = g_memdup2 (t, len + 1);
    int n = g_rand_int_range (rng, 1, 4);
    for (int k = 0; k < n; k++) {
      gsize at = (gsize) g_rand_int_range (rng, 0, (gint32) len);
      m[at] = g_rand_boolean (rng)
                  ? interesting[g_rand_int_range (rng, 0, sizeof interesting - 1)]
                  : (char) g_rand_int_range (rng, 0, 256);
    }
    check_input (m, len);
    g_free (m);
  }
  g_rand_free (rng);
  g_ptr_array_unref (texts);
  /* the fuzzer reaches both outcomes, or it tests nothing */
  assert_true (n_ok > 100);
  assert_true (n_err > 100);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_random_bytes),
    cmocka_unit_test (test_token_soup),
    cmocka_unit_test (test_truncations),
    cmocka_unit_test (test_mutations),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
