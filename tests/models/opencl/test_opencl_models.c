/* Every catalogued model but the three heaviest on the "opencl" backend (PoCL here)
 * against "ref" and against TFLite's golden outputs (see opencl_models_check.h). */
#include "opencl_models_check.h"

#define MODEL_TEST(n) \
  static void test_##n (void **state) { ocl_models_check (#n); }

MODEL_TEST (face_detection_short_range)
MODEL_TEST (face_detection_full_range)
MODEL_TEST (face_detection_full_range_sparse)
MODEL_TEST (face_landmark)
MODEL_TEST (face_landmark_with_attention)
MODEL_TEST (palm_detection_lite)
MODEL_TEST (palm_detection_full)
MODEL_TEST (hand_landmark_lite)
MODEL_TEST (hand_landmark_full)
MODEL_TEST (pose_landmark_lite)
MODEL_TEST (selfie_segmentation)
MODEL_TEST (selfie_segmentation_landscape)

int
main (void)
{
  ocl_models_load_manifest ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_face_detection_short_range),
    cmocka_unit_test (test_face_detection_full_range),
    cmocka_unit_test (test_face_detection_full_range_sparse),
    cmocka_unit_test (test_face_landmark),
    cmocka_unit_test (test_face_landmark_with_attention),
    cmocka_unit_test (test_palm_detection_lite),
    cmocka_unit_test (test_palm_detection_full),
    cmocka_unit_test (test_hand_landmark_lite),
    cmocka_unit_test (test_hand_landmark_full),
    cmocka_unit_test (test_pose_landmark_lite),
    cmocka_unit_test (test_selfie_segmentation),
    cmocka_unit_test (test_selfie_segmentation_landscape),
  };
  int rc = cmocka_run_group_tests (tests, NULL, NULL);
  g_array_free (checks, TRUE);
  return rc;
}
