/* fovea — the protobuf text-format parser: a schema-less tree of named fields.
 *
 * A hand-written lexer (positions in 1-based line/column, columns counted in bytes) feeds a
 * recursive-descent parser whose depth is bounded by FV_TP_MAX_DEPTH, so no input can
 * exhaust the stack. Every error reads "FILE:LINE:COL: expected X, found Y" (or a
 * specific complaint about a malformed literal at its position).
 */
#include "graph/textproto.h"

#include <errno.h>
#include <math.h>
#include <string.h>

typedef enum { T_EOF, T_IDENT, T_INT, T_FLOAT, T_STRING, T_SYM } TokType;

typedef struct {
  TokType type;
  const char *start; /* in the input; for T_STRING the quoted text */
  gsize len;
  int line, col;
  char sym;          /* T_SYM */
} Tok;

typedef struct {
  const char *text, *end, *p;
  const char *filename;
  int line, col;
  Tok tok;           /* the current (lookahead) token */
  GString *str;      /* unescaped bytes of the current T_STRING token */
  int depth;
  GError **error;
} Parser;

/* ---- errors ---------------------------------------------------------------------- */

static void
describe_tok (const Tok *t, char *buf, gsize n)
{
  switch (t->type) {
  case T_EOF:
    g_strlcpy (buf, "end of input", n);
    break;
  case T_IDENT:
    g_snprintf (buf, n, "identifier '%.*s'", (int) MIN (t->len, 40), t->start);
    break;
  case T_INT:
  case T_FLOAT:
    g_snprintf (buf, n, "number '%.*s'", (int) MIN (t->len, 40), t->start);
    break;
  case T_STRING:
    g_strlcpy (buf, "a string", n);
    break;
  case T_SYM:
    g_snprintf (buf, n, "'%c'", t->sym);
    break;
  }
}

static gboolean G_GNUC_PRINTF (4, 5)
fail_at (Parser *ps, int line, int col, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (ps->error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_PARSE, "%s:%d:%d: %s",
               ps->filename, line, col, what);
  g_free (what);
  return FALSE;
}

static gboolean
expected (Parser *ps, const char *what)
{
  char found[96];
  describe_tok (&ps->tok, found, sizeof found);
  return fail_at (ps, ps->tok.line, ps->tok.col, "expected %s, found %s", what, found);
}

/* ---- lexer ----------------------------------------------------------------------- */

static void
advance_char (Parser *ps)
{
  if (*ps->p == '\n') {
    ps->line++;
    ps->col = 1;
  } else {
    ps->col++;
  }
  ps->p++;
}

static gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static void
append_utf8 (GString *s, gunichar c)
{
  char buf[8];
  int n = g_unichar_to_utf8 (c, buf);
  g_string_append_len (s, buf, n);
}

