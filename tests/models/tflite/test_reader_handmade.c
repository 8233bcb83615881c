/* fovea tests — hand-made tiny .tflite files (built with tflite_builder) that exercise
 * each rule of the reader: supported ops and options, unsupported ops / activations /
 * dtypes / quantisation, corrupt shapes, indices, identifiers, sizes, sparsity, custom
 * options and external buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/interpreter.h"
#include "models/tflite/tflite_reader.h"
#include "tflite_builder.h"

#include <string.h>

enum { T_FLOAT32 = 0, T_FLOAT16 = 1, T_INT32 = 2, T_STRING = 5 };
enum { OP_CONV_2D = 3, OP_FULLY_CONNECTED = 9, OP_RELU = 19, OP_SOFTMAX = 25, OP_CUSTOM = 32,
       OP_DENSIFY = 124 };
enum { OPT_CONV2D = 1, OPT_FULLY_CONNECTED = 8, OPT_ADD = 11 };

static const int32_t in_shape[] = { 1, 4, 4, 2 };
static const int32_t w_shape[] = { 3, 1, 1, 2 };
static const int32_t b_shape[] = { 3 };
static const int32_t out_shape[] = { 1, 4, 4, 3 };

/* input 0, weights 1, bias 2, output 3; one CONV_2D op (op 0) with a Conv2DOptions
 * table (VALID, stride 1, RELU6) that tests may override. */
static TbModel *
conv_model (FvtbNode **options)
{
  static const float w[6] = { 1, 2, 3, 4, 5, 6 };
  static const float b[3] = { 0.5f, -1, 2 };
  TbModel *m = tb_model_new ();
  int oc = tb_opcode (m, OP_CONV_2D, NULL, 1);
  int t_in = tb_tensor (m, "input", T_FLOAT32, in_shape, 4, NULL, 0);
  int t_w = tb_tensor (m, "weights", T_FLOAT32, w_shape, 4, w, sizeof w);
  int t_b = tb_tensor (m, "bias", T_FLOAT32, b_shape, 1, b, sizeof b);
  int t_out = tb_tensor (m, "output", T_FLOAT32, out_shape, 4, NULL, 0);
  int32_t ins[3] = { t_in, t_w, t_b }, outs[1] = { t_out };
  int op = tb_op (m, oc, ins, 3, outs, 1);
  FvtbNode *o = fvtb_table (tb_builder (m));
  fvtb_scalar (o, 0, 1, 1);  /* VALID */
  fvtb_scalar (o, 1, 1, 4);
  fvtb_scalar (o, 2, 1, 4);
  fvtb_scalar (o, 3, 3, 1);  /* RELU6 */
  tb_op_builtin_options (m, op, OPT_CONV2D, o);
  int32_t gin[1] = { t_in };
  tb_io (m, gin, 1, outs, 1);
  if (options)
    *options = o;
  return m;
}

static FvModel *
read_ok (TbModel *m)
{
  size_t size;
  guint8 *bytes = tb_model_finish (m, &size);
  GError *err = NULL;
  FvModel *model = fv_tflite_read (bytes, size, &err);
  g_free (bytes);
  if (!model)
    fail_msg ("unexpected error: %s", err->message);
  return model;
}

/* Reads and expects failure with @code and a message containing each of @parts. */
static void
expect_error_bytes (const guint8 *bytes, size_t size, FvModelError code, const char *part1,
                    const char *part2)
{
  GError *err = NULL;
  FvModel *model = fv_tflite_read (bytes, size, &err);
  if (model) {
    fv_model_free (model);
    fail_msg ("expected an error containing '%s'", part1);
  }
  assert_non_null (err);
  if (!g_error_matches (err, FV_MODEL_ERROR, (gint) code)
      || (part1 && !strstr (err->message, part1)) || (part2 && !strstr (err->message, part2)))
    fail_msg ("got error %d '%s'; wanted %d with '%s' '%s'", err->code, err->message, code,
              part1, part2 ? part2 : "");
  g_error_free (err);
}

static void
expect_error (TbModel *m, FvModelError code, const char *part1, const char *part2)
{
  size_t size;
  guint8 *bytes = tb_model_finish (m, &size);
  expect_error_bytes (bytes, size, code, part1, part2);
  g_free (bytes);
}

