/* fovea — the model catalog: the 15 distinct MediaPipe models of the pinned @mediapipe npm
 * packages, with their provenance, input preparation and decoding options, and the five
 * UpscalerJS super-resolution networks (TF.js layers models) of @upscalerjs/esrgan-slim and
 * -medium.
 *
 * Sources of the numbers (cited per entry as [brief §x] / [inventory: model]):
 *   brief     = /work/shared/models-notes/mediapipe-brief.md (MediaPipe commit 9d880778)
 *   inventory = /work/shared/models-notes/tflite-op-inventory.md (the real npm model files,
 *               "Source" and "Normalization actually used" lines)
 * sha256, sizes and byte ranges were checked against the npm tarballs and against
 * *_packed_assets_loader.js; fetch verifies the sha256 so any drift is caught.
 * A field the sources do not state is left 0 rather than guessed.
 */
#include "models/catalog.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

G_DEFINE_QUARK (fv-catalog-error-quark, fv_catalog_error)

#define PKG_FACE_DETECTION "@mediapipe/face_detection"
#define VER_FACE_DETECTION "0.4.1657300184"
#define PKG_FACE_MESH "@mediapipe/face_mesh"
#define VER_FACE_MESH "0.4.1657299874"
#define PKG_HANDS "@mediapipe/hands"
#define VER_HANDS "0.4.1675469240"
#define PKG_POSE "@mediapipe/pose"
#define VER_POSE "0.5.1675469404"
#define PKG_SELFIE "@mediapipe/selfie_segmentation"
#define VER_SELFIE "0.1.1675465747"
#define PKG_ESRGAN_SLIM "@upscalerjs/esrgan-slim"
#define PKG_ESRGAN_MEDIUM "@upscalerjs/esrgan-medium"
#define VER_ESRGAN "1.0.0"

/* BlazeFace short range [brief §3a table]: 4 layers, strides 8,16,16,16, scales
 * 0.1484375..0.75, offsets 0.5, aspect 1.0, interpolated 1.0, fixed size, 128x128;
 * 896 = 16*16*2 + 8*8*6 boxes; decode num_coords 16, 6 keypoints at offset 4, 2 values
 * each, sigmoid, clip 100, reversed order, scales 128; min score 0.5; NMS IoU 0.3. */
static const FvCatalogDetector face_short_detector = {
  .num_boxes = 896, .num_coords = 16, .num_classes = 1,
  .box_coord_offset = 0, .keypoint_coord_offset = 4,
  .num_keypoints = 6, .num_values_per_keypoint = 2,
  .reverse_output_order = TRUE,
  .x_scale = 128, .y_scale = 128, .w_scale = 128, .h_scale = 128,
  .sigmoid_score = TRUE, .score_clipping_thresh = 100,
  .min_score_thresh = 0.5f, .min_suppression_threshold = 0.3f,
  .anchors = {
    .input_width = 128, .input_height = 128,
    .num_layers = 4, .strides = { 8, 16, 16, 16 },
    .min_scale = 0.1484375f, .max_scale = 0.75f,
    .anchor_offset_x = 0.5f, .anchor_offset_y = 0.5f,
    .num_aspect_ratios = 1, .aspect_ratios = { 1.0f },
    .interpolated_scale_aspect_ratio = 1.0f,
    .fixed_anchor_size = TRUE, .reduce_boxes_in_lowest_layer = FALSE,
  },
};

/* BlazeFace full range [brief §3a table, "Full range (sparse)" column]: 1 layer of stride
 * 4, interpolated 0.0 (no extra anchor), 2304 = 48*48 boxes, scales 192, min score 0.6;
 * the rest as short range. The dense variant is not used by the npm graph; its source
 * graph uses the same settings [inventory: face_detection_full_range]. */
