/* fovea — a bounds-checked cursor over FlatBuffer tables, vectors and strings.
 *
 * Every accessor verifies what it touches before it reads it: the table's vtable (in the
 * buffer, 2-aligned, sane sizes), the field (inside the table's inline size), the uoffset
 * it follows (in range, 4-aligned), a vector's length (length * element size fits in the
 * buffer, computed without overflow), a string's length and NUL terminator. uoffsets are
 * unsigned and point forward, so following them can never loop; nesting is capped anyway
 * (FV_FB_MAX_DEPTH) so that a schema walk stays bounded.
 *
 * Errors are FV_MODEL_ERROR_CORRUPT with a message naming the field (@what); callers
 * prefix the object ("tensor 12: ") with g_prefix_error().
 *
 * Nothing here allocates: tables and vectors are views into the caller's bytes, which
 * must outlive them.
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

#define FV_FB_MAX_DEPTH 32

typedef struct {
  const guint8 *data;
  size_t size;
} FvFbBuf;

typedef struct {
  const FvFbBuf *buf;
  size_t pos;         /* table start (where its soffset to the vtable is) */
  size_t vt;          /* vtable start */
  guint16 vt_len;     /* vtable size in bytes */
  guint16 tbl_len;    /* table inline size in bytes */
  int depth;
} FvFbTable;

typedef struct {
  const FvFbBuf *buf;
  size_t pos;         /* first element */
  guint32 len;        /* element count */
  size_t elem_size;
  int depth;          /* depth of the table holding the vector */
} FvFbVector;

/* Checks the file identifier (bytes 4..8, e.g. "TFL3") and opens the root table. */
gboolean fv_fb_root (const FvFbBuf *buf, const char *identifier, FvFbTable *root,
                     GError **error);

/* TRUE when the table has a field in vtable slot @slot. */
gboolean fv_fb_has (const FvFbTable *t, int slot);

/* Scalars: @out gets the stored value, or @def when the field is absent. */
gboolean fv_fb_u8 (const FvFbTable *t, int slot, guint8 def, guint8 *out, const char *what,
                   GError **error);
gboolean fv_fb_i8 (const FvFbTable *t, int slot, gint8 def, gint8 *out, const char *what,
                   GError **error);
gboolean fv_fb_i32 (const FvFbTable *t, int slot, gint32 def, gint32 *out, const char *what,
                    GError **error);
gboolean fv_fb_u32 (const FvFbTable *t, int slot, guint32 def, guint32 *out,
                    const char *what, GError **error);
gboolean fv_fb_u64 (const FvFbTable *t, int slot, guint64 def, guint64 *out,
                    const char *what, GError **error);
gboolean fv_fb_bool (const FvFbTable *t, int slot, gboolean def, gboolean *out,
                     const char *what, GError **error);

/* Sub-table. *present is FALSE (and @sub untouched) when the field is absent. */
gboolean fv_fb_table (const FvFbTable *t, int slot, FvFbTable *sub, gboolean *present,
                      const char *what, GError **error);

/* Vector of @elem_size-byte scalars or of uoffsets (elem_size 4, see
 * fv_fb_vector_table()). An absent field gives an empty vector. */
gboolean fv_fb_vector (const FvFbTable *t, int slot, size_t elem_size, FvFbVector *vec,
                       const char *what, GError **error);

/* String: *str points into the buffer (NUL-terminated, transfer none), or is NULL when
 * the field is absent. */
gboolean fv_fb_string (const FvFbTable *t, int slot, const char **str, guint32 *len,
                       const char *what, GError **error);

/* Element @i (< vec->len) of a vector of tables. */
gboolean fv_fb_vector_table (const FvFbVector *vec, guint32 i, FvFbTable *sub,
                             const char *what, GError **error);

/* Element readers; @i must be < vec->len (the vector itself was verified). */
gint32 fv_fb_vector_i32 (const FvFbVector *vec, guint32 i);
guint16 fv_fb_vector_u16 (const FvFbVector *vec, guint32 i);
guint8 fv_fb_vector_u8 (const FvFbVector *vec, guint32 i);
float fv_fb_vector_f32 (const FvFbVector *vec, guint32 i);
const guint8 *fv_fb_vector_data (const FvFbVector *vec);

G_END_DECLS