/* Unescapes one quoted literal starting at ps->p (the quote) into ps->str. */
static gboolean
lex_string (Parser *ps)
{
  char quote = *ps->p;
  advance_char (ps);
  for (;;) {
    if (ps->p >= ps->end || *ps->p == '\n')
      return fail_at (ps, ps->line, ps->col, "expected closing %c, found %s", quote,
                      ps->p >= ps->end ? "end of input" : "end of line");
    char c = *ps->p;
    if (c == quote) {
      advance_char (ps);
      return TRUE;
    }
    if (c != '\\') {
      g_string_append_c (ps->str, c);
      advance_char (ps);
      continue;
    }
    int eline = ps->line, ecol = ps->col;
    advance_char (ps);
    if (ps->p >= ps->end)
      return fail_at (ps, eline, ecol, "expected an escape character, found end of input");
    c = *ps->p;
    const char *simple = "n\nt\tr\rv\va\ab\bf\f\\\\''\"\"??";
    const char *hit = NULL;
    for (const char *s = simple; *s; s += 2)
      if (*s == c) {
        hit = s;
        break;
      }
    if (hit) {
      g_string_append_c (ps->str, hit[1]);
      advance_char (ps);
    } else if (c >= '0' && c <= '7') {
      int v = 0;
      for (int k = 0; k < 3 && ps->p < ps->end && *ps->p >= '0' && *ps->p <= '7'; k++) {
        v = v * 8 + (*ps->p - '0');
        advance_char (ps);
      }
      if (v > 0xff)
        return fail_at (ps, eline, ecol, "octal escape out of range (\\%o > \\377)", v);
      g_string_append_c (ps->str, (char) v);
    } else if (c == 'x' || c == 'X') {
      advance_char (ps);
      int v = 0, k = 0;
      for (; k < 2 && ps->p < ps->end && g_ascii_isxdigit (*ps->p); k++) {
        v = v * 16 + g_ascii_xdigit_value (*ps->p);
        advance_char (ps);
      }
      if (k == 0)
        return fail_at (ps, eline, ecol, "expected hex digits after \\x");
      g_string_append_c (ps->str, (char) v);
    } else if (c == 'u' || c == 'U') {
      int ndig = c == 'u' ? 4 : 8;
      advance_char (ps);
      guint32 v = 0;
      for (int k = 0; k < ndig; k++) {
        if (ps->p >= ps->end || !g_ascii_isxdigit (*ps->p))
          return fail_at (ps, eline, ecol, "expected %d hex digits after \\%c", ndig, c);
        v = v * 16 + (guint32) g_ascii_xdigit_value (*ps->p);
        advance_char (ps);
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return fail_at (ps, eline, ecol, "\\%c escape is not a valid code point (0x%X)", c,
                        v);
      append_utf8 (ps->str, v);
    } else {
      return fail_at (ps, eline, ecol, "expected a valid escape, found '\\%c'",
                      g_ascii_isprint (c) ? c : '?');
    }
  }
}

/* Scans a number starting at ps->p: decides INT or FLOAT by its form. */
static gboolean
lex_number (Parser *ps)
{
  const char *s = ps->p;
  gboolean is_float = FALSE;
  if (s[0] == '0' && ps->end - s > 1 && (s[1] == 'x' || s[1] == 'X')) {
    advance_char (ps);
    advance_char (ps);
    if (ps->p >= ps->end || !g_ascii_isxdigit (*ps->p))
      return fail_at (ps, ps->line, ps->col, "expected hex digits after '0x'");
    while (ps->p < ps->end && g_ascii_isxdigit (*ps->p))
      advance_char (ps);
  } else {
    while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
      advance_char (ps);
    if (ps->p < ps->end && *ps->p == '.') {
      is_float = TRUE;
      advance_char (ps);
      while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
        advance_char (ps);
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
      is_float = TRUE;
      advance_char (ps);
      if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
        advance_char (ps);
      if (ps->p >= ps->end || !g_ascii_isdigit (*ps->p))
        return fail_at (ps, ps->line, ps->col, "expected exponent digits");
      while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
        advance_char (ps);
    }
    if (ps->p < ps->end && (*ps->p == 'f' || *ps->p == 'F')) {
      is_float = TRUE;
      advance_char (ps);
    }
  }
  if (ps->p < ps->end && (is_ident_char (*ps->p) || *ps->p == '.'))
    return fail_at (ps, ps->line, ps->col,
                    "expected a separator after number '%.*s', found '%c'",
                    (int) MIN (ps->p - s, 40), s, *ps->p);
  ps->tok.type = is_float ? T_FLOAT : T_INT;
  return TRUE;
}

/* Reads the next token into ps->tok. */
static gboolean
next (Parser *ps)
{
  for (;;) {
    while (ps->p < ps->end && g_ascii_isspace (*ps->p))
      advance_char (ps);
    if (ps->p < ps->end && *ps->p == '#') {
      while (ps->p < ps->end && *ps->p != '\n')
        advance_char (ps);
      continue;
    }
    break;
  }
  Tok *t = &ps->tok;
  t->start = ps->p;
  t->line = ps->line;
  t->col = ps->col;
  t->sym = 0;
  if (ps->p >= ps->end) {
    t->type = T_EOF;
    t->len = 0;
    return TRUE;
  }
  char c = *ps->p;
  if (is_ident_start (c)) {
    while (ps->p < ps->end && is_ident_char (*ps->p))
      advance_char (ps);
    t->type = T_IDENT;
  } else if (g_ascii_isdigit (c) ||
             (c == '.' && ps->end - ps->p > 1 && g_ascii_isdigit (ps->p[1]))) {
    if (!lex_number (ps))
      return FALSE;
  } else if (c == '"' || c == '\'') {
    g_string_truncate (ps->str, 0);
    if (!lex_string (ps))
      return FALSE;
    t->type = T_STRING;
  } else if (c != '\0' && strchr ("{}<>[]:,;/.-", c)) {
    advance_char (ps);
    t->type = T_SYM;
    t->sym = c;
  } else {
    if (g_ascii_isprint (c))
      return fail_at (ps, ps->line, ps->col, "expected a field, value or symbol, found '%c'",
                      c);
    return fail_at (ps, ps->line, ps->col,
                    "expected a field, value or symbol, found byte 0x%02x",
                    (unsigned) (guchar) c);
  }
  t->len = (gsize) (ps->p - t->start);
  return TRUE;
}

static gboolean
is_sym (const Parser *ps, char c)
{
  return ps->tok.type == T_SYM && ps->tok.sym == c;
}

/* ---- tree ------------------------------------------------------------------------ */

FvTpMessage *
fv_tp_message_new (void)
{
  FvTpMessage *m = g_new0 (FvTpMessage, 1);
  m->fields = g_ptr_array_new ();
  m->line = m->col = 1;
  return m;
}

static void
field_free (FvTpField *f)
{
  if (!f)
    return;
  g_free (f->name);
  g_free (f->s);
  fv_tp_message_free (f->msg);
  g_free (f);
}

void
fv_tp_message_free (FvTpMessage *msg)
{
  if (!msg)
    return;
  for (guint i = 0; i < msg->fields->len; i++)
    field_free (g_ptr_array_index (msg->fields, i));
  g_ptr_array_free (msg->fields, TRUE);
  g_free (msg);
}

static FvTpField *
field_copy (const FvTpField *f)
{
  FvTpField *c = g_new (FvTpField, 1);
  *c = *f;
  c->name = g_strdup (f->name);
  c->s = f->s ? g_memdup2 (f->s, f->s_len + 1) : NULL;
  c->msg = f->msg ? fv_tp_message_copy (f->msg) : NULL;
  return c;
}

FvTpMessage *
fv_tp_message_copy (const FvTpMessage *msg)
{
  if (!msg)
    return NULL;
  FvTpMessage *m = fv_tp_message_new ();
  m->line = msg->line;
  m->col = msg->col;
  fv_tp_message_merge (m, msg);
  return m;
}

void
fv_tp_message_merge (FvTpMessage *dst, const FvTpMessage *src)
{
  for (guint i = 0; i < src->fields->len; i++)
    g_ptr_array_add (dst->fields, field_copy (g_ptr_array_index (src->fields, i)));
}

guint
fv_tp_remove (FvTpMessage *msg, const char *name)
{
  guint n = 0;
  for (guint i = msg->fields->len; i > 0; i--) {
    FvTpField *f = g_ptr_array_index (msg->fields, i - 1);
    if (strcmp (f->name, name) == 0) {
      g_ptr_array_remove_index (msg->fields, i - 1);
      field_free (f);
      n++;
    }
  }
  return n;
}

FvTpField *
fv_tp_add_copy (FvTpMessage *msg, const FvTpField *field, const char *name)
{
  FvTpField *c = field_copy (field);
  if (name) {
    g_free (c->name);
    c->name = g_strdup (name);
  }
  g_ptr_array_add (msg->fields, c);
  return c;
}

FvTpField *
fv_tp_add_message (FvTpMessage *msg, const char *name)
{
  FvTpField *f = g_new0 (FvTpField, 1);
  f->name = g_strdup (name);
  f->kind = FV_TP_MESSAGE;
  f->msg = fv_tp_message_new ();
  f->line = f->col = 1;
  g_ptr_array_add (msg->fields, f);
  return f;
}

/* ---- parser ---------------------------------------------------------------------- */

static gboolean parse_fields (Parser *ps, FvTpMessage *msg, char close);

static FvTpField *
new_field (const char *name, int line, int col)
{
  FvTpField *f = g_new0 (FvTpField, 1);
  f->name = g_strdup (name);
  f->line = line;
  f->col = col;
  return f;
}

/* ps->tok is '{' or '<': parses the message body up to its closing bracket. */
static FvTpMessage *
parse_message_value (Parser *ps)
{
  char close = ps->tok.sym == '{' ? '}' : '>';
  if (ps->depth >= FV_TP_MAX_DEPTH) {
    fail_at (ps, ps->tok.line, ps->tok.col, "expected at most %d nested messages, found more",
             FV_TP_MAX_DEPTH);
    return NULL;
  }
  FvTpMessage *m = fv_tp_message_new ();
  m->line = ps->tok.line;
  m->col = ps->tok.col;
  ps->depth++;
  gboolean ok = next (ps) && parse_fields (ps, m, close);
  ps->depth--;
  if (!ok) {
    fv_tp_message_free (m);
    return NULL;
  }
  return m;
}

static gboolean
parse_int_text (Parser *ps, const Tok *t, gboolean negative, FvTpField *f)
{
  const char *s = t->start;
  int base = 10;
  gsize skip = 0;
  if (t->len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    skip = 2;
  } else if (t->len > 1 && s[0] == '0') {
    base = 8;
    skip = 1;
  }
  guint64 v = 0;
  for (gsize k = skip; k < t->len; k++) {
    int d = g_ascii_xdigit_value (s[k]);
    if (d < 0 || d >= base)
      return fail_at (ps, t->line, t->col, "expected an octal number, found '%.*s'",
                      (int) MIN (t->len, 40), s);
    if (v > (G_MAXUINT64 - (guint64) d) / (guint64) base)
      return fail_at (ps, t->line, t->col, "expected a 64-bit integer, found '%s%.*s' (out of range)",
                      negative ? "-" : "", (int) MIN (t->len, 40), s);
    v = v * (guint64) base + (guint64) d;
  }
  f->kind = FV_TP_INT;
  if (negative) {
    if (v > (guint64) G_MAXINT64 + 1)
      return fail_at (ps, t->line, t->col, "expected a 64-bit integer, found '-%.*s' (out of range)",
                      (int) MIN (t->len, 40), s);
    f->i = v == (guint64) G_MAXINT64 + 1 ? G_MININT64 : -(gint64) v;
    f->f = (double) f->i;
  } else if (v > (guint64) G_MAXINT64) {
    f->i = G_MAXINT64;
    f->u = v;
    f->f = (double) v;
  } else {
    f->i = (gint64) v;
    f->f = (double) v;
  }
  return TRUE;
}

static gboolean
parse_float_text (Parser *ps, const Tok *t, gboolean negative, FvTpField *f)
{
  char buf[128];
  gsize n = t->len;
  if (n > 0 && (t->start[n - 1] == 'f' || t->start[n - 1] == 'F'))
    n--;
  if (n + 2 > sizeof buf)
    return fail_at (ps, t->line, t->col, "expected a number of at most %d characters",
                    (int) sizeof buf - 2);
  buf[0] = '-';
  memcpy (buf + 1, t->start, n);
  buf[n + 1] = '\0';
  char *endp = NULL;
  const char *text = negative ? buf : buf + 1;
  double d = g_ascii_strtod (text, &endp);
  if (!endp || *endp != '\0')
    return fail_at (ps, t->line, t->col, "expected a floating-point number, found '%.*s'",
                    (int) MIN (t->len, 40), t->start);
  f->kind = FV_TP_FLOAT;
  f->f = d;
  return TRUE;
}

static gboolean
ident_is_special_float (const char *s, gsize n)
{
  return (n == 3 && g_ascii_strncasecmp (s, "inf", 3) == 0) ||
         (n == 8 && g_ascii_strncasecmp (s, "infinity", 8) == 0) ||
         (n == 3 && g_ascii_strncasecmp (s, "nan", 3) == 0);
}

/* Parses one scalar value (the current token) into f. */
static gboolean
parse_scalar (Parser *ps, FvTpField *f)
{
  if (ps->tok.type == T_STRING) {
    GString *acc = g_string_new (NULL);
    while (ps->tok.type == T_STRING) {
      g_string_append_len (acc, ps->str->str, (gssize) ps->str->len);
      if (!next (ps)) {
        g_string_free (acc, TRUE);
        return FALSE;
      }
    }
    f->kind = FV_TP_STRING;
    f->s_len = acc->len;
    f->s = g_string_free (acc, FALSE);
    return TRUE;
  }
  gboolean negative = FALSE;
  if (is_sym (ps, '-')) {
    negative = TRUE;
    if (!next (ps))
      return FALSE;
    if (ps->tok.type == T_IDENT && !ident_is_special_float (ps->tok.start, ps->tok.len))
      return expected (ps, "a number, 'inf' or 'nan' after '-'");
  }
  Tok t = ps->tok;
  switch (t.type) {
  case T_INT:
    if (!parse_int_text (ps, &t, negative, f))
      return FALSE;
    break;
  case T_FLOAT:
    if (!parse_float_text (ps, &t, negative, f))
      return FALSE;
    break;
  case T_IDENT:
    f->kind = FV_TP_IDENT;
    f->s = g_strdup_printf ("%s%.*s", negative ? "-" : "", (int) t.len, t.start);
    f->s_len = strlen (f->s);
    break;
  default:
    return expected (ps, negative ? "a number after '-'" : "a value");
  }
  return next (ps);
}

/* After `name:` or `name` when the value is '{', '<', '[' or a scalar. */
static gboolean
parse_value (Parser *ps, FvTpMessage *msg, FvTpField *proto, gboolean had_colon)
{
  if (is_sym (ps, '{') || is_sym (ps, '<')) {
    FvTpMessage *m = parse_message_value (ps);
    if (!m)
      return FALSE;
    FvTpField *f = new_field (proto->name, proto->line, proto->col);
    f->kind = FV_TP_MESSAGE;
    f->msg = m;
    g_ptr_array_add (msg->fields, f);
    return TRUE;
  }
  if (is_sym (ps, '[')) {
    if (!next (ps))
      return FALSE;
    if (is_sym (ps, ']'))
      return next (ps);
    for (;;) {
      if (!had_colon && !is_sym (ps, '{') && !is_sym (ps, '<'))
        return expected (ps, "'{' (a list without ':' holds messages)");
      if (is_sym (ps, '[') )
        return expected (ps, "a value (lists do not nest)");
      if (!parse_value (ps, msg, proto, had_colon))
        return FALSE;
      if (is_sym (ps, ']'))
        return next (ps);
      if (!is_sym (ps, ','))
        return expected (ps, "',' or ']'");
      if (!next (ps))
        return FALSE;
    }
  }
  if (!had_colon)
    return expected (ps, "':', '{' or '<'");
  FvTpField *f = new_field (proto->name, proto->line, proto->col);
  if (!parse_scalar (ps, f)) {
    field_free (f);
    return FALSE;
  }
  g_ptr_array_add (msg->fields, f);
  return TRUE;
}

/* `[pkg.Type.ext]` or `[type.googleapis.com/pkg.Type]`: ps->tok is '['. */
static char *
parse_extension_name (Parser *ps)
{
  GString *name = g_string_new (NULL);
  if (!next (ps))
    goto fail;
  for (;;) {
    if (ps->tok.type != T_IDENT) {
      expected (ps, "an extension or type name");
      goto fail;
    }
    g_string_append_len (name, ps->tok.start, (gssize) ps->tok.len);
    if (!next (ps))
      goto fail;
    if (is_sym (ps, ']'))
      break;
    if (!is_sym (ps, '.') && !is_sym (ps, '/')) {
      expected (ps, "'.', '/' or ']'");
      goto fail;
    }
    g_string_append_c (name, ps->tok.sym);
    if (!next (ps))
      goto fail;
  }
  if (!next (ps))
    goto fail;
  return g_string_free (name, FALSE);
fail:
  g_string_free (name, TRUE);
  return NULL;
}

static gboolean
parse_fields (Parser *ps, FvTpMessage *msg, char close)
{
  for (;;) {
    if (close && is_sym (ps, close))
      return next (ps);
    if (close && (is_sym (ps, '}') || is_sym (ps, '>'))) {
      char what[48];
      g_snprintf (what, sizeof what, "'%c' to close the message at %d:%d", close, msg->line,
                  msg->col);
      return expected (ps, what);
    }
    if (ps->tok.type == T_EOF) {
      if (!close)
        return TRUE;
      char what[48];
      g_snprintf (what, sizeof what, "'%c' to close the message at %d:%d", close, msg->line,
                  msg->col);
      return expected (ps, what);
    }
    FvTpField proto = { .line = ps->tok.line, .col = ps->tok.col };
    if (ps->tok.type == T_IDENT) {
      proto.name = g_strndup (ps->tok.start, ps->tok.len);
      if (!next (ps))
        goto fail;
    } else if (is_sym (ps, '[')) {
      proto.name = parse_extension_name (ps);
      if (!proto.name)
        return FALSE;
    } else {
      return expected (ps, close ? "a field name or the closing bracket" : "a field name");
    }
    gboolean had_colon = is_sym (ps, ':');
    if (had_colon && !next (ps))
      goto fail;
    if (!parse_value (ps, msg, &proto, had_colon))
      goto fail;
    g_free (proto.name);
    if ((is_sym (ps, ',') || is_sym (ps, ';')) && !next (ps))
      return FALSE;
    continue;
  fail:
    g_free (proto.name);
    return FALSE;
  }
}

FvTpMessage *
fv_textproto_parse (const char *text, gssize len, const char *filename, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!filename)
    filename = "<string>";
  if (!text) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_PARSE, "%s: no text", filename);
    return NULL;
  }
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  if (n > FV_TP_MAX_INPUT) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_PARSE,
                 "%s:1:1: expected at most %d bytes of text, found %" G_GSIZE_FORMAT,
                 filename, FV_TP_MAX_INPUT, n);
    return NULL;
  }
  Parser ps = {
    .text = text, .end = text + n, .p = text, .filename = filename,
    .line = 1, .col = 1, .str = g_string_new (NULL), .error = error,
  };
  FvTpMessage *root = fv_tp_message_new ();
  gboolean ok = next (&ps) && parse_fields (&ps, root, 0);
  g_string_free (ps.str, TRUE);
  if (!ok) {
    fv_tp_message_free (root);
    return NULL;
  }
  return root;
}

