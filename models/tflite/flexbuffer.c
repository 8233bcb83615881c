/* fovea — bounds-checked FlexBuffers reading: root, maps, scalars, int vectors. */
#include "models/tflite/flexbuffer.h"

#include <string.h>

enum {
  FLEX_NULL = 0,
  FLEX_INT = 1,
  FLEX_UINT = 2,
  FLEX_FLOAT = 3,
  FLEX_KEY = 4,
  FLEX_STRING = 5,
  FLEX_INDIRECT_INT = 6,
  FLEX_INDIRECT_UINT = 7,
  FLEX_INDIRECT_FLOAT = 8,
  FLEX_MAP = 9,
  FLEX_VECTOR = 10,
  FLEX_VECTOR_INT = 11,
  FLEX_VECTOR_UINT = 12,
  FLEX_VECTOR_FLOAT = 13,
  FLEX_VECTOR_KEY = 14,
  FLEX_VECTOR_INT2 = 16,
  FLEX_VECTOR_FLOAT4 = 24,
  FLEX_BOOL = 26,
};

static gboolean
corrupt (GError **error, const char *msg)
{
  g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_CORRUPT, "custom options: %s", msg);
  return FALSE;
}

static gboolean
valid_width (size_t w)
{
  return w == 1 || w == 2 || w == 4 || w == 8;
}

static gboolean
fits (size_t size, size_t pos, size_t n)
{
  return pos <= size && n <= size - pos;
}

/* Reads an unsigned value of @width bytes at @pos; the caller checked the range. */
static guint64
read_uint (const guint8 *p, size_t width)
{
  guint64 v = 0;
  for (size_t i = 0; i < width; i++)
    v |= (guint64) p[i] << (8 * i);
  return v;
}

static gint64
read_int (const guint8 *p, size_t width)
{
  guint64 u = read_uint (p, width);
  if (width < 8 && (u >> (8 * width - 1)) & 1)
    u |= ~(guint64) 0 << (8 * width);  /* sign-extend */
  return (gint64) u;
}

static gboolean
read_double (const guint8 *p, size_t width, double *out)
{
  if (width == 4) {
    guint32 bits = (guint32) read_uint (p, 4);
    float f;
    memcpy (&f, &bits, sizeof f);
    *out = f;
    return TRUE;
  }
  if (width == 8) {
    guint64 bits = read_uint (p, 8);
    memcpy (out, &bits, sizeof *out);
    return TRUE;
  }
  return FALSE;
}

/* Makes a reference to the slot at @pos of @parent_width bytes holding @packed. */
static gboolean
make_ref (const guint8 *data, size_t size, size_t pos, size_t parent_width, guint8 packed,
          FvFlexRef *ref, GError **error)
{
  if (!valid_width (parent_width) || !fits (size, pos, parent_width))
    return corrupt (error, "value lies outside the buffer");
  ref->data = data;
  ref->size = size;
  ref->pos = pos;
  ref->parent_width = (guint8) parent_width;
  ref->byte_width = (guint8) (1u << (packed & 3));
  ref->type = packed >> 2;
  return TRUE;
}

/* Target of the offset stored in the slot (offsets point backwards). */
static gboolean
indirect (const FvFlexRef *ref, size_t *target, GError **error)
{
  guint64 off = read_uint (ref->data + ref->pos, ref->parent_width);
  if (off > ref->pos)
    return corrupt (error, "offset points before the buffer");
  *target = ref->pos - (size_t) off;
  return TRUE;
}

gboolean
fv_flex_root (const guint8 *data, size_t size, FvFlexRef *root, GError **error)
{
  if (!data || size < 3)
    return corrupt (error, "FlexBuffer is too short");
  size_t width = data[size - 1];
  guint8 packed = data[size - 2];
  if (!valid_width (width) || width > size - 2)
    return corrupt (error, "FlexBuffer root width is invalid");
  return make_ref (data, size, size - 2 - width, width, packed, root, error);
}