static void
test_valid_conv (void **state)
{
  g_autoptr (FvModel) m = read_ok (conv_model (NULL));
  assert_string_equal (m->description, "hand-made test model");
  assert_int_equal (m->n_tensors, 4);
  assert_int_equal (m->n_ops, 1);
  assert_int_equal (m->n_inputs, 1);
  assert_int_equal (m->inputs[0], 0);
  assert_int_equal (m->outputs[0], 3);
  const FvTensor *w = &m->tensors[1];
  assert_string_equal (w->name, "weights");
  assert_true (w->is_const);
  assert_int_equal (w->data_bytes, 24);
  assert_float_equal (((const float *) w->data)[5], 6.f, 0);
  assert_false (m->tensors[0].is_const);
  assert_null (m->tensors[0].data);
  const FvOp *op = &m->ops[0];
  assert_int_equal (op->type, FV_OP_CONV_2D);
  assert_int_equal (op->n_inputs, 3);
  assert_int_equal (op->options.conv.padding, FV_PADDING_VALID);
  assert_int_equal (op->options.conv.activation, FV_ACT_RELU6);
  assert_int_equal (op->options.conv.stride_w, 1);
  assert_int_equal (op->options.conv.dilation_h, 1);  /* absent field: schema default */
}

static void
test_missing_options_use_defaults (void **state)
{
  TbModel *tm = conv_model (NULL);
  tb_op_builtin_options (tm, 0, 0, NULL);
  fvtb_ref (tb_op_table (tm, 0), 4, fvtb_table (tb_builder (tm)));  /* ignored: type NONE */
  g_autoptr (FvModel) m = read_ok (tm);
  assert_int_equal (m->ops[0].options.conv.stride_w, 1);
  assert_int_equal (m->ops[0].options.conv.stride_h, 1);
  assert_int_equal (m->ops[0].options.conv.padding, FV_PADDING_SAME);
  assert_int_equal (m->ops[0].options.conv.activation, FV_ACT_NONE);
}

static void
test_unknown_builtin (void **state)
{
  TbModel *m = conv_model (NULL);
  int oc = tb_opcode (m, OP_SOFTMAX, NULL, 1);
  int32_t io[1] = { 3 };
  tb_op (m, oc, io, 1, io, 1);
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "op 1: builtin op SOFTMAX (25) is not supported",
                NULL);
}

static void
test_unknown_high_builtin (void **state)
{
  TbModel *m = conv_model (NULL);
  int oc = tb_opcode (m, 150, NULL, 1);  /* GELU: only in builtin_code, not the byte */
  int32_t io[1] = { 3 };
  tb_op (m, oc, io, 1, io, 1);
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "GELU (150)", NULL);
}

static void
test_unknown_custom (void **state)
{
  TbModel *m = conv_model (NULL);
  int oc = tb_opcode (m, OP_CUSTOM, "Foo", 1);
  int32_t io[1] = { 3 };
  tb_op (m, oc, io, 1, io, 1);
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "custom op 'Foo' is not supported", NULL);
}

static void
test_unsupported_activation (void **state)
{
  FvtbNode *o;
  TbModel *m = conv_model (&o);
  fvtb_scalar (o, 3, 4, 1);  /* TANH */
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "op 0 (CONV_2D)", "TANH");
}

static void
test_bad_stride (void **state)
{
  FvtbNode *o;
  TbModel *m = conv_model (&o);
  fvtb_scalar (o, 2, 0, 4);
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "stride", NULL);
}

static void
test_options_type_mismatch (void **state)
{
  TbModel *m = conv_model (NULL);
  tb_op_builtin_options (m, 0, OPT_ADD, NULL);
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "builtin_options type 11", NULL);
}

static void
test_zero_dim (void **state)
{
  TbModel *m = conv_model (NULL);
  static const int32_t bad[] = { 1, 0, 4, 3 };
  fvtb_ref (tb_tensor_table (m, 3), 0, fvtb_vector_i32 (tb_builder (m), bad, 4));
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "tensor 3 (output): dim 1 is 0", NULL);
}

