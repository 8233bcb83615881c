/* fovea tests — FlatBuffer writer and TFLite model builder (see tflite_builder.h). */
#include "tflite_builder.h"

#include <string.h>

typedef enum { NODE_TABLE, NODE_VECTOR, NODE_REFS, NODE_STRING } NodeKind;

typedef struct {
  int slot;
  uint64_t value;
  size_t n;          /* scalar bytes; 0 for a reference */
  FvtbNode *child;
} Field;

struct FvtbNode {
  NodeKind kind;
  GArray *fields;    /* NODE_TABLE: Field */
  GByteArray *bytes; /* NODE_VECTOR / NODE_STRING: payload */
  size_t count;      /* elements */
  GPtrArray *items;  /* NODE_REFS */
};

struct FvtbBuilder {
  GPtrArray *nodes;
  GByteArray *out;
};

static void
node_free (gpointer p)
{
  FvtbNode *n = p;
  if (n->fields)
    g_array_unref (n->fields);
  if (n->bytes)
    g_byte_array_unref (n->bytes);
  if (n->items)
    g_ptr_array_unref (n->items);
  g_free (n);
}

FvtbBuilder *
fvtb_new (void)
{
  FvtbBuilder *b = g_new0 (FvtbBuilder, 1);
  b->nodes = g_ptr_array_new_with_free_func (node_free);
  return b;
}

void
fvtb_free (FvtbBuilder *b)
{
  if (!b)
    return;
  g_ptr_array_unref (b->nodes);
  g_free (b);
}

static FvtbNode *
node_new (FvtbBuilder *b, NodeKind kind)
{
  FvtbNode *n = g_new0 (FvtbNode, 1);
  n->kind = kind;
  g_ptr_array_add (b->nodes, n);
  return n;
}

FvtbNode *
fvtb_table (FvtbBuilder *b)
{
  FvtbNode *n = node_new (b, NODE_TABLE);
  n->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  return n;
}

static void
set_field (FvtbNode *t, Field f)
{
  for (guint i = 0; i < t->fields->len; i++)
    if (g_array_index (t->fields, Field, i).slot == f.slot) {
      g_array_index (t->fields, Field, i) = f;
      return;
    }
  g_array_append_val (t->fields, f);
}

void
fvtb_scalar (FvtbNode *table, int slot, uint64_t value, size_t n)
{
  set_field (table, (Field) { slot, value, n, NULL });
}

void
fvtb_ref (FvtbNode *table, int slot, FvtbNode *child)
{
  set_field (table, (Field) { slot, 0, 0, child });
}

FvtbNode *
fvtb_vector (FvtbBuilder *b, const void *data, size_t elem_size, size_t n)
{
  FvtbNode *v = node_new (b, NODE_VECTOR);
  v->bytes = g_byte_array_new ();
  if (n)
    g_byte_array_append (v->bytes, data, (guint) (elem_size * n));
  v->count = n;
  return v;
}

FvtbNode *
fvtb_vector_i32 (FvtbBuilder *b, const int32_t *v, size_t n)
{
  return fvtb_vector (b, v, 4, n);
}

FvtbNode *
fvtb_vector_refs (FvtbBuilder *b, FvtbNode *const *items, size_t n)
{
  FvtbNode *v = node_new (b, NODE_REFS);
  v->items = g_ptr_array_new ();
  for (size_t i = 0; i < n; i++)
    g_ptr_array_add (v->items, items[i]);
  v->count = n;
  return v;
}

FvtbNode *
fvtb_string (FvtbBuilder *b, const char *s)
{
  FvtbNode *v = node_new (b, NODE_STRING);
  v->bytes = g_byte_array_new ();
  g_byte_array_append (v->bytes, (const guint8 *) s, (guint) strlen (s));
  v->count = strlen (s);
  return v;
}

static void
put (GByteArray *out, size_t pos, uint64_t v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    out->data[pos + i] = (guint8) (v >> (8 * i));
}

static size_t
grow (GByteArray *out, size_t n)
{
  size_t pos = out->len;
  g_byte_array_set_size (out, (guint) (pos + n));
  memset (out->data + pos, 0, n);
  return pos;
}

static void
pad_to (GByteArray *out, size_t align, size_t extra)
{
  while ((out->len + extra) % align)
    grow (out, 1);
}

static size_t emit (GByteArray *out, FvtbNode *n);

/* Writes a uoffset at @slot_pos pointing to @n, emitted now (after everything so far). */
static void
emit_ref (GByteArray *out, size_t slot_pos, FvtbNode *n)
{
  size_t target = emit (out, n);
  put (out, slot_pos, target - slot_pos, 4);
}