/* A vector's element area: [*start, *start + len * width), length prefix before it. */
static gboolean
open_vector (const FvFlexRef *ref, size_t *start, guint64 *len, GError **error)
{
  size_t w = ref->byte_width;
  size_t tgt;
  if (!indirect (ref, &tgt, error))
    return FALSE;
  if (tgt < w || !fits (ref->size, tgt - w, w))
    return corrupt (error, "vector length lies outside the buffer");
  guint64 n = read_uint (ref->data + tgt - w, w);
  /* an untyped vector also has one type byte per element after the values */
  size_t per = w + (ref->type == FLEX_VECTOR || ref->type == FLEX_MAP ? 1 : 0);
  if (n > ref->size / per || !fits (ref->size, tgt, (size_t) n * per))
    return corrupt (error, "vector runs past the end of the buffer");
  *start = tgt;
  *len = n;
  return TRUE;
}

gboolean
fv_flex_map_get (const FvFlexRef *map, const char *key, FvFlexRef *value, gboolean *found,
                 GError **error)
{
  *found = FALSE;
  if (map->type != FLEX_MAP)
    return corrupt (error, "root is not a map");
  size_t start;
  guint64 n;
  if (!open_vector (map, &start, &n, error))
    return FALSE;
  size_t w = map->byte_width;
  /* the keys vector offset and its width sit before the map's length */
  if (start < 3 * w)
    return corrupt (error, "map keys lie outside the buffer");
  FvFlexRef keys_slot = { map->data, map->size, start - 3 * w, (guint8) w, 0, FLEX_VECTOR_KEY };
  guint64 keys_width = read_uint (map->data + start - 2 * w, w);
  if (!valid_width ((size_t) keys_width))
    return corrupt (error, "map keys width is invalid");
  keys_slot.byte_width = (guint8) keys_width;
  size_t kstart;
  guint64 kn;
  if (!open_vector (&keys_slot, &kstart, &kn, error))
    return FALSE;
  if (kn != n)
    return corrupt (error, "map has different numbers of keys and values");
  for (guint64 i = 0; i < n; i++) {
    FvFlexRef kref = { map->data, map->size, kstart + (size_t) i * keys_width,
                       (guint8) keys_width, 1, FLEX_KEY };
    size_t kpos;
    if (!indirect (&kref, &kpos, error))
      return FALSE;
    const guint8 *end = memchr (map->data + kpos, '\0', map->size - kpos);
    if (!end)
      return corrupt (error, "map key has no NUL terminator");
    if (strcmp ((const char *) map->data + kpos, key) != 0)
      continue;
    guint8 packed = map->data[start + (size_t) n * w + (size_t) i];
    if (!make_ref (map->data, map->size, start + (size_t) i * w, w, packed, value, error))
      return FALSE;
    *found = TRUE;
    return TRUE;
  }
  return TRUE;
}

/* Where a scalar is and how wide: inline in the slot, or behind an offset. */
static gboolean
scalar_slot (const FvFlexRef *ref, size_t *pos, size_t *width, GError **error)
{
  switch (ref->type) {
  case FLEX_INT: case FLEX_UINT: case FLEX_FLOAT: case FLEX_BOOL:
    *pos = ref->pos;
    *width = ref->parent_width;
    return TRUE;
  case FLEX_INDIRECT_INT: case FLEX_INDIRECT_UINT: case FLEX_INDIRECT_FLOAT:
    if (!indirect (ref, pos, error))
      return FALSE;
    *width = ref->byte_width;
    if (!fits (ref->size, *pos, *width))
      return corrupt (error, "indirect value lies outside the buffer");
    return TRUE;
  default:
    return corrupt (error, "value is not a number");
  }
}

