/* face_mesh tracking on a synthetic clip whose true landmarks are known.
 *
 * The clip: the astronaut photo, frame k moved by (3k, 2k) px and turned by 1.5k degrees
 * about the image centre (20 frames, bilinear resampling, edges replicated). The truth for
 * frame k: fovea's landmarks on frame 0 as tracking finds them (see test_tracking), moved
 * by the same transform.
 * face_mesh runs over the clip with static_image_mode false; the detector must run on well
 * under half of the frames (it should only run on the first) and every frame's landmarks
 * must stay within the photo test's tolerances of the truth: distance in pixels per
 * landmark (x, y) over the face box size (the larger side of the true landmarks' box),
 * mean <= 1% and max <= 3%. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "graph/config.h"
#include "tests/solutions/face_mesh_run.h"
#include "tests/solutions/synthetic_clip.h"

#include <math.h>
#include <stdio.h>

#define N_FRAMES 20
#define SHIFT_X_PX 3.0
#define SHIFT_Y_PX 2.0
#define TURN_DEG 1.5

/* The truth is frame 0's landmarks as tracking finds them: face_mesh run on frame 0 three
 * times in a row (the detector's ROI on the first, then ROIs from landmarks, which settle
 * at once), the last result. The landmark model depends on its crop: the ROI made from the
 * detection and the one made from landmarks differ (on this photo by 0.03 in size and 6
 * degrees in rotation), which alone moves the landmarks by about 1% of the face (the
 * figures printed as "vs static"), so the tracked frames are compared with a tracked
 * frame 0 (and frame 0, found from the detector, with the static result). */
static void
test_tracking (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) photo = clip_load_photo ("skimage_astronaut.png");
  FvImage *frames[N_FRAMES];
  ClipMotion motion[N_FRAMES];
  clip_make (photo, N_FRAMES, SHIFT_X_PX, SHIFT_Y_PX, TURN_DEG, frames, motion);

  FvImage *still_clip[3] = { frames[0], frames[0], frames[0] };
  g_autoptr (FmRun) still = fm_run ("FaceMesh", still_clip, 3, FALSE, NULL, &error);
  if (still == NULL)
    fail_msg ("%s", error->message);
  for (int k = 0; k < 3; k++)
    assert_int_equal (still->faces[k]->len, 1);
  assert_int_equal (still->detector_runs, 1);
  const FvLandmarks *static0 = g_ptr_array_index (still->faces[0], 0);
  const FvLandmarks *truth0 = g_ptr_array_index (still->faces[2], 0);

  g_autoptr (FmRun) run = fm_run ("FaceMesh", frames, N_FRAMES, FALSE, NULL, &error);
  if (run == NULL)
    fail_msg ("%s", error->message);
  printf ("  detector ran on %d of %d frames\n", run->detector_runs, N_FRAMES);

  double W = photo->width, H = photo->height;
  int failures = 0;
  double worst_mean = 0, worst_max = 0;
  for (int k = 0; k < N_FRAMES; k++)
    {
      if (run->faces[k]->len != 1)
        {
          printf ("  frame %2d: %u faces  <- MISMATCH\n", k, run->faces[k]->len);
          failures++;
          continue;
        }
      const FvLandmarks *lm = g_ptr_array_index (run->faces[k], 0);
      double mean_rel, worst_rel, size, s_mean, s_worst, s_size;
      /* frame 0's ROI comes from the detector, as in the static run */
      clip_measure (lm, k == 0 ? static0 : truth0, &motion[k], W, H, &mean_rel, &worst_rel,
                    &size);
      clip_measure (lm, static0, &motion[k], W, H, &s_mean, &s_worst, &s_size);
      gboolean ok = mean_rel <= 0.01 && worst_rel <= 0.03;
      printf ("  frame %2d: landmarks mean %.3f%% max %.3f%% of %.0f px"
              " (vs static: mean %.3f%% max %.3f%%)%s\n", k, 100 * mean_rel,
              100 * worst_rel, size, 100 * s_mean, 100 * s_worst, ok ? "" : "  <- OVER");
      if (k > 0)
        {
          worst_mean = fmax (worst_mean, mean_rel);
          worst_max = fmax (worst_max, worst_rel);
        }
      failures += !ok;
    }
  printf ("  worst tracked frame: mean %.3f%%, max %.3f%%\n", 100 * worst_mean,
          100 * worst_max);
  clip_free_frames (frames, N_FRAMES);
  assert_int_equal (failures, 0);
  assert_true (run->detector_runs >= 1);
  assert_true (run->detector_runs <= N_FRAMES / 4);
}

/* In static mode the same clip runs the detector on every frame. */
static void
test_static_mode_detects_every_frame (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) photo = clip_load_photo ("skimage_astronaut.png");
  FvImage *frames[3];
  clip_make (photo, 3, SHIFT_X_PX, SHIFT_Y_PX, TURN_DEG, frames, NULL);
  g_autoptr (FmRun) run = fm_run ("FaceMesh", frames, 3, TRUE, NULL, &error);
  clip_free_frames (frames, 3);
  if (run == NULL)
    fail_msg ("%s", error->message);
  assert_int_equal (run->detector_runs, 3);
  for (int k = 0; k < 3; k++)
    assert_int_equal (run->faces[k]->len, 1);
}

/* With max_num_faces 2 one tracked face is too few: the detector runs on every frame, and
 * its ROI, overlapping the tracked one, is merged away (still one face per frame). */
static void
test_too_few_tracked_faces_run_the_detector (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) photo = clip_load_photo ("skimage_astronaut.png");
  FvImage *frames[3] = { photo, photo, photo };
  g_autoptr (FmRun) run = fm_run ("FaceMesh", frames, 3, FALSE, "max_num_faces: 2", &error);
  if (run == NULL)
    fail_msg ("%s", error->message);
  assert_int_equal (run->detector_runs, 3);
  for (int k = 0; k < 3; k++)
    assert_int_equal (run->faces[k]->len, 1);
}

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;
  if (g_getenv ("FOVEA_TEST_DATA") == NULL || !fm_register_solutions (&error))
    {
      fprintf (stderr, "%s\n", error ? error->message : "FOVEA_TEST_DATA is not set");
      return -1;
    }
  return 0;
}

static int
teardown (void **state)
{
  fv_subgraph_registry_clear ();
  return 0;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tracking),
    cmocka_unit_test (test_static_mode_detects_every_frame),
    cmocka_unit_test (test_too_few_tracked_faces_run_the_detector),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
