/* face_mesh and face_mesh_refine against MediaPipe's own results.
 *
 * tests/data/mediapipe/<photo>.face_mesh.json holds what MediaPipe's web solution (CPU
 * inference, static image mode, maxNumFaces 1) found on each photo of tests/data/images:
 * config "norefine" (face_mesh, 468 landmarks) and "refine" (face_mesh_refine, 478). fovea
 * runs the same solution in static_image_mode and must find the same faces. Measure, per
 * face: the distance in pixels between each fovea landmark and MediaPipe's (x, y only,
 * x * width and y * height), divided by the face box size = the larger side, in pixels,
 * of the bounding box of MediaPipe's landmarks; the mean of it must be <= 1% and the
 * largest <= 3%. A photo where MediaPipe finds no face must give none in fovea either. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "graph/config.h"
#include "tests/solutions/golden_photos.h"
#include "tests/solutions/face_mesh_run.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *data_dir;

typedef GoldenPhoto Photo;

/* Every photo with a face_mesh reference, sorted by name. */
static GPtrArray *
load_photos (void)
{
  return golden_photos_load (data_dir, ".face_mesh.json");
}

/* MediaPipe's multiFaceLandmarks for @config (an array of faces, each an array of [x,y,z]). */
static JsonArray *
reference_faces (Photo *p, const char *config)
{
  return json_object_get_array_member (golden_photo_result (p, config), "multiFaceLandmarks");
}

static void
compare_all (const char *config, const char *type, int n_landmarks)
{
  g_autoptr (GPtrArray) photos = load_photos ();
  assert_true (photos->len >= 10);
  g_autofree FvImage **frames = g_new (FvImage *, photos->len);
  for (guint i = 0; i < photos->len; i++)
    frames[i] = ((Photo *) g_ptr_array_index (photos, i))->image;
  g_autoptr (GError) error = NULL;
  g_autoptr (FmRun) run = fm_run (type, frames, (int) photos->len, TRUE, NULL, &error);
  if (run == NULL)
    fail_msg ("%s", error->message);

  int compared = 0, failures = 0;
  for (guint i = 0; i < photos->len; i++)
    {
      Photo *p = g_ptr_array_index (photos, i);
      JsonArray *mp = reference_faces (p, config);
      int mp_n = (int) json_array_get_length (mp);
      GPtrArray *fv = run->faces[i];
      printf ("  %-28s %-8s MediaPipe %d face(s), fovea %u", p->photo, config, mp_n, fv->len);
      if ((int) fv->len != mp_n)
        {
          printf ("  <- MISMATCH\n");
          failures++;
          continue;
        }
      printf ("\n");
      double W = p->image->width, H = p->image->height;
      for (int f = 0; f < mp_n; f++)
        {
          JsonArray *ref = json_array_get_array_element (mp, (guint) f);
          const FvLandmarks *lm = g_ptr_array_index (fv, f);
          assert_int_equal (json_array_get_length (ref), n_landmarks);
          assert_int_equal (lm->n, n_landmarks);
          double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
          for (int k = 0; k < n_landmarks; k++)
            {
              JsonArray *pt = json_array_get_array_element (ref, (guint) k);
              double x = json_array_get_double_element (pt, 0) * W;
              double y = json_array_get_double_element (pt, 1) * H;
              x0 = fmin (x0, x), x1 = fmax (x1, x), y0 = fmin (y0, y), y1 = fmax (y1, y);
            }
          double size = fmax (x1 - x0, y1 - y0);
          double sum = 0, worst = 0;
          int worst_k = 0;
          for (int k = 0; k < n_landmarks; k++)
            {
              JsonArray *pt = json_array_get_array_element (ref, (guint) k);
              double dist = hypot ((lm->items[k].x - json_array_get_double_element (pt, 0)) * W,
                                   (lm->items[k].y - json_array_get_double_element (pt, 1)) * H);
              sum += dist;
              if (dist > worst)
                worst = dist, worst_k = k;
            }
          double mean_rel = sum / n_landmarks / size, worst_rel = worst / size;
          gboolean ok = mean_rel <= 0.01 && worst_rel <= 0.03;
          printf ("    face %d: landmarks mean %.4f%% max %.4f%% (%.4f px, point %d) of %.0f px%s\n",
                  f, 100 * mean_rel, 100 * worst_rel, worst, worst_k, size, ok ? "" : "  <- OVER");
          failures += !ok;
          compared++;
        }
    }
  assert_int_equal (failures, 0);
  assert_true (compared >= 5);
}

static void
test_face_mesh (void **state)
{
  compare_all ("norefine", "FaceMesh", 468);
}

static void
test_face_mesh_refine (void **state)
{
  compare_all ("refine", "FaceMeshRefine", 478);
}

/* The user options reach the nodes inside the solution, the detector's threshold through
 * the inner FaceDetection subgraph: the astronaut's face scores 0.92 at the detector (MediaPipe's
 * face_detection result), so a threshold of 0.95 loses it; a presence score (a sigmoid) is
 * never above 1, so min_tracking_confidence 1 drops every face; and the defaults find it. */
static void
test_options (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (data_dir, "images", "skimage_astronaut.png", NULL);
  g_autoptr (FvImage) photo = fv_image_load (path, FV_IMAGE_RGB24, &error);
  assert_non_null (photo);
  FvImage *frames[1] = { photo };
  const struct {
    const char *type, *options;
    guint faces;
  } cases[] = {
    { "FaceMesh", NULL, 1 },
    { "FaceMesh", "min_detection_confidence: 0.9", 1 },
    { "FaceMesh", "min_detection_confidence: 0.95", 0 },
    { "FaceMesh", "min_tracking_confidence: 1.0", 0 },
    { "FaceMeshRefine", "min_detection_confidence: 0.95", 0 },
    { "FaceMeshRefine", "min_tracking_confidence: 1.0", 0 },
    { "FaceMesh", "max_num_faces: 2", 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (FmRun) run = fm_run (cases[i].type, frames, 1, TRUE, cases[i].options, &error);
      if (run == NULL)
        fail_msg ("%s", error->message);
      printf ("  %-15s %-32s %u face(s)\n", cases[i].type,
              cases[i].options ? cases[i].options : "(defaults)", run->faces[0]->len);
      assert_int_equal (run->faces[0]->len, cases[i].faces);
      assert_int_equal (run->detector_runs, 1);
    }
}

static int
setup (void **state)
{
  data_dir = g_getenv ("FOVEA_TEST_DATA");
  if (data_dir == NULL)
    return -1;
  g_autoptr (GError) error = NULL;
  if (!fm_register_solutions (&error))
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
    cmocka_unit_test (test_face_mesh),
    cmocka_unit_test (test_face_mesh_refine),
    cmocka_unit_test (test_options),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
