/* fovea — TFLite model reading: Model, operator codes, the subgraph, its tensors, inputs,
 * outputs and operators (see tflite_reader.h). Tensors and options have their own files. */
#include "models/tflite/tflite_reader.h"

#include "models/tflite/tflite_internal.h"

#include <string.h>

typedef struct {
  gint32 builtin;
  const char *custom;  /* points into the file; NULL for builtins */
  int version;
} OpCode;

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

static gboolean
read_opcodes (const FvFbTable *model, OpCode **out, guint32 *n, GError **error)
{
  FvFbVector v;
  if (!fv_fb_vector (model, FV_TFL_MODEL_OPERATOR_CODES, 4, &v, "operator_codes", error))
    return FALSE;
  OpCode *codes = g_new0 (OpCode, v.len ? v.len : 1);
  for (guint32 i = 0; i < v.len; i++) {
    FvFbTable t;
    gint8 deprecated;
    gint32 builtin, version;
    if (!fv_fb_vector_table (&v, i, &t, "operator code", error)
        || !fv_fb_i8 (&t, FV_TFL_OPCODE_DEPRECATED_BUILTIN, 0, &deprecated,
                      "deprecated_builtin_code", error)
        || !fv_fb_i32 (&t, FV_TFL_OPCODE_BUILTIN, 0, &builtin, "builtin_code", error)
        || !fv_fb_i32 (&t, FV_TFL_OPCODE_VERSION, 1, &version, "version", error)
        || !fv_fb_string (&t, FV_TFL_OPCODE_CUSTOM, &codes[i].custom, NULL, "custom_code",
                          error)) {
      g_prefix_error (error, "operator code %u: ", i);
      g_free (codes);
      return FALSE;
    }
    /* old files fill only the byte field, new ones both (the byte capped at 127) */
    codes[i].builtin = MAX ((gint32) deprecated, builtin);
    codes[i].version = version;
  }
  *out = codes;
  *n = v.len;
  return TRUE;
}

static gboolean
map_builtin (gint32 code, FvOpType *out)
{
  switch (code) {
  case FV_TFL_ADD: *out = FV_OP_ADD; return TRUE;
  case FV_TFL_AVERAGE_POOL_2D: *out = FV_OP_AVERAGE_POOL_2D; return TRUE;
  case FV_TFL_CONCATENATION: *out = FV_OP_CONCATENATION; return TRUE;
  case FV_TFL_CONV_2D: *out = FV_OP_CONV_2D; return TRUE;
  case FV_TFL_DEPTHWISE_CONV_2D: *out = FV_OP_DEPTHWISE_CONV_2D; return TRUE;
  case FV_TFL_DEPTH_TO_SPACE: *out = FV_OP_DEPTH_TO_SPACE; return TRUE;
  case FV_TFL_DEQUANTIZE: *out = FV_OP_DEQUANTIZE; return TRUE;
  case FV_TFL_FULLY_CONNECTED: *out = FV_OP_FULLY_CONNECTED; return TRUE;
  case FV_TFL_LOGISTIC: *out = FV_OP_LOGISTIC; return TRUE;
  case FV_TFL_MAX_POOL_2D: *out = FV_OP_MAX_POOL_2D; return TRUE;
  case FV_TFL_MUL: *out = FV_OP_MUL; return TRUE;
  case FV_TFL_RELU: *out = FV_OP_RELU; return TRUE;
  case FV_TFL_RELU6: *out = FV_OP_RELU6; return TRUE;
  case FV_TFL_RESHAPE: *out = FV_OP_RESHAPE; return TRUE;
  case FV_TFL_RESIZE_BILINEAR: *out = FV_OP_RESIZE_BILINEAR; return TRUE;
  case FV_TFL_RESIZE_NEAREST_NEIGHBOR: *out = FV_OP_RESIZE_NEAREST_NEIGHBOR; return TRUE;
  case FV_TFL_PAD: *out = FV_OP_PAD; return TRUE;
  case FV_TFL_MEAN: *out = FV_OP_MEAN; return TRUE;
  case FV_TFL_STRIDED_SLICE: *out = FV_OP_STRIDED_SLICE; return TRUE;
  case FV_TFL_PRELU: *out = FV_OP_PRELU; return TRUE;
  case FV_TFL_HARD_SWISH: *out = FV_OP_HARD_SWISH; return TRUE;
  case FV_TFL_DENSIFY: *out = FV_OP_DENSIFY; return TRUE;
  default: return FALSE;
  }
}

