/* fovea — bounds-checked FlatBuffer table / vector / string access (see flatbuffer.h). */
#include "models/tflite/flatbuffer.h"

#include <string.h>

static guint16
rd16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
rd32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16)
    | ((guint32) p[3] << 24);
}

static guint64
rd64 (const guint8 *p)
{
  return (guint64) rd32 (p) | ((guint64) rd32 (p + 4) << 32);
}

static gboolean
corrupt (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
corrupt (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, FV_MODEL_ERROR, FV_MODEL_ERROR_CORRUPT, msg);
  g_free (msg);
  return FALSE;
}

/* [pos, pos + n) lies inside the buffer; written so that no sum can overflow. */
static gboolean
in_range (const FvFbBuf *buf, size_t pos, size_t n)
{
  return pos <= buf->size && n <= buf->size - pos;
}

/* Opens the table at @pos: its soffset, vtable and inline size must all be sane. */
static gboolean
open_table (const FvFbBuf *buf, size_t pos, int depth, FvFbTable *t, const char *what,
            GError **error)
{
  if (depth > FV_FB_MAX_DEPTH)
    return corrupt (error, "%s: tables nested deeper than %d", what, FV_FB_MAX_DEPTH);
  if (pos % 4 != 0)
    return corrupt (error, "%s: table at offset %zu is not 4-byte aligned", what, pos);
  if (!in_range (buf, pos, 4))
    return corrupt (error, "%s: table runs past end of file", what);
  gint32 soff = (gint32) rd32 (buf->data + pos);
  /* vtable = table - soffset, done in 64 bits so neither sign overflows */
  gint64 vt = (gint64) pos - (gint64) soff;
  if (vt < 0 || (guint64) vt > buf->size || !in_range (buf, (size_t) vt, 4))
    return corrupt (error, "%s: vtable offset points outside the file", what);
  if (vt % 2 != 0)
    return corrupt (error, "%s: vtable is not 2-byte aligned", what);
  guint16 vt_len = rd16 (buf->data + vt);
  guint16 tbl_len = rd16 (buf->data + vt + 2);
  if (vt_len < 4 || vt_len % 2 != 0)
    return corrupt (error, "%s: vtable size %u is invalid", what, vt_len);
  if (!in_range (buf, (size_t) vt, vt_len))
    return corrupt (error, "%s: vtable runs past end of file", what);
  if (tbl_len < 4)
    return corrupt (error, "%s: table size %u is invalid", what, tbl_len);
  if (!in_range (buf, pos, tbl_len))
    return corrupt (error, "%s: table runs past end of file", what);
  t->buf = buf;
  t->pos = pos;
  t->vt = (size_t) vt;
  t->vt_len = vt_len;
  t->tbl_len = tbl_len;
  t->depth = depth;
  return TRUE;
}

gboolean
fv_fb_root (const FvFbBuf *buf, const char *identifier, FvFbTable *root, GError **error)
{
  if (!buf->data || buf->size == 0)
    return corrupt (error, "empty file");
  if (buf->size < 8)
    return corrupt (error, "file of %zu bytes is too short for a FlatBuffer header", buf->size);
  if (memcmp (buf->data + 4, identifier, 4) != 0)
    return corrupt (error, "file identifier is not \"%s\" (not a TFLite model)", identifier);
  guint32 off = rd32 (buf->data);
  return open_table (buf, off, 0, root, "root table", error);
}

/* Field offset inside the table for @slot, 0 when absent. */
static guint16
field_offset (const FvFbTable *t, int slot)
{
  size_t o = 4 + 2 * (size_t) slot;
  if (slot < 0 || o + 2 > t->vt_len)
    return 0;
  return rd16 (t->buf->data + t->vt + o);
}

gboolean
fv_fb_has (const FvFbTable *t, int slot)
{
  return field_offset (t, slot) != 0;
}

/* Position of a @n-byte field, or 0 when absent; FALSE when it sticks out of the table. */
static gboolean
field_pos (const FvFbTable *t, int slot, size_t n, size_t *pos, const char *what,
           GError **error)
{
  guint16 off = field_offset (t, slot);
  *pos = 0;
  if (off == 0)
    return TRUE;
  if (off < 4 || (size_t) off + n > t->tbl_len)
    return corrupt (error, "%s: field lies outside its table", what);
  *pos = t->pos + off;
  return TRUE;
}

gboolean
fv_fb_u8 (const FvFbTable *t, int slot, guint8 def, guint8 *out, const char *what,
          GError **error)
{
  size_t p = 0;
  if (!field_pos (t, slot, 1, &p, what, error))
    return FALSE;
  *out = p ? t->buf->data[p] : def;
  return TRUE;
}

gboolean
fv_fb_i8 (const FvFbTable *t, int slot, gint8 def, gint8 *out, const char *what,
          GError **error)
{
  guint8 v;
  if (!fv_fb_u8 (t, slot, (guint8) def, &v, what, error))
    return FALSE;
  *out = (gint8) v;
  return TRUE;
}

gboolean
fv_fb_bool (const FvFbTable *t, int slot, gboolean def, gboolean *out, const char *what,
            GError **error)
{
  guint8 v;
  if (!fv_fb_u8 (t, slot, def ? 1 : 0, &v, what, error))
    return FALSE;
  *out = v != 0;
  return TRUE;
}

gboolean
fv_fb_u32 (const FvFbTable *t, int slot, guint32 def, guint32 *out, const char *what,
           GError **error)
{
  size_t p = 0;
  if (!field_pos (t, slot, 4, &p, what, error))
    return FALSE;
  *out = p ? rd32 (t->buf->data + p) : def;
  return TRUE;
}

