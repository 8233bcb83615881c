/* The "opencl" backend's float16 storage mode (FOVEA_OPENCL_FP16=1) on catalogued models
 * that cover every kernel family (convolutions, depthwise, pooling, resize, the attention
 * model's custom ops, the segmentation model's transposed convolution) against "ref"
 * within the stated float16 tolerance (see opencl_models_check.h). */
#include "opencl_models_check.h"

#define MODEL_TEST(n) \
  static void test_##n (void **state) { ocl_models_check_fp16 (#n); }

MODEL_TEST (face_detection_short_range)
MODEL_TEST (face_landmark_with_attention)
MODEL_TEST (hand_landmark_lite)
MODEL_TEST (palm_detection_lite)
MODEL_TEST (selfie_segmentation)

int
main (void)
{
  ocl_models_load_manifest ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_face_detection_short_range),
    cmocka_unit_test (test_face_landmark_with_attention),
    cmocka_unit_test (test_hand_landmark_lite),
    cmocka_unit_test (test_palm_detection_lite),
    cmocka_unit_test (test_selfie_segmentation),
  };
  int rc = cmocka_run_group_tests (tests, NULL, NULL);
  g_array_free (checks, TRUE);
  return rc;
}
