/* fovea — the in-memory model: tensors, constants, ops with options.
 *
 * A FvModel is what a model file becomes once read and verified. No backend owns it: the
 * reference kernels, an optimised CPU backend and the OpenCL backend all read the same
 * FvModel. Every tensor index stored in it has been bounds-checked by the loader, every
 * shape is static and positive, and every constant's data holds exactly
 * fv_tensor_nbytes() bytes.
 *
 * Ownership: a FvModel owns everything it points to (names, shapes, constant data,
 * options). Free it with fv_model_free().
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

#define FV_MAX_DIMS 6
/* Largest tensor a model may declare, in elements: 2^28 (1 GiB of float32). Anything
 * bigger is a corrupt or hostile file, never a MediaPipe model. */
#define FV_MAX_TENSOR_ELEMENTS ((int64_t) 1 << 28)

#define FV_MODEL_ERROR (fv_model_error_quark ())
GQuark fv_model_error_quark (void);

typedef enum {
  FV_MODEL_ERROR_IO,          /* the file could not be read */
  FV_MODEL_ERROR_CORRUPT,     /* the bytes are not a valid model */
  FV_MODEL_ERROR_UNSUPPORTED, /* valid, but uses an op / option / dtype we do not run */
  FV_MODEL_ERROR_SHAPE,       /* shapes of an op's tensors do not fit together */
  FV_MODEL_ERROR_ARGUMENT,    /* a caller passed a bad index / size */
} FvModelError;

typedef enum {
  FV_DTYPE_FLOAT32,
  FV_DTYPE_FLOAT16,
  FV_DTYPE_INT32,
  FV_DTYPE_UINT8,
  FV_DTYPE_INT64,
  FV_DTYPE_INT8,
  FV_DTYPE_INT16,
  FV_DTYPE_BOOL,
  FV_DTYPE_COUNT
} FvDType;

/* Every op the runtime knows. Builtins keep TFLite's names; MediaPipe's custom ops
 * follow. */
typedef enum {
  FV_OP_ADD,
  FV_OP_AVERAGE_POOL_2D,
  FV_OP_CONCATENATION,
  FV_OP_CONV_2D,
  FV_OP_DEPTHWISE_CONV_2D,
  FV_OP_DEPTH_TO_SPACE,
  FV_OP_DEQUANTIZE,
  FV_OP_DENSIFY,
  FV_OP_FULLY_CONNECTED,
  FV_OP_HARD_SWISH,
  FV_OP_LOGISTIC,
  FV_OP_MAX_POOL_2D,
  FV_OP_MEAN,
  FV_OP_MUL,
  FV_OP_PAD,
  FV_OP_PRELU,
  FV_OP_RELU,
  FV_OP_RELU6,
  FV_OP_RESHAPE,
  FV_OP_RESIZE_BILINEAR,
  FV_OP_RESIZE_NEAREST_NEIGHBOR,
  FV_OP_STRIDED_SLICE,
  /* MediaPipe custom ops */
  FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS,
  FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX,
  FV_OP_TRANSFORM_TENSOR_BILINEAR,
  FV_OP_TRANSFORM_LANDMARKS,
  FV_OP_COUNT
} FvOpType;

typedef enum {
  FV_ACT_NONE,
  FV_ACT_RELU,
  FV_ACT_RELU_N1_TO_1,
  FV_ACT_RELU6,
} FvActivation;

typedef enum {
  FV_PADDING_SAME,
  FV_PADDING_VALID,
} FvPadding;

/* CONV_2D and DEPTHWISE_CONV_2D */
typedef struct {
  FvPadding padding;
  int stride_w, stride_h;
  int dilation_w, dilation_h;  /* 1 when the file says 0 or nothing */
  int depth_multiplier;        /* depthwise only; 1 otherwise */
  FvActivation activation;
} FvConvOptions;

/* MAX_POOL_2D and AVERAGE_POOL_2D */
typedef struct {
  FvPadding padding;
  int stride_w, stride_h;
  int filter_w, filter_h;
  FvActivation activation;
} FvPoolOptions;

/* ADD, MUL */
typedef struct {
  FvActivation activation;
} FvElementwiseOptions;

typedef struct {
  int axis;                    /* as stored; may be negative */
  FvActivation activation;
} FvConcatOptions;

/* MEAN */
typedef struct {
  gboolean keep_dims;
} FvReducerOptions;

/* RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR */
typedef struct {
  gboolean align_corners;
  gboolean half_pixel_centers;
} FvResizeOptions;

typedef struct {
  gboolean has_new_shape;      /* ReshapeOptions.new_shape present */
  int rank;
  int32_t new_shape[FV_MAX_DIMS];
} FvReshapeOptions;

typedef struct {
  int block_size;
} FvDepthToSpaceOptions;

typedef struct {
  FvActivation activation;
  gboolean keep_num_dims;
} FvFullyConnectedOptions;

typedef struct {
  int begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
  gboolean offset;
} FvStridedSliceOptions;

/* Convolution2DTransposeBias: raw TfLiteTransposeConvParams in custom_options */
typedef struct {
  FvPadding padding;
  int stride_w, stride_h;
} FvTransposeConvOptions;

/* Landmarks2TransformMatrix (v2, flexbuffer map) */
typedef struct {
  int left_rotation_idx, right_rotation_idx;
  float target_rotation_radians;
  int output_width, output_height;
  float scale_x, scale_y;
  int n_subset_idxs;
  int32_t *subset_idxs;        /* owned by the model */
} FvLandmarksToMatrixOptions;

