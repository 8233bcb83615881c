/* Tests of the protobuf text-format parser (graph/textproto.c): every syntax form, the
 * typed getters, positions in errors and the limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "graph/textproto.h"

static FvTpMessage *
parse_ok (const char *text)
{
  GError *err = NULL;
  FvTpMessage *m = fv_textproto_parse (text, -1, "t.pbtxt", &err);
  if (!m)
    fail_msg ("unexpected parse error: %s", err->message);
  return m;
}

/* Returns the error message (transfer full) of a parse that must fail. */
static char *
parse_err (const char *text, gssize len)
{
  GError *err = NULL;
  FvTpMessage *m = fv_textproto_parse (text, len, "t.pbtxt", &err);
  if (m) {
    fv_tp_message_free (m);
    fail_msg ("parse of \"%s\" should fail", text);
  }
  assert_true (g_error_matches (err, FV_GRAPH_ERROR, FV_GRAPH_ERROR_PARSE));
  char *msg = g_strdup (err->message);
  g_error_free (err);
  return msg;
}

static void
assert_err (const char *text, const char *want)
{
  char *msg = parse_err (text, -1);
  if (!strstr (msg, want))
    fail_msg ("error \"%s\" does not contain \"%s\"", msg, want);
  g_free (msg);
}

static void
test_scalars (void **state)
{
  FvTpMessage *m = parse_ok ("a: 1 b: -2 c: 0x1f d: 017 e: 1.5 f: -2.5e-3 g: 3f h: .5 "
                             "i: \"s\" j: ENUM_X k: true l: -inf m: nan n: 2.F "
                             "o: 18446744073709551615 p: -9223372036854775808 q: 1E6");
  GError *err = NULL;
  assert_int_equal (fv_tp_get_int (m, "a", 0, &err), 1);
  assert_int_equal (fv_tp_get_int (m, "b", 0, &err), -2);
  assert_int_equal (fv_tp_get_int (m, "c", 0, &err), 31);
  assert_int_equal (fv_tp_get_int (m, "d", 0, &err), 15);
  assert_null (err);
  assert_int_equal (fv_tp_get (m, "e")->kind, FV_TP_FLOAT);
  assert_true (fv_tp_get_double (m, "e", 0, NULL) == 1.5);
  assert_true (fabs (fv_tp_get_double (m, "f", 0, NULL) + 2.5e-3) < 1e-15);
  assert_int_equal (fv_tp_get (m, "g")->kind, FV_TP_FLOAT);
  assert_true (fv_tp_get_double (m, "g", 0, NULL) == 3.0);
  assert_true (fv_tp_get_double (m, "h", 0, NULL) == 0.5);
  assert_true (fv_tp_get_double (m, "a", 0, NULL) == 1.0); /* INT reads as double */
  assert_string_equal (fv_tp_get_string (m, "i", NULL, NULL), "s");
  assert_int_equal (fv_tp_get (m, "j")->kind, FV_TP_IDENT);
  assert_string_equal (fv_tp_get_string (m, "j", NULL, NULL), "ENUM_X");
  assert_true (fv_tp_get_bool (m, "k", FALSE, NULL));
  assert_true (isinf (fv_tp_get_double (m, "l", 0, NULL)) &&
               fv_tp_get_double (m, "l", 0, NULL) < 0);
  assert_true (isnan (fv_tp_get_double (m, "m", 0, NULL)));
  assert_true (fv_tp_get_double (m, "n", 0, NULL) == 2.0);
  const FvTpField *o = fv_tp_get (m, "o");
  assert_int_equal (o->kind, FV_TP_INT);
  assert_true (o->u == G_MAXUINT64);
  /* too big for int64: a type error, not a silent wrap */
  assert_int_equal (fv_tp_get_int (m, "o", 7, &err), 7);
  assert_true (g_error_matches (err, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE));
  g_clear_error (&err);
  assert_true (fv_tp_get_int (m, "p", 0, NULL) == G_MININT64);
  assert_true (fv_tp_get_double (m, "q", 0, NULL) == 1e6);
  fv_tp_message_free (m);
}

static void
test_strings (void **state)
{
  FvTpMessage *m = parse_ok (
      "s: \"a\\n\\t\\\\\\'\\\"\\a\\b\\f\\r\\v\\?\" 'x' \"y\"\n"
      "o: \"\\101\\x42\\0z\"\n"
      "u: \"\\u00e9\\U0001F600\"\n"
      "q: 'it\\'s \"quoted\"'\n");
  const FvTpField *s = fv_tp_get (m, "s");
  assert_int_equal (s->kind, FV_TP_STRING);
  const char want[] = "a\n\t\\'\"\a\b\f\r\v?xy";
  assert_int_equal (s->s_len, sizeof want - 1);
  assert_memory_equal (s->s, want, sizeof want);
  const FvTpField *o = fv_tp_get (m, "o");
  assert_int_equal (o->s_len, 4);
  assert_memory_equal (o->s, "AB\0z", 4);
  assert_string_equal (fv_tp_get (m, "u")->s, "\xc3\xa9\xf0\x9f\x98\x80");
  assert_string_equal (fv_tp_get_string (m, "q", NULL, NULL), "it's \"quoted\"");
  fv_tp_message_free (m);
}

