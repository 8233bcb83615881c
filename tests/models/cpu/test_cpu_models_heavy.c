/* pose_landmark_heavy (1.9 GMAC, the slowest model on "ref") on the "cpu" backend against
 * "ref" and against TFLite's golden outputs (see cpu_models_check.h); its own executable so
 * that it runs beside test_cpu_models.c. */
#include "cpu_models_check.h"

static void
test_pose_landmark_heavy (void **state)
{
  cpu_models_check ("pose_landmark_heavy");
}

int
main (void)
{
  cpu_models_load_manifest ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_pose_landmark_heavy),
  };
  int rc = cmocka_run_group_tests (tests, NULL, NULL);
  g_array_free (checks, TRUE);
  return rc;
}
