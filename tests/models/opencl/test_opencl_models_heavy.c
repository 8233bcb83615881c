/* The three heaviest catalogued models on the "opencl" backend (PoCL here) against "ref"
 * and TFLite's golden outputs (see opencl_models_check.h); a separate executable so they
 * run beside test_opencl_models.c. */
#include "opencl_models_check.h"

#define MODEL_TEST(n) \
  static void test_##n (void **state) { ocl_models_check (#n); }

MODEL_TEST (pose_detection)
MODEL_TEST (pose_landmark_full)
MODEL_TEST (pose_landmark_heavy)

int
main (void)
{
  ocl_models_load_manifest ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_pose_detection),
    cmocka_unit_test (test_pose_landmark_full),
    cmocka_unit_test (test_pose_landmark_heavy),
  };
  int rc = cmocka_run_group_tests (tests, NULL, NULL);
  g_array_free (checks, TRUE);
  return rc;
}