static const FvCatalogDetector face_full_detector = {
  .num_boxes = 2304, .num_coords = 16, .num_classes = 1,
  .box_coord_offset = 0, .keypoint_coord_offset = 4,
  .num_keypoints = 6, .num_values_per_keypoint = 2,
  .reverse_output_order = TRUE,
  .x_scale = 192, .y_scale = 192, .w_scale = 192, .h_scale = 192,
  .sigmoid_score = TRUE, .score_clipping_thresh = 100,
  .min_score_thresh = 0.6f, .min_suppression_threshold = 0.3f,
  .anchors = {
    .input_width = 192, .input_height = 192,
    .num_layers = 1, .strides = { 4 },
    .min_scale = 0.1484375f, .max_scale = 0.75f,
    .anchor_offset_x = 0.5f, .anchor_offset_y = 0.5f,
    .num_aspect_ratios = 1, .aspect_ratios = { 1.0f },
    .interpolated_scale_aspect_ratio = 0.0f,
    .fixed_anchor_size = TRUE, .reduce_boxes_in_lowest_layer = FALSE,
  },
};

/* Palm detection [brief §3c "Palm detection"]: 4 layers, strides 8,16,16,16, scales
 * 0.1484375/0.75, offsets 0.5, aspect 1.0, fixed size, interpolated at its default 1.0;
 * 2016 = 24*24*2 + 12*12*6 boxes; num_coords 18, 7 keypoints at offset 4, 2 values each,
 * sigmoid, clip 100, reversed order, scales 192, min score 0.5, NMS IoU 0.3.
 * num_classes 1: the score tensor is [1,2016,1] [inventory: summary]. */
static const FvCatalogDetector palm_detector = {
  .num_boxes = 2016, .num_coords = 18, .num_classes = 1,
  .box_coord_offset = 0, .keypoint_coord_offset = 4,
  .num_keypoints = 7, .num_values_per_keypoint = 2,
  .reverse_output_order = TRUE,
  .x_scale = 192, .y_scale = 192, .w_scale = 192, .h_scale = 192,
  .sigmoid_score = TRUE, .score_clipping_thresh = 100,
  .min_score_thresh = 0.5f, .min_suppression_threshold = 0.3f,
  .anchors = {
    .input_width = 192, .input_height = 192,
    .num_layers = 4, .strides = { 8, 16, 16, 16 },
    .min_scale = 0.1484375f, .max_scale = 0.75f,
    .anchor_offset_x = 0.5f, .anchor_offset_y = 0.5f,
    .num_aspect_ratios = 1, .aspect_ratios = { 1.0f },
    .interpolated_scale_aspect_ratio = 1.0f,
    .fixed_anchor_size = TRUE, .reduce_boxes_in_lowest_layer = FALSE,
  },
};

/* Pose detection [brief §3d "Detector"]: 5 layers, strides 8,16,32,32,32, scales
 * 0.1484375/0.75, offsets 0.5, aspect 1.0, fixed size; 2254 = 28*28*2 + 14*14*2 + 7*7*6
 * boxes, which is what the default interpolated anchor (1.0, brief §3.0 SsdAnchors
 * defaults) gives; num_coords 12, 4 keypoints, sigmoid, clip 100, reversed order, scales
 * 224, min score 0.5, NMS IoU 0.3. Keypoints start after the 4 box values and take 2 each
 * (4 + 4*2 = 12, as in the face and palm layouts); num_classes 1: scores are [1,2254,1]
 * [inventory: summary]. */