gboolean
fv_fb_i32 (const FvFbTable *t, int slot, gint32 def, gint32 *out, const char *what,
           GError **error)
{
  guint32 v;
  if (!fv_fb_u32 (t, slot, (guint32) def, &v, what, error))
    return FALSE;
  *out = (gint32) v;
  return TRUE;
}

gboolean
fv_fb_u64 (const FvFbTable *t, int slot, guint64 def, guint64 *out, const char *what,
           GError **error)
{
  size_t p = 0;
  if (!field_pos (t, slot, 8, &p, what, error))
    return FALSE;
  *out = p ? rd64 (t->buf->data + p) : def;
  return TRUE;
}

/* Follows the uoffset stored at @p (already known to be inside the buffer). */
static gboolean
follow (const FvFbBuf *buf, size_t p, size_t *target, const char *what, GError **error)
{
  guint64 tgt = (guint64) p + rd32 (buf->data + p);
  if (tgt >= buf->size)
    return corrupt (error, "%s: offset points past end of file", what);
  if (tgt % 4 != 0)
    return corrupt (error, "%s: offset target is not 4-byte aligned", what);
  *target = (size_t) tgt;
  return TRUE;
}

gboolean
fv_fb_table (const FvFbTable *t, int slot, FvFbTable *sub, gboolean *present,
             const char *what, GError **error)
{
  size_t p = 0, tgt = 0;   /* set on success; zeroed so -O3 sees them initialised */
  *present = FALSE;
  if (!field_pos (t, slot, 4, &p, what, error))
    return FALSE;
  if (!p)
    return TRUE;
  if (!follow (t->buf, p, &tgt, what, error) || !open_table (t->buf, tgt, t->depth + 1, sub,
                                                             what, error))
    return FALSE;
  *present = TRUE;
  return TRUE;
}

/* Vector (or string body) at @start: length prefix plus len * elem_size bytes. */
static gboolean
open_vector (const FvFbBuf *buf, size_t start, size_t elem_size, int depth, FvFbVector *vec,
             const char *what, const char *kind, GError **error)
{
  if (!in_range (buf, start, 4))
    return corrupt (error, "%s %s length runs past end of file", what, kind);
  guint32 len = rd32 (buf->data + start);
  /* 64-bit product: len < 2^32 and elem_size <= 8, so it cannot overflow */
  guint64 bytes = (guint64) len * elem_size;
  if (bytes > buf->size - (start + 4))
    return corrupt (error, "%s %s runs past end of file (%u elements)", what, kind, len);
  vec->buf = buf;
  vec->pos = start + 4;
  vec->len = len;
  vec->elem_size = elem_size;
  vec->depth = depth;
  return TRUE;
}

gboolean
fv_fb_vector (const FvFbTable *t, int slot, size_t elem_size, FvFbVector *vec,
              const char *what, GError **error)
{
  size_t p = 0, tgt = 0;   /* set on success; zeroed so -O3 sees them initialised */
  memset (vec, 0, sizeof *vec);
  vec->buf = t->buf;
  vec->elem_size = elem_size;
  vec->depth = t->depth;
  if (!field_pos (t, slot, 4, &p, what, error))
    return FALSE;
  if (!p)
    return TRUE;
  return follow (t->buf, p, &tgt, what, error)
    && open_vector (t->buf, tgt, elem_size, t->depth, vec, what, "vector", error);
}

gboolean
fv_fb_string (const FvFbTable *t, int slot, const char **str, guint32 *len, const char *what,
              GError **error)
{
  size_t p = 0, tgt = 0;   /* set on success; zeroed so -O3 sees them initialised */
  FvFbVector v = { 0 };
  *str = NULL;
  if (len)
    *len = 0;
  if (!field_pos (t, slot, 4, &p, what, error))
    return FALSE;
  if (!p)
    return TRUE;
  if (!follow (t->buf, p, &tgt, what, error)
      || !open_vector (t->buf, tgt, 1, t->depth, &v, what, "string", error))
    return FALSE;
  if (v.pos + v.len >= t->buf->size || t->buf->data[v.pos + v.len] != '\0')
    return corrupt (error, "%s string has no NUL terminator", what);
  if (memchr (t->buf->data + v.pos, '\0', v.len))
    return corrupt (error, "%s string has an embedded NUL", what);
  *str = (const char *) (t->buf->data + v.pos);
  if (len)
    *len = v.len;
  return TRUE;
}

gboolean
fv_fb_vector_table (const FvFbVector *vec, guint32 i, FvFbTable *sub, const char *what,
                    GError **error)
{
  size_t tgt = 0;
  if (i >= vec->len || vec->elem_size != 4)
    return corrupt (error, "%s: element %u out of range", what, i);
  return follow (vec->buf, vec->pos + 4 * (size_t) i, &tgt, what, error)
    && open_table (vec->buf, tgt, vec->depth + 1, sub, what, error);
}

gint32
fv_fb_vector_i32 (const FvFbVector *vec, guint32 i)
{
  return (gint32) rd32 (vec->buf->data + vec->pos + 4 * (size_t) i);
}

guint16
fv_fb_vector_u16 (const FvFbVector *vec, guint32 i)
{
  return rd16 (vec->buf->data + vec->pos + 2 * (size_t) i);
}

guint8
fv_fb_vector_u8 (const FvFbVector *vec, guint32 i)
{
  return vec->buf->data[vec->pos + i];
}

float
fv_fb_vector_f32 (const FvFbVector *vec, guint32 i)
{
  guint32 bits = rd32 (vec->buf->data + vec->pos + 4 * (size_t) i);
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

const guint8 *
fv_fb_vector_data (const FvFbVector *vec)
{
  return vec->buf->data + vec->pos;
}
