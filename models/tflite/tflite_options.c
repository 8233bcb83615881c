/* fovea — op options: TFLite builtin_options tables and MediaPipe custom_options
 * (raw TfLiteTransposeConvParams, FlexBuffers maps) into FvOpOptions. */
#include "models/tflite/tflite_internal.h"

#include "models/tflite/flexbuffer.h"

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

static gboolean
map_activation (gint8 v, FvActivation *out, GError **error)
{
  static const char *const names[] = { "NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH",
                                        "SIGN_BIT" };
  switch (v) {
  case 0: *out = FV_ACT_NONE; return TRUE;
  case 1: *out = FV_ACT_RELU; return TRUE;
  case 2: *out = FV_ACT_RELU_N1_TO_1; return TRUE;
  case 3: *out = FV_ACT_RELU6; return TRUE;
  default:
    return fail (error, FV_MODEL_ERROR_UNSUPPORTED,
                 "fused activation %s (%d) is not supported",
                 v >= 0 && v < (gint8) G_N_ELEMENTS (names) ? names[v] : "unknown", v);
  }
}

static gboolean
map_padding (gint8 v, FvPadding *out, GError **error)
{
  if (v == 0 || v == 1) {
    *out = v == 0 ? FV_PADDING_SAME : FV_PADDING_VALID;
    return TRUE;
  }
  return fail (error, FV_MODEL_ERROR_CORRUPT, "padding value %d is invalid", v);
}

/* Reads an activation byte field. */
static gboolean
activation_field (const FvFbTable *o, gboolean present, int slot, FvActivation *out,
                  GError **error)
{
  gint8 v = 0;
  if (present && !fv_fb_i8 (o, slot, 0, &v, "fused_activation_function", error))
    return FALSE;
  return map_activation (v, out, error);
}

/* padding, stride_w, stride_h: the first three fields of Conv2D, DepthwiseConv2D and
 * Pool2D options. A missing table means stride 1; a stored stride must be >= 1. */
static gboolean
window_fields (const FvFbTable *o, gboolean present, FvPadding *padding, int *stride_w,
               int *stride_h, GError **error)
{
  gint8 pad = 0;
  gint32 sw = 1, sh = 1;
  if (present && (!fv_fb_i8 (o, 0, 0, &pad, "padding", error)
                  || !fv_fb_i32 (o, 1, 0, &sw, "stride_w", error)
                  || !fv_fb_i32 (o, 2, 0, &sh, "stride_h", error)))
    return FALSE;
  if (!map_padding (pad, padding, error))
    return FALSE;
  if (sw < 1 || sh < 1)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "stride %dx%d is invalid (must be >= 1)", sw,
                 sh);
  *stride_w = sw;
  *stride_h = sh;
  return TRUE;
}

/* Dilation: absent or 0 means 1; negative is corrupt. */
static gboolean
dilation_fields (const FvFbTable *o, gboolean present, int slot_w, int *dw, int *dh,
                 GError **error)
{
  gint32 w = 1, h = 1;
  if (present && (!fv_fb_i32 (o, slot_w, 1, &w, "dilation_w_factor", error)
                  || !fv_fb_i32 (o, slot_w + 1, 1, &h, "dilation_h_factor", error)))
    return FALSE;
  if (w < 0 || h < 0)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "dilation %dx%d is invalid", w, h);
  *dw = w ? w : 1;
  *dh = h ? h : 1;
  return TRUE;
}