/* ---- lookups --------------------------------------------------------------------- */

const FvTpField *
fv_tp_get (const FvTpMessage *msg, const char *name)
{
  if (!msg)
    return NULL;
  for (guint i = msg->fields->len; i > 0; i--) {
    const FvTpField *f = g_ptr_array_index (msg->fields, i - 1);
    if (strcmp (f->name, name) == 0)
      return f;
  }
  return NULL;
}

guint
fv_tp_count (const FvTpMessage *msg, const char *name)
{
  guint n = 0;
  if (!msg)
    return 0;
  for (guint i = 0; i < msg->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (msg->fields, i);
    n += strcmp (f->name, name) == 0;
  }
  return n;
}

const FvTpField *
fv_tp_get_nth (const FvTpMessage *msg, const char *name, guint n)
{
  if (!msg)
    return NULL;
  for (guint i = 0; i < msg->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (msg->fields, i);
    if (strcmp (f->name, name) == 0 && n-- == 0)
      return f;
  }
  return NULL;
}

static const char *
kind_name (FvTpKind k)
{
  switch (k) {
  case FV_TP_INT: return "an integer";
  case FV_TP_FLOAT: return "a float";
  case FV_TP_STRING: return "a string";
  case FV_TP_IDENT: return "an identifier";
  case FV_TP_MESSAGE: return "a message";
  }
  return "?";
}

