/* fovea — the refinement specs of MediaPipe's attention face mesh (478 landmarks), copied
 * from mediapipe/modules/face_landmark/tensors_to_face_landmarks_with_attention.pbtxt
 * (google-ai-edge/mediapipe; Apache-2.0), the options of its LandmarksRefinementCalculator:
 * mesh 468 (identity, z copied), lips 80, left eye 71, right eye 71 (z kept from the mesh),
 * left iris 5 -> 468..472 and right iris 5 -> 473..477 (z = mean z of 16 eye contour points).
 */
#include "calculators/landmarks/face_refinement_maps.h"


/* 0 - mesh: indexes_mapping 0 .. 467 */
static const int mesh_map[468] = {
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
  25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46,
  47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68,
  69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
  91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109,
  110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
  128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145,
  146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163,
  164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181,
  182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199,
  200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217,
  218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235,
  236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253,
  254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271,
  272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289,
  290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307,
  308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325,
  326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343,
  344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361,
  362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379,
  380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397,
  398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
  416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433,
  434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451,
  452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467,
};

/* 1 - lips: lower outer, upper outer, lower inner, upper inner, lower semi-outer,
 * upper semi-outer, lower semi-inner, upper semi-inner */
static const int lips_map[80] = {
  61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270,
  409, 78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311,
  310, 415, 76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306, 184, 74, 73, 72, 11, 302,
  303, 304, 408, 62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292, 183, 42, 41, 38, 12,
  268, 271, 272, 407,
};

/* 2 - left eye: lower / upper contour, halos x2, x3, x4 (eyebrow inner), x5 */
static const int left_eye_map[71] = {
  33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173, 130, 25,
  110, 24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190, 226, 31, 228, 229, 230, 231,
  232, 233, 244, 113, 225, 224, 223, 222, 221, 189, 35, 124, 46, 53, 52, 65, 143, 111, 117,
  118, 119, 120, 121, 128, 245, 156, 70, 63, 105, 66, 107, 55, 193,
};

/* 3 - right eye: same layout as the left eye */
static const int right_eye_map[71] = {
  263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398, 359, 255,
  339, 254, 253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414, 446, 261, 448, 449,
  450, 451, 452, 453, 464, 342, 445, 444, 443, 442, 441, 413, 265, 353, 276, 283, 282, 295,
  372, 340, 346, 347, 348, 349, 350, 357, 465, 383, 300, 293, 334, 296, 336, 285, 417,
};

/* 4 - left iris: centre, right, top, left, bottom edge */
static const int left_iris_map[5] = {
  468, 469, 470, 471, 472,
};

/* 5 - right iris */
static const int right_iris_map[5] = {
  473, 474, 475, 476, 477,
};

/* left iris z: the left eye's lower contour and upper contour (no corners) */
static const int left_iris_z_average[16] = {
  33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
};

/* right iris z: the right eye's contour */
static const int right_iris_z_average[16] = {
  263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
};

const FvLandmarksRefinement fv_face_attention_refinements[FV_FACE_ATTENTION_REFINEMENTS] = {
  { mesh_map, G_N_ELEMENTS (mesh_map), FV_Z_REFINEMENT_COPY, NULL, 0 },
  { lips_map, G_N_ELEMENTS (lips_map), FV_Z_REFINEMENT_NONE, NULL, 0 },
  { left_eye_map, G_N_ELEMENTS (left_eye_map), FV_Z_REFINEMENT_NONE, NULL, 0 },
  { right_eye_map, G_N_ELEMENTS (right_eye_map), FV_Z_REFINEMENT_NONE, NULL, 0 },
  { left_iris_map, G_N_ELEMENTS (left_iris_map), FV_Z_REFINEMENT_ASSIGN_AVERAGE,
    left_iris_z_average, G_N_ELEMENTS (left_iris_z_average) },
  { right_iris_map, G_N_ELEMENTS (right_iris_map), FV_Z_REFINEMENT_ASSIGN_AVERAGE,
    right_iris_z_average, G_N_ELEMENTS (right_iris_z_average) },
};