static gboolean
map_custom (const char *name, FvOpType *out)
{
  static const struct { const char *name; FvOpType type; } table[] = {
    { "Convolution2DTransposeBias", FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS },
    { "Landmarks2TransformMatrix", FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX },
    { "TransformTensorBilinear", FV_OP_TRANSFORM_TENSOR_BILINEAR },
    { "TransformLandmarks", FV_OP_TRANSFORM_LANDMARKS },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    if (strcmp (name, table[i].name) == 0) {
      *out = table[i].type;
      return TRUE;
    }
  return FALSE;
}

/* A vector of tensor indices: each in [0, n_tensors), or -1 where @allow_absent. */
static gboolean
read_indices (const FvFbTable *t, int slot, const char *what, int n_tensors,
              gboolean allow_absent, int **out, int *n, GError **error)
{
  FvFbVector v;
  if (!fv_fb_vector (t, slot, 4, &v, what, error))
    return FALSE;
  int *idx = g_new (int, v.len ? v.len : 1);
  for (guint32 i = 0; i < v.len; i++) {
    gint32 k = fv_fb_vector_i32 (&v, i);
    if (!(k >= 0 && k < n_tensors) && !(allow_absent && k == -1)) {
      g_free (idx);
      return fail (error, FV_MODEL_ERROR_CORRUPT,
                   "%s %u: tensor index %d is out of range (%d tensors)", what, i, k,
                   n_tensors);
    }
    idx[i] = k < 0 ? FV_TENSOR_ABSENT : k;
  }
  *out = idx;
  *n = (int) v.len;
  return TRUE;
}

/* Custom options: the custom_options vector, or a range past the FlatBuffer (3c). */
static gboolean
custom_bytes (FvTfliteFile *f, const FvFbTable *t, const guint8 **data, size_t *size,
              GError **error)
{
  FvFbVector v;
  guint64 off, sz;
  if (!fv_fb_vector (t, FV_TFL_OP_CUSTOM_OPTIONS, 1, &v, "custom_options", error)
      || !fv_fb_u64 (t, FV_TFL_OP_LARGE_CUSTOM_OPTIONS_OFFSET, 0, &off,
                     "large_custom_options_offset", error)
      || !fv_fb_u64 (t, FV_TFL_OP_LARGE_CUSTOM_OPTIONS_SIZE, 0, &sz,
                     "large_custom_options_size", error))
    return FALSE;
  *data = v.len ? fv_fb_vector_data (&v) : NULL;
  *size = v.len;
  if (v.len == 0 && off > 1) {
    if (off > f->file.size || sz > f->file.size - off)
      return fail (error, FV_MODEL_ERROR_CORRUPT,
                   "large custom options run past end of file");
    *data = f->file.data + off;
    *size = (size_t) sz;
  }
  return TRUE;
}

/* The FlexBuffers-based custom ops need custom_options_format FLEXBUFFERS (0). */
static gboolean
custom_format (const FvFbTable *t, const FvOp *op, GError **error)
{
  gint8 format;
  if (!fv_fb_i8 (t, FV_TFL_OP_CUSTOM_OPTIONS_FORMAT, 0, &format, "custom_options_format",
                 error))
    return FALSE;
  if (format != 0 && (op->type == FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX
                      || op->type == FV_OP_TRANSFORM_TENSOR_BILINEAR))
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED,
                 "custom_options_format %d is not supported (only FLEXBUFFERS)", format);
  return TRUE;
}

static gboolean
read_op (FvTfliteFile *f, const FvFbTable *t, const OpCode *codes, guint32 n_codes,
         int n_tensors, guint32 index, FvOp *op, GError **error)
{
  guint32 ci;
  if (!fv_fb_u32 (t, FV_TFL_OP_OPCODE_INDEX, 0, &ci, "opcode_index", error))
    goto untyped;
  if (ci >= n_codes) {
    fail (error, FV_MODEL_ERROR_CORRUPT, "opcode_index %u is out of range (%u operator codes)",
          ci, n_codes);
    goto untyped;
  }
  const OpCode *code = &codes[ci];
  op->version = code->version;
  if (code->builtin == FV_TFL_CUSTOM) {
    if (!code->custom) {
      fail (error, FV_MODEL_ERROR_CORRUPT, "custom op without a custom_code");
      goto untyped;
    }
    if (!map_custom (code->custom, &op->type)) {
      fail (error, FV_MODEL_ERROR_UNSUPPORTED, "custom op '%s' is not supported",
            code->custom);
      goto untyped;
    }
  } else if (!map_builtin (code->builtin, &op->type)) {
    const char *name = fv_tflite_builtin_name (code->builtin);
    fail (error, FV_MODEL_ERROR_UNSUPPORTED, "builtin op %s (%d) is not supported",
          name ? name : "unknown", code->builtin);
    goto untyped;
  }
  const guint8 *data;
  size_t size;
  if (!read_indices (t, FV_TFL_OP_INPUTS, "input", n_tensors, TRUE, &op->inputs,
                     &op->n_inputs, error)
      || !read_indices (t, FV_TFL_OP_OUTPUTS, "output", n_tensors, FALSE, &op->outputs,
                        &op->n_outputs, error)
      || (code->builtin != FV_TFL_CUSTOM && !fv_tflite_builtin_options (t, op, error))
      || (code->builtin == FV_TFL_CUSTOM
          && (!custom_bytes (f, t, &data, &size, error)
              || !custom_format (t, op, error)
              || !fv_tflite_custom_options (data, size, op, error)))) {
    g_prefix_error (error, "op %u (%s): ", index, fv_op_type_name (op->type));
    return FALSE;
  }
  return TRUE;

untyped:
  g_prefix_error (error, "op %u: ", index);
  return FALSE;
}