static void
type_error (GError **error, const FvTpField *f, const char *want)
{
  g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
               "%d:%d: field '%s' should be %s, but is %s", f->line, f->col, f->name, want,
               kind_name (f->kind));
}

gint64
fv_tp_get_int (const FvTpMessage *msg, const char *name, gint64 def, GError **error)
{
  const FvTpField *f = fv_tp_get (msg, name);
  if (!f)
    return def;
  if (f->kind != FV_TP_INT || f->u != 0) {
    type_error (error, f, "a 64-bit signed integer");
    return def;
  }
  return f->i;
}

double
fv_tp_get_double (const FvTpMessage *msg, const char *name, double def, GError **error)
{
  const FvTpField *f = fv_tp_get (msg, name);
  if (!f)
    return def;
  if (f->kind == FV_TP_INT || f->kind == FV_TP_FLOAT)
    return f->f;
  if (f->kind == FV_TP_IDENT) {
    const char *s = f->s;
    gboolean neg = s[0] == '-';
    if (neg)
      s++;
    if (g_ascii_strcasecmp (s, "inf") == 0 || g_ascii_strcasecmp (s, "infinity") == 0)
      return neg ? -INFINITY : INFINITY;
    if (g_ascii_strcasecmp (s, "nan") == 0)
      return NAN;
  }
  type_error (error, f, "a number");
  return def;
}

