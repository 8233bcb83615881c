/* face_detection and face_detection_full against MediaPipe's own results.
 *
 * tests/data/mediapipe/<photo>.face_detection.json holds what MediaPipe's web solution
 * (CPU inference, static images) found on each photo of tests/data/images: config "short"
 * (face_detection) and "full" (face_detection_full). fovea must find the same faces:
 * per face, box IoU >= 0.95, the 6 keypoints within 1% of the face box size on average
 * and 3% at most (distances in pixels, box size = the larger side of MediaPipe's box in
 * pixels), score within 0.02; and no face where MediaPipe finds none. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "graph/config.h"
#include "graph/detection.h"
#include "graph/fovea-graph.h"
#include "graph/image.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

static const char *data_dir;

static FvDetections *
run_solution (const char *type, const FvImage *image)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cfg = g_strdup_printf (
    "input_stream: 'IMAGE:image' output_stream: 'DETECTIONS:det' "
    "node { calculator: '%s' input_stream: 'IMAGE:image' output_stream: 'DETECTIONS:det' }",
    type);
  FvGraph *g = fv_graph_new_from_string (cfg, NULL, &error);
  if (!g)
    fail_msg ("%s", error->message);
  FvPoller *poller = fv_graph_add_poller (g, "det", &error);
  assert_non_null (poller);
  assert_true (fv_graph_start (g, &error));
  FvImage *copy = fv_image_convert (image, FV_IMAGE_RGB24, &error);
  assert_non_null (copy);
  assert_true (fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (copy), 0), &error));
  fv_graph_close_all_inputs (g, NULL);
  FvPacket *out = NULL;
  FvDetections *result = NULL;
  while (fv_poller_next (poller, &out)) {
    const FvDetections *d = fv_packet_get_detections (out);
    assert_non_null (d);
    assert_null (result);   /* one packet for one image */
    result = fv_detections_new (d->n);
    memcpy (result->items, d->items, sizeof (FvDetection) * (gsize) d->n);
    fv_packet_unref (out);
  }
  if (!fv_graph_wait_until_done (g, &error))
    fail_msg ("%s", error->message);
  fv_graph_free (g);
  return result ? result : fv_detections_new (0);
}

static double
iou (double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh)
{
  double x0 = fmax (ax, bx), y0 = fmax (ay, by);
  double x1 = fmin (ax + aw, bx + bw), y1 = fmin (ay + ah, by + bh);
  double inter = fmax (0, x1 - x0) * fmax (0, y1 - y0);
  return inter / (aw * ah + bw * bh - inter);
}

static double
num (JsonArray *a, guint i)
{
  return json_array_get_double_element (a, i);
}

static int n_faces_compared;

