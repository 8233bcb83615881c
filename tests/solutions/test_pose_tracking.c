/* pose tracking and smoothing on a synthetic clip whose true landmarks are known.
 *
 * The clip: kpa_wayne_upright (a man standing, head to shoes), frame k moved by (2k, -1k) px
 * and turned by 1k degrees about the image centre (16 frames at 30 fps, bilinear
 * resampling, edges replicated; tests/solutions/synthetic_clip.h). The truth for frame k:
 * pose's landmarks on frame 0 as tracking finds them (pose run on frame 0 three times: the
 * detector's ROI first, then ROIs from the auxiliary landmarks), moved by the same motion.
 * pose (model_complexity 0, the lite model: tracking does not depend on the model, and it
 * keeps the test short under ASan) runs over the clip with static_image_mode false and its
 * default smoothing; the detector must run on well under half of the frames (only the
 * first is expected) and every frame's landmarks must stay within the photo test's
 * tolerance of the truth: mean distance (x, y, px) over the 33 landmarks <= 2% of the body
 * box (the larger side of the true landmarks' box), and their visibility within 0.05 of the
 * truth's on average.
 * Also: in static mode the detector runs on every frame and nothing is smoothed (the
 * landmarks equal those of a lone frame); with smoothing, a frame that jumps is only
 * partly followed at first. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "graph/fovea-graph.h"
#include "graph/landmark.h"
#include "graph/solutions/solutions.h"
#include "tests/solutions/synthetic_clip.h"

#include <math.h>
#include <stdio.h>
#define N_FRAMES 16
#define SHIFT_X_PX 2.0
#define SHIFT_Y_PX -1.0
#define TURN_DEG 1.0
#define FRAME_US 33333

typedef struct {
  int n_frames;
  FvLandmarks **landmarks;   /* per frame (owned), NULL when no person was output */
  int detector_runs;
  GMutex lock;
} PoseRun;

static void
pose_run_free (PoseRun *run)
{
  for (int i = 0; i < run->n_frames; i++)
    fv_landmarks_free (run->landmarks[i]);
  g_free (run->landmarks);
  g_mutex_clear (&run->lock);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoseRun, pose_run_free)

static gboolean
on_landmarks (FvPacket *packet, gpointer user_data, GError **error)
{
  PoseRun *run = user_data;
  gint64 k = fv_packet_timestamp (packet) / FRAME_US;
  const FvLandmarks *src = fv_packet_get_landmarks (packet);
  if (k < 0 || k >= run->n_frames || src == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "unexpected landmarks");
      return FALSE;
    }
  FvLandmarks *copy = fv_landmarks_copy (src);
  g_mutex_lock (&run->lock);
  fv_landmarks_free (run->landmarks[k]);
  run->landmarks[k] = copy;
  g_mutex_unlock (&run->lock);
  return TRUE;
}

/* The frames let through to the detector (the solution's inner "gated_image" stream). */
static gboolean
on_detector_input (FvPacket *packet, gpointer user_data, GError **error)
{
  PoseRun *run = user_data;
  g_mutex_lock (&run->lock);
  run->detector_runs++;
  g_mutex_unlock (&run->lock);
  return TRUE;
}

/* Runs pose (lite) on @frames at 30 fps; @set: more settings, NULL-terminated. */
static PoseRun *
pose_run (FvImage *const *frames, int n, char **set)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, "model_complexity=0");
  for (int i = 0; set != NULL && set[i] != NULL; i++)
    g_ptr_array_add (all, set[i]);
  g_ptr_array_add (all, NULL);
  g_autofree char *text = fv_solution_graph_text (fv_solution_find ("pose"),
                                                  (char **) all->pdata, &error);
  if (text == NULL)
    fail_msg ("%s", error->message);
  PoseRun *run = g_new0 (PoseRun, 1);
  run->n_frames = n;
  run->landmarks = g_new0 (FvLandmarks *, (gsize) n);
  g_mutex_init (&run->lock);
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  /* inner streams are "<the node's name, lowercase>__<stream>" */
  if (g == NULL || !fv_graph_observe (g, "pose_landmarks", on_landmarks, run, &error)
      || !fv_graph_observe (g, "poselite__gated_image", on_detector_input, run, &error)
      || !fv_graph_start (g, &error))
    fail_msg ("%s", error->message);
  for (int k = 0; k < n; k++)
    {
      FvImage *copy = fv_image_convert (frames[k], FV_IMAGE_RGB24, &error);
      if (copy == NULL
          || !fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (copy),
                                                                (gint64) k * FRAME_US), &error))
        fail_msg ("%s", error->message);
    }
  if (!fv_graph_close_all_inputs (g, &error) || !fv_graph_wait_until_done (g, &error))
    fail_msg ("%s", error->message);
  fv_graph_free (g);
  return run;
}