static gboolean
read_subgraph (FvTfliteFile *f, const FvFbTable *sg, const OpCode *codes, guint32 n_codes,
               FvModel *m, GError **error)
{
  FvFbVector tensors, ops;
  if (!fv_fb_vector (sg, FV_TFL_SUBGRAPH_TENSORS, 4, &tensors, "tensors", error)
      || !fv_fb_vector (sg, FV_TFL_SUBGRAPH_OPERATORS, 4, &ops, "operators", error))
    return FALSE;
  /* the verified vector lengths bound these allocations by the file size */
  if (tensors.len > (guint32) G_MAXINT || ops.len > (guint32) G_MAXINT)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "too many tensors or operators");
  m->tensors = g_try_new0 (FvTensor, tensors.len ? tensors.len : 1);
  m->ops = g_try_new0 (FvOp, ops.len ? ops.len : 1);
  if (!m->tensors || !m->ops)
    return fail (error, FV_MODEL_ERROR_ARGUMENT, "out of memory");

  for (guint32 i = 0; i < tensors.len; i++) {
    FvFbTable t;
    m->n_tensors = (int) i + 1;  /* so that fv_model_free() frees a partial tensor */
    if (!fv_fb_vector_table (&tensors, i, &t, "table", error)
        || !fv_tflite_read_tensor (f, &t, &m->tensors[i], error)) {
      if (m->tensors[i].name && m->tensors[i].name[0])
        g_prefix_error (error, "tensor %u (%s): ", i, m->tensors[i].name);
      else
        g_prefix_error (error, "tensor %u: ", i);
      return FALSE;
    }
  }
  if (!read_indices (sg, FV_TFL_SUBGRAPH_INPUTS, "subgraph input", m->n_tensors, FALSE,
                     &m->inputs, &m->n_inputs, error)
      || !read_indices (sg, FV_TFL_SUBGRAPH_OUTPUTS, "subgraph output", m->n_tensors, FALSE,
                        &m->outputs, &m->n_outputs, error))
    return FALSE;

  for (guint32 i = 0; i < ops.len; i++) {
    FvFbTable t;
    FvOp *op = &m->ops[i];
    m->n_ops = (int) i + 1;
    if (!fv_fb_vector_table (&ops, i, &t, "table", error)) {
      g_prefix_error (error, "op %u: ", i);
      return FALSE;
    }
    if (!read_op (f, &t, codes, n_codes, m->n_tensors, i, op, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
read_model (FvTfliteFile *f, FvModel *m, GError **error)
{
  FvFbTable root, sg;
  guint32 version;
  const char *desc;
  FvFbVector subgraphs;
  OpCode *codes = NULL;
  guint32 n_codes = 0;

  if (!fv_fb_root (&f->file, "TFL3", &root, error)
      || !fv_fb_u32 (&root, FV_TFL_MODEL_VERSION, 0, &version, "model version", error))
    return FALSE;
  if (version != 3)
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED,
                 "schema version %u is not supported (only 3)", version);
  if (!fv_fb_string (&root, FV_TFL_MODEL_DESCRIPTION, &desc, NULL, "description", error))
    return FALSE;
  m->description = g_strdup (desc ? desc : "");
  if (!fv_fb_vector (&root, FV_TFL_MODEL_BUFFERS, 4, &f->buffers, "buffers", error)
      || !fv_fb_vector (&root, FV_TFL_MODEL_SUBGRAPHS, 4, &subgraphs, "subgraphs", error))
    return FALSE;
  if (subgraphs.len == 0)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "model has no subgraph");
  if (subgraphs.len > 1)
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED,
                 "model has %u subgraphs; only one is supported", subgraphs.len);
  if (f->buffers.len > 0) {
    const guint8 *d;
    size_t n;
    if (!fv_tflite_buffer_bytes (f, 0, &d, &n, error))
      return FALSE;
    if (n != 0)
      return fail (error, FV_MODEL_ERROR_CORRUPT, "buffer 0 (the empty sentinel) has data");
  }
  if (!fv_fb_vector_table (&subgraphs, 0, &sg, "subgraph", error)
      || !read_opcodes (&root, &codes, &n_codes, error))
    return FALSE;
  gboolean ok = read_subgraph (f, &sg, codes, n_codes, m, error);
  g_free (codes);
  return ok;
}

FvModel *
fv_tflite_read (const guint8 *data, size_t size, GError **error)
{
  if (!data || size == 0) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_CORRUPT,
                 "empty model data (no bytes to read)");
    return NULL;
  }
  FvTfliteFile f = { { data, size }, { 0 }, 0, 0 };
  /* constants may share a buffer, but never multiply the file: cap what is copied */
  f.const_budget = 4 * (guint64) size + (1u << 20);
  FvModel *m = g_new0 (FvModel, 1);
  GError *local = NULL;
  if (!read_model (&f, m, &local)) {
    fv_model_free (m);
    g_propagate_error (error, local);
    return NULL;
  }
  return m;
}