/* Compares fovea's detections on @photo with MediaPipe's @config. */
static void
compare_photo (const char *photo, const char *config, const char *type)
{
  g_autofree char *img_path = NULL;
  const char *exts[] = { ".png", ".jpg" };
  for (int i = 0; i < 2 && !img_path; i++) {
    char *p = g_strdup_printf ("%s/images/%s%s", data_dir, photo, exts[i]);
    if (g_file_test (p, G_FILE_TEST_EXISTS))
      img_path = p;
    else
      g_free (p);
  }
  assert_non_null (img_path);
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) image = fv_image_load (img_path, FV_IMAGE_RGB24, &error);
  if (!image)
    fail_msg ("%s", error->message);

  g_autofree char *json_path = g_strdup_printf ("%s/mediapipe/%s.face_detection.json", data_dir, photo);
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, json_path, &error))
    fail_msg ("%s", error->message);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonObject *img = json_object_get_object_member (root, "image");
  assert_int_equal (json_object_get_int_member (img, "width"), image->width);
  assert_int_equal (json_object_get_int_member (img, "height"), image->height);
  JsonArray *configs = json_object_get_array_member (root, "configs");
  JsonObject *result = NULL;
  for (guint i = 0; i < json_array_get_length (configs); i++) {
    JsonObject *c = json_array_get_object_element (configs, i);
    if (g_str_equal (json_object_get_string_member (c, "config"), config))
      result = json_object_get_object_member (c, "result");
  }
  assert_non_null (result);
  JsonArray *mp = json_object_has_member (result, "detections")
                    && !json_object_get_null_member (result, "detections")
                  ? json_object_get_array_member (result, "detections") : NULL;
  int mp_n = mp ? (int) json_array_get_length (mp) : 0;

  g_autoptr (FvDetections) fv = run_solution (type, image);
  printf ("  %-28s %-5s MediaPipe %d face(s), fovea %d\n", photo, config, mp_n, fv->n);
  assert_int_equal (fv->n, mp_n);

  double W = image->width, H = image->height;
  for (int i = 0; i < mp_n; i++) {
    JsonObject *d = json_array_get_object_element (mp, i);
    JsonObject *box = json_object_get_object_member (d, "bbox");
    double bx = json_object_get_double_member (box, "xmin"), by = json_object_get_double_member (box, "ymin");
    double bw = json_object_get_double_member (box, "width"), bh = json_object_get_double_member (box, "height");
    /* the fovea face with the best overlap */
    int best = -1;
    double best_iou = 0;
    for (int k = 0; k < fv->n; k++) {
      const FvDetection *f = &fv->items[k];
      double v = iou (bx * W, by * H, bw * W, bh * H, f->xmin * W, f->ymin * H, f->width * W,
                      f->height * H);
      if (v > best_iou)
        best_iou = v, best = k;
    }
    assert_true (best >= 0);
    const FvDetection *f = &fv->items[best];
    double size = fmax (bw * W, bh * H);
    JsonArray *kps = json_object_get_array_member (d, "keypoints");
    assert_int_equal (json_array_get_length (kps), f->n_keypoints);
    double sum = 0, worst = 0;
    for (int k = 0; k < f->n_keypoints; k++) {
      JsonArray *kp = json_array_get_array_element (kps, k);
      double dist = hypot ((f->keypoints[k].x - num (kp, 0)) * W, (f->keypoints[k].y - num (kp, 1)) * H);
      sum += dist;
      worst = fmax (worst, dist);
    }
    double mean_rel = sum / f->n_keypoints / size, worst_rel = worst / size;
    double score_diff = fabs (f->score - json_object_get_double_member (d, "score"));
    printf ("    face %d: IoU %.4f  keypoints mean %.3f%% max %.3f%% of %.0f px  score diff %.4f\n",
            i, best_iou, 100 * mean_rel, 100 * worst_rel, size, score_diff);
    assert_true (best_iou >= 0.95);
    assert_true (mean_rel <= 0.01);
    assert_true (worst_rel <= 0.03);
    assert_true (score_diff <= 0.02);
    n_faces_compared++;
  }
}

/* Every photo with MediaPipe results, for one solution. */
static void
compare_all (const char *config, const char *type)
{
  g_autofree char *dir_path = g_build_filename (data_dir, "mediapipe", NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  assert_non_null (dir);
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".face_detection.json"))
      g_ptr_array_add (photos, g_strndup (name, strlen (name) - strlen (".face_detection.json")));
  g_ptr_array_sort (photos, (GCompareFunc) g_strcmp0);
  assert_true (photos->len >= 10);
  n_faces_compared = 0;
  for (guint i = 0; i < photos->len; i++)
    compare_photo (g_ptr_array_index (photos, i), config, type);
  assert_true (n_faces_compared >= 5);
}

static void
test_short_range (void **state)
{
  compare_all ("short", "FaceDetection");
}

static void
test_full_range (void **state)
{
  compare_all ("full", "FaceDetectionFull");
}

static int
setup (void **state)
{
  data_dir = g_getenv ("FOVEA_TEST_DATA");
  g_autoptr (GError) error = NULL;
  const char *files[] = { "face_detection.pbtxt", "face_detection_full.pbtxt" };
  for (int i = 0; i < 2; i++) {
    g_autofree char *path = g_build_filename (FOVEA_SOURCE_ROOT, "graph", "solutions", files[i], NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents (path, &text, NULL, &error)
        || !fv_subgraph_register_text (text, path, &error)) {
      fprintf (stderr, "%s\n", error->message);
      return -1;
    }
  }
  return 0;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_short_range),
    cmocka_unit_test (test_full_range),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
