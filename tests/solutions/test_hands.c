/* hands and hands_lite against MediaPipe's own results.
 *
 * tests/data/mediapipe/<photo>.hands.json holds what MediaPipe's web solution (CPU
 * inference, static image mode, maxNumHands 2) found on each photo of tests/data/images:
 * config "complexity1" (hands: the full palm and landmark models) and "complexity0"
 * (hands_lite). fovea runs the same solution in static_image_mode and must find the same
 * hands: as many, and each MediaPipe hand paired with the fovea hand nearest to it (the
 * order of hands is not part of the result) must have
 *   - the same handedness label and class index, its score within 0.01;
 *   - landmarks (x, y) within 1.5% of the hand box size on average (the bound) and
 *     5% at most, the distance in pixels per landmark over the larger side, in pixels, of
 *     the box of MediaPipe's landmarks;
 *   - world landmarks within 2 mm on average and 5 mm at most (3-D distance).
 * fovea and MediaPipe run the same models on the same crops, so the measured errors are far
 * below these bounds (under 0.01% and 0.01 mm; printed); the bounds leave room for other
 * kernels (OpenCL) and resampling details, not for a wrong ROI or a swapped hand.
 * A photo where MediaPipe finds no hand must give none in fovea either. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "graph/config.h"
#include "tests/solutions/golden_photos.h"
#include "tests/solutions/hands_run.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define N_LANDMARKS 21
#define MEAN_BOUND 0.015
#define MAX_BOUND 0.05
#define WORLD_MEAN_BOUND_M 0.002
#define WORLD_MAX_BOUND_M 0.005
#define SCORE_BOUND 0.01

static const char *data_dir;

typedef GoldenPhoto Photo;

/* Every photo with a hands reference, sorted by name. */
static GPtrArray *
load_photos (void)
{
  return golden_photos_load (data_dir, ".hands.json");
}

/* MediaPipe's result object for @config. */
static JsonObject *
reference_result (Photo *p, const char *config)
{
  return golden_photo_result (p, config);
}

/* An array member that may be null (no hands): its length, 0 for null. */
static guint
hands_in (JsonObject *result, const char *member)
{
  JsonNode *n = json_object_get_member (result, member);
  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_array_get_length (json_node_get_array (n))
                                                : 0;
}

/* Mean distance (px) between @lm and MediaPipe's hand @ref ([21][x, y, z]). */
static double
mean_distance (const FvLandmarks *lm, JsonArray *ref, double W, double H)
{
  double sum = 0;
  for (int k = 0; k < N_LANDMARKS; k++)
    {
      JsonArray *pt = json_array_get_array_element (ref, (guint) k);
      sum += hypot ((lm->items[k].x - json_array_get_double_element (pt, 0)) * W,
                    (lm->items[k].y - json_array_get_double_element (pt, 1)) * H);
    }
  return sum / N_LANDMARKS;
}