static void
test_messages_and_lists (void **state)
{
  FvTpMessage *m = parse_ok (
      "# comment\n"
      "a { x: 1 } a: { x: 2 }, a < x: 3 >; a: < x: 4 >\n"
      "l: [1, 2, 3] l: 4\n"
      "ml [ { y: 1 }, < y: 2 > ] mc: [ { y: 3 } ] empty: []\n"
      "[pkg.Ext.ext] { z: 1 }\n"
      "[type.googleapis.com/pkg.Msg] { z: 2 }\n"
      "deep { deeper { deepest { } } }\n");
  assert_int_equal (fv_tp_count (m, "a"), 4);
  for (guint i = 0; i < 4; i++) {
    const FvTpField *f = fv_tp_get_nth (m, "a", i);
    assert_int_equal (f->kind, FV_TP_MESSAGE);
    assert_int_equal (fv_tp_get_int (f->msg, "x", 0, NULL), (gint64) i + 1);
  }
  assert_int_equal (fv_tp_count (m, "l"), 4);
  assert_int_equal (fv_tp_get_nth (m, "l", 2)->i, 3);
  assert_int_equal (fv_tp_get_int (m, "l", 0, NULL), 4); /* last wins */
  assert_int_equal (fv_tp_count (m, "ml"), 2);
  assert_int_equal (fv_tp_count (m, "mc"), 1);
  assert_int_equal (fv_tp_count (m, "empty"), 0);
  assert_non_null (fv_tp_get_message (m, "pkg.Ext.ext"));
  assert_int_equal (fv_tp_get_int (fv_tp_get_message (m, "type.googleapis.com/pkg.Msg"), "z",
                                   0, NULL), 2);
  const FvTpMessage *d = fv_tp_get_message (fv_tp_get_message (m, "deep"), "deeper");
  assert_non_null (fv_tp_get_message (d, "deepest"));
  assert_null (fv_tp_get_message (m, "nothing"));
  assert_null (fv_tp_get_nth (m, "a", 4));
  fv_tp_message_free (m);
}

static void
test_positions (void **state)
{
  FvTpMessage *m = parse_ok ("a: 1\n  b {\n    c: 'x'\n  }\n");
  const FvTpField *b = fv_tp_get (m, "b");
  assert_int_equal (b->line, 2);
  assert_int_equal (b->col, 3);
  const FvTpField *c = fv_tp_get (b->msg, "c");
  assert_int_equal (c->line, 3);
  assert_int_equal (c->col, 5);
  fv_tp_message_free (m);

  char *msg = parse_err ("a: 1\nb {\n  c: 2\n  d: @\n}\n", -1);
  assert_string_equal (msg, "t.pbtxt:4:6: expected a field, value or symbol, found '@'");
  g_free (msg);
  msg = parse_err ("a {\n  b: 1\n", -1);
  assert_string_equal (msg, "t.pbtxt:3:1: expected '}' to close the message at 1:3, "
                            "found end of input");
  g_free (msg);
  msg = parse_err ("x: 1 }", -1);
  assert_string_equal (msg, "t.pbtxt:1:6: expected a field name, found '}'");
  g_free (msg);
}

static void
test_getter_types (void **state)
{
  FvTpMessage *m = parse_ok ("s: 'x' i: 3 f: 1.5 b: 1 e: maybe m { }");
  GError *err = NULL;
  assert_int_equal (fv_tp_get_int (m, "s", 9, &err), 9);
  assert_true (g_error_matches (err, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE));
  assert_non_null (strstr (err->message, "'s'"));
  g_clear_error (&err);
  assert_int_equal (fv_tp_get_int (m, "f", 9, &err), 9);
  g_clear_error (&err);
  assert_true (fv_tp_get_bool (m, "b", FALSE, &err));
  assert_false (fv_tp_get_bool (m, "e", FALSE, &err));
  assert_non_null (err);
  g_clear_error (&err);
  assert_null (fv_tp_get_string (m, "m", NULL, &err));
  assert_non_null (err);
  g_clear_error (&err);
  assert_true (fv_tp_get_double (m, "s", 2.0, &err) == 2.0);
  g_clear_error (&err);
  /* absent: default, no error */
  assert_int_equal (fv_tp_get_int (m, "zz", 5, &err), 5);
  assert_string_equal (fv_tp_get_string (NULL, "zz", "d", &err), "d");
  assert_null (err);
  fv_tp_message_free (m);
}