gboolean
fv_tp_get_bool (const FvTpMessage *msg, const char *name, gboolean def, GError **error)
{
  const FvTpField *f = fv_tp_get (msg, name);
  if (!f)
    return def;
  if (f->kind == FV_TP_IDENT) {
    if (!strcmp (f->s, "true") || !strcmp (f->s, "t") || !strcmp (f->s, "True"))
      return TRUE;
    if (!strcmp (f->s, "false") || !strcmp (f->s, "f") || !strcmp (f->s, "False"))
      return FALSE;
  }
  if (f->kind == FV_TP_INT && f->u == 0 && (f->i == 0 || f->i == 1))
    return f->i == 1;
  type_error (error, f, "a bool (true/false)");
  return def;
}

const char *
fv_tp_get_string (const FvTpMessage *msg, const char *name, const char *def, GError **error)
{
  const FvTpField *f = fv_tp_get (msg, name);
  if (!f)
    return def;
  if (f->kind == FV_TP_STRING || f->kind == FV_TP_IDENT)
    return f->s;
  type_error (error, f, "a string");
  return def;
}

const FvTpMessage *
fv_tp_get_message (const FvTpMessage *msg, const char *name)
{
  const FvTpField *f = fv_tp_get (msg, name);
  return f && f->kind == FV_TP_MESSAGE ? f->msg : NULL;
}

