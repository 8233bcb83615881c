/* fovea — the in-memory model: names, sizes, loading and load-time constant folding. */
#include "models/model.h"

#include "models/kernel.h"
#include "models/tflite/tflite_reader.h"
#include "models/tfjs/tfjs_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (fv-model-error-quark, fv_model_error)

static const char *const op_names[FV_OP_COUNT] = {
  [FV_OP_ADD] = "ADD",
  [FV_OP_AVERAGE_POOL_2D] = "AVERAGE_POOL_2D",
  [FV_OP_CONCATENATION] = "CONCATENATION",
  [FV_OP_CONV_2D] = "CONV_2D",
  [FV_OP_DEPTHWISE_CONV_2D] = "DEPTHWISE_CONV_2D",
  [FV_OP_DEPTH_TO_SPACE] = "DEPTH_TO_SPACE",
  [FV_OP_DEQUANTIZE] = "DEQUANTIZE",
  [FV_OP_DENSIFY] = "DENSIFY",
  [FV_OP_FULLY_CONNECTED] = "FULLY_CONNECTED",
  [FV_OP_HARD_SWISH] = "HARD_SWISH",
  [FV_OP_LOGISTIC] = "LOGISTIC",
  [FV_OP_MAX_POOL_2D] = "MAX_POOL_2D",
  [FV_OP_MEAN] = "MEAN",
  [FV_OP_MUL] = "MUL",
  [FV_OP_PAD] = "PAD",
  [FV_OP_PRELU] = "PRELU",
  [FV_OP_RELU] = "RELU",
  [FV_OP_RELU6] = "RELU6",
  [FV_OP_RESHAPE] = "RESHAPE",
  [FV_OP_RESIZE_BILINEAR] = "RESIZE_BILINEAR",
  [FV_OP_RESIZE_NEAREST_NEIGHBOR] = "RESIZE_NEAREST_NEIGHBOR",
  [FV_OP_STRIDED_SLICE] = "STRIDED_SLICE",
  [FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS] = "Convolution2DTransposeBias",
  [FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX] = "Landmarks2TransformMatrix",
  [FV_OP_TRANSFORM_TENSOR_BILINEAR] = "TransformTensorBilinear",
  [FV_OP_TRANSFORM_LANDMARKS] = "TransformLandmarks",
};

const char *
fv_op_type_name (FvOpType type)
{
  return (type >= 0 && type < FV_OP_COUNT && op_names[type]) ? op_names[type] : "?";
}

const char *
fv_dtype_name (FvDType dtype)
{
  static const char *const names[FV_DTYPE_COUNT] = {
    "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "INT8", "INT16", "BOOL",
  };
  return (dtype >= 0 && dtype < FV_DTYPE_COUNT) ? names[dtype] : "?";
}

const char *
fv_activation_name (FvActivation act)
{
  switch (act) {
  case FV_ACT_NONE: return "NONE";
  case FV_ACT_RELU: return "RELU";
  case FV_ACT_RELU_N1_TO_1: return "RELU_N1_TO_1";
  case FV_ACT_RELU6: return "RELU6";
  }
  return "?";
}

size_t
fv_dtype_size (FvDType dtype)
{
  switch (dtype) {
  case FV_DTYPE_FLOAT32: case FV_DTYPE_INT32: return 4;
  case FV_DTYPE_FLOAT16: case FV_DTYPE_INT16: return 2;
  case FV_DTYPE_INT64: return 8;
  case FV_DTYPE_UINT8: case FV_DTYPE_INT8: case FV_DTYPE_BOOL: return 1;
  default: return 0;
  }
}

int64_t
fv_tensor_numel (const FvTensor *t)
{
  int64_t n = 1;
  for (int i = 0; i < t->rank; i++)
    n *= t->shape[i];
  return n;
}

size_t
fv_tensor_nbytes (const FvTensor *t)
{
  return (size_t) fv_tensor_numel (t) * fv_dtype_size (t->dtype);
}