static const FvCatalogDetector pose_detector = {
  .num_boxes = 2254, .num_coords = 12, .num_classes = 1,
  .box_coord_offset = 0, .keypoint_coord_offset = 4,
  .num_keypoints = 4, .num_values_per_keypoint = 2,
  .reverse_output_order = TRUE,
  .x_scale = 224, .y_scale = 224, .w_scale = 224, .h_scale = 224,
  .sigmoid_score = TRUE, .score_clipping_thresh = 100,
  .min_score_thresh = 0.5f, .min_suppression_threshold = 0.3f,
  .anchors = {
    .input_width = 224, .input_height = 224,
    .num_layers = 5, .strides = { 8, 16, 32, 32, 32 },
    .min_scale = 0.1484375f, .max_scale = 0.75f,
    .anchor_offset_x = 0.5f, .anchor_offset_y = 0.5f,
    .num_aspect_ratios = 1, .aspect_ratios = { 1.0f },
    .interpolated_scale_aspect_ratio = 1.0f,
    .fixed_anchor_size = TRUE, .reduce_boxes_in_lowest_layer = FALSE,
  },
};

/* Face mesh [brief §3b items 3-4]: 468x3 in 192-px units, face flag through SIGMOID vs 0.5;
 * the attention model's extra tensors refine it to 478 points. z normalisation is not
 * stated, so normalize_z is left 0. */
static const FvCatalogLandmarks face_mesh_landmarks = {
  .num_landmarks = 468, .num_dims = 3, .num_output_landmarks = 468,
  .presence_threshold = 0.5f,
};
static const FvCatalogLandmarks face_mesh_attention_landmarks = {
  .num_landmarks = 468, .num_dims = 3, .num_output_landmarks = 478,
  .presence_threshold = 0.5f,
};

/* Hand landmarks [brief §3c "Landmark model"]: 21x3 in 224-px units, flag vs 0.5,
 * normalize_z 0.4, world landmarks in metres. */
static const FvCatalogLandmarks hand_landmarks = {
  .num_landmarks = 21, .num_dims = 3, .num_output_landmarks = 21,
  .presence_threshold = 0.5f, .normalize_z = 0.4f,
  .has_world_landmarks = TRUE,
};

/* Pose landmarks [brief §3d "Landmark model"]: 39x5 raw (x, y, z, visibility, presence,
 * SIGMOID on the last two), split into 33 landmarks + 2 auxiliary (ROI) points; presence
 * 0.5; world landmarks in metres. normalize_z not stated: 0. */
static const FvCatalogLandmarks pose_landmarks = {
  .num_landmarks = 39, .num_dims = 5, .num_output_landmarks = 33,
  .presence_threshold = 0.5f, .sigmoid_visibility = TRUE,
  .has_world_landmarks = TRUE,
};

/* Selfie masks [brief §3e]: one channel at the input size, already a probability
 * (TensorsToSegmentation activation NONE). */
static const FvCatalogSegmentation selfie_general_mask = {
  .output_width = 256, .output_height = 256, .output_channels = 1,
  .output_is_probability = TRUE,
};
static const FvCatalogSegmentation selfie_landscape_mask = {
  .output_width = 256, .output_height = 144, .output_channels = 1,
  .output_is_probability = TRUE,
};


/* UpscalerJS RDN networks (MIT). Each is models/xN/model.json plus one weight shard in its
 * package; the definition (dist/esm/packages/shared/src/esrgan/esrgan.js) gives RGB in
 * and out in [0, 255]. sha256 and sizes computed from `npm pack @upscalerjs/esrgan-slim@1.0.0`
 * and `... esrgan-medium@1.0.0`. The receptive radius counts the 3x3 / 5x5 convolutions
 * before the upsampling (slim: 8 layers, one 5x5 = 9 px; medium: 16 layers = 17 px) plus
 * one input pixel for the 3x3 convolution after it. */
static const FvCatalogSuperres slim_x2 = { .scale = 2, .variant = "slim", .receptive_radius = 10 };
static const FvCatalogSuperres slim_x3 = { .scale = 3, .variant = "slim", .receptive_radius = 10 };
static const FvCatalogSuperres slim_x4 = { .scale = 4, .variant = "slim", .receptive_radius = 10 };
static const FvCatalogSuperres medium_x2 = { .scale = 2, .variant = "medium",
                                             .receptive_radius = 18 };