/* TransformTensorBilinear (v2, flexbuffer map) */
typedef struct {
  int output_height, output_width;
} FvTransformTensorOptions;

typedef union {
  FvConvOptions conv;
  FvPoolOptions pool;
  FvElementwiseOptions elementwise;
  FvConcatOptions concat;
  FvReducerOptions reducer;
  FvResizeOptions resize;
  FvReshapeOptions reshape;
  FvDepthToSpaceOptions depth_to_space;
  FvFullyConnectedOptions fully_connected;
  FvStridedSliceOptions strided_slice;
  FvTransposeConvOptions transpose_conv;
  FvLandmarksToMatrixOptions landmarks_to_matrix;
  FvTransformTensorOptions transform_tensor;
} FvOpOptions;

/* Sparse storage of a constant (TFLite SparsityParameters), indices widened to int32. */
typedef enum {
  FV_DIM_DENSE,
  FV_DIM_SPARSE_CSR,
} FvDimFormat;

typedef struct {
  FvDimFormat format;
  int dense_size;              /* FV_DIM_DENSE */
  int n_segments;              /* FV_DIM_SPARSE_CSR: array_segments, n_segments entries */
  int32_t *segments;           /* owned */
  int n_indices;               /* FV_DIM_SPARSE_CSR: array_indices */
  int32_t *indices;            /* owned */
} FvDimMetadata;

typedef struct {
  int n_traversal_order;
  int32_t traversal_order[2 * FV_MAX_DIMS];
  int n_block_map;
  int32_t block_map[FV_MAX_DIMS];
  int n_dim_metadata;
  FvDimMetadata dim_metadata[2 * FV_MAX_DIMS];
} FvSparsity;

typedef struct {
  char *name;                  /* owned; never NULL ("" when the file has none) */
  FvDType dtype;
  int rank;                    /* 0..FV_MAX_DIMS */
  int32_t shape[FV_MAX_DIMS];  /* every dim >= 1 */
  gboolean is_const;           /* data is a constant held by the model */
  void *data;                  /* owned, 16-byte aligned, fv_tensor_nbytes() bytes; NULL for
                                  activations (their memory comes from a backend's arena) */
  FvSparsity *sparsity;        /* owned; non-NULL only for a sparse constant: then data holds
                                  the stored (compressed) values, data_bytes of them */
  size_t data_bytes;           /* bytes in data (== fv_tensor_nbytes() unless sparse) */
} FvTensor;

#define FV_TENSOR_ABSENT (-1)  /* an optional op input left out */

typedef struct {
  FvOpType type;
  int version;                 /* OperatorCode.version, for messages */
  int n_inputs;
  int *inputs;                 /* owned; tensor indices or FV_TENSOR_ABSENT */
  int n_outputs;
  int *outputs;                /* owned; tensor indices */
  FvOpOptions options;
} FvOp;

typedef struct {
  char *description;           /* owned; may be "" */
  int n_tensors;
  FvTensor *tensors;
  int n_ops;
  FvOp *ops;
  int n_inputs;
  int *inputs;                 /* tensor indices */
  int n_outputs;
  int *outputs;                /* tensor indices */
} FvModel;

/* Helpers usable by every backend. */
const char *fv_op_type_name (FvOpType type);
const char *fv_dtype_name (FvDType dtype);
const char *fv_activation_name (FvActivation act);
size_t fv_dtype_size (FvDType dtype);

int64_t fv_tensor_numel (const FvTensor *t);
size_t fv_tensor_nbytes (const FvTensor *t);
/* "1x192x192x3" into buf (at least 64 bytes); returns buf */
char *fv_tensor_shape_str (const FvTensor *t, char *buf, size_t size);
gboolean fv_tensor_same_shape (const FvTensor *a, const FvTensor *b);

/* Loads a model file (TFLite FlatBuffer), verifies it, folds the load-time ops
 * (DEQUANTIZE of float16 constants, DENSIFY of sparse constants) into float32
 * constants, and checks every remaining op against its reference kernel's rules.
 * Returns a model the caller frees with fv_model_free(), or NULL and @error. */
FvModel *fv_model_load_file (const char *path, GError **error);
/* A path ending in ".json" is a TF.js layers model (models/tfjs/tfjs_model.h): it is
 * instantiated for its fixed input size, or FV_TFJS_DEFAULT_SIZE square when the size is
 * open; use fv_tfjs_model_instantiate() for any other size. */
#define FV_TFJS_DEFAULT_SIZE 128
FvModel *fv_model_load_bytes (const guint8 *data, size_t size, GError **error);

/* Runs every op whose inputs are all constants (DEQUANTIZE, DENSIFY) once, turning its
 * outputs into constants and removing it from the op list. Called by fv_model_load_*. */
gboolean fv_model_fold_constants (FvModel *model, GError **error);

/* Checks every op with its reference kernel's prepare (shapes, options). */
gboolean fv_model_validate (const FvModel *model, GError **error);

/* Memory helpers for building models (the reader and tests use them). */
void *fv_aligned_alloc0 (size_t size);   /* 16-byte aligned, zeroed; free with fv_aligned_free */
void fv_aligned_free (void *p);
void fv_model_free (FvModel *model);
void fv_sparsity_free (FvSparsity *s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvModel, fv_model_free)

G_END_DECLS