char *
fv_tensor_shape_str (const FvTensor *t, char *buf, size_t size)
{
  size_t off = 0;
  buf[0] = '\0';
  if (t->rank == 0)
    g_strlcpy (buf, "scalar", size);
  for (int i = 0; i < t->rank && off < size; i++)
    off += (size_t) snprintf (buf + off, size - off, i ? "x%d" : "%d", t->shape[i]);
  return buf;
}

gboolean
fv_tensor_same_shape (const FvTensor *a, const FvTensor *b)
{
  if (a->rank != b->rank)
    return FALSE;
  for (int i = 0; i < a->rank; i++)
    if (a->shape[i] != b->shape[i])
      return FALSE;
  return TRUE;
}

void *
fv_aligned_alloc0 (size_t size)
{
  size_t rounded = (size + 15) & ~(size_t) 15;
  void *p = aligned_alloc (16, rounded ? rounded : 16);
  if (p)
    memset (p, 0, rounded ? rounded : 16);
  return p;
}

void
fv_aligned_free (void *p)
{
  free (p);
}

void
fv_sparsity_free (FvSparsity *s)
{
  if (!s)
    return;
  for (int i = 0; i < s->n_dim_metadata; i++) {
    g_free (s->dim_metadata[i].segments);
    g_free (s->dim_metadata[i].indices);
  }
  g_free (s);
}

static void
op_clear (FvOp *op)
{
  g_free (op->inputs);
  g_free (op->outputs);
  if (op->type == FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX)
    g_free (op->options.landmarks_to_matrix.subset_idxs);
  memset (op, 0, sizeof *op);
}

void
fv_model_free (FvModel *model)
{
  if (!model)
    return;
  for (int i = 0; i < model->n_tensors; i++) {
    g_free (model->tensors[i].name);
    fv_aligned_free (model->tensors[i].data);
    fv_sparsity_free (model->tensors[i].sparsity);
  }
  g_free (model->tensors);
  for (int i = 0; i < model->n_ops; i++)
    op_clear (&model->ops[i]);
  g_free (model->ops);
  g_free (model->inputs);
  g_free (model->outputs);
  g_free (model->description);
  g_free (model);
}

static gboolean
op_inputs_const (const FvModel *model, const FvOp *op)
{
  for (int i = 0; i < op->n_inputs; i++)
    if (op->inputs[i] >= 0 && !model->tensors[op->inputs[i]].is_const)
      return FALSE;
  return op->n_inputs > 0;
}

static gboolean
is_model_output (const FvModel *model, int t)
{
  for (int i = 0; i < model->n_outputs; i++)
    if (model->outputs[i] == t)
      return TRUE;
  return FALSE;
}

gboolean
fv_model_fold_constants (FvModel *model, GError **error)
{
  int kept = 0;
  for (int i = 0; i < model->n_ops; i++) {
    FvOp *op = &model->ops[i];
    gboolean foldable = (op->type == FV_OP_DEQUANTIZE || op->type == FV_OP_DENSIFY)
      && op_inputs_const (model, op);
    for (int o = 0; foldable && o < op->n_outputs; o++)
      if (model->tensors[op->outputs[o]].is_const || is_model_output (model, op->outputs[o]))
        foldable = FALSE;
    if (!foldable) {
      if (kept != i) {
        /* move, not copy: a later failure frees every slot up to n_ops */
        model->ops[kept] = *op;
        memset (op, 0, sizeof *op);
      }
      kept++;
      continue;
    }
    const FvKernel *k = fv_ref_kernel (op->type);
    if (!k)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED, "no kernel");
    if (!k->prepare (model, op, error))
      return FALSE;
    const void *in[8] = { 0 };
    void *out[8] = { 0 };
    if (op->n_inputs > 8 || op->n_outputs > 8)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT, "too many operands");
    for (int j = 0; j < op->n_inputs; j++)
      in[j] = op->inputs[j] >= 0 ? model->tensors[op->inputs[j]].data : NULL;
    for (int j = 0; j < op->n_outputs; j++) {
      FvTensor *t = &model->tensors[op->outputs[j]];
      t->data = fv_aligned_alloc0 (fv_tensor_nbytes (t));
      if (!t->data)
        return fv_op_error (error, model, op, FV_MODEL_ERROR_ARGUMENT, "out of memory");
      t->data_bytes = fv_tensor_nbytes (t);
      out[j] = t->data;
    }
    FvKernelCtx ctx = { model, op, in, out, 0, 1 };
    k->run (&ctx);
    for (int j = 0; j < op->n_outputs; j++)
      model->tensors[op->outputs[j]].is_const = TRUE;
    op_clear (op);
  }
  model->n_ops = kept;
  return TRUE;
}