static void
test_negative_dim_and_huge (void **state)
{
  TbModel *m = conv_model (NULL);
  static const int32_t neg[] = { 1, -4, 4, 3 };
  fvtb_ref (tb_tensor_table (m, 0), 0, fvtb_vector_i32 (tb_builder (m), neg, 4));
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "dim 1 is -4", NULL);

  m = conv_model (NULL);
  static const int32_t huge[] = { 65536, 65536, 4 };
  fvtb_ref (tb_tensor_table (m, 0), 0, fvtb_vector_i32 (tb_builder (m), huge, 3));
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "elements", NULL);

  m = conv_model (NULL);
  static const int32_t deep[] = { 1, 1, 1, 1, 1, 1, 1 };
  fvtb_ref (tb_tensor_table (m, 0), 0, fvtb_vector_i32 (tb_builder (m), deep, 7));
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "rank 7", NULL);
}

static void
test_tensor_index_out_of_range (void **state)
{
  TbModel *m = conv_model (NULL);
  static const int32_t ins[] = { 0, 1, 4 };
  fvtb_ref (tb_op_table (m, 0), 1, fvtb_vector_i32 (tb_builder (m), ins, 3));
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "op 0 (CONV_2D): input 2: tensor index 4 is out of range",
                NULL);

  m = conv_model (NULL);
  static const int32_t outs[] = { -1 };
  fvtb_ref (tb_op_table (m, 0), 2, fvtb_vector_i32 (tb_builder (m), outs, 1));
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "output 0: tensor index -1", NULL);

  m = conv_model (NULL);
  static const int32_t gin[] = { 0 }, gout[] = { 99 };
  tb_io (m, gin, 1, gout, 1);
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "subgraph output 0: tensor index 99", NULL);
}

static void
test_optional_input (void **state)
{
  TbModel *tm = conv_model (NULL);
  static const int32_t ins[] = { 0, 1, -1 };
  fvtb_ref (tb_op_table (tm, 0), 1, fvtb_vector_i32 (tb_builder (tm), ins, 3));
  g_autoptr (FvModel) m = read_ok (tm);
  assert_int_equal (m->ops[0].inputs[2], FV_TENSOR_ABSENT);
}

static void
test_quantized_tensor (void **state)
{
  TbModel *m = conv_model (NULL);
  FvtbBuilder *b = tb_builder (m);
  FvtbNode *q = fvtb_table (b);
  static const float scale[1] = { 0.5f };
  static const int64_t zero[1] = { 3 };
  fvtb_ref (q, 2, fvtb_vector (b, scale, 4, 1));
  fvtb_ref (q, 3, fvtb_vector (b, zero, 8, 1));
  fvtb_ref (tb_tensor_table (m, 0), 4, q);
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "quantized tensors are not supported", NULL);

  /* an empty quantization table (min/max only) is fine */
  TbModel *tm = conv_model (NULL);
  b = tb_builder (tm);
  q = fvtb_table (b);
  fvtb_ref (q, 0, fvtb_vector (b, scale, 4, 1));
  fvtb_ref (tb_tensor_table (tm, 0), 4, q);
  FvModel *ok = read_ok (tm);
  fv_model_free (ok);
}

static void
test_unsupported_dtype (void **state)
{
  TbModel *m = conv_model (NULL);
  fvtb_scalar (tb_tensor_table (m, 3), 1, T_STRING, 1);
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "dtype STRING (5) is not supported", NULL);
}

static void
test_const_size_mismatch (void **state)
{
  TbModel *m = conv_model (NULL);
  static const int32_t shape[] = { 4 };  /* 4 floats, but the buffer holds 3 */
  fvtb_ref (tb_tensor_table (m, 2), 0, fvtb_vector_i32 (tb_builder (m), shape, 1));
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "tensor 2 (bias): constant data is 12 bytes", NULL);
}

static void
test_buffer_index_out_of_range (void **state)
{
  TbModel *m = conv_model (NULL);
  fvtb_scalar (tb_tensor_table (m, 0), 2, 77, 4);
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "buffer index 77 is out of range", NULL);
}

static void
test_schema_version (void **state)
{
  TbModel *m = conv_model (NULL);
  fvtb_scalar (tb_model_table (m), 0, 2, 4);
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "schema version 2", NULL);
}

static void
test_subgraph_count (void **state)
{
  TbModel *m = conv_model (NULL);
  tb_model_set_subgraph_count (m, 2);
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "2 subgraphs", NULL);
  m = conv_model (NULL);
  tb_model_set_subgraph_count (m, 0);
  expect_error (m, FV_MODEL_ERROR_CORRUPT, "no subgraph", NULL);
}