static size_t
emit_table (GByteArray *out, FvtbNode *t)
{
  int max_slot = -1;
  Field *f = (Field *) t->fields->data;
  guint nf = t->fields->len;
  for (guint i = 0; i < nf; i++)
    max_slot = MAX (max_slot, f[i].slot);
  /* inline layout: soffset, 4 pad, 8-byte fields, 4-byte fields and refs, 2, then 1 */
  size_t off[64] = { 0 };
  size_t cur = 8;
  for (size_t size = 8; size >= 1; size /= 2)
    for (guint i = 0; i < nf; i++) {
      size_t fs = f[i].n ? f[i].n : 4;
      if (fs == size) {
        off[i] = cur;
        cur += fs;
      }
    }
  size_t tbl_len = (cur + 3) & ~(size_t) 3;
  size_t vt_len = 4 + 2 * (size_t) (max_slot + 1);
  pad_to (out, 8, vt_len);  /* the table (right after the vtable) starts 8-aligned */
  size_t vt = grow (out, vt_len);
  size_t pos = grow (out, tbl_len);
  put (out, vt, vt_len, 2);
  put (out, vt + 2, tbl_len, 2);
  put (out, pos, pos - vt, 4);
  for (guint i = 0; i < nf; i++) {
    put (out, vt + 4 + 2 * (size_t) f[i].slot, off[i], 2);
    if (f[i].n)
      put (out, pos + off[i], f[i].value, f[i].n);
  }
  for (guint i = 0; i < nf; i++)
    if (!f[i].n)
      emit_ref (out, pos + off[i], f[i].child);
  return pos;
}

static size_t
emit (GByteArray *out, FvtbNode *n)
{
  size_t pos;
  switch (n->kind) {
  case NODE_TABLE:
    return emit_table (out, n);
  case NODE_VECTOR:
    pad_to (out, 16, 4);  /* element data 16-aligned, like Buffer.data */
    pos = grow (out, 4 + n->bytes->len);
    put (out, pos, n->count, 4);
    if (n->bytes->len)
      memcpy (out->data + pos + 4, n->bytes->data, n->bytes->len);
    return pos;
  case NODE_STRING:
    pad_to (out, 4, 0);
    pos = grow (out, 4 + n->bytes->len + 1);
    put (out, pos, n->count, 4);
    if (n->bytes->len)
      memcpy (out->data + pos + 4, n->bytes->data, n->bytes->len);
    return pos;
  case NODE_REFS:
  default:
    pad_to (out, 4, 0);
    pos = grow (out, 4 + 4 * n->count);
    put (out, pos, n->count, 4);
    for (size_t i = 0; i < n->count; i++)
      emit_ref (out, pos + 4 + 4 * i, g_ptr_array_index (n->items, i));
    return pos;
  }
}

guint8 *
fvtb_finish (FvtbBuilder *b, FvtbNode *root, const char *ident, size_t *size)
{
  GByteArray *out = g_byte_array_new ();
  grow (out, 8);
  memcpy (out->data + 4, ident, 4);
  emit_ref (out, 0, root);
  pad_to (out, 4, 0);
  *size = out->len;
  return g_byte_array_free (out, FALSE);
}

/* --- TFLite models --- */

struct TbModel {
  FvtbBuilder *b;
  FvtbNode *model;
  GPtrArray *opcodes, *tensors, *ops, *buffers;
  FvtbNode *inputs, *outputs;
  int n_subgraphs;
};

TbModel *
tb_model_new (void)
{
  TbModel *m = g_new0 (TbModel, 1);
  m->b = fvtb_new ();
  m->model = fvtb_table (m->b);
  m->n_subgraphs = 1;
  fvtb_scalar (m->model, 0, 3, 4);  /* version */
  fvtb_ref (m->model, 3, fvtb_string (m->b, "hand-made test model"));
  m->opcodes = g_ptr_array_new ();
  m->tensors = g_ptr_array_new ();
  m->ops = g_ptr_array_new ();
  m->buffers = g_ptr_array_new ();
  g_ptr_array_add (m->buffers, fvtb_table (m->b));  /* buffer 0: the empty sentinel */
  return m;
}

void
tb_model_free (TbModel *m)
{
  if (!m)
    return;
  fvtb_free (m->b);
  g_ptr_array_unref (m->opcodes);
  g_ptr_array_unref (m->tensors);
  g_ptr_array_unref (m->ops);
  g_ptr_array_unref (m->buffers);
  g_free (m);
}

FvtbBuilder *
tb_builder (TbModel *m)
{
  return m->b;
}

FvtbNode *
tb_model_table (TbModel *m)
{
  return m->model;
}

