/* fovea tests — every real MediaPipe model parses with fv_tflite_read(), and facts taken
 * from the model inventory (op and tensor counts before folding, input/output shapes,
 * custom-op options, resize flags, sparse constants) come out right. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/tflite/tflite_reader.h"
#include "model_files.h"

#include <string.h>

typedef struct {
  const char *file;
  int n_tensors, n_ops, n_sparse;
  const char *input;
  int n_outputs;
  const char *outputs[2];  /* the first two outputs */
} ModelFacts;

static const ModelFacts facts[] = {
  { "face_detection_short_range.tflite", 250, 164, 0, "1x128x128x3", 2, { "1x896x16", "1x896x1" } },
  { "face_detection_full_range.tflite", 544, 354, 0, "1x192x192x3", 2, { "1x2304x16", "1x2304x1" } },
  { "face_detection_full_range_sparse.tflite", 577, 388, 46, "1x192x192x3", 2, { "1x2304x16", "1x2304x1" } },
  { "face_landmark.tflite", 327, 210, 0, "1x192x192x3", 2, { "1x1x1x1404", "1x1x1x1" } },
  { "face_landmark_with_attention.tflite", 1096, 712, 0, "1x192x192x3", 7, { "1x1x1x1404", "1x1x1x160" } },
  { "palm_detection_lite.tflite", 353, 232, 0, "1x192x192x3", 2, { "1x2016x18", "1x2016x1" } },
  { "palm_detection_full.tflite", 413, 272, 0, "1x192x192x3", 2, { "1x2016x18", "1x2016x1" } },
  { "hand_landmark_lite.tflite", 271, 167, 0, "1x224x224x3", 4, { "1x63", "1x1" } },
  { "hand_landmark_full.tflite", 269, 165, 0, "1x224x224x3", 4, { "1x63", "1x1" } },
  { "pose_detection.tflite", 442, 291, 38, "1x224x224x3", 2, { "1x2254x12", "1x2254x1" } },
  { "pose_landmark_lite.tflite", 492, 305, 0, "1x256x256x3", 5, { "1x195", "1x1" } },
  { "pose_landmark_full.tflite", 535, 332, 0, "1x256x256x3", 5, { "1x195", "1x1" } },
  { "pose_landmark_heavy.tflite", 1098, 689, 0, "1x256x256x3", 5, { "1x195", "1x1" } },
  { "selfie_segmentation.tflite", 360, 246, 0, "1x256x256x3", 1, { "1x256x256x1", NULL } },
  { "selfie_segmentation_landscape.tflite", 370, 246, 0, "1x144x256x3", 1, { "1x144x256x1", NULL } },
};

static FvModel *
read_model (const char *file)
{
  size_t size;
  guint8 *data = tb_read_model_file (file, &size);
  GError *err = NULL;
  FvModel *m = fv_tflite_read (data, size, &err);
  g_free (data);  /* the model must not point into the file bytes */
  if (!m)
    fail_msg ("%s: %s", file, err->message);
  return m;
}

static int
count_ops (const FvModel *m, FvOpType type)
{
  int n = 0;
  for (int i = 0; i < m->n_ops; i++)
    n += m->ops[i].type == type;
  return n;
}

static const FvOp *
nth_op (const FvModel *m, FvOpType type, int k)
{
  for (int i = 0; i < m->n_ops; i++)
    if (m->ops[i].type == type && k-- == 0)
      return &m->ops[i];
  fail_msg ("no %s #%d", fv_op_type_name (type), k);
  return NULL;
}