static void
test_fully_connected_weights_format (void **state)
{
  TbModel *m = conv_model (NULL);
  int oc = tb_opcode (m, OP_FULLY_CONNECTED, NULL, 2);
  int32_t ins[2] = { 0, 1 }, outs[1] = { 3 };
  int op = tb_op (m, oc, ins, 2, outs, 1);
  FvtbNode *o = fvtb_table (tb_builder (m));
  fvtb_scalar (o, 1, 1, 1);  /* SHUFFLED4x16INT8 */
  tb_op_builtin_options (m, op, OPT_FULLY_CONNECTED, o);
  expect_error (m, FV_MODEL_ERROR_UNSUPPORTED, "op 1 (FULLY_CONNECTED): weights_format 1", NULL);
}

static void
test_wrong_identifier_and_empty (void **state)
{
  size_t size;
  guint8 *bytes = tb_model_finish (conv_model (NULL), &size);
  bytes[6] = 'X';
  expect_error_bytes (bytes, size, FV_MODEL_ERROR_CORRUPT, "file identifier", NULL);
  expect_error_bytes (bytes, 0, FV_MODEL_ERROR_CORRUPT, "empty", NULL);
  expect_error_bytes (NULL, 100, FV_MODEL_ERROR_CORRUPT, "empty", NULL);
  expect_error_bytes (bytes, 5, FV_MODEL_ERROR_CORRUPT, "too short", NULL);
  g_free (bytes);
}

static void
test_every_truncation_fails (void **state)
{
  size_t size;
  guint8 *bytes = tb_model_finish (conv_model (NULL), &size);
  for (size_t n = 0; n < size; n++) {
    /* a copy of exactly n bytes, so ASan sees any read past the end */
    guint8 *cut = g_memdup2 (bytes, n ? n : 1);
    GError *err = NULL;
    FvModel *m = fv_tflite_read (n ? cut : NULL, n, &err);
    /* the builder ends with the buffers' data, so a cut always breaks something */
    if (m)
      fail_msg ("truncation to %zu of %zu bytes was accepted", n, size);
    assert_true (err && err->message[0]);
    g_error_free (err);
    g_free (cut);
  }
  g_free (bytes);
}

/* A FlexBuffers map of small ints (all widths 1 byte); keys must be sorted. */
static size_t
flex_int_map (const char *const *keys, const int *vals, int n, guint8 *out)
{
  size_t len = 0, key_pos[8];
  for (int i = 0; i < n; i++) {
    key_pos[i] = len;
    memcpy (out + len, keys[i], strlen (keys[i]) + 1);
    len += strlen (keys[i]) + 1;
  }
  out[len++] = (guint8) n;
  size_t kv = len;
  for (int i = 0; i < n; i++, len++)
    out[len] = (guint8) (len - key_pos[i]);
  out[len] = (guint8) (len - kv);
  len++;
  out[len++] = 1;               /* keys width */
  out[len++] = (guint8) n;      /* map length */
  size_t map = len;
  for (int i = 0; i < n; i++)
    out[len++] = (guint8) vals[i];
  for (int i = 0; i < n; i++)
    out[len++] = 1 << 2;        /* INT, width 1 */
  out[len] = (guint8) (len - map);
  len++;
  out[len++] = 9 << 2;          /* MAP, width 1 */
  out[len++] = 1;               /* root width */
  return len;
}

static TbModel *
transform_tensor_model (int version, const guint8 *opts, size_t n)
{
  TbModel *m = conv_model (NULL);
  int oc = tb_opcode (m, OP_CUSTOM, "TransformTensorBilinear", version);
  int32_t ins[2] = { 0, 1 }, outs[1] = { 3 };
  int op = tb_op (m, oc, ins, 2, outs, 1);
  if (opts)
    tb_op_custom_options (m, op, opts, n);
  return m;
}

