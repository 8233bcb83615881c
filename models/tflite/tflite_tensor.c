/* fovea — reading one TFLite Tensor: dtype, shape, name, quantisation check, sparsity,
 * and its constant data (copied into aligned memory the model owns). */
#include "models/tflite/tflite_internal.h"

#include <string.h>

static gboolean
fail (GError **error, FvModelError code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, FvModelError code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, FV_MODEL_ERROR, code, msg);
  g_free (msg);
  return FALSE;
}

gboolean
fv_tflite_buffer_bytes (FvTfliteFile *f, guint32 index, const guint8 **data, size_t *size,
                        GError **error)
{
  *data = NULL;
  *size = 0;
  if (index >= f->buffers.len)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "buffer index %u is out of range (%u buffers)",
                 index, f->buffers.len);
  FvFbTable b;
  FvFbVector v;
  guint64 off, sz;
  if (!fv_fb_vector_table (&f->buffers, index, &b, "buffer", error)
      || !fv_fb_vector (&b, FV_TFL_BUFFER_DATA, 1, &v, "buffer data", error)
      || !fv_fb_u64 (&b, FV_TFL_BUFFER_OFFSET, 0, &off, "buffer offset", error)
      || !fv_fb_u64 (&b, FV_TFL_BUFFER_SIZE, 0, &sz, "buffer size", error))
    return FALSE;
  if (v.len > 0) {
    *data = fv_fb_vector_data (&v);
    *size = v.len;
    return TRUE;
  }
  /* schema 3c: large data lives after the FlatBuffer; offset 0 or 1 means "none" */
  if (off > 1) {
    if (off > f->file.size || sz > f->file.size - off)
      return fail (error, FV_MODEL_ERROR_CORRUPT,
                   "buffer %u: external data (offset %" G_GUINT64_FORMAT ", size %"
                   G_GUINT64_FORMAT ") runs past end of file", index, off, sz);
    *data = sz ? f->file.data + off : NULL;
    *size = (size_t) sz;
  }
  return TRUE;
}

static gboolean
map_dtype (gint8 type, FvDType *out)
{
  switch (type) {
  case FV_TFL_FLOAT32: *out = FV_DTYPE_FLOAT32; return TRUE;
  case FV_TFL_FLOAT16: *out = FV_DTYPE_FLOAT16; return TRUE;
  case FV_TFL_INT32: *out = FV_DTYPE_INT32; return TRUE;
  case FV_TFL_UINT8: *out = FV_DTYPE_UINT8; return TRUE;
  case FV_TFL_INT64: *out = FV_DTYPE_INT64; return TRUE;
  case FV_TFL_INT8: *out = FV_DTYPE_INT8; return TRUE;
  case FV_TFL_INT16: *out = FV_DTYPE_INT16; return TRUE;
  case FV_TFL_BOOL: *out = FV_DTYPE_BOOL; return TRUE;
  default: return FALSE;
  }
}

static gboolean
check_quantization (const FvFbTable *t, GError **error)
{
  FvFbTable q;
  gboolean present;
  if (!fv_fb_table (t, FV_TFL_TENSOR_QUANTIZATION, &q, &present, "quantization", error))
    return FALSE;
  if (!present)
    return TRUE;
  FvFbVector scale, zero;
  guint8 details;
  if (!fv_fb_vector (&q, FV_TFL_QUANT_SCALE, 4, &scale, "quantization scale", error)
      || !fv_fb_vector (&q, FV_TFL_QUANT_ZERO_POINT, 8, &zero, "quantization zero_point", error)
      || !fv_fb_u8 (&q, FV_TFL_QUANT_DETAILS_TYPE, 0, &details, "quantization details", error))
    return FALSE;
  if (scale.len > 0 || zero.len > 0 || details != 0)
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED, "quantized tensors are not supported");
  return TRUE;
}

/* Reads a SparseIndexVector union (type slot, value slot) widened to int32. */
static gboolean
read_index_vector (const FvFbTable *dim, int type_slot, int value_slot, const char *what,
                   int32_t **out, int *n, GError **error)
{
  guint8 type;
  FvFbTable tbl;
  gboolean present;
  FvFbVector v;
  if (!fv_fb_u8 (dim, type_slot, 0, &type, what, error)
      || !fv_fb_table (dim, value_slot, &tbl, &present, what, error))
    return FALSE;
  size_t elem = type == FV_TFL_INDEX_INT32 ? 4 : type == FV_TFL_INDEX_UINT16 ? 2
              : type == FV_TFL_INDEX_UINT8 ? 1 : 0;
  if (elem == 0)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "%s has invalid index type %u", what, type);
  if (!present)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "%s is missing", what);
  if (!fv_fb_vector (&tbl, 0, elem, &v, what, error))
    return FALSE;
  if (v.len > G_MAXINT32)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "%s is too long", what);
  int32_t *vals = g_new (int32_t, v.len ? v.len : 1);
  for (guint32 i = 0; i < v.len; i++)
    vals[i] = elem == 4 ? fv_fb_vector_i32 (&v, i)
            : elem == 2 ? fv_fb_vector_u16 (&v, i) : fv_fb_vector_u8 (&v, i);
  *out = vals;
  *n = (int) v.len;
  return TRUE;
}