int
tb_opcode (TbModel *m, int builtin, const char *custom, int version)
{
  FvtbNode *t = fvtb_table (m->b);
  fvtb_scalar (t, 0, (uint64_t) MIN (builtin, 127), 1);
  fvtb_scalar (t, 3, (uint64_t) (uint32_t) builtin, 4);
  fvtb_scalar (t, 2, (uint64_t) (uint32_t) version, 4);
  if (custom)
    fvtb_ref (t, 1, fvtb_string (m->b, custom));
  g_ptr_array_add (m->opcodes, t);
  return (int) m->opcodes->len - 1;
}

int
tb_tensor (TbModel *m, const char *name, int type, const int32_t *shape, int rank,
           const void *data, size_t nbytes)
{
  FvtbNode *t = fvtb_table (m->b);
  fvtb_ref (t, 0, fvtb_vector_i32 (m->b, shape, (size_t) rank));
  fvtb_scalar (t, 1, (uint64_t) type, 1);
  fvtb_ref (t, 3, fvtb_string (m->b, name));
  if (data) {
    FvtbNode *buf = fvtb_table (m->b);
    fvtb_ref (buf, 0, fvtb_vector (m->b, data, 1, nbytes));
    g_ptr_array_add (m->buffers, buf);
    fvtb_scalar (t, 2, m->buffers->len - 1, 4);
  }
  g_ptr_array_add (m->tensors, t);
  return (int) m->tensors->len - 1;
}

int
tb_buffer (TbModel *m, FvtbNode *buffer)
{
  g_ptr_array_add (m->buffers, buffer);
  return (int) m->buffers->len - 1;
}

FvtbNode *
tb_tensor_table (TbModel *m, int tensor)
{
  return g_ptr_array_index (m->tensors, tensor);
}

int
tb_op (TbModel *m, int opcode, const int32_t *in, int n_in, const int32_t *out, int n_out)
{
  FvtbNode *t = fvtb_table (m->b);
  fvtb_scalar (t, 0, (uint64_t) opcode, 4);
  fvtb_ref (t, 1, fvtb_vector_i32 (m->b, in, (size_t) n_in));
  fvtb_ref (t, 2, fvtb_vector_i32 (m->b, out, (size_t) n_out));
  g_ptr_array_add (m->ops, t);
  return (int) m->ops->len - 1;
}

FvtbNode *
tb_op_table (TbModel *m, int op)
{
  return g_ptr_array_index (m->ops, op);
}

void
tb_op_builtin_options (TbModel *m, int op, int type, FvtbNode *options)
{
  FvtbNode *t = tb_op_table (m, op);
  fvtb_scalar (t, 3, (uint64_t) type, 1);
  if (options)
    fvtb_ref (t, 4, options);
}

void
tb_op_custom_options (TbModel *m, int op, const void *data, size_t n)
{
  fvtb_ref (tb_op_table (m, op), 5, fvtb_vector (m->b, data, 1, n));
}

void
tb_io (TbModel *m, const int32_t *in, int n_in, const int32_t *out, int n_out)
{
  m->inputs = fvtb_vector_i32 (m->b, in, (size_t) n_in);
  m->outputs = fvtb_vector_i32 (m->b, out, (size_t) n_out);
}

void
tb_model_set_subgraph_count (TbModel *m, int n)
{
  m->n_subgraphs = n;
}

guint8 *
tb_model_finish (TbModel *m, size_t *size)
{
  FvtbBuilder *b = m->b;
  FvtbNode *sg = fvtb_table (b);
  fvtb_ref (sg, 0, fvtb_vector_refs (b, (FvtbNode **) m->tensors->pdata, m->tensors->len));
  if (m->inputs)
    fvtb_ref (sg, 1, m->inputs);
  if (m->outputs)
    fvtb_ref (sg, 2, m->outputs);
  fvtb_ref (sg, 3, fvtb_vector_refs (b, (FvtbNode **) m->ops->pdata, m->ops->len));
  fvtb_ref (m->model, 1, fvtb_vector_refs (b, (FvtbNode **) m->opcodes->pdata,
                                           m->opcodes->len));
  FvtbNode *sgs[4] = { sg, sg, sg, sg };
  fvtb_ref (m->model, 2, fvtb_vector_refs (b, sgs, (size_t) CLAMP (m->n_subgraphs, 0, 4)));
  fvtb_ref (m->model, 4, fvtb_vector_refs (b, (FvtbNode **) m->buffers->pdata,
                                           m->buffers->len));
  guint8 *bytes = fvtb_finish (b, m->model, "TFL3", size);
  tb_model_free (m);
  return bytes;
}