static void
test_transform_tensor_flexbuffer (void **state)
{
  static const char *const keys[] = { "output_height", "output_width" };
  static const int vals[] = { 16, 12 };
  guint8 buf[128];
  size_t n = flex_int_map (keys, vals, 2, buf);

  g_autoptr (FvModel) m = read_ok (transform_tensor_model (2, buf, n));
  assert_int_equal (m->ops[1].type, FV_OP_TRANSFORM_TENSOR_BILINEAR);
  assert_int_equal (m->ops[1].options.transform_tensor.output_height, 16);
  assert_int_equal (m->ops[1].options.transform_tensor.output_width, 12);

  expect_error (transform_tensor_model (1, buf, n), FV_MODEL_ERROR_UNSUPPORTED,
                "op 1 (TransformTensorBilinear): version 1 is not supported", NULL);
  n = flex_int_map (keys, vals, 1, buf);
  expect_error (transform_tensor_model (2, buf, n), FV_MODEL_ERROR_CORRUPT,
                "have no 'output_width'", NULL);
  expect_error (transform_tensor_model (2, NULL, 0), FV_MODEL_ERROR_CORRUPT,
                "custom options", NULL);
  n = flex_int_map (keys, vals, 2, buf);
  TbModel *tm = transform_tensor_model (2, buf, n);
  fvtb_scalar (tb_op_table (tm, 1), 6, 1, 1);  /* custom_options_format: not FLEXBUFFERS */
  expect_error (tm, FV_MODEL_ERROR_UNSUPPORTED, "custom_options_format 1", NULL);
  /* every cut of the flexbuffer's head fails cleanly (its root stays at the end) */
  n = flex_int_map (keys, vals, 2, buf);
  for (size_t k = 1; k < n; k++) {
    guint8 *cut = g_memdup2 (buf + n - k, k);
    expect_error (transform_tensor_model (2, cut, k), FV_MODEL_ERROR_CORRUPT,
                  "custom options", NULL);
    g_free (cut);
  }
}

static TbModel *
transpose_conv_model (const gint32 *params, size_t n)
{
  TbModel *m = conv_model (NULL);
  int oc = tb_opcode (m, OP_CUSTOM, "Convolution2DTransposeBias", 1);
  int32_t ins[3] = { 0, 1, 2 }, outs[1] = { 3 };
  int op = tb_op (m, oc, ins, 3, outs, 1);
  tb_op_custom_options (m, op, params, n);
  return m;
}

static void
test_transpose_conv_params (void **state)
{
  static const gint32 p[3] = { 2, 3, 4 };  /* VALID, stride_w 3, stride_h 4 */
  g_autoptr (FvModel) m = read_ok (transpose_conv_model (p, 12));
  assert_int_equal (m->ops[1].options.transpose_conv.padding, FV_PADDING_VALID);
  assert_int_equal (m->ops[1].options.transpose_conv.stride_w, 3);
  assert_int_equal (m->ops[1].options.transpose_conv.stride_h, 4);
  expect_error (transpose_conv_model (p, 8), FV_MODEL_ERROR_CORRUPT, "needs 12", NULL);
  static const gint32 bad[3] = { 0, 1, 1 };
  expect_error (transpose_conv_model (bad, 12), FV_MODEL_ERROR_CORRUPT, "padding value 0",
                NULL);
}

/* A sparse FLOAT16 constant [2,3]: rows dense, columns CSR with uint8 indices. */
static TbModel *
sparse_model (const guint8 *segments, int n_seg, const guint8 *indices, int n_idx,
              int n_values, gboolean block)
{
  TbModel *m = conv_model (NULL);
  FvtbBuilder *b = tb_builder (m);
  static const int32_t shape[2] = { 2, 3 };
  guint16 values[8] = { 0 };
  int t = tb_tensor (m, "sparse", T_FLOAT16, shape, 2, values, 2 * (size_t) n_values);
  static const int32_t order[2] = { 0, 1 };
  FvtbNode *d0 = fvtb_table (b), *d1 = fvtb_table (b);
  fvtb_scalar (d0, 0, 0, 1);
  fvtb_scalar (d0, 1, 2, 4);
  fvtb_scalar (d1, 0, 1, 1);
  FvtbNode *seg = fvtb_table (b), *idx = fvtb_table (b);
  fvtb_ref (seg, 0, fvtb_vector (b, segments, 1, (size_t) n_seg));
  fvtb_ref (idx, 0, fvtb_vector (b, indices, 1, (size_t) n_idx));
  fvtb_scalar (d1, 2, 3, 1);  /* Uint8Vector */
  fvtb_ref (d1, 3, seg);
  fvtb_scalar (d1, 4, 3, 1);
  fvtb_ref (d1, 5, idx);
  FvtbNode *dims[2] = { d0, d1 };
  FvtbNode *sp = fvtb_table (b);
  fvtb_ref (sp, 0, fvtb_vector_i32 (b, order, 2));
  if (block)
    fvtb_ref (sp, 1, fvtb_vector_i32 (b, order, 1));
  fvtb_ref (sp, 2, fvtb_vector_refs (b, dims, 2));
  fvtb_ref (tb_tensor_table (m, t), 6, sp);
  int oc = tb_opcode (m, OP_DENSIFY, NULL, 1);
  int32_t ins[1] = { t }, outs[1] = { 3 };
  tb_op (m, oc, ins, 1, outs, 1);
  return m;
}

