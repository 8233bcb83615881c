/* fovea — a generic protobuf text-format tree.
 *
 * fv_textproto_parse() reads any text-format message (MediaPipe's .pbtxt syntax) without
 * a schema: every field keeps its name, its scalar kind and its position. Calculators read
 * their options from such a tree by field name; graph/config.c builds a FvGraphConfig
 * from one.
 *
 * Scalars are classified by their lexical form: INT (decimal, 0x hex, 0 octal, optionally
 * negative), FLOAT (has a '.', an exponent, or an f/F suffix), STRING (quoted, unescaped,
 * adjacent literals concatenated) and IDENT (enum names, true/false/t/f, inf/nan and
 * -inf/-nan). A field written `name { ... }`, `name: { ... }` or `name < ... >` is a
 * MESSAGE. A list `name: [a, b]` becomes one field per element, all with the same name.
 *
 * Limits: input of at most FV_TP_MAX_INPUT bytes, message nesting of at most
 * FV_TP_MAX_DEPTH. Parse errors (FV_GRAPH_ERROR_PARSE) read
 * "FILE:LINE:COL: expected X, found Y".
 *
 * Ownership: a FvTpMessage owns its fields and everything they point to; free the root
 * with fv_tp_message_free(). Getters return pointers into the tree (transfer none).
 */
#pragma once

#include <glib.h>

#include "graph/graph_error.h"

G_BEGIN_DECLS

#define FV_TP_MAX_DEPTH 100
#define FV_TP_MAX_INPUT (16 * 1024 * 1024)

typedef enum { FV_TP_INT, FV_TP_FLOAT, FV_TP_STRING, FV_TP_IDENT, FV_TP_MESSAGE } FvTpKind;

typedef struct _FvTpMessage FvTpMessage;

typedef struct {
  char *name;        /* field name; an extension / Any keeps its bracketed name without the
                        brackets, e.g. "mediapipe.FlowLimiterCalculatorOptions.ext" or
                        "type.googleapis.com/mediapipe.FlowLimiterCalculatorOptions" */
  FvTpKind kind;
  gint64 i;          /* FV_TP_INT (G_MAXINT64 when the value is larger, see u) */
  guint64 u;         /* FV_TP_INT: the value as unsigned when it was > G_MAXINT64 (else 0) */
  double f;          /* FV_TP_FLOAT; also set for FV_TP_INT (converted) */
  char *s;           /* FV_TP_STRING (unescaped; s_len bytes, NUL-terminated, may hold NULs)
                        and FV_TP_IDENT (enum names, true/false, inf/nan, "-inf") */
  gsize s_len;
  FvTpMessage *msg;  /* FV_TP_MESSAGE */
  int line, col;     /* 1-based position of the field name */
} FvTpField;

struct _FvTpMessage {
  GPtrArray *fields; /* FvTpField*, file order (owned) */
  int line, col;     /* position of the opening brace; 1:1 for the root */
};

/* Parses text (len bytes, or NUL-terminated when len < 0). filename is used in messages
 * only and may be NULL ("<string>"). Returns a new tree (transfer full) or NULL with
 * error set. */
FvTpMessage *fv_textproto_parse (const char *text, gssize len, const char *filename,
                                 GError **error);
FvTpMessage *fv_tp_message_new (void);
void fv_tp_message_free (FvTpMessage *msg);
FvTpMessage *fv_tp_message_copy (const FvTpMessage *msg);   /* deep copy, transfer full */
/* Appends a deep copy of every field of src to dst (proto merge semantics are left to the
 * reader: getters take the last occurrence). */
void fv_tp_message_merge (FvTpMessage *dst, const FvTpMessage *src);

/* Editing (used to apply subgraph option_value): removes every field called name and
 * returns how many; appends a deep copy of field, renamed when name is non-NULL; appends
 * an empty message field. Both adders return the new field (transfer none). */
guint fv_tp_remove (FvTpMessage *msg, const char *name);
FvTpField *fv_tp_add_copy (FvTpMessage *msg, const FvTpField *field, const char *name);
FvTpField *fv_tp_add_message (FvTpMessage *msg, const char *name);

/* Lookups by name; all transfer none. */
const FvTpField *fv_tp_get (const FvTpMessage *msg, const char *name);  /* last occurrence or NULL */
guint fv_tp_count (const FvTpMessage *msg, const char *name);
const FvTpField *fv_tp_get_nth (const FvTpMessage *msg, const char *name, guint n);

/* Typed getters: return def when the field is absent; set error (FV_GRAPH_ERROR_TYPE,
 * naming the field and its position) and return def on a type mismatch. msg may be NULL
 * (treated as empty). get_int accepts INT only; get_double accepts INT, FLOAT and the
 * IDENTs inf/-inf/nan; get_bool accepts true/false/t/f/True/False and the INTs 0/1;
 * get_string accepts STRING and IDENT. */
gint64 fv_tp_get_int (const FvTpMessage *msg, const char *name, gint64 def, GError **error);
double fv_tp_get_double (const FvTpMessage *msg, const char *name, double def, GError **error);
gboolean fv_tp_get_bool (const FvTpMessage *msg, const char *name, gboolean def, GError **error);
const char *fv_tp_get_string (const FvTpMessage *msg, const char *name, const char *def,
                              GError **error);
const FvTpMessage *fv_tp_get_message (const FvTpMessage *msg, const char *name);

/* Writes the tree back in text format (for debugging and round-trip tests); transfer full. */
char *fv_tp_message_to_string (const FvTpMessage *msg);

G_END_DECLS