static void
compare_all (const char *config, const char *type)
{
  g_autoptr (GPtrArray) photos = load_photos ();
  assert_true (photos->len >= 10);
  g_autofree FvImage **frames = g_new (FvImage *, photos->len);
  for (guint i = 0; i < photos->len; i++)
    frames[i] = ((Photo *) g_ptr_array_index (photos, i))->image;
  g_autoptr (GError) error = NULL;
  g_autoptr (HandsRun) run = hands_run (type, frames, (int) photos->len, TRUE, NULL, &error);
  if (run == NULL)
    fail_msg ("%s", error->message);
  assert_int_equal (run->detector_runs, (int) photos->len);

  int compared = 0, failures = 0;
  for (guint i = 0; i < photos->len; i++)
    {
      Photo *p = g_ptr_array_index (photos, i);
      JsonObject *result = reference_result (p, config);
      guint mp_n = hands_in (result, "multiHandLandmarks");
      assert_int_equal (hands_in (result, "multiHandedness"), mp_n);
      assert_int_equal (hands_in (result, "multiHandWorldLandmarks"), mp_n);
      GPtrArray *fv = run->landmarks[i];
      assert_int_equal (run->world_landmarks[i]->len, fv->len);
      assert_int_equal (run->handedness[i]->len, fv->len);
      printf ("  %-28s %-11s MediaPipe %u hand(s), fovea %u", p->photo, config, mp_n, fv->len);
      if (fv->len != mp_n)
        {
          printf ("  <- MISMATCH\n");
          failures++;
          continue;
        }
      printf ("\n");
      if (mp_n == 0)
        continue;
      JsonArray *mp_lm = json_object_get_array_member (result, "multiHandLandmarks");
      JsonArray *mp_world = json_object_get_array_member (result, "multiHandWorldLandmarks");
      JsonArray *mp_hd = json_object_get_array_member (result, "multiHandedness");
      double W = p->image->width, H = p->image->height;
      gboolean taken[8] = { FALSE };
      assert_true (mp_n <= G_N_ELEMENTS (taken));
      for (guint h = 0; h < mp_n; h++)
        {
          JsonArray *ref = json_array_get_array_element (mp_lm, h);
          assert_int_equal (json_array_get_length (ref), N_LANDMARKS);
          /* the nearest fovea hand not yet paired */
          int best = -1;
          double best_d = INFINITY;
          for (guint f = 0; f < fv->len; f++)
            {
              const FvLandmarks *lm = g_ptr_array_index (fv, f);
              assert_int_equal (lm->n, N_LANDMARKS);
              double d = mean_distance (lm, ref, W, H);
              if (!taken[f] && d < best_d)
                best = (int) f, best_d = d;
            }
          if (best < 0)
            fail_msg ("%s: no fovea hand near MediaPipe's hand %u", p->photo, h);
          taken[best] = TRUE;
          const FvLandmarks *lm = g_ptr_array_index (fv, (guint) best);
          double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY, worst = 0;
          for (int k = 0; k < N_LANDMARKS; k++)
            {
              JsonArray *pt = json_array_get_array_element (ref, (guint) k);
              double x = json_array_get_double_element (pt, 0) * W;
              double y = json_array_get_double_element (pt, 1) * H;
              x0 = fmin (x0, x), x1 = fmax (x1, x), y0 = fmin (y0, y), y1 = fmax (y1, y);
              worst = fmax (worst, hypot (lm->items[k].x * W - x, lm->items[k].y * H - y));
            }
          double size = fmax (x1 - x0, y1 - y0);
          double mean_rel = best_d / size, worst_rel = worst / size;

          JsonArray *wref = json_array_get_array_element (mp_world, h);
          const FvLandmarks *wl = g_ptr_array_index (run->world_landmarks[i], (guint) best);
          assert_int_equal (wl->n, N_LANDMARKS);
          double wsum = 0, wworst = 0;
          for (int k = 0; k < N_LANDMARKS; k++)
            {
              JsonArray *pt = json_array_get_array_element (wref, (guint) k);
              double d = sqrt (pow (wl->items[k].x - json_array_get_double_element (pt, 0), 2)
                               + pow (wl->items[k].y - json_array_get_double_element (pt, 1), 2)
                               + pow (wl->items[k].z - json_array_get_double_element (pt, 2), 2));
              wsum += d;
              wworst = fmax (wworst, d);
            }
          double wmean = wsum / N_LANDMARKS;

          JsonObject *mh = json_array_get_object_element (mp_hd, h);
          const FvClassifications *hd = g_ptr_array_index (run->handedness[i], (guint) best);
          gboolean hand_ok = hd->n == 1 && hd->items[0].label != NULL
                             && g_str_equal (hd->items[0].label,
                                             json_object_get_string_member (mh, "label"))
                             && hd->items[0].index == json_object_get_int_member (mh, "index")
                             && fabs (hd->items[0].score
                                      - json_object_get_double_member (mh, "score"))
                                  <= SCORE_BOUND;
          gboolean ok = hand_ok && mean_rel <= MEAN_BOUND && worst_rel <= MAX_BOUND
                        && wmean <= WORLD_MEAN_BOUND_M && wworst <= WORLD_MAX_BOUND_M;
          printf ("    hand %u: %s %.4f (MediaPipe %s %.4f); landmarks mean %.4f%% max %.4f%% "
                  "of %.0f px; world mean %.4f mm max %.4f mm%s\n", h,
                  hd->n > 0 && hd->items[0].label ? hd->items[0].label : "?",
                  hd->n > 0 ? hd->items[0].score : 0.0,
                  json_object_get_string_member (mh, "label"),
                  json_object_get_double_member (mh, "score"), 100 * mean_rel, 100 * worst_rel,
                  size, 1000 * wmean, 1000 * wworst, ok ? "" : "  <- OVER");
          failures += !ok;
          compared++;
        }
    }
  assert_int_equal (failures, 0);
  assert_true (compared >= 6);
}