static void
test_sparsity (void **state)
{
  static const guint8 seg[3] = { 0, 2, 3 }, idx[3] = { 0, 2, 1 };
  g_autoptr (FvModel) m = read_ok (sparse_model (seg, 3, idx, 3, 3, FALSE));
  const FvTensor *t = &m->tensors[4];
  assert_non_null (t->sparsity);
  assert_int_equal (t->data_bytes, 6);
  assert_int_equal (t->sparsity->n_dim_metadata, 2);
  assert_int_equal (t->sparsity->dim_metadata[0].dense_size, 2);
  assert_int_equal (t->sparsity->dim_metadata[1].n_segments, 3);
  assert_int_equal (t->sparsity->dim_metadata[1].indices[1], 2);
  assert_int_equal (m->ops[1].type, FV_OP_DENSIFY);

  static const guint8 bad_idx[3] = { 0, 3, 1 };
  expect_error (sparse_model (seg, 3, bad_idx, 3, 3, FALSE), FV_MODEL_ERROR_CORRUPT,
                "index 3 is outside the dim", NULL);
  static const guint8 bad_seg[3] = { 0, 3, 2 };
  expect_error (sparse_model (bad_seg, 3, idx, 3, 3, FALSE), FV_MODEL_ERROR_CORRUPT,
                "segments", NULL);
  expect_error (sparse_model (seg, 3, idx, 3, 4, FALSE), FV_MODEL_ERROR_CORRUPT,
                "constant data is 8 bytes", NULL);
  expect_error (sparse_model (seg, 2, idx, 3, 3, FALSE), FV_MODEL_ERROR_CORRUPT,
                "2 segments", NULL);
  expect_error (sparse_model (seg, 3, idx, 3, 3, TRUE), FV_MODEL_ERROR_UNSUPPORTED,
                "block-sparse", NULL);
}

static void
test_external_buffer (void **state)
{
  /* Buffer.offset / size (schema 3c): data stored after the FlatBuffer. The offset is a
   * placeholder, patched in the bytes once the layout is known. */
  const guint64 mark = G_GUINT64_CONSTANT (0x1122334455667788);
  TbModel *tm = conv_model (NULL);
  FvtbNode *buf = fvtb_table (tb_builder (tm));
  fvtb_scalar (buf, 1, mark, 8);
  fvtb_scalar (buf, 2, 8, 8);
  int bi = tb_buffer (tm, buf);
  static const int32_t shape[1] = { 2 };
  int t = tb_tensor (tm, "external", T_INT32, shape, 1, NULL, 0);
  fvtb_scalar (tb_tensor_table (tm, t), 2, (guint64) bi, 4);
  size_t size;
  guint8 *bytes = tb_model_finish (tm, &size);
  size_t at = 0;
  for (size_t i = 0; i + 8 <= size; i++)
    if (memcmp (bytes + i, &mark, 8) == 0)
      at = i;
  assert_true (at > 0);
  size_t data_at = (size + 15) & ~(size_t) 15;
  guint8 *file = g_malloc0 (data_at + 8);
  memcpy (file, bytes, size);
  static const gint32 vals[2] = { 7, -9 };
  memcpy (file + data_at, vals, 8);
  guint64 off = data_at;
  memcpy (file + at, &off, 8);
  GError *err = NULL;
  FvModel *m = fv_tflite_read (file, data_at + 8, &err);
  if (!m)
    fail_msg ("%s", err->message);
  assert_true (m->tensors[t].is_const);
  assert_int_equal (((const gint32 *) m->tensors[t].data)[1], -9);
  fv_model_free (m);
  off = data_at + 4;  /* 8 bytes from there run past the end */
  memcpy (file + at, &off, 8);
  expect_error_bytes (file, data_at + 8, FV_MODEL_ERROR_CORRUPT, "runs past end of file", NULL);
  g_free (file);
  g_free (bytes);
}