static void
test_all_models_parse (void **state)
{
  for (size_t k = 0; k < G_N_ELEMENTS (facts); k++) {
    const ModelFacts *f = &facts[k];
    g_autoptr (FvModel) m = read_model (f->file);
    char buf[64];
    assert_int_equal (m->n_tensors, f->n_tensors);
    assert_int_equal (m->n_ops, f->n_ops);
    assert_int_equal (m->n_inputs, 1);
    assert_string_equal (fv_tensor_shape_str (&m->tensors[m->inputs[0]], buf, sizeof buf),
                         f->input);
    assert_int_equal (m->tensors[m->inputs[0]].dtype, FV_DTYPE_FLOAT32);
    assert_int_equal (m->n_outputs, f->n_outputs);
    for (int i = 0; i < 2 && f->outputs[i]; i++)
      assert_string_equal (fv_tensor_shape_str (&m->tensors[m->outputs[i]], buf, sizeof buf),
                           f->outputs[i]);
    int sparse = 0;
    for (int i = 0; i < m->n_tensors; i++) {
      const FvTensor *t = &m->tensors[i];
      assert_non_null (t->name);
      if (t->sparsity)
        sparse++;
      if (t->is_const) {
        assert_non_null (t->data);
        assert_true (((uintptr_t) t->data & 15) == 0);
        if (!t->sparsity)
          assert_int_equal (t->data_bytes, fv_tensor_nbytes (t));
      }
    }
    assert_int_equal (sparse, f->n_sparse);
    /* every float weight is FLOAT16 behind a DEQUANTIZE */
    assert_true (count_ops (m, FV_OP_DEQUANTIZE) > 0);
  }
}

static void
test_face_detection_short_range_options (void **state)
{
  g_autoptr (FvModel) m = read_model ("face_detection_short_range.tflite");
  assert_int_equal (count_ops (m, FV_OP_CONV_2D), 21);
  assert_int_equal (count_ops (m, FV_OP_DEPTHWISE_CONV_2D), 16);
  assert_int_equal (count_ops (m, FV_OP_DEQUANTIZE), 74);
  assert_string_equal (m->description, "keras2tflite_facedetector-front.tflite.generated");
  int conv_s2 = 0, dw_s2 = 0;
  for (int i = 0; i < m->n_ops; i++) {
    const FvOp *op = &m->ops[i];
    if (op->type == FV_OP_CONV_2D && op->options.conv.stride_w == 2) {
      conv_s2++;  /* the 5x5 s2 SAME stem */
      assert_int_equal (op->options.conv.stride_h, 2);
      assert_int_equal (op->options.conv.padding, FV_PADDING_SAME);
      assert_int_equal (op->options.conv.activation, FV_ACT_NONE);
      assert_int_equal (m->tensors[op->inputs[1]].shape[1], 5);
    }
    if (op->type == FV_OP_DEPTHWISE_CONV_2D) {
      assert_int_equal (op->options.conv.depth_multiplier, 1);
      assert_int_equal (op->options.conv.dilation_w, 1);
      dw_s2 += op->options.conv.stride_w == 2;
    }
    if (op->type == FV_OP_MAX_POOL_2D) {
      assert_int_equal (op->options.pool.filter_w, 2);
      assert_int_equal (op->options.pool.stride_h, 2);
      assert_int_equal (op->options.pool.padding, FV_PADDING_SAME);
    }
    if (op->type == FV_OP_RESHAPE)
      assert_true (op->options.reshape.has_new_shape);
    if (op->type == FV_OP_CONCATENATION)
      assert_int_equal (op->options.concat.axis, 1);
  }
  assert_int_equal (conv_s2, 1);
  assert_int_equal (dw_s2, 3);
}

static void
test_selfie_transpose_conv (void **state)
{
  g_autoptr (FvModel) m = read_model ("selfie_segmentation.tflite");
  assert_int_equal (count_ops (m, FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS), 1);
  const FvOp *op = nth_op (m, FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS, 0);
  assert_int_equal (op->options.transpose_conv.padding, FV_PADDING_SAME);
  assert_int_equal (op->options.transpose_conv.stride_w, 2);
  assert_int_equal (op->options.transpose_conv.stride_h, 2);
  assert_int_equal (count_ops (m, FV_OP_AVERAGE_POOL_2D), 10);
  assert_int_equal (count_ops (m, FV_OP_HARD_SWISH), 11);
}