static const FvCatalogSuperres medium_x4 = { .scale = 4, .variant = "medium",
                                             .receptive_radius = 18 };

static const FvCatalogFile slim_x2_shards[] = { {
  .file = "esrgan_slim_x2/group1-shard1of1.bin",
  .sha256 = "5cb464ae4d390ce0a771afd5feaf60fbfcdb18ab48a56db98cdf6b88202369de",
  .size = 888300, .member = "package/models/x2/group1-shard1of1.bin" } };
static const FvCatalogFile slim_x3_shards[] = { {
  .file = "esrgan_slim_x3/group1-shard1of1.bin",
  .sha256 = "9d344609abd1e29bd3924f9c4e9ffaa1aee6be7c3586bab0f52863597858a2ba",
  .size = 907260, .member = "package/models/x3/group1-shard1of1.bin" } };
static const FvCatalogFile slim_x4_shards[] = { {
  .file = "esrgan_slim_x4/group1-shard1of1.bin",
  .sha256 = "82637daaf3ba024df5e9da2389e8992e7a6e8a992ba6268ce6bc490c92e9516e",
  .size = 933804, .member = "package/models/x4/group1-shard1of1.bin" } };
static const FvCatalogFile medium_x2_shards[] = { {
  .file = "esrgan_medium_x2/group1-shard1of1.bin",
  .sha256 = "6a210f30f209192bad4650ea4f619adadbd36228e998aa49a4195c6e7ec70761",
  .size = 2772940, .member = "package/models/x2/group1-shard1of1.bin" } };
static const FvCatalogFile medium_x4_shards[] = { {
  .file = "esrgan_medium_x4/group1-shard1of1.bin",
  .sha256 = "ed791214e78e498dd42ce5da0e16b78a1047732e5d99467aaead2a90cb566a69",
  .size = 2818444, .member = "package/models/x4/group1-shard1of1.bin" } };

/* The fields every super-resolution entry shares. */
#define SUPERRES_ENTRY(NAME, PKG, MEMBER, SHA, SIZE, INFO, SHARDS, DESC) \
  { \
    .name = NAME, .file = NAME "/model.json", .sha256 = SHA, .size = SIZE, \
    .package = PKG, .version = VER_ESRGAN, .member = MEMBER, \
    .range_start = -1, .range_end = -1, \
    .kind = FV_MODEL_KIND_SUPERRES, \
    .input_width = 0, .input_height = 0, .input_channels = 3, \
    .input_lo = 0.0f, .input_hi = 255.0f, \
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_ZERO, \
    .description = DESC, .superres = &INFO, \
    .extra_files = SHARDS, .n_extra_files = G_N_ELEMENTS (SHARDS), \
  }