gboolean
fv_flex_int (const FvFlexRef *ref, gint64 *out, GError **error)
{
  size_t pos, w;
  if (!scalar_slot (ref, &pos, &w, error))
    return FALSE;
  const guint8 *p = ref->data + pos;
  double d;
  switch (ref->type) {
  case FLEX_INT: case FLEX_INDIRECT_INT:
    *out = read_int (p, w);
    return TRUE;
  case FLEX_UINT: case FLEX_INDIRECT_UINT: case FLEX_BOOL: {
    guint64 u = read_uint (p, w);
    if (u > G_MAXINT64)
      return corrupt (error, "unsigned value out of range");
    *out = (gint64) u;
    return TRUE;
  }
  default:
    if (!read_double (p, w, &d))
      return corrupt (error, "float of invalid width");
    if (!(d >= -9.2e18 && d <= 9.2e18))
      return corrupt (error, "float value out of integer range");
    *out = (gint64) d;
    return TRUE;
  }
}

gboolean
fv_flex_float (const FvFlexRef *ref, double *out, GError **error)
{
  size_t pos, w;
  if (!scalar_slot (ref, &pos, &w, error))
    return FALSE;
  const guint8 *p = ref->data + pos;
  switch (ref->type) {
  case FLEX_FLOAT: case FLEX_INDIRECT_FLOAT:
    if (!read_double (p, w, out))
      return corrupt (error, "float of invalid width");
    return TRUE;
  case FLEX_INT: case FLEX_INDIRECT_INT:
    *out = (double) read_int (p, w);
    return TRUE;
  default:
    *out = (double) read_uint (p, w);
    return TRUE;
  }
}

gboolean
fv_flex_int_vector (const FvFlexRef *ref, int max_len, gint32 **out, int *n, GError **error)
{
  *out = NULL;
  *n = 0;
  size_t w = ref->byte_width;
  size_t start;
  guint64 len;
  guint8 elem_type;
  gboolean untyped = FALSE;
  if (ref->type == FLEX_VECTOR) {
    if (!open_vector (ref, &start, &len, error))
      return FALSE;
    untyped = TRUE;
    elem_type = FLEX_NULL;
  } else if (ref->type == FLEX_VECTOR_INT || ref->type == FLEX_VECTOR_UINT) {
    if (!open_vector (ref, &start, &len, error))
      return FALSE;
    elem_type = ref->type == FLEX_VECTOR_INT ? FLEX_INT : FLEX_UINT;
  } else if (ref->type >= FLEX_VECTOR_INT2 && ref->type <= FLEX_VECTOR_FLOAT4
             && (ref->type - FLEX_VECTOR_INT2) % 3 != 2) {
    /* fixed-length typed vectors (2, 3 or 4 ints) carry no length prefix */
    len = (guint64) (ref->type - FLEX_VECTOR_INT2) / 3 + 2;
    elem_type = (ref->type - FLEX_VECTOR_INT2) % 3 == 0 ? FLEX_INT : FLEX_UINT;
    if (!indirect (ref, &start, error))
      return FALSE;
    if (!fits (ref->size, start, (size_t) len * w))
      return corrupt (error, "vector runs past the end of the buffer");
  } else {
    return corrupt (error, "value is not a vector of integers");
  }
  if (len > (guint64) max_len)
    return corrupt (error, "integer vector is too long");
  gint32 *vals = len ? g_new (gint32, len) : NULL;
  for (guint64 i = 0; i < len; i++) {
    guint8 packed = untyped ? ref->data[start + (size_t) len * w + (size_t) i]
                            : (guint8) (elem_type << 2);
    FvFlexRef e;
    gint64 v;
    if (!make_ref (ref->data, ref->size, start + (size_t) i * w, w, packed, &e, error)
        || !fv_flex_int (&e, &v, error)) {
      g_free (vals);
      return FALSE;
    }
    if (v < G_MININT32 || v > G_MAXINT32) {
      g_free (vals);
      return corrupt (error, "integer vector element does not fit in 32 bits");
    }
    vals[i] = (gint32) v;
  }
  *out = vals;
  *n = (int) len;
  return TRUE;
}