/* RESIZE_NEAREST_NEIGHBOR (builtin 97) with its ResizeNearestNeighborOptions (union 74:
 * align_corners, half_pixel_centers), read and run: a 2x2 map to 4x4. */
static void
test_resize_nearest (void **state)
{
  static const int32_t shape_in[] = { 1, 2, 2, 1 }, shape_size[] = { 2 };
  static const int32_t shape_out[] = { 1, 4, 4, 1 }, size[] = { 4, 4 };
  TbModel *tm = tb_model_new ();
  int oc = tb_opcode (tm, 97, NULL, 3);
  int t_in = tb_tensor (tm, "input", T_FLOAT32, shape_in, 4, NULL, 0);
  int t_size = tb_tensor (tm, "size", T_INT32, shape_size, 1, size, sizeof size);
  int t_out = tb_tensor (tm, "output", T_FLOAT32, shape_out, 4, NULL, 0);
  int32_t ins[2] = { t_in, t_size }, outs[1] = { t_out };
  int op = tb_op (tm, oc, ins, 2, outs, 1);
  FvtbNode *o = fvtb_table (tb_builder (tm));
  fvtb_scalar (o, 1, 1, 1);   /* half_pixel_centers */
  tb_op_builtin_options (tm, op, 74, o);
  tb_io (tm, (const int32_t[]) { t_in }, 1, outs, 1);
  FvModel *m = read_ok (tm);   /* consumes tm */
  assert_int_equal (m->ops[0].type, FV_OP_RESIZE_NEAREST_NEIGHBOR);
  assert_false (m->ops[0].options.resize.align_corners);
  assert_true (m->ops[0].options.resize.half_pixel_centers);
  assert_true (fv_model_validate (m, NULL));
  FvInterpreter *it = fv_interpreter_new (m, "ref", NULL, NULL);
  assert_non_null (it);
  float *x = fv_interpreter_input (it, 0);
  x[0] = 1, x[1] = 2, x[2] = 3, x[3] = 4;
  assert_true (fv_interpreter_invoke (it, NULL));
  /* floor ((d + 0.5) / 2) = 0, 0, 1, 1 */
  static const float want[16] = { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 };
  assert_memory_equal (fv_interpreter_output (it, 0), want, sizeof want);
  fv_interpreter_free (it);
  fv_model_free (m);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_valid_conv),
    cmocka_unit_test (test_missing_options_use_defaults),
    cmocka_unit_test (test_unknown_builtin),
    cmocka_unit_test (test_unknown_high_builtin),
    cmocka_unit_test (test_unknown_custom),
    cmocka_unit_test (test_unsupported_activation),
    cmocka_unit_test (test_bad_stride),
    cmocka_unit_test (test_options_type_mismatch),
    cmocka_unit_test (test_zero_dim),
    cmocka_unit_test (test_negative_dim_and_huge),
    cmocka_unit_test (test_tensor_index_out_of_range),
    cmocka_unit_test (test_optional_input),
    cmocka_unit_test (test_quantized_tensor),
    cmocka_unit_test (test_unsupported_dtype),
    cmocka_unit_test (test_const_size_mismatch),
    cmocka_unit_test (test_buffer_index_out_of_range),
    cmocka_unit_test (test_schema_version),
    cmocka_unit_test (test_subgraph_count),
    cmocka_unit_test (test_fully_connected_weights_format),
    cmocka_unit_test (test_wrong_identifier_and_empty),
    cmocka_unit_test (test_every_truncation_fails),
    cmocka_unit_test (test_transform_tensor_flexbuffer),
    cmocka_unit_test (test_transpose_conv_params),
    cmocka_unit_test (test_sparsity),
    cmocka_unit_test (test_external_buffer),
    cmocka_unit_test (test_resize_nearest),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