static void
test_errors (void **state)
{
  assert_err ("a: \"abc", "expected closing \"");
  assert_err ("a: 'abc\n'", "found end of line");
  assert_err ("a: \"\\q\"", "expected a valid escape");
  assert_err ("a: \"\\u12\"", "4 hex digits");
  assert_err ("a: \"\\U00110000\"", "not a valid code point");
  assert_err ("a: \"\\400\"", "octal escape out of range");
  assert_err ("a: 12abc", "expected a separator after number '12'");
  assert_err ("a: 1.2.3", "expected a separator");
  assert_err ("a: 08", "expected an octal number");
  assert_err ("a: 18446744073709551616", "out of range");
  assert_err ("a: -9223372036854775809", "out of range");
  assert_err ("a: 0x", "hex digits");
  assert_err ("a: 1e+", "exponent digits");
  assert_err ("a < b: 1 }", "expected '>'");
  assert_err ("a", "expected ':', '{' or '<', found end of input");
  assert_err ("a:", "expected a value, found end of input");
  assert_err ("a: -b", "after '-'");
  assert_err ("a: [1, 2", "expected ',' or ']'");
  assert_err ("a: [[1]]", "lists do not nest");
  assert_err ("a [1]", "a list without ':' holds messages");
  assert_err ("[a.b { }", "expected '.', '/' or ']'");
  assert_err ("[] { }", "expected an extension or type name");
  assert_err ("a: }", "expected a value");
  assert_err ("{ }", "expected a field name");
  char *msg = parse_err ("a: 1\0b: 2", 9);
  assert_non_null (strstr (msg, "byte 0x00"));
  g_free (msg);
}

static void
test_limits (void **state)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < FV_TP_MAX_DEPTH; i++)
    g_string_append (s, "m { ");
  for (int i = 0; i < FV_TP_MAX_DEPTH; i++)
    g_string_append (s, "} ");
  FvTpMessage *m = parse_ok (s->str); /* exactly at the limit is fine */
  fv_tp_message_free (m);
  g_string_prepend (s, "m { ");
  g_string_append (s, "}");
  assert_err (s->str, "expected at most 100 nested messages");
  g_string_free (s, TRUE);

  /* too much input is refused before any parsing */
  gsize big = FV_TP_MAX_INPUT + 1;
  char *huge = g_malloc (big);
  memset (huge, ' ', big);
  char *msg = parse_err (huge, (gssize) big);
  assert_non_null (strstr (msg, "expected at most"));
  g_free (msg);
  g_free (huge);
}

static void
test_copy_and_print (void **state)
{
  const char *text = "a: 1 b: -2.5 c: \"x\\ny\\001\" d: ENUM e { f: [1, 2] g { } } "
                     "[p.Ext.ext] { h: 'z' } big: 18446744073709551615 i: inf j: 3.0";
  FvTpMessage *m = parse_ok (text);
  FvTpMessage *c = fv_tp_message_copy (m);
  char *s1 = fv_tp_message_to_string (m);
  char *s2 = fv_tp_message_to_string (c);
  assert_string_equal (s1, s2);
  /* printing then parsing again gives the same tree */
  FvTpMessage *r = parse_ok (s1);
  char *s3 = fv_tp_message_to_string (r);
  assert_string_equal (s1, s3);
  assert_int_equal (fv_tp_get (r, "j")->kind, FV_TP_FLOAT);
  assert_int_equal (fv_tp_get (r, "c")->s_len, 4);
  /* editing helpers */
  assert_int_equal (fv_tp_remove (c, "a"), 1);
  assert_null (fv_tp_get (c, "a"));
  fv_tp_add_copy (c, fv_tp_get (m, "b"), "b2");
  assert_true (fv_tp_get_double (c, "b2", 0, NULL) == -2.5);
  FvTpField *nm = fv_tp_add_message (c, "new");
  assert_int_equal (nm->kind, FV_TP_MESSAGE);
  assert_non_null (fv_tp_get_message (c, "new"));
  g_free (s1);
  g_free (s2);
  g_free (s3);
  fv_tp_message_free (m);
  fv_tp_message_free (c);
  fv_tp_message_free (r);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_scalars),
    cmocka_unit_test (test_strings),
    cmocka_unit_test (test_messages_and_lists),
    cmocka_unit_test (test_positions),
    cmocka_unit_test (test_getter_types),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_limits),
    cmocka_unit_test (test_copy_and_print),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