static PoseRun *
pose_run_one (FvImage *const *frames, int n, const char *setting)
{
  char *set[] = { (char *) setting, NULL };
  return pose_run (frames, n, setting ? set : NULL);
}

/* Mean distance (px) between @lm and @truth0 moved by @m, over the body box size (the
 * larger side of the moved truth's box). */
static double
mean_rel_error (const FvLandmarks *lm, const FvLandmarks *truth0, const ClipMotion *m,
                double W, double H, double *size)
{
  assert_int_equal (lm->n, 33);
  assert_int_equal (truth0->n, 33);
  double tx[33], ty[33];
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (int i = 0; i < 33; i++)
    {
      clip_move_point (m, truth0->items[i].x * W, truth0->items[i].y * H, &tx[i], &ty[i]);
      x0 = fmin (x0, tx[i]), x1 = fmax (x1, tx[i]), y0 = fmin (y0, ty[i]), y1 = fmax (y1, ty[i]);
    }
  double sum = 0;
  for (int i = 0; i < 33; i++)
    sum += hypot (lm->items[i].x * W - tx[i], lm->items[i].y * H - ty[i]);
  *size = fmax (x1 - x0, y1 - y0);
  return sum / 33 / *size;
}

static FvImage *
load_wayne (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                            "kpa_wayne_upright.jpg", NULL);
  FvImage *photo = fv_image_load (path, FV_IMAGE_RGB24, &error);
  if (photo == NULL)
    fail_msg ("%s", error->message);
  return photo;
}

static void
test_tracking (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) photo = load_wayne ();
  FvImage *frames[N_FRAMES];
  ClipMotion motion[N_FRAMES];
  clip_make (photo, N_FRAMES, SHIFT_X_PX, SHIFT_Y_PX, TURN_DEG, frames, motion);
  FvImage *still_clip[3] = { frames[0], frames[0], frames[0] };
  g_autoptr (PoseRun) still = pose_run_one (still_clip, 3, NULL);
  for (int k = 0; k < 3; k++)
    assert_non_null (still->landmarks[k]);
  assert_int_equal (still->detector_runs, 1);
  const FvLandmarks *static0 = still->landmarks[0], *truth0 = still->landmarks[2];

  g_autoptr (PoseRun) run = pose_run_one (frames, N_FRAMES, NULL);
  printf ("  detector ran on %d of %d frames\n", run->detector_runs, N_FRAMES);
  double W = photo->width, H = photo->height, worst = 0, worst_vis = 0;
  int failures = 0;
  for (int k = 0; k < N_FRAMES; k++)
    {
      if (run->landmarks[k] == NULL)
        {
          printf ("  frame %2d: no person  <- MISMATCH\n", k);
          failures++;
          continue;
        }
      double size;
      /* frame 0's ROI comes from the detector, as in the lone run */
      const FvLandmarks *ref = k == 0 ? static0 : truth0;
      double rel = mean_rel_error (run->landmarks[k], ref, &motion[k], W, H, &size);
      double vis = 0;
      for (int i = 0; i < 33; i++)
        vis += fabs (run->landmarks[k]->items[i].visibility - ref->items[i].visibility);
      vis /= 33;
      gboolean ok = rel <= 0.02 && vis <= 0.05;
      printf ("  frame %2d: landmarks mean %.3f%% of %.0f px, visibility mean |d| %.4f%s\n", k,
              100 * rel, size, vis, ok ? "" : "  <- OVER");
      worst = fmax (worst, rel);
      worst_vis = fmax (worst_vis, vis);
      failures += !ok;
    }
  printf ("  worst frame: mean %.3f%%, visibility mean |d| %.4f\n", 100 * worst, worst_vis);
  clip_free_frames (frames, N_FRAMES);
  assert_int_equal (failures, 0);
  assert_true (run->detector_runs >= 1);
  assert_true (run->detector_runs <= N_FRAMES / 4);
}