static int
expected_options (FvOpType type)
{
  switch (type) {
  case FV_OP_CONV_2D: return FV_TFL_OPT_CONV2D;
  case FV_OP_DEPTHWISE_CONV_2D: return FV_TFL_OPT_DEPTHWISE_CONV2D;
  case FV_OP_AVERAGE_POOL_2D: case FV_OP_MAX_POOL_2D: return FV_TFL_OPT_POOL2D;
  case FV_OP_FULLY_CONNECTED: return FV_TFL_OPT_FULLY_CONNECTED;
  case FV_OP_CONCATENATION: return FV_TFL_OPT_CONCATENATION;
  case FV_OP_ADD: return FV_TFL_OPT_ADD;
  case FV_OP_MUL: return FV_TFL_OPT_MUL;
  case FV_OP_RESIZE_BILINEAR: return FV_TFL_OPT_RESIZE_BILINEAR;
  case FV_OP_RESIZE_NEAREST_NEIGHBOR: return FV_TFL_OPT_RESIZE_NEAREST_NEIGHBOR;
  case FV_OP_RESHAPE: return FV_TFL_OPT_RESHAPE;
  case FV_OP_PAD: return FV_TFL_OPT_PAD;
  case FV_OP_MEAN: return FV_TFL_OPT_REDUCER;
  case FV_OP_STRIDED_SLICE: return FV_TFL_OPT_STRIDED_SLICE;
  case FV_OP_DEQUANTIZE: return FV_TFL_OPT_DEQUANTIZE;
  case FV_OP_HARD_SWISH: return FV_TFL_OPT_HARD_SWISH;
  case FV_OP_DEPTH_TO_SPACE: return FV_TFL_OPT_DEPTH_TO_SPACE;
  case FV_OP_DENSIFY: return FV_TFL_OPT_DENSIFY;
  default: return FV_TFL_OPT_NONE;  /* LOGISTIC, RELU, RELU6, PRELU have no options */
  }
}