static void
test_hands (void **state)
{
  compare_all ("complexity1", "Hands");
}

static void
test_hands_lite (void **state)
{
  compare_all ("complexity0", "HandsLite");
}

static FvImage *
load_image (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (data_dir, "images", name, NULL);
  FvImage *img = fv_image_load (path, FV_IMAGE_RGB24, &error);
  if (img == NULL)
    fail_msg ("%s", error->message);
  return img;
}

/* The user options reach the nodes inside the solution, the detector's threshold through
 * the inner PalmDetection subgraph: on kpa_qt-logo (two hands) max_num_hands 1 keeps one;
 * a presence score is never above 1, so min_tracking_confidence 1 drops every hand; and a
 * palm score is never above 1 either, so min_detection_confidence 1 finds none. */
static void
test_options (void **state)
{
  g_autoptr (FvImage) photo = load_image ("kpa_qt-logo.jpg");
  FvImage *frames[1] = { photo };
  const struct {
    const char *type, *options;
    guint hands;
  } cases[] = {
    { "Hands", NULL, 2 },
    { "Hands", "max_num_hands: 1", 1 },
    { "Hands", "min_tracking_confidence: 1.0", 0 },
    { "Hands", "min_detection_confidence: 1.0", 0 },
    { "HandsLite", "max_num_hands: 1", 1 },
    { "HandsLite", "min_tracking_confidence: 1.0", 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HandsRun) run = hands_run (cases[i].type, frames, 1, TRUE, cases[i].options,
                                            &error);
      if (run == NULL)
        fail_msg ("%s", error->message);
      printf ("  %-9s %-32s %u hand(s)\n", cases[i].type,
              cases[i].options ? cases[i].options : "(defaults)", run->landmarks[0]->len);
      assert_int_equal (run->landmarks[0]->len, cases[i].hands);
      assert_int_equal (run->world_landmarks[0]->len, cases[i].hands);
      assert_int_equal (run->handedness[0]->len, cases[i].hands);
      assert_int_equal (run->detector_runs, 1);
    }
}

/* Frames without a hand: a 1x1 image, a black one and a photo of a face give no hand and
 * no error, in tracking mode (one stream) as in static mode. */
static void
test_no_hands (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) dot = fv_image_new (FV_IMAGE_RGB24, 1, 1, &error);
  g_autoptr (FvImage) black = fv_image_new (FV_IMAGE_RGB24, 64, 48, &error);
  assert_non_null (dot);
  assert_non_null (black);
  dot->data[0] = 200;
  memset (black->data, 0, (gsize) black->stride * (gsize) black->height);
  g_autoptr (FvImage) face = load_image ("skimage_astronaut.png");
  FvImage *frames[] = { dot, black, face, dot };
  for (int static_mode = 0; static_mode <= 1; static_mode++)
    {
      g_autoptr (HandsRun) run = hands_run ("Hands", frames, G_N_ELEMENTS (frames),
                                            static_mode, NULL, &error);
      if (run == NULL)
        fail_msg ("%s", error->message);
      for (guint k = 0; k < G_N_ELEMENTS (frames); k++)
        {
          assert_int_equal (run->landmarks[k]->len, 0);
          assert_int_equal (run->handedness[k]->len, 0);
        }
      assert_int_equal (run->detector_runs, G_N_ELEMENTS (frames));
    }
}

static int
setup (void **state)
{
  data_dir = g_getenv ("FOVEA_TEST_DATA");
  if (data_dir == NULL)
    return -1;
  g_autoptr (GError) error = NULL;
  if (!hands_register_solutions (&error))
    {
      fprintf (stderr, "%s\n", error->message);
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
    cmocka_unit_test (test_hands),
    cmocka_unit_test (test_hands_lite),
    cmocka_unit_test (test_options),
    cmocka_unit_test (test_no_hands),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
