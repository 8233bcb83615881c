/* fovea — a small bounds-checked FlexBuffers reader for custom-op options.
 *
 * MediaPipe's custom ops keep their attributes in a FlexBuffers map inside
 * Operator.custom_options. This reads what those maps hold: the root, maps (keys vector
 * plus values), ints / uints / floats / bools (inline or indirect) and vectors of ints
 * (typed, fixed-size typed or untyped). Every offset and width is checked against the
 * buffer before it is read; a bad buffer gives FV_MODEL_ERROR_CORRUPT.
 *
 * Nothing here allocates except fv_flex_int_vector(); references are views into the
 * caller's bytes.
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef struct {
  const guint8 *data;   /* the whole flexbuffer */
  size_t size;
  size_t pos;           /* where the value (or the offset to it) is stored */
  guint8 parent_width;  /* bytes of the slot at pos: 1, 2, 4 or 8 */
  guint8 byte_width;    /* width from the packed type (of the value / its elements) */
  guint8 type;          /* FlexBuffers type */
} FvFlexRef;

/* The root value of @data (last byte: root width; the byte before: packed type). */
gboolean fv_flex_root (const guint8 *data, size_t size, FvFlexRef *root, GError **error);

/* Looks @key up in the map @map. *found is FALSE when the key is absent. */
gboolean fv_flex_map_get (const FvFlexRef *map, const char *key, FvFlexRef *value,
                          gboolean *found, GError **error);

/* Numeric values (ints, uints, floats, bools; inline or indirect) converted. */
gboolean fv_flex_int (const FvFlexRef *ref, gint64 *out, GError **error);
gboolean fv_flex_float (const FvFlexRef *ref, double *out, GError **error);

/* A vector of integers (typed, fixed typed or untyped with integer elements), each of
 * which must fit in an int32. *out: transfer full (g_free), NULL when the vector is
 * empty. At most @max_len elements are accepted. */
gboolean fv_flex_int_vector (const FvFlexRef *ref, int max_len, gint32 **out, int *n,
                             GError **error);

G_END_DECLS