/* Reads SparsityParameters and checks that the CSR structure describes exactly the
 * stored values, so that a densifying kernel can trust every segment and index.
 * *stored gets the number of stored values it describes. */
static gboolean
read_sparsity (const FvFbTable *sp, const FvTensor *t, FvSparsity *s, int64_t *stored,
               GError **error)
{
  FvFbVector order, block, dims;
  if (!fv_fb_vector (sp, FV_TFL_SPARSITY_TRAVERSAL_ORDER, 4, &order, "traversal_order", error)
      || !fv_fb_vector (sp, FV_TFL_SPARSITY_BLOCK_MAP, 4, &block, "block_map", error)
      || !fv_fb_vector (sp, FV_TFL_SPARSITY_DIM_METADATA, 4, &dims, "dim_metadata", error))
    return FALSE;
  if (block.len > 0)
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED, "block-sparse tensors are not supported");
  if (t->rank == 0 || order.len != (guint32) t->rank)
    return fail (error, FV_MODEL_ERROR_CORRUPT,
                 "sparsity traversal_order has %u entries for a rank-%d tensor",
                 order.len, t->rank);
  if (dims.len != order.len)
    return fail (error, FV_MODEL_ERROR_CORRUPT,
                 "sparsity has %u dim_metadata entries for %u traversal dims", dims.len,
                 order.len);
  gboolean seen[FV_MAX_DIMS] = { FALSE };
  s->n_traversal_order = (int) order.len;
  for (guint32 i = 0; i < order.len; i++) {
    gint32 d = fv_fb_vector_i32 (&order, i);
    if (d < 0 || d >= t->rank || seen[d])
      return fail (error, FV_MODEL_ERROR_CORRUPT,
                   "sparsity traversal_order is not a permutation of the dims");
    seen[d] = TRUE;
    s->traversal_order[i] = d;
  }
  /* count = how many positions the levels so far enumerate */
  int64_t count = 1;
  for (guint32 i = 0; i < dims.len; i++) {
    FvFbTable dt;
    gint8 format;
    gint32 dense_size;
    FvDimMetadata *dm = &s->dim_metadata[i];
    if (!fv_fb_vector_table (&dims, i, &dt, "dim_metadata", error)
        || !fv_fb_i8 (&dt, FV_TFL_DIM_FORMAT, 0, &format, "dim_metadata format", error)
        || !fv_fb_i32 (&dt, FV_TFL_DIM_DENSE_SIZE, 0, &dense_size, "dense_size", error))
      return FALSE;
    s->n_dim_metadata = (int) i + 1;
    int32_t dim_size = t->shape[s->traversal_order[i]];
    if (format == 0) {
      dm->format = FV_DIM_DENSE;
      if (dense_size != dim_size)
        return fail (error, FV_MODEL_ERROR_CORRUPT,
                     "sparsity dim %u: dense_size %d does not match the shape (%d)", i,
                     dense_size, dim_size);
      dm->dense_size = dense_size;
      count *= dense_size;
      continue;
    }
    if (format != 1)
      return fail (error, FV_MODEL_ERROR_CORRUPT, "sparsity dim %u: invalid format %d", i,
                   format);
    dm->format = FV_DIM_SPARSE_CSR;
    if (!read_index_vector (&dt, FV_TFL_DIM_SEGMENTS_TYPE, FV_TFL_DIM_SEGMENTS,
                            "array_segments", &dm->segments, &dm->n_segments, error)
        || !read_index_vector (&dt, FV_TFL_DIM_INDICES_TYPE, FV_TFL_DIM_INDICES,
                               "array_indices", &dm->indices, &dm->n_indices, error))
      return FALSE;
    if ((int64_t) dm->n_segments != count + 1)
      return fail (error, FV_MODEL_ERROR_CORRUPT,
                   "sparsity dim %u: %d segments for %" G_GINT64_FORMAT " parent positions",
                   i, dm->n_segments, count);
    if (dm->segments[0] != 0 || dm->segments[dm->n_segments - 1] != dm->n_indices)
      return fail (error, FV_MODEL_ERROR_CORRUPT,
                   "sparsity dim %u: segments must run from 0 to the index count %d", i,
                   dm->n_indices);
    for (int k = 1; k < dm->n_segments; k++)
      if (dm->segments[k] < dm->segments[k - 1])
        return fail (error, FV_MODEL_ERROR_CORRUPT,
                     "sparsity dim %u: segments decrease at %d", i, k);
    for (int k = 0; k < dm->n_indices; k++)
      if (dm->indices[k] < 0 || dm->indices[k] >= dim_size)
        return fail (error, FV_MODEL_ERROR_CORRUPT,
                     "sparsity dim %u: index %d is outside the dim (size %d)", i,
                     dm->indices[k], dim_size);
    count = dm->n_indices;
  }
  *stored = count;
  return TRUE;
}