static const FvCatalogEntry catalog[] = {
  /* [inventory: face_detection_short_range] loose file; 128x128, keep aspect, [-1, 1],
   * border ZERO. */
  {
    .name = "face_detection_short_range",
    .file = "face_detection_short_range.tflite",
    .sha256 = "3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633",
    .size = 229032,
    .package = PKG_FACE_DETECTION, .version = VER_FACE_DETECTION,
    .member = "package/face_detection_short_range.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_DETECTOR,
    .input_width = 128, .input_height = 128, .input_channels = 3,
    .input_lo = -1.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_ZERO,
    .description = "BlazeFace short range: faces within about 2 m, 6 keypoints",
    .detector = &face_short_detector,
  },
  /* [inventory: face_detection_full_range] loose file, not used by the npm graph;
   * same preparation as the sparse variant: 192x192, keep aspect, [-1, 1], ZERO. */
  {
    .name = "face_detection_full_range",
    .file = "face_detection_full_range.tflite",
    .sha256 = "99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3",
    .size = 1083984,
    .package = PKG_FACE_DETECTION, .version = VER_FACE_DETECTION,
    .member = "package/face_detection_full_range.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_DETECTOR,
    .input_width = 192, .input_height = 192, .input_channels = 3,
    .input_lo = -1.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_ZERO,
    .description = "BlazeFace full range (dense): faces within about 5 m, 6 keypoints",
    .detector = &face_full_detector,
  },
  /* [inventory: face_detection_full_range_sparse] loose file, model_selection=1;
   * 192x192, keep aspect, [-1, 1], ZERO, min_score 0.6. */
  {
    .name = "face_detection_full_range_sparse",
    .file = "face_detection_full_range_sparse.tflite",
    .sha256 = "671dd2f9ed11a78436fc21cc42357a803dfc6f73e9fb86541be942d5716c2dce",
    .size = 680736,
    .package = PKG_FACE_DETECTION, .version = VER_FACE_DETECTION,
    .member = "package/face_detection_full_range_sparse.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_DETECTOR,
    .input_width = 192, .input_height = 192, .input_channels = 3,
    .input_lo = -1.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_ZERO,
    .description = "BlazeFace full range (sparse weights, ~30% faster on CPU)",
    .detector = &face_full_detector,
  },
  /* [inventory: face_landmark] face_mesh packed assets [2495952, 3737848); 192x192,
   * stretched (the ROI is already square), [0, 1], border REPLICATE. */
  {
    .name = "face_landmark",
    .file = "face_landmark.tflite",
    .sha256 = "c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1",
    .size = 1241896,
    .package = PKG_FACE_MESH, .version = VER_FACE_MESH,
    .member = "package/face_mesh_solution_packed_assets.data",
    .range_start = 2495952, .range_end = 3737848,
    .kind = FV_MODEL_KIND_LANDMARKS,
    .input_width = 192, .input_height = 192, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = FALSE, .border = FV_CATALOG_BORDER_REPLICATE,
    .description = "Face mesh: 468 3-D face landmarks",
    .landmarks = &face_mesh_landmarks,
  },
  /* [inventory: face_landmark_with_attention] face_mesh packed assets [0, 2495952)
   * (refine_landmarks=true); same preparation as face_landmark. */
  {
    .name = "face_landmark_with_attention",
    .file = "face_landmark_with_attention.tflite",
    .sha256 = "883b7411747bac657c30c462d305d312e9dec6adbf8b85e2f5d8d722fca9455d",
    .size = 2495952,
    .package = PKG_FACE_MESH, .version = VER_FACE_MESH,
    .member = "package/face_mesh_solution_packed_assets.data",
    .range_start = 0, .range_end = 2495952,
    .kind = FV_MODEL_KIND_LANDMARKS,
    .input_width = 192, .input_height = 192, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = FALSE, .border = FV_CATALOG_BORDER_REPLICATE,
    .description = "Attention mesh: 468 face landmarks refined to 478 (lips, eyes, irises)",
    .landmarks = &face_mesh_attention_landmarks,
  },
  /* [inventory: hand_landmark_full] loose file, model_complexity=1; 224x224, keep
   * aspect, [0, 1], REPLICATE. */
  {
    .name = "hand_landmark_full",
    .file = "hand_landmark_full.tflite",
    .sha256 = "8c026882c9ec059ce0f8e75266bee5a9a23c341a40e0000df755374d3d1b9b68",
    .size = 5478688,
    .package = PKG_HANDS, .version = VER_HANDS,
    .member = "package/hand_landmark_full.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_LANDMARKS,
    .input_width = 224, .input_height = 224, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_REPLICATE,
    .description = "Hand landmarks (full): 21 3-D points, handedness, world points",
    .landmarks = &hand_landmarks,
  },
  /* [inventory: hand_landmark_lite] loose file, model_complexity=0; as the full model. */
  {
    .name = "hand_landmark_lite",
    .file = "hand_landmark_lite.tflite",
    .sha256 = "d7fde8ac11f8ce03f8663775bfc323f4fc9f2a38062b4f4efa142874ef5b2a48",
    .size = 2071408,
    .package = PKG_HANDS, .version = VER_HANDS,
    .member = "package/hand_landmark_lite.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_LANDMARKS,
    .input_width = 224, .input_height = 224, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_REPLICATE,
    .description = "Hand landmarks (lite): 21 3-D points, handedness, world points",
    .landmarks = &hand_landmarks,
  },
  /* [inventory: palm_detection_full] hands packed assets [11, 2341291) (the first 11
   * bytes are handedness.txt); 192x192, keep aspect, [0, 1], ZERO. */
  {
    .name = "palm_detection_full",
    .file = "palm_detection_full.tflite",
    .sha256 = "2f25e740121983f68ffc05f99991d524dc0ea812134f6316a26125816941ee85",
    .size = 2341280,
    .package = PKG_HANDS, .version = VER_HANDS,
    .member = "package/hands_solution_packed_assets.data",
    .range_start = 11, .range_end = 2341291,
    .kind = FV_MODEL_KIND_DETECTOR,
    .input_width = 192, .input_height = 192, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_ZERO,
    .description = "Palm detector (full): palm boxes with 7 hand keypoints",
    .detector = &palm_detector,
  },
  /* [inventory: palm_detection_lite] hands packed assets [2341291, 4326731); as full. */
  {
    .name = "palm_detection_lite",
    .file = "palm_detection_lite.tflite",
    .sha256 = "e9a4aaddf90dda56a87235303cf00e4c2d3fb28725f68fd88772997dac905c18",
    .size = 1985440,
    .package = PKG_HANDS, .version = VER_HANDS,
    .member = "package/hands_solution_packed_assets.data",
    .range_start = 2341291, .range_end = 4326731,
    .kind = FV_MODEL_KIND_DETECTOR,
    .input_width = 192, .input_height = 192, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_ZERO,
    .description = "Palm detector (lite): palm boxes with 7 hand keypoints",
    .detector = &palm_detector,
  },
  /* [inventory: pose_detection] pose packed assets [0, 2962288); 224x224, keep aspect,
   * [-1, 1], ZERO. */
  {
    .name = "pose_detection",
    .file = "pose_detection.tflite",
    .sha256 = "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85",
    .size = 2962288,
    .package = PKG_POSE, .version = VER_POSE,
    .member = "package/pose_solution_packed_assets.data",
    .range_start = 0, .range_end = 2962288,
    .kind = FV_MODEL_KIND_DETECTOR,
    .input_width = 224, .input_height = 224, .input_channels = 3,
    .input_lo = -1.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_ZERO,
    .description = "BlazePose detector: face box with 4 body-alignment keypoints",
    .detector = &pose_detector,
  },
  /* [inventory: pose_landmark_full] loose file, model_complexity=1; 256x256, keep
   * aspect, [0, 1], REPLICATE. */
  {
    .name = "pose_landmark_full",
    .file = "pose_landmark_full.tflite",
    .sha256 = "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    .size = 6440512,
    .package = PKG_POSE, .version = VER_POSE,
    .member = "package/pose_landmark_full.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_LANDMARKS,
    .input_width = 256, .input_height = 256, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_REPLICATE,
    .description = "BlazePose GHUM landmarks (full): 33 body points, mask, world points",
    .landmarks = &pose_landmarks,
  },
  /* [inventory: pose_landmark_heavy] loose file, model_complexity=2; as full. */
  {
    .name = "pose_landmark_heavy",
    .file = "pose_landmark_heavy.tflite",
    .sha256 = "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
    .size = 27709200,
    .package = PKG_POSE, .version = VER_POSE,
    .member = "package/pose_landmark_heavy.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_LANDMARKS,
    .input_width = 256, .input_height = 256, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_REPLICATE,
    .description = "BlazePose GHUM landmarks (heavy): 33 body points, mask, world points",
    .landmarks = &pose_landmarks,
  },
  /* [inventory: pose_landmark_lite] loose file, model_complexity=0; as full. */
  {
    .name = "pose_landmark_lite",
    .file = "pose_landmark_lite.tflite",
    .sha256 = "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    .size = 2819824,
    .package = PKG_POSE, .version = VER_POSE,
    .member = "package/pose_landmark_lite.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_LANDMARKS,
    .input_width = 256, .input_height = 256, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = TRUE, .border = FV_CATALOG_BORDER_REPLICATE,
    .description = "BlazePose GHUM landmarks (lite): 33 body points, mask, world points",
    .landmarks = &pose_landmarks,
  },
  /* [inventory: selfie_segmentation] loose file, model_selection=0; 256x256 stretched,
   * [0, 1], ZERO; [brief §3e]: output 256x256x1 already a probability (activation NONE). */
  {
    .name = "selfie_segmentation",
    .file = "selfie_segmentation.tflite",
    .sha256 = "8d13b7fae74af625c641226813616a2117bd6bca19eb3b75574621fc08557f27",
    .size = 249024,
    .package = PKG_SELFIE, .version = VER_SELFIE,
    .member = "package/selfie_segmentation.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_SEGMENTATION,
    .input_width = 256, .input_height = 256, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = FALSE, .border = FV_CATALOG_BORDER_ZERO,
    .description = "Selfie segmentation (general): person mask, people within 2 m",
    .segmentation = &selfie_general_mask,
  },
  /* [inventory: selfie_segmentation_landscape] loose file, model_selection=1; 256 wide
   * x 144 high, stretched, [0, 1], ZERO; output 144x256x1 probabilities [brief §3e]. */
  {
    .name = "selfie_segmentation_landscape",
    .file = "selfie_segmentation_landscape.tflite",
    .sha256 = "4aafe6223bb8dac6fac8ca8ed56852870a33051ef3f6238822d282a109962894",
    .size = 249792,
    .package = PKG_SELFIE, .version = VER_SELFIE,
    .member = "package/selfie_segmentation_landscape.tflite",
    .range_start = -1, .range_end = -1,
    .kind = FV_MODEL_KIND_SEGMENTATION,
    .input_width = 256, .input_height = 144, .input_channels = 3,
    .input_lo = 0.0f, .input_hi = 1.0f,
    .keep_aspect_ratio = FALSE, .border = FV_CATALOG_BORDER_ZERO,
    .description = "Selfie segmentation (landscape 256x144): person mask, fewer FLOPs",
    .segmentation = &selfie_landscape_mask,
  },
  SUPERRES_ENTRY ("esrgan_slim_x2", PKG_ESRGAN_SLIM, "package/models/x2/model.json",
                  "8efb488c2caed0196a6163e3f06798f9245e92623ffd50654a26c372e09150ea", 12336,
                  slim_x2, slim_x2_shards, "ESRGAN slim x2 (UpscalerJS RDN, 2 dense blocks)"),
  SUPERRES_ENTRY ("esrgan_slim_x3", PKG_ESRGAN_SLIM, "package/models/x3/model.json",
                  "642208758cf6c42a4f88745894b45cc03776681a46027b85963f01fe003e9917", 12336,
                  slim_x3, slim_x3_shards, "ESRGAN slim x3 (UpscalerJS RDN, 2 dense blocks)"),
  SUPERRES_ENTRY ("esrgan_slim_x4", PKG_ESRGAN_SLIM, "package/models/x4/model.json",
                  "3a2eaa642232567e7d2a2e7638c9704f42f63f355fc656c18aa78bf2da1d903d", 12336,
                  slim_x4, slim_x4_shards, "ESRGAN slim x4 (UpscalerJS RDN, 2 dense blocks)"),
  SUPERRES_ENTRY ("esrgan_medium_x2", PKG_ESRGAN_MEDIUM, "package/models/x2/model.json",
                  "197b99be1f385b9f7914ecd8fd6e9ebf65833859807aae90666188dbc39cbf93", 30051,
                  medium_x2, medium_x2_shards,
                  "ESRGAN medium x2 (UpscalerJS RDN, 10 dense blocks)"),
  SUPERRES_ENTRY ("esrgan_medium_x4", PKG_ESRGAN_MEDIUM, "package/models/x4/model.json",
                  "6abcf2a497bb361a9b75afbab390a2bc0df88236c7b7c96edc1c2cdbdbec8e3c", 30051,
                  medium_x4, medium_x4_shards,
                  "ESRGAN medium x4 (UpscalerJS RDN, 10 dense blocks)"),
};