/* static_image_mode: the detector on every frame, and no smoothing: a frame gives what it
 * gives alone, whatever came before. smooth_landmarks=false alone keeps tracking. */
static void
test_static_mode_and_no_smoothing (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) photo = load_wayne ();
  FvImage *frames[3];
  for (int k = 0; k < 3; k++)
    {
      ClipMotion m = clip_motion_of_frame (photo, 4 * k, SHIFT_X_PX, SHIFT_Y_PX, TURN_DEG);
      frames[k] = clip_move_image (photo, &m, &error);
      assert_non_null (frames[k]);
    }
  g_autoptr (PoseRun) run = pose_run_one (frames, 3, "static_image_mode=true");
  g_autoptr (PoseRun) alone = pose_run_one (&frames[2], 1, "static_image_mode=true");
  g_autoptr (PoseRun) unsmoothed = pose_run_one (frames, 3, "smooth_landmarks=false");
  clip_free_frames (frames, 3);
  assert_int_equal (run->detector_runs, 3);
  assert_int_equal (unsmoothed->detector_runs, 1);
  for (int k = 0; k < 3; k++)
    assert_non_null (run->landmarks[k]);
  assert_non_null (alone->landmarks[0]);
  assert_memory_equal (run->landmarks[2]->items, alone->landmarks[0]->items,
                       33 * sizeof (FvLandmark));
}

/* The one-euro filter on a jump: the clip holds frame 0 for 4 frames, then jumps by 8
 * frames' motion. Both runs see the same ROIs (made from the auxiliary landmarks, which are
 * smoothed either way), so only the filter differs: unsmoothed (smooth_landmarks=false)
 * the landmarks follow at once, smoothed (the default) they lag behind on the jump frame. */
static void
test_smoothing_lags_a_jump (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) photo = load_wayne ();
  ClipMotion jump = clip_motion_of_frame (photo, 8, SHIFT_X_PX, SHIFT_Y_PX, TURN_DEG);
  g_autoptr (FvImage) moved = clip_move_image (photo, &jump, &error);
  assert_non_null (moved);
  FvImage *frames[5] = { photo, photo, photo, photo, moved };
  g_autoptr (PoseRun) smooth = pose_run_one (frames, 5, NULL);
  g_autoptr (PoseRun) raw = pose_run_one (frames, 5, "smooth_landmarks=false");
  for (int k = 0; k < 5; k++)
    assert_true (smooth->landmarks[k] != NULL && raw->landmarks[k] != NULL);
  double W = photo->width, H = photo->height, steady = 0, behind = 0, moved_by = 0;
  for (int i = 0; i < 33; i++)
    {
      const FvLandmark *s3 = &smooth->landmarks[3]->items[i], *r3 = &raw->landmarks[3]->items[i];
      const FvLandmark *s4 = &smooth->landmarks[4]->items[i], *r4 = &raw->landmarks[4]->items[i];
      steady = fmax (steady, hypot ((s3->x - r3->x) * W, (s3->y - r3->y) * H));
      behind += hypot ((s4->x - r4->x) * W, (s4->y - r4->y) * H) / 33;
      moved_by += hypot ((r4->x - r3->x) * W, (r4->y - r3->y) * H) / 33;
    }
  printf ("  still frames: smoothed - raw <= %.3f px; jump of %.1f px: smoothed %.1f px "
          "behind\n", steady, moved_by, behind);
  assert_true (moved_by > 10);
  assert_true (behind > 0.02 * moved_by && behind < 0.9 * moved_by);
}

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;
  if (g_getenv ("FOVEA_TEST_DATA") == NULL || !fv_solutions_register (&error))
    return -1;
  return 0;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tracking),
    cmocka_unit_test (test_static_mode_and_no_smoothing),
    cmocka_unit_test (test_smoothing_lags_a_jump),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