gboolean
fv_tflite_builtin_options (const FvFbTable *op_tbl, FvOp *op, GError **error)
{
  guint8 type;
  FvFbTable o = { 0 };
  gboolean present = FALSE;
  if (!fv_fb_u8 (op_tbl, FV_TFL_OP_BUILTIN_OPTIONS_TYPE, 0, &type, "builtin_options_type",
                 error))
    return FALSE;
  int want = expected_options (op->type);
  if (type != FV_TFL_OPT_NONE && type != want)
    return fail (error, FV_MODEL_ERROR_CORRUPT,
                 "builtin_options type %u does not match the op (expected %d)", type, want);
  if (type != FV_TFL_OPT_NONE
      && !fv_fb_table (op_tbl, FV_TFL_OP_BUILTIN_OPTIONS, &o, &present, "builtin_options",
                       error))
    return FALSE;

  FvOpOptions *opt = &op->options;
  switch (op->type) {
  case FV_OP_CONV_2D: {
    FvConvOptions *c = &opt->conv;
    c->depth_multiplier = 1;
    return window_fields (&o, present, &c->padding, &c->stride_w, &c->stride_h, error)
      && activation_field (&o, present, 3, &c->activation, error)
      && dilation_fields (&o, present, 4, &c->dilation_w, &c->dilation_h, error);
  }
  case FV_OP_DEPTHWISE_CONV_2D: {
    FvConvOptions *c = &opt->conv;
    gint32 mult = 1;
    if (!window_fields (&o, present, &c->padding, &c->stride_w, &c->stride_h, error)
        || (present && !fv_fb_i32 (&o, 3, 0, &mult, "depth_multiplier", error))
        || !activation_field (&o, present, 4, &c->activation, error)
        || !dilation_fields (&o, present, 5, &c->dilation_w, &c->dilation_h, error))
      return FALSE;
    /* newer converters leave depth_multiplier 0: the shapes define it */
    if (mult < 0)
      return fail (error, FV_MODEL_ERROR_CORRUPT, "depth_multiplier %d is invalid", mult);
    c->depth_multiplier = mult ? mult : 1;
    return TRUE;
  }
  case FV_OP_AVERAGE_POOL_2D: case FV_OP_MAX_POOL_2D: {
    FvPoolOptions *p = &opt->pool;
    gint32 fw = 1, fh = 1;
    if (!window_fields (&o, present, &p->padding, &p->stride_w, &p->stride_h, error)
        || (present && (!fv_fb_i32 (&o, 3, 0, &fw, "filter_width", error)
                        || !fv_fb_i32 (&o, 4, 0, &fh, "filter_height", error)))
        || !activation_field (&o, present, 5, &p->activation, error))
      return FALSE;
    if (fw < 1 || fh < 1)
      return fail (error, FV_MODEL_ERROR_CORRUPT, "pool filter %dx%d is invalid", fw, fh);
    p->filter_w = fw;
    p->filter_h = fh;
    return TRUE;
  }
  case FV_OP_ADD: case FV_OP_MUL:
    return activation_field (&o, present, 0, &opt->elementwise.activation, error);
  case FV_OP_CONCATENATION: {
    gint32 axis = 0;
    if (present && !fv_fb_i32 (&o, 0, 0, &axis, "axis", error))
      return FALSE;
    opt->concat.axis = axis;
    return activation_field (&o, present, 1, &opt->concat.activation, error);
  }
  case FV_OP_MEAN:
    return !present || fv_fb_bool (&o, 0, FALSE, &opt->reducer.keep_dims, "keep_dims", error);
  case FV_OP_RESIZE_BILINEAR:
    /* slots 0 and 1 are the deprecated new_height / new_width */
    return !present
      || (fv_fb_bool (&o, 2, FALSE, &opt->resize.align_corners, "align_corners", error)
          && fv_fb_bool (&o, 3, FALSE, &opt->resize.half_pixel_centers, "half_pixel_centers",
                         error));
  case FV_OP_RESIZE_NEAREST_NEIGHBOR:
    return !present
      || (fv_fb_bool (&o, 0, FALSE, &opt->resize.align_corners, "align_corners", error)
          && fv_fb_bool (&o, 1, FALSE, &opt->resize.half_pixel_centers, "half_pixel_centers",
                         error));
  case FV_OP_RESHAPE: {
    FvFbVector v;
    if (!present || !fv_fb_has (&o, 0))
      return TRUE;
    if (!fv_fb_vector (&o, 0, 4, &v, "new_shape", error))
      return FALSE;
    if (v.len > FV_MAX_DIMS)
      return fail (error, FV_MODEL_ERROR_UNSUPPORTED,
                   "new_shape has rank %u (the maximum is %d)", v.len, FV_MAX_DIMS);
    opt->reshape.has_new_shape = TRUE;
    opt->reshape.rank = (int) v.len;
    for (guint32 i = 0; i < v.len; i++)
      opt->reshape.new_shape[i] = fv_fb_vector_i32 (&v, i);
    return TRUE;
  }
  case FV_OP_DEPTH_TO_SPACE: {
    gint32 bs = 0;
    if (present && !fv_fb_i32 (&o, 0, 0, &bs, "block_size", error))
      return FALSE;
    if (bs < 1)
      return fail (error, FV_MODEL_ERROR_CORRUPT, "block_size %d is invalid", bs);
    opt->depth_to_space.block_size = bs;
    return TRUE;
  }
  case FV_OP_FULLY_CONNECTED: {
    gint8 wf = 0;
    if (!activation_field (&o, present, 0, &opt->fully_connected.activation, error)
        || (present && (!fv_fb_i8 (&o, 1, 0, &wf, "weights_format", error)
                        || !fv_fb_bool (&o, 2, FALSE, &opt->fully_connected.keep_num_dims,
                                        "keep_num_dims", error))))
      return FALSE;
    if (wf != 0)
      return fail (error, FV_MODEL_ERROR_UNSUPPORTED,
                   "weights_format %d is not supported (only DEFAULT)", wf);
    return TRUE;
  }
  case FV_OP_STRIDED_SLICE: {
    FvStridedSliceOptions *s = &opt->strided_slice;
    gint32 m[5] = { 0 };
    static const char *const names[5] = { "begin_mask", "end_mask", "ellipsis_mask",
                                          "new_axis_mask", "shrink_axis_mask" };
    for (int i = 0; present && i < 5; i++)
      if (!fv_fb_i32 (&o, i, 0, &m[i], names[i], error))
        return FALSE;
    s->begin_mask = m[0];
    s->end_mask = m[1];
    s->ellipsis_mask = m[2];
    s->new_axis_mask = m[3];
    s->shrink_axis_mask = m[4];
    return !present || fv_fb_bool (&o, 5, FALSE, &s->offset, "offset", error);
  }
  default:
    return TRUE;
  }
}

static gint32
le32 (const guint8 *p)
{
  return (gint32) ((guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16)
                   | ((guint32) p[3] << 24));
}

