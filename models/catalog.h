/* fovea — the model catalog: every model fovea knows (MediaPipe's TFLite models and the
 * UpscalerJS super-resolution networks in TF.js format), where it comes from (pinned npm
 * package, path and byte range inside it, sha256), how its input is prepared and the
 * post-processing numbers a pipeline needs to decode its outputs.
 *
 * Ownership: catalog entries are static, read-only data owned by the library; never free
 * them. Functions returning `char *` return transfer-full strings (g_free).
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

#define FV_CATALOG_ERROR (fv_catalog_error_quark ())
GQuark fv_catalog_error_quark (void);

typedef enum {
  FV_CATALOG_ERROR_UNKNOWN,      /* no catalog entry has that name */
  FV_CATALOG_ERROR_NOT_FETCHED,  /* the model file is absent or has the wrong size */
} FvCatalogError;

typedef enum {
  FV_MODEL_KIND_DETECTOR,        /* SSD-style boxes + scores, decoded with anchors */
  FV_MODEL_KIND_LANDMARKS,       /* a fixed number of points in a region of interest */
  FV_MODEL_KIND_SEGMENTATION,    /* a per-pixel mask */
  FV_MODEL_KIND_SUPERRES,        /* an image upscaled by an integer factor (TF.js model) */
} FvModelKind;

/* What ImageToTensor writes outside the source image. */
typedef enum {
  FV_CATALOG_BORDER_ZERO,
  FV_CATALOG_BORDER_REPLICATE,   /* MediaPipe's default when a graph names none */
} FvCatalogBorder;

#define FV_CATALOG_MAX_LAYERS 8
#define FV_CATALOG_MAX_ASPECT_RATIOS 4

/* SsdAnchorsCalculator options (MediaPipe ssd_anchors_calculator.proto). */
typedef struct {
  int input_width, input_height;
  int num_layers;
  int strides[FV_CATALOG_MAX_LAYERS];          /* num_layers of them */
  float min_scale, max_scale;
  float anchor_offset_x, anchor_offset_y;
  int num_aspect_ratios;
  float aspect_ratios[FV_CATALOG_MAX_ASPECT_RATIOS];
  float interpolated_scale_aspect_ratio;       /* 0: no extra interpolated anchor */
  gboolean fixed_anchor_size;                  /* anchors are 1x1: w/h come from the regression */
  gboolean reduce_boxes_in_lowest_layer;
} FvCatalogAnchors;

/* TensorsToDetectionsCalculator + NonMaxSuppressionCalculator options. */
typedef struct {
  int num_boxes;
  int num_coords;                 /* values per box in the regressor tensor */
  int num_classes;
  int box_coord_offset;
  int keypoint_coord_offset;
  int num_keypoints;
  int num_values_per_keypoint;
  gboolean reverse_output_order;  /* raw order x, y, w, h (else y, x, h, w) */
  float x_scale, y_scale, w_scale, h_scale;
  gboolean sigmoid_score;
  float score_clipping_thresh;    /* raw scores clipped to +-this before the sigmoid */
  float min_score_thresh;
  float min_suppression_threshold; /* IoU of the WEIGHTED (blending) NMS */
  FvCatalogAnchors anchors;
} FvCatalogDetector;

/* TensorsToLandmarksCalculator facts for the main landmark tensor. */
typedef struct {
  int num_landmarks;              /* points in the main landmark tensor */
  int num_dims;                   /* values per point: 3 = x,y,z; 5 adds visibility, presence */
  int num_output_landmarks;       /* points the pipeline emits (after refinement / split) */
  float presence_threshold;       /* on sigmoid(flag tensor) */
  float normalize_z;              /* 0: not stated in the sources (MediaPipe's default is 1) */
  gboolean sigmoid_visibility;    /* visibility/presence values are logits */
  gboolean has_world_landmarks;   /* an extra tensor with metric 3-D points */
} FvCatalogLandmarks;

typedef struct {
  int output_width, output_height, output_channels;
  gboolean output_is_probability; /* TensorsToSegmentation activation NONE */
} FvCatalogSegmentation;

/* A super-resolution network: any input size (a TF.js model instantiated per size),
 * RGB in and out, both in [input_lo, input_hi] = [0, 255]. */
typedef struct {
  int scale;                      /* output size = input size x scale */
  const char *variant;            /* "slim", "medium": the UpscalerJS package's size */
  int receptive_radius;           /* input pixels one output pixel depends on, each side:
                                     a tile overlap at least this large hides every seam */
} FvCatalogSuperres;

/* A further file a model needs beside its main one (a TF.js model's weight shards). It
 * lives next to the main file, in the same folder of the models dir. */
typedef struct {
  const char *file;               /* path in the models dir, "esrgan_slim_x2/group1-shard1of1.bin" */
  const char *sha256;
  int64_t size;
  const char *member;             /* path inside the npm tarball (a loose file) */
} FvCatalogFile;

typedef struct FvCatalogEntry {
  const char *name;               /* "face_landmark" */
  const char *file;               /* "face_landmark.tflite": the name in the models dir (a
                                     TF.js model: "esrgan_slim_x2/model.json", a folder of
                                     its own, as its shards have the same names in every
                                     package) */
  const char *sha256;             /* 64 lowercase hex digits */
  int64_t size;                   /* bytes */
  const char *package;            /* npm package, "@mediapipe/face_mesh" */
  const char *version;            /* pinned version, "0.4.1657299874" */
  const char *member;             /* path inside the npm tarball, "package/..." */
  int64_t range_start, range_end; /* [start, end) inside member; -1, -1 for a loose file */
  FvModelKind kind;
  int input_width, input_height, input_channels;
  float input_lo, input_hi;       /* pixel 0 maps to lo, 255 to hi */
  gboolean keep_aspect_ratio;     /* letterbox rather than stretch */
  FvCatalogBorder border;
  const char *description;        /* one line */
  /* Exactly one of these is non-NULL, the one matching kind. */
  const FvCatalogDetector *detector;
  const FvCatalogLandmarks *landmarks;
  const FvCatalogSegmentation *segmentation;
  const FvCatalogSuperres *superres;
  /* Files fetched and checked with the main one (weight shards); n_extra_files of them. */
  const FvCatalogFile *extra_files;
  int n_extra_files;
} FvCatalogEntry;

/* All entries, in a stable order. Transfer none. */
const FvCatalogEntry *fv_catalog_entries (size_t *n);

/* The entry whose name ("pose_detection") or file name ("pose_detection.tflite") matches,
 * or NULL. Transfer none. */
const FvCatalogEntry *fv_catalog_find (const char *name_or_file);

/* Where models are cached: $FOVEA_MODEL_DIR if set and non-empty, else
 * <user cache dir>/fovea/models. Transfer full. */
char *fv_models_dir (void);

/* The npm tarball name `npm pack` writes for the entry's package and version:
 * "@mediapipe/hands" 0.4.1 -> "mediapipe-hands-0.4.1.tgz". Transfer full. */
char *fv_catalog_tarball_name (const FvCatalogEntry *entry);

/* Full path of the cached model file in fv_models_dir() if it exists with the right size
 * (the sha256 is checked by `fovea models fetch` and fv_models_status() in models/fetch.h,
 * not here: this is the cheap check done when a pipeline opens). Else NULL and
 * FV_CATALOG_ERROR_NOT_FETCHED. Transfer full. */
char *fv_catalog_model_path (const FvCatalogEntry *entry, GError **error);

G_END_DECLS