gboolean
fv_model_validate (const FvModel *model, GError **error)
{
  for (int i = 0; i < model->n_ops; i++) {
    const FvOp *op = &model->ops[i];
    /* Kernels write nbytes of every output: a constant (perhaps a smaller sparse one) or
     * one of the op's own inputs must never be an output. */
    for (int o = 0; o < op->n_outputs; o++) {
      int t = op->outputs[o];
      if (t >= 0 && model->tensors[t].is_const)
        return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                            "output %d is the constant tensor %d", o, t);
      for (int j = 0; t >= 0 && j < op->n_inputs; j++)
        if (op->inputs[j] == t)
          return fv_op_error (error, model, op, FV_MODEL_ERROR_CORRUPT,
                              "tensor %d is both input %d and output %d", t, j, o);
    }
    const FvKernel *k = fv_ref_kernel (op->type);
    if (!k)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                          "the runtime has no kernel for this op");
    if (!k->prepare (model, op, error))
      return FALSE;
  }
  for (int i = 0; i < model->n_inputs; i++) {
    if (model->tensors[model->inputs[i]].is_const) {
      g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_CORRUPT,
                   "input %d (tensor %d) is a constant", i, model->inputs[i]);
      return FALSE;
    }
    if (model->tensors[model->inputs[i]].dtype != FV_DTYPE_FLOAT32) {
      g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED,
                   "input %d (%s) is %s; only FLOAT32 model inputs are supported", i,
                   model->tensors[model->inputs[i]].name,
                   fv_dtype_name (model->tensors[model->inputs[i]].dtype));
      return FALSE;
    }
  }
  return TRUE;
}

FvModel *
fv_model_load_bytes (const guint8 *data, size_t size, GError **error)
{
  FvModel *model = fv_tflite_read (data, size, error);
  if (!model)
    return NULL;
  if (!fv_model_fold_constants (model, error) || !fv_model_validate (model, error)) {
    fv_model_free (model);
    return NULL;
  }
  return model;
}

FvModel *
fv_model_load_file (const char *path, GError **error)
{
  if (g_str_has_suffix (path, ".json")) {
    g_autoptr (FvTfjsModel) tfjs = fv_tfjs_model_load (path, error);
    if (!tfjs)
      return NULL;
    int h, w;
    fv_tfjs_model_input_size (tfjs, &h, &w);
    return fv_tfjs_model_instantiate (tfjs, h ? h : FV_TFJS_DEFAULT_SIZE,
                                      w ? w : FV_TFJS_DEFAULT_SIZE, error);
  }
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  if (!file) {
    if (error && *error)
      (*error)->domain = FV_MODEL_ERROR, (*error)->code = FV_MODEL_ERROR_IO;
    return NULL;
  }
  GError *local = NULL;
  FvModel *model = fv_model_load_bytes ((const guint8 *) g_mapped_file_get_contents (file),
                                        g_mapped_file_get_length (file), &local);
  if (!model) {
    g_propagate_prefixed_error (error, local, "%s: ", path);
    return NULL;
  }
  return model;
}