/* Convolution2DTransposeBias stores a raw TfLiteTransposeConvParams, not FlexBuffers. */
static gboolean
transpose_conv_options (const guint8 *data, size_t size, FvTransposeConvOptions *o,
                        GError **error)
{
  if (size < 12)
    return fail (error, FV_MODEL_ERROR_CORRUPT,
                 "custom options are %zu bytes; TfLiteTransposeConvParams needs 12", size);
  gint32 pad = le32 (data), sw = le32 (data + 4), sh = le32 (data + 8);
  if (pad != 1 && pad != 2)  /* TfLitePadding: 1 SAME, 2 VALID */
    return fail (error, FV_MODEL_ERROR_CORRUPT, "padding value %d is invalid", pad);
  if (sw < 1 || sh < 1)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "stride %dx%d is invalid (must be >= 1)", sw,
                 sh);
  o->padding = pad == 1 ? FV_PADDING_SAME : FV_PADDING_VALID;
  o->stride_w = sw;
  o->stride_h = sh;
  return TRUE;
}

static gboolean
get_key (const FvFlexRef *map, const char *key, FvFlexRef *val, GError **error)
{
  gboolean found;
  if (!fv_flex_map_get (map, key, val, &found, error))
    return FALSE;
  if (!found)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "custom options have no '%s'", key);
  return TRUE;
}

static gboolean
get_int (const FvFlexRef *map, const char *key, int *out, GError **error)
{
  FvFlexRef v;
  gint64 i;
  if (!get_key (map, key, &v, error) || !fv_flex_int (&v, &i, error))
    return FALSE;
  if (i < G_MININT32 || i > G_MAXINT32)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "custom option '%s' is out of range", key);
  *out = (int) i;
  return TRUE;
}

static gboolean
get_float (const FvFlexRef *map, const char *key, float *out, GError **error)
{
  FvFlexRef v;
  double d;
  if (!get_key (map, key, &v, error) || !fv_flex_float (&v, &d, error))
    return FALSE;
  *out = (float) d;
  return TRUE;
}

static gboolean
landmarks_to_matrix_options (const guint8 *data, size_t size, FvLandmarksToMatrixOptions *o,
                             GError **error)
{
  FvFlexRef root, v;
  if (!fv_flex_root (data, size, &root, error)
      || !get_int (&root, "left_rotation_idx", &o->left_rotation_idx, error)
      || !get_int (&root, "right_rotation_idx", &o->right_rotation_idx, error)
      || !get_float (&root, "target_rotation_radians", &o->target_rotation_radians, error)
      || !get_int (&root, "output_width", &o->output_width, error)
      || !get_int (&root, "output_height", &o->output_height, error)
      || !get_float (&root, "scale_x", &o->scale_x, error)
      || !get_float (&root, "scale_y", &o->scale_y, error)
      || !get_key (&root, "subset_idxs", &v, error))
    return FALSE;
  /* a vector cannot hold more elements than the buffer has bytes */
  int max_len = size > G_MAXINT ? G_MAXINT : (int) size;
  return fv_flex_int_vector (&v, max_len, &o->subset_idxs, &o->n_subset_idxs, error);
}

static gboolean
transform_tensor_options (const guint8 *data, size_t size, FvTransformTensorOptions *o,
                          GError **error)
{
  FvFlexRef root;
  if (!fv_flex_root (data, size, &root, error)
      || !get_int (&root, "output_height", &o->output_height, error)
      || !get_int (&root, "output_width", &o->output_width, error))
    return FALSE;
  if (o->output_height < 1 || o->output_width < 1)
    return fail (error, FV_MODEL_ERROR_CORRUPT, "output size %dx%d is invalid",
                 o->output_width, o->output_height);
  return TRUE;
}

gboolean
fv_tflite_custom_options (const guint8 *data, size_t size, FvOp *op, GError **error)
{
  switch (op->type) {
  case FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS:
    return transpose_conv_options (data, size, &op->options.transpose_conv, error);
  case FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX:
  case FV_OP_TRANSFORM_TENSOR_BILINEAR:
  case FV_OP_TRANSFORM_LANDMARKS:
    /* version 1 of these ops packed different attributes (input_hw/output_hw,
     * dimensions/scale, ...) and uses other tensor layouts; only v2 is implemented */
    if (op->version != 2)
      return fail (error, FV_MODEL_ERROR_UNSUPPORTED,
                   "version %d is not supported (only version 2)", op->version);
    if (op->type == FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX)
      return landmarks_to_matrix_options (data, size, &op->options.landmarks_to_matrix,
                                          error);
    if (op->type == FV_OP_TRANSFORM_TENSOR_BILINEAR)
      return transform_tensor_options (data, size, &op->options.transform_tensor, error);
    return TRUE;
  default:
    return TRUE;
  }
}