gboolean
fv_tflite_read_tensor (FvTfliteFile *f, const FvFbTable *tbl, FvTensor *t, GError **error)
{
  FvFbVector shape;
  gint8 type;
  guint32 buffer;
  const char *name;
  gboolean is_variable;
  if (!fv_fb_string (tbl, FV_TFL_TENSOR_NAME, &name, NULL, "name", error))
    return FALSE;
  t->name = g_strdup (name ? name : "");
  if (!fv_fb_vector (tbl, FV_TFL_TENSOR_SHAPE, 4, &shape, "shape", error)
      || !fv_fb_i8 (tbl, FV_TFL_TENSOR_TYPE, 0, &type, "type", error)
      || !fv_fb_u32 (tbl, FV_TFL_TENSOR_BUFFER, 0, &buffer, "buffer", error)
      || !fv_fb_bool (tbl, FV_TFL_TENSOR_IS_VARIABLE, FALSE, &is_variable, "is_variable",
                      error))
    return FALSE;
  if (!map_dtype (type, &t->dtype)) {
    const char *tn = fv_tflite_type_name (type);
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED, "dtype %s (%d) is not supported",
                 tn ? tn : "unknown", type);
  }
  if (shape.len > FV_MAX_DIMS)
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED, "rank %u exceeds the maximum of %d",
                 shape.len, FV_MAX_DIMS);
  t->rank = (int) shape.len;
  int64_t numel = 1;
  for (int i = 0; i < t->rank; i++) {
    gint32 d = fv_fb_vector_i32 (&shape, (guint32) i);
    if (d < 1)
      return fail (error, FV_MODEL_ERROR_CORRUPT, "dim %d is %d (every dim must be >= 1)", i,
                   d);
    t->shape[i] = d;
    numel *= d;
    if (numel > FV_MAX_TENSOR_ELEMENTS)
      return fail (error, FV_MODEL_ERROR_CORRUPT,
                   "more than %" G_GINT64_FORMAT " elements", FV_MAX_TENSOR_ELEMENTS);
  }
  if (is_variable)
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED, "variable tensors are not supported");
  if (!check_quantization (tbl, error))
    return FALSE;

  FvFbTable sp;
  gboolean sparse;
  int64_t stored = numel;
  if (!fv_fb_table (tbl, FV_TFL_TENSOR_SPARSITY, &sp, &sparse, "sparsity", error))
    return FALSE;
  if (sparse) {
    t->sparsity = g_new0 (FvSparsity, 1);
    if (!read_sparsity (&sp, t, t->sparsity, &stored, error))
      return FALSE;
  }

  const guint8 *data = NULL;
  size_t nbytes = 0;
  if (buffer != 0 && !fv_tflite_buffer_bytes (f, buffer, &data, &nbytes, error))
    return FALSE;
  if (buffer == 0 || nbytes == 0) {
    if (sparse)
      return fail (error, FV_MODEL_ERROR_CORRUPT, "sparse tensor has no data");
    return TRUE;
  }
  size_t want = (size_t) stored * fv_dtype_size (t->dtype);
  if (nbytes != want)
    return fail (error, FV_MODEL_ERROR_CORRUPT,
                 "constant data is %zu bytes; %s%" G_GINT64_FORMAT " %s values need %zu",
                 nbytes, sparse ? "its sparsity describes " : "", stored,
                 fv_dtype_name (t->dtype), want);
  if (f->const_bytes + nbytes > f->const_budget)
    return fail (error, FV_MODEL_ERROR_CORRUPT,
                 "constants sharing buffers add up to more than the file could hold");
  t->data = fv_aligned_alloc0 (nbytes);
  if (!t->data)
    return fail (error, FV_MODEL_ERROR_ARGUMENT, "out of memory for %zu bytes", nbytes);
  memcpy (t->data, data, nbytes);
  t->data_bytes = nbytes;
  t->is_const = TRUE;
  f->const_bytes += nbytes;
  return TRUE;
}