const FvCatalogEntry *
fv_catalog_entries (size_t *n)
{
  if (n != NULL)
    *n = G_N_ELEMENTS (catalog);
  return catalog;
}

const FvCatalogEntry *
fv_catalog_find (const char *name_or_file)
{
  if (name_or_file == NULL)
    return NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (catalog); i++) {
    if (strcmp (catalog[i].name, name_or_file) == 0
        || strcmp (catalog[i].file, name_or_file) == 0)
      return &catalog[i];
  }
  return NULL;
}

char *
fv_models_dir (void)
{
  const char *env = g_getenv ("FOVEA_MODEL_DIR");
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_cache_dir (), "fovea", "models", NULL);
}

char *
fv_catalog_tarball_name (const FvCatalogEntry *entry)
{
  g_return_val_if_fail (entry != NULL && entry->package != NULL, NULL);
  /* npm's rule: drop the scope's '@' and turn '/' into '-'. */
  const char *pkg = entry->package[0] == '@' ? entry->package + 1 : entry->package;
  g_autofree char *flat = g_strdup (pkg);
  g_strdelimit (flat, "/", '-');
  return g_strdup_printf ("%s-%s.tgz", flat, entry->version);
}

char *
fv_catalog_model_path (const FvCatalogEntry *entry, GError **error)
{
  if (entry == NULL) {
    g_set_error (error, FV_CATALOG_ERROR, FV_CATALOG_ERROR_UNKNOWN, "no catalog entry given");
    return NULL;
  }
  g_autofree char *dir = fv_models_dir ();
  g_autofree char *path = g_build_filename (dir, entry->file, NULL);
  GStatBuf st;
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, FV_CATALOG_ERROR, FV_CATALOG_ERROR_NOT_FETCHED,
                 "model %s is not fetched (no %s): run `fovea models fetch %s`",
                 entry->name, path, entry->name);
    return NULL;
  }
  if ((int64_t) st.st_size != entry->size) {
    g_set_error (error, FV_CATALOG_ERROR, FV_CATALOG_ERROR_NOT_FETCHED,
                 "model %s is not fetched: %s has %" G_GINT64_FORMAT " bytes, expected %"
                 G_GINT64_FORMAT "; run `fovea models fetch --force %s`",
                 entry->name, path, (gint64) st.st_size, (gint64) entry->size, entry->name);
    return NULL;
  }
  /* the files the main one needs (weight shards): present with their sizes too */
  for (int i = 0; i < entry->n_extra_files; i++) {
    const FvCatalogFile *x = &entry->extra_files[i];
    g_autofree char *xpath = g_build_filename (dir, x->file, NULL);
    if (g_stat (xpath, &st) != 0 || !S_ISREG (st.st_mode) || (int64_t) st.st_size != x->size) {
      g_set_error (error, FV_CATALOG_ERROR, FV_CATALOG_ERROR_NOT_FETCHED,
                   "model %s is not fetched: %s is missing or has the wrong size; run "
                   "`fovea models fetch --force %s`", entry->name, xpath, entry->name);
      return NULL;
    }
  }
  return g_steal_pointer (&path);
}