/* ---- printing -------------------------------------------------------------------- */

static void
print_string (GString *out, const char *s, gsize n)
{
  g_string_append_c (out, '"');
  for (gsize k = 0; k < n; k++) {
    guchar c = (guchar) s[k];
    switch (c) {
    case '\n': g_string_append (out, "\\n"); break;
    case '\t': g_string_append (out, "\\t"); break;
    case '\r': g_string_append (out, "\\r"); break;
    case '\\': g_string_append (out, "\\\\"); break;
    case '"': g_string_append (out, "\\\""); break;
    default:
      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\%03o", c);
      else
        g_string_append_c (out, (char) c);
    }
  }
  g_string_append_c (out, '"');
}

static void
print_message (GString *out, const FvTpMessage *msg, int indent)
{
  for (guint i = 0; i < msg->fields->len; i++) {
    const FvTpField *f = g_ptr_array_index (msg->fields, i);
    gboolean ext = strchr (f->name, '.') || strchr (f->name, '/');
    g_string_append_printf (out, "%*s%s%s%s", indent, "", ext ? "[" : "", f->name,
                            ext ? "]" : "");
    switch (f->kind) {
    case FV_TP_INT:
      if (f->u)
        g_string_append_printf (out, ": %" G_GUINT64_FORMAT "\n", f->u);
      else
        g_string_append_printf (out, ": %" G_GINT64_FORMAT "\n", f->i);
      break;
    case FV_TP_FLOAT: {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      if (isinf (f->f))
        g_string_append_printf (out, ": %sinf\n", f->f < 0 ? "-" : "");
      else if (isnan (f->f))
        g_string_append (out, ": nan\n");
      else {
        g_ascii_dtostr (buf, sizeof buf, f->f);
        /* keep it a FLOAT when read back */
        gboolean has_mark = strpbrk (buf, ".eE") != NULL;
        g_string_append_printf (out, ": %s%s\n", buf, has_mark ? "" : ".0");
      }
      break;
    }
    case FV_TP_STRING:
      g_string_append (out, ": ");
      print_string (out, f->s, f->s_len);
      g_string_append_c (out, '\n');
      break;
    case FV_TP_IDENT:
      g_string_append_printf (out, ": %s\n", f->s);
      break;
    case FV_TP_MESSAGE:
      g_string_append (out, " {\n");
      print_message (out, f->msg, indent + 2);
      g_string_append_printf (out, "%*s}\n", indent, "");
      break;
    }
  }
}

char *
fv_tp_message_to_string (const FvTpMessage *msg)
{
  GString *out = g_string_new (NULL);
  if (msg)
    print_message (out, msg, 0);
  return g_string_free (out, FALSE);
}