static void
test_attention_custom_ops (void **state)
{
  g_autoptr (FvModel) m = read_model ("face_landmark_with_attention.tflite");
  static const int idx[3][2] = { { 61, 291 }, { 33, 133 }, { 362, 263 } };
  static const int subset_len[3] = { 80, 71, 71 };
  assert_int_equal (count_ops (m, FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX), 3);
  for (int k = 0; k < 3; k++) {
    const FvOp *op = nth_op (m, FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX, k);
    const FvLandmarksToMatrixOptions *o = &op->options.landmarks_to_matrix;
    assert_int_equal (op->version, 2);
    assert_int_equal (o->left_rotation_idx, idx[k][0]);
    assert_int_equal (o->right_rotation_idx, idx[k][1]);
    assert_int_equal (o->output_width, 16);
    assert_int_equal (o->output_height, 16);
    assert_float_equal (o->scale_x, 1.5f, 1e-6);
    assert_float_equal (o->scale_y, 1.5f, 1e-6);
    assert_float_equal (o->target_rotation_radians, 0.f, 1e-6);
    assert_int_equal (o->n_subset_idxs, subset_len[k]);
    for (int i = 0; i < o->n_subset_idxs; i++)
      assert_true (o->subset_idxs[i] >= 0 && o->subset_idxs[i] < 468);
  }
  assert_int_equal (count_ops (m, FV_OP_TRANSFORM_TENSOR_BILINEAR), 3);
  for (int k = 0; k < 3; k++) {
    const FvOp *op = nth_op (m, FV_OP_TRANSFORM_TENSOR_BILINEAR, k);
    assert_int_equal (op->options.transform_tensor.output_width, 16);
    assert_int_equal (op->options.transform_tensor.output_height, 16);
  }
  assert_int_equal (count_ops (m, FV_OP_TRANSFORM_LANDMARKS), 5);
  const FvOp *ss = nth_op (m, FV_OP_STRIDED_SLICE, 0);
  assert_int_equal (ss->options.strided_slice.begin_mask, 0);
  assert_int_equal (ss->options.strided_slice.shrink_axis_mask, 0);
}

static void
test_resize_flags_from_options (void **state)
{
  /* keras2tflite stores version 1 although half_pixel_centers is set */
  g_autoptr (FvModel) m = read_model ("face_detection_full_range.tflite");
  assert_int_equal (count_ops (m, FV_OP_RESIZE_BILINEAR), 3);
  for (int k = 0; k < 3; k++) {
    const FvOp *op = nth_op (m, FV_OP_RESIZE_BILINEAR, k);
    assert_int_equal (op->version, 1);
    assert_true (op->options.resize.half_pixel_centers);
    assert_false (op->options.resize.align_corners);
  }
}

static void
test_sparse_constants (void **state)
{
  g_autoptr (FvModel) m = read_model ("face_detection_full_range_sparse.tflite");
  assert_int_equal (count_ops (m, FV_OP_DENSIFY), 46);
  int n = 0;
  for (int i = 0; i < m->n_tensors; i++) {
    const FvTensor *t = &m->tensors[i];
    if (!t->sparsity)
      continue;
    n++;
    const FvSparsity *s = t->sparsity;
    assert_true (t->is_const);
    assert_int_equal (t->dtype, FV_DTYPE_FLOAT16);
    assert_int_equal (t->rank, 4);
    assert_int_equal (s->n_block_map, 0);
    assert_int_equal (s->n_dim_metadata, 4);
    for (int d = 0; d < 3; d++) {
      assert_int_equal (s->dim_metadata[d].format, FV_DIM_DENSE);
      assert_int_equal (s->dim_metadata[d].dense_size, t->shape[s->traversal_order[d]]);
    }
    const FvDimMetadata *csr = &s->dim_metadata[3];
    assert_int_equal (csr->format, FV_DIM_SPARSE_CSR);
    /* [Cout,1,1,Cin]: one segment per output channel */
    assert_int_equal (csr->n_segments, t->shape[0] + 1);
    assert_int_equal (t->data_bytes, (size_t) csr->n_indices * 2);
    assert_true (t->data_bytes < fv_tensor_nbytes (t));
  }
  assert_int_equal (n, 46);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_all_models_parse),
    cmocka_unit_test (test_face_detection_short_range_options),
    cmocka_unit_test (test_selfie_transpose_conv),
    cmocka_unit_test (test_attention_custom_ops),
    cmocka_unit_test (test_resize_flags_from_options),
    cmocka_unit_test (test_sparse_constants),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
