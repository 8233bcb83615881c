/* The `fovea` command line, run as a user runs it (the binary's path is argv[1]): `fovea
 * solutions`, `fovea run` (JSON, --render, --trace, --set, bad files, a folder of mixed
 * files), plus the solutions registry it is built on (graph/solutions/solutions.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "graph/fovea-graph.h"
#include "graph/solutions/solutions.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fovea_bin;
static char *astronaut;   /* tests/data/images/skimage_astronaut.png */

typedef struct {
  int status;
  char *out, *err;
} CliResult;

static void
cli_result_clear (CliResult *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* Runs fovea with the NULL-terminated arguments; a crash (a signal) fails the test. */
static CliResult
run_cli (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) fovea_bin);
  va_list ap;
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_newv ((const char *const *) argv->pdata,
                                                 G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (p == NULL)
    fail_msg ("cannot start %s: %s", fovea_bin, error->message);
  CliResult r = { 0 };
  if (!g_subprocess_communicate_utf8 (p, NULL, NULL, &r.out, &r.err, &error))
    fail_msg ("%s", error->message);
  if (!g_subprocess_get_if_exited (p))
    fail_msg ("fovea died by a signal; stderr:\n%s", r.err);
  r.status = g_subprocess_get_exit_status (p);
  return r;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_data (parser, text, -1, &error))
    fail_msg ("not JSON (%s): %.200s", error->message, text);
  return json_node_copy (json_parser_get_root (parser));
}

static double
member_double (JsonObject *o, const char *name)
{
  assert_true (json_object_has_member (o, name));
  return json_object_get_double_member (o, name);
}

/* Lines of @text that mention @needle. */
static int
count_lines_with (const char *text, const char *needle)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  int n = 0;
  for (char **l = lines; *l; l++)
    n += strstr (*l, needle) != NULL;
  return n;
}

static void
test_solutions_lists (void **state)
{
  CliResult r = run_cli ("solutions", NULL);
  assert_int_equal (r.status, 0);
  assert_non_null (strstr (r.out, "face_detection:"));
  assert_non_null (strstr (r.out, "IMAGE:image"));
  assert_non_null (strstr (r.out, "DETECTIONS:detections"));
  /* The option with its default and the comment above it in the .pbtxt. */
  assert_non_null (strstr (r.out, "min_detection_confidence=0.5"));
  assert_non_null (strstr (r.out, "The lowest score a face may have"));
  cli_result_clear (&r);
}

static void
test_run_json_matches_mediapipe (void **state)
{
  CliResult r = run_cli ("run", "face_detection", astronaut, "--json", "-", NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  JsonNode *root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  assert_non_null (o);
  assert_int_equal (json_object_get_int_member (o, "width"), 512);
  assert_int_equal (json_object_get_int_member (o, "height"), 512);
  assert_true (member_double (o, "ms") > 0);
  JsonArray *dets = json_object_get_array_member (json_object_get_object_member (o, "results"),
                                                  "detections");
  assert_non_null (dets);
  assert_int_equal (json_array_get_length (dets), 1);
  JsonObject *d = json_array_get_object_element (dets, 0);
  assert_true (member_double (d, "score") > 0.9);
  /* MediaPipe's box (tests/data/mediapipe/skimage_astronaut.face_detection.json). */
  JsonObject *box = json_object_get_object_member (d, "box");
  assert_true (fabs (member_double (box, "xmin") - 0.3498) < 0.005);
  assert_true (fabs (member_double (box, "ymin") - 0.1589) < 0.005);
  assert_true (fabs (member_double (box, "width") - 0.1808) < 0.005);
  /* Pixels are the relative box times the image size. */
  JsonObject *px = json_object_get_object_member (d, "box_px");
  assert_true (fabs (member_double (px, "xmin") - 512 * member_double (box, "xmin")) < 1e-3);
  assert_true (fabs (member_double (px, "height") - 512 * member_double (box, "height")) < 1e-3);
  JsonArray *kps = json_object_get_array_member (d, "keypoints");
  assert_int_equal (json_array_get_length (kps), 6);
  JsonObject *kp = json_array_get_object_element (kps, 0);
  assert_true (fabs (member_double (kp, "x_px") - 512 * member_double (kp, "x")) < 1e-3);
  json_node_unref (root);
  cli_result_clear (&r);
}

static void
test_run_render_and_trace (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("fovea-cli-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "out.png", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.json", NULL);
  CliResult r = run_cli ("run", "face_detection", astronaut, "--render", png, "--trace", trace,
                         NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  g_autoptr (GError) error = NULL;
  FvImage *img = fv_image_load (png, FV_IMAGE_RGB24, &error);
  if (img == NULL)
    fail_msg ("%s", error->message);
  assert_int_equal (img->width, 512);
  assert_int_equal (img->height, 512);
  /* Something was drawn: the rendered image is not the input. */
  FvImage *in = fv_image_load (astronaut, FV_IMAGE_RGB24, &error);
  assert_non_null (in);
  gsize differ = 0;
  for (int y = 0; y < 512; y++)
    differ += memcmp (fv_image_row (img, y), fv_image_row (in, y), 512 * 3) != 0;
  assert_true (differ > 10);
  fv_image_free (in);
  fv_image_free (img);

  g_autofree char *text = NULL;
  assert_true (g_file_get_contents (trace, &text, NULL, NULL));
  JsonNode *root = parse_json (text);
  JsonArray *events = json_object_get_array_member (json_node_get_object (root), "traceEvents");
  assert_non_null (events);
  assert_true (json_array_get_length (events) >= 5);   /* the 5 nodes of face_detection ran */
  json_node_unref (root);
  cli_result_clear (&r);
  g_unlink (png);
  g_unlink (trace);
  g_rmdir (dir);
}

static void
test_run_mixed_folder (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("fovea-cli-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.png", NULL);
  g_autofree char *zero = g_build_filename (dir, "zero.png", NULL);
  g_autofree char *txt = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *trunc = g_build_filename (dir, "trunc.jpg", NULL);
  g_autofree char *bytes = NULL;
  gsize len;
  assert_true (g_file_get_contents (astronaut, &bytes, &len, NULL));
  assert_true (g_file_set_contents (good, bytes, (gssize) len, NULL));
  assert_true (g_file_set_contents (zero, "", 0, NULL));
  assert_true (g_file_set_contents (txt, "not an image\n", -1, NULL));
  g_autofree char *jpg_path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                                "mpl_grace_hopper.jpg", NULL);
  g_autofree char *jpg = NULL;
  assert_true (g_file_get_contents (jpg_path, &jpg, &len, NULL));
  assert_true (g_file_set_contents (trunc, jpg, (gssize) len / 2, NULL));

  CliResult r = run_cli ("run", "face_detection", dir, "--json", "-", NULL);
  assert_int_equal (r.status, 1);
  /* One error line per bad file, naming it; none for the good one. */
  assert_int_equal (count_lines_with (r.err, "zero.png:"), 1);
  assert_int_equal (count_lines_with (r.err, "notes.txt:"), 1);
  assert_int_equal (count_lines_with (r.err, "trunc.jpg:"), 1);
  assert_int_equal (count_lines_with (r.err, "good.png: 1 faces"), 1);   /* progress */
  /* The JSON is an array in file order; the good image has its face. */
  JsonNode *root = parse_json (r.out);
  JsonArray *all = json_node_get_array (root);
  assert_non_null (all);
  assert_int_equal (json_array_get_length (all), 4);
  int n_ok = 0;
  for (guint i = 0; i < 4; i++) {
    JsonObject *o = json_array_get_object_element (all, i);
    if (json_object_has_member (o, "results")) {
      assert_true (g_str_has_suffix (json_object_get_string_member (o, "file"), "good.png"));
      JsonArray *d = json_object_get_array_member (json_object_get_object_member (o, "results"),
                                                   "detections");
      assert_int_equal (json_array_get_length (d), 1);
      n_ok++;
    } else {
      assert_true (json_object_has_member (o, "error"));
    }
  }
  assert_int_equal (n_ok, 1);
  json_node_unref (root);
  cli_result_clear (&r);
  g_unlink (good);
  g_unlink (zero);
  g_unlink (txt);
  g_unlink (trunc);
  g_rmdir (dir);
}

static void
test_run_bad_set (void **state)
{
  CliResult r = run_cli ("run", "face_detection", astronaut, "--set", "nonsense=1", NULL);
  assert_int_equal (r.status, 2);
  assert_non_null (strstr (r.err, "nonsense"));
  assert_non_null (strstr (r.err, "min_detection_confidence"));   /* the valid options */
  cli_result_clear (&r);
  r = run_cli ("run", "face_detection", astronaut, "--set", "min_detection_confidence=high",
               NULL);
  assert_int_equal (r.status, 2);
  assert_non_null (strstr (r.err, "wants a number"));
  cli_result_clear (&r);
}

static guint32
crc32 (const guint8 *p, gsize n)
{
  guint32 c = 0xffffffffu;
  for (gsize i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

static void
test_run_huge_header_and_missing_file (void **state)
{
  /* A valid PNG signature and IHDR claiming 60000x60000 RGB, and nothing after it. */
  guint8 png[8 + 25] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 *ihdr = png + 8;
  put_be32 (ihdr, 13);
  memcpy (ihdr + 4, "IHDR", 4);
  put_be32 (ihdr + 8, 60000);
  put_be32 (ihdr + 12, 60000);
  ihdr[16] = 8;   /* bit depth */
  ihdr[17] = 2;   /* RGB */
  put_be32 (ihdr + 21, crc32 (ihdr + 4, 17));
  g_autofree char *dir = g_dir_make_tmp ("fovea-cli-XXXXXX", NULL);
  g_autofree char *huge = g_build_filename (dir, "huge.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.jpg", NULL);
  assert_true (g_file_set_contents (huge, (const char *) png, sizeof png, NULL));
  CliResult r = run_cli ("run", "face_detection", huge, missing, astronaut, NULL);
  assert_int_equal (r.status, 1);
  assert_int_equal (count_lines_with (r.err, "huge.png:"), 1);
  assert_non_null (strstr (r.err, "60000"));
  assert_int_equal (count_lines_with (r.err, "missing.jpg:"), 1);
  assert_int_equal (count_lines_with (r.err, "skimage_astronaut.png: 1 faces"), 1);
  cli_result_clear (&r);
  g_unlink (huge);
  g_rmdir (dir);
}

/* face_mesh's `refine` option runs the attention graph: 478 landmarks instead of 468. */
static int
first_face_landmarks (const char *json)
{
  JsonNode *root = parse_json (json);
  JsonObject *results = json_object_get_object_member (json_node_get_object (root), "results");
  assert_non_null (results);
  JsonArray *faces = json_object_get_array_member (results, "multi_face_landmarks");
  assert_non_null (faces);
  assert_int_equal (json_array_get_length (faces), 1);
  int n = (int) json_array_get_length (json_array_get_array_element (faces, 0));
  json_node_unref (root);
  return n;
}

static void
test_run_face_mesh_refine (void **state)
{
  CliResult r = run_cli ("run", "face_mesh", astronaut, "--json", "-", NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  assert_int_equal (first_face_landmarks (r.out), 468);
  cli_result_clear (&r);
  r = run_cli ("run", "face_mesh", astronaut, "--json", "-", "--set", "refine=true",
               "--set", "max_num_faces=2", NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  assert_int_equal (first_face_landmarks (r.out), 478);
  cli_result_clear (&r);
  r = run_cli ("run", "face_mesh", astronaut, "--json", "-", "--set", "refine=false", NULL);
  assert_int_equal (r.status, 0);
  assert_int_equal (first_face_landmarks (r.out), 468);
  cli_result_clear (&r);
  /* the last setting counts, for this option as for the others */
  r = run_cli ("run", "face_mesh", astronaut, "--json", "-", "--set", "refine=true", "--set",
               "refine=false", NULL);
  assert_int_equal (r.status, 0);
  assert_int_equal (first_face_landmarks (r.out), 468);
  cli_result_clear (&r);
  r = run_cli ("run", "face_mesh", astronaut, "--json", "-", "--set", "refine=false", "--set",
               "refine=true", NULL);
  assert_int_equal (r.status, 0);
  assert_int_equal (first_face_landmarks (r.out), 478);
  cli_result_clear (&r);
  r = run_cli ("run", "face_mesh", astronaut, "--set", "refine=maybe", NULL);
  assert_int_equal (r.status, 2);
  assert_non_null (strstr (r.err, "refine"));
  cli_result_clear (&r);
  r = run_cli ("solutions", "face_mesh", NULL);
  assert_int_equal (r.status, 0);
  assert_non_null (strstr (r.out, "refine=false"));
  cli_result_clear (&r);
}

/* hands: the JSON holds per hand 21 landmarks (with pixels), 21 world landmarks (metres,
 * no pixels) and the handedness {index, score, label}; model_complexity 0 runs the lite
 * graph (another handedness score on the same hand), and values without a model are a
 * clear error. */
/* pose --render draws the skeleton and the mask on the body, and nothing for the world
 * landmarks (metres, not pixels: drawn as image coordinates they made a small skeleton
 * in the top-left corner, x < 80 px on this photo). */
static void
test_run_pose_render (void **state)
{
  g_autofree char *photo = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                             "kpa_wayne_upright.jpg", NULL);
  g_autofree char *dir = g_dir_make_tmp ("fovea-cli-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "pose.png", NULL);
  CliResult r = run_cli ("run", "pose", photo, "--set", "enable_segmentation=true",
                         "--set", "model_complexity=0", "--render", png, NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) out = fv_image_load (png, FV_IMAGE_RGB24, &error);
  g_autoptr (FvImage) in = fv_image_load (photo, FV_IMAGE_RGB24, &error);
  assert_non_null (out);
  assert_non_null (in);
  /* columns 10..89 beside the man (his body is at x 120..290) and the body itself */
  gsize side = 0, body = 0;
  for (int y = 300; y < 560; y++) {
    side += memcmp (fv_image_row (out, y) + 10 * 3, fv_image_row (in, y) + 10 * 3, 80 * 3) != 0;
    body += memcmp (fv_image_row (out, y) + 150 * 3, fv_image_row (in, y) + 150 * 3,
                    100 * 3) != 0;
  }
  printf ("  rows changed beside the body %zu, on the body %zu (of 260)\n", side, body);
  assert_int_equal (side, 0);
  assert_true (body > 200);
  cli_result_clear (&r);
  g_unlink (png);
  g_rmdir (dir);
}

static void
test_run_hands (void **state)
{
  g_autofree char *hand = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                            "ocvdoc_hand_open_0.jpg", NULL);
  double scores[2];
  for (int complexity = 0; complexity <= 1; complexity++) {
    g_autofree char *set = g_strdup_printf ("model_complexity=%d", complexity);
    CliResult r = run_cli ("run", "hands", hand, "--json", "-", "--set", set, NULL);
    if (r.status != 0)
      fail_msg ("exit %d: %s", r.status, r.err);
    JsonNode *root = parse_json (r.out);
    JsonObject *res = json_object_get_object_member (json_node_get_object (root), "results");
    JsonArray *lm = json_object_get_array_member (res, "multi_hand_landmarks");
    JsonArray *world = json_object_get_array_member (res, "multi_hand_world_landmarks");
    JsonArray *hd = json_object_get_array_member (res, "multi_handedness");
    assert_int_equal (json_array_get_length (lm), 1);
    assert_int_equal (json_array_get_length (world), 1);
    assert_int_equal (json_array_get_length (hd), 1);
    JsonArray *points = json_array_get_array_element (lm, 0);
    JsonArray *wpoints = json_array_get_array_element (world, 0);
    assert_int_equal (json_array_get_length (points), 21);
    assert_int_equal (json_array_get_length (wpoints), 21);
    assert_true (json_object_has_member (json_array_get_object_element (points, 0), "x_px"));
    JsonObject *w0 = json_array_get_object_element (wpoints, 0);
    assert_false (json_object_has_member (w0, "x_px"));
    assert_true (fabs (json_object_get_double_member (w0, "y")) < 0.2);   /* metres */
    JsonArray *classes = json_array_get_array_element (hd, 0);
    assert_int_equal (json_array_get_length (classes), 1);
    JsonObject *c = json_array_get_object_element (classes, 0);
    /* MediaPipe: Right, 0.9606 (full) and 0.9862 (lite) */
    assert_string_equal (json_object_get_string_member (c, "label"), "Right");
    assert_int_equal (json_object_get_int_member (c, "index"), 1);
    scores[complexity] = json_object_get_double_member (c, "score");
    json_node_unref (root);
    cli_result_clear (&r);
  }
  assert_float_equal (scores[0], 0.9862, 0.001);
  assert_float_equal (scores[1], 0.9606, 0.001);
  CliResult r = run_cli ("run", "hands", hand, "--set", "model_complexity=2", NULL);
  assert_int_equal (r.status, 2);
  assert_non_null (strstr (r.err, "model_complexity"));
  assert_non_null (strstr (r.err, "0 or 1"));
  cli_result_clear (&r);
}

/* The calls column of `fovea bench` per frame: on kpa_qt-logo (two hands) the palm model
 * runs once a frame and the landmark model, in the BeginLoop body whose timestamps are
 * the loop's, twice. (The times themselves are not checked: no timed tests.) */
static void
test_bench_counts_loop_calls_per_frame (void **state)
{
  g_autofree char *two = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                           "kpa_qt-logo.jpg", NULL);
  CliResult r = run_cli ("bench", "hands", two, "-n", "3", "--warmup", "1", "--set",
                         "model_complexity=0", NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  int seen = 0;
  for (char **l = lines; *l != NULL; l++) {
    double calls = 0;
    char name[128];
    if (sscanf (*l, " %127s %lf", name, &calls) != 2)
      continue;
    if (strcmp (name, "handslite__palmdetectionlite__InferenceCalculator") == 0)
      assert_float_equal (calls, 1.0, 1e-9), seen++;
    else if (strcmp (name, "handslite__InferenceCalculator") == 0
             || strcmp (name, "handslite__TensorsToClassificationCalculator") == 0)
      assert_float_equal (calls, 2.0, 1e-9), seen++;
  }
  assert_int_equal (seen, 3);
  cli_result_clear (&r);
}

/* The device option of a solution: `--set device=opencl` runs it on OpenCL (PoCL here) and
 * finds the same face; a misspelt device is a clear error. */
static void
test_run_device_option (void **state)
{
  CliResult r = run_cli ("run", "face_detection", astronaut, "--json", "-", "--set",
                         "device=opencl", NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  JsonNode *root = parse_json (r.out);
  JsonArray *dets = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (root), "results"), "detections");
  assert_int_equal (json_array_get_length (dets), 1);
  JsonObject *box = json_object_get_object_member (json_array_get_object_element (dets, 0),
                                                   "box");
  assert_true (fabs (member_double (box, "xmin") - 0.3498) < 0.005);
  json_node_unref (root);
  cli_result_clear (&r);
  r = run_cli ("run", "face_detection", astronaut, "--set", "device=gpu", NULL);
  assert_int_not_equal (r.status, 0);
  assert_non_null (strstr (r.err, "gpu"));
  cli_result_clear (&r);
}

/* selfie_segmentation: the mask's summary in JSON (MediaPipe's mask has 54.50% of the
 * astronaut photo above 0.5) and a tinted rendering. */
static void
test_run_selfie_segmentation (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("fovea-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "seg.png", NULL);
  CliResult r = run_cli ("run", "selfie_segmentation", astronaut, "--json", "-", "--render", out,
                         NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  JsonNode *root = parse_json (r.out);
  JsonObject *m = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (root), "results"), "segmentation_mask");
  assert_non_null (m);
  assert_int_equal (json_object_get_int_member (m, "width"), 512);
  assert_true (fabs (member_double (m, "foreground_fraction") - 0.5450) < 0.005);
  json_node_unref (root);
  cli_result_clear (&r);
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) src = fv_image_load (astronaut, FV_IMAGE_RGB24, &error);
  g_autoptr (FvImage) img = fv_image_load (out, FV_IMAGE_RGB24, &error);
  assert_non_null (img);
  /* the face (the person) is tinted, the top-left corner (the flag, background) is not */
  const guint8 *a = fv_image_row (src, 140) + 256 * 3, *b = fv_image_row (img, 140) + 256 * 3;
  assert_true (memcmp (a, b, 3) != 0);
  assert_memory_equal (fv_image_row (src, 5) + 5 * 3, fv_image_row (img, 5) + 5 * 3, 3);
  g_unlink (out);
  g_rmdir (dir);
}

/* A 1x1 photo is valid: every solution runs on it and finds nothing, without an error. */
static void
test_run_one_pixel_image (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fovea-cli-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "one.png", NULL);
  g_autofree char *jpg = g_build_filename (dir, "one.jpg", NULL);
  g_autoptr (FvImage) px = fv_image_new (FV_IMAGE_RGB24, 1, 1, &error);
  assert_non_null (px);
  px->data[0] = 200;
  assert_true (fv_image_save (px, png, 0, &error));
  assert_true (fv_image_save (px, jpg, 0, &error));
  const char *solutions[] = { "face_detection", "face_detection_full", "face_mesh",
                              "face_mesh_refine", "selfie_segmentation",
                              "selfie_segmentation_landscape", "palm_detection",
                              "palm_detection_lite", "hands", "hands_lite" };
  for (guint i = 0; i < G_N_ELEMENTS (solutions); i++) {
    CliResult r = run_cli ("run", solutions[i], png, jpg, "--json", "-", NULL);
    if (r.status != 0)
      fail_msg ("%s: exit %d: %s", solutions[i], r.status, r.err);
    JsonNode *root = parse_json (r.out);
    JsonArray *runs = json_node_get_array (root);
    assert_non_null (runs);
    assert_int_equal (json_array_get_length (runs), 2);
    for (guint k = 0; k < 2; k++) {
      JsonObject *o = json_array_get_object_element (runs, k);
      assert_int_equal (json_object_get_int_member (o, "width"), 1);
      assert_int_equal (json_object_get_int_member (o, "height"), 1);
    }
    json_node_unref (root);
    cli_result_clear (&r);
  }
  g_unlink (png);
  g_unlink (jpg);
  g_rmdir (dir);
}

/* optical_flow reads its inputs as a sequence: two frames give one flow, written as .flo
 * and drawn with the colour wheel; more frames make --flo and --render folders; --flo with
 * another solution is a usage error. */
static void
test_run_optical_flow (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fovea-cli-XXXXXX", NULL);
  g_autofree char *flo = g_build_filename (dir, "m.flo", NULL);
  g_autofree char *png = g_build_filename (dir, "m.png", NULL);
  g_autofree char *a = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "flow",
                                         "motorcycle_half_left.png", NULL);
  g_autofree char *b = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "flow",
                                         "motorcycle_half_right.png", NULL);
  CliResult r = run_cli ("run", "optical_flow", a, b, "--flo", flo, "--render", png, "--json",
                         "-", "--set", "preset=fast", NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  JsonNode *root = parse_json (r.out);
  JsonArray *runs = json_node_get_array (root);
  assert_int_equal (json_array_get_length (runs), 2);
  JsonObject *first = json_object_get_object_member (json_array_get_object_element (runs, 0),
                                                     "results");
  assert_true (json_object_get_null_member (first, "flow"));
  JsonObject *f = json_object_get_object_member (
    json_object_get_object_member (json_array_get_object_element (runs, 1), "results"), "flow");
  assert_int_equal (json_object_get_int_member (f, "width"), 370);
  /* the scene moves left by 4..30 px (the disparity), not up or down */
  assert_true (member_double (f, "mean_u") < -10 && member_double (f, "mean_u") > -25);
  assert_true (fabs (member_double (f, "mean_v")) < 1);
  json_node_unref (root);
  cli_result_clear (&r);
  g_autoptr (GMappedFile) m = g_mapped_file_new (flo, FALSE, &error);
  assert_non_null (m);
  assert_int_equal (g_mapped_file_get_length (m), 12 + 370 * 250 * 8);
  assert_memory_equal (g_mapped_file_get_contents (m), "PIEH", 4);
  g_autoptr (FvImage) img = fv_image_load (png, FV_IMAGE_RGB24, &error);
  assert_non_null (img);
  assert_int_equal (img->width, 370);
  /* three frames: folders, one flow per frame after the first */
  g_autofree char *flo_dir = g_build_filename (dir, "flows", NULL);
  r = run_cli ("run", "optical_flow", a, b, a, "--flo", flo_dir, "--set", "preset=ultrafast",
               NULL);
  assert_int_equal (r.status, 0);
  cli_result_clear (&r);
  g_autofree char *f1 = g_build_filename (flo_dir, "motorcycle_half_right.flo", NULL);
  g_autofree char *f2 = g_build_filename (flo_dir, "motorcycle_half_left.flo", NULL);
  assert_true (g_file_test (f1, G_FILE_TEST_EXISTS) && g_file_test (f2, G_FILE_TEST_EXISTS));
  r = run_cli ("run", "face_detection", a, "--flo", flo, NULL);
  assert_int_equal (r.status, 2);
  cli_result_clear (&r);
  g_unlink (f1);
  g_unlink (f2);
  g_rmdir (flo_dir);
  g_unlink (flo);
  g_unlink (png);
  g_rmdir (dir);
}

/* superres: --render writes the upscaled image itself (the package's own result within 1
 * level), the JSON gives its size; a scale the chosen model lacks is refused. */
static void
test_run_superres (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("fovea-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "x2.png", NULL);
  g_autofree char *in = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "superres",
                                          "fixture_lr_128.png", NULL);
  g_autofree char *ref = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "superres",
                                           "esrgan-slim_2x_result.png", NULL);
  CliResult r = run_cli ("run", "superres", in, "--set", "scale=2", "--set", "tile_size=80",
                         "--json", "-", "--render", out, NULL);
  if (r.status != 0)
    fail_msg ("exit %d: %s", r.status, r.err);
  JsonNode *root = parse_json (r.out);
  JsonObject *im = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (root), "results"), "image");
  assert_non_null (im);
  assert_int_equal (json_object_get_int_member (im, "width"), 256);
  assert_int_equal (json_object_get_int_member (im, "height"), 256);
  json_node_unref (root);
  cli_result_clear (&r);
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) got = fv_image_load (out, FV_IMAGE_RGB24, &error);
  g_autoptr (FvImage) want = fv_image_load (ref, FV_IMAGE_RGB24, &error);
  assert_non_null (got);
  assert_non_null (want);
  assert_int_equal (got->width, want->width);
  for (int y = 0; y < got->height; y++)
    for (int i = 0; i < got->width * 3; i++)
      assert_true (abs ((int) fv_image_row (got, y)[i] - (int) fv_image_row (want, y)[i]) <= 1);
  g_unlink (out);

  r = run_cli ("run", "superres", in, "--set", "scale=3", "--set", "model=medium", NULL);
  assert_int_not_equal (r.status, 0);
  assert_non_null (strstr (r.err, "scale 3"));
  cli_result_clear (&r);
  g_rmdir (dir);
}

/* The registry itself: the runnable text carries the settings; bad ones are refused. */
static void
test_registry_graph_text (void **state)
{
  g_autoptr (GError) error = NULL;
  assert_true (fv_solutions_register (&error));
  assert_true (fv_solutions_register (&error));   /* idempotent */
  const FvSolution *s = fv_solution_find ("face_detection");
  assert_non_null (s);
  assert_string_equal (s->type, "FaceDetection");
  assert_null (fv_solution_find ("no_such_solution"));
  g_autoptr (GPtrArray) opts = fv_solution_options (s, &error);
  assert_non_null (opts);
  assert_int_equal (opts->len, 2);
  const FvSolutionOption *o = g_ptr_array_index (opts, 0);
  assert_string_equal (o->name, "min_detection_confidence");
  assert_string_equal (o->default_value, "0.5");
  o = g_ptr_array_index (opts, 1);
  assert_string_equal (o->name, "device");
  assert_string_equal (o->default_value, "\"\"");

  char *set[] = { "min_detection_confidence=0.99", NULL };
  g_autofree char *text = fv_solution_graph_text (s, set, &error);
  assert_non_null (text);
  assert_non_null (strstr (text, "[type.googleapis.com/fovea.FaceDetectionOptions]"));
  assert_non_null (strstr (text, "min_detection_confidence: 0.99"));
  /* It builds, with the subgraph expanded. */
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  if (g == NULL)
    fail_msg ("%s", error->message);
  fv_graph_free (g);

  char *bad_key[] = { "threshold=1", NULL };
  assert_null (fv_solution_graph_text (s, bad_key, &error));
  assert_true (g_error_matches (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_OPTION));
  assert_non_null (strstr (error->message, "min_detection_confidence (default 0.5)"));
  g_clear_error (&error);
  char *no_eq[] = { "min_detection_confidence", NULL };
  assert_null (fv_solution_graph_text (s, no_eq, &error));
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  if (argc < 2) {
    fprintf (stderr, "usage: %s PATH-TO-fovea\n", argv[0]);
    return 2;
  }
  fovea_bin = argv[1];
  astronaut = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images", "skimage_astronaut.png",
                                NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_registry_graph_text),
    cmocka_unit_test (test_solutions_lists),
    cmocka_unit_test (test_run_json_matches_mediapipe),
    cmocka_unit_test (test_run_render_and_trace),
    cmocka_unit_test (test_run_mixed_folder),
    cmocka_unit_test (test_run_bad_set),
    cmocka_unit_test (test_run_huge_header_and_missing_file),
    cmocka_unit_test (test_run_face_mesh_refine),
    cmocka_unit_test (test_run_hands),
    cmocka_unit_test (test_run_pose_render),
    cmocka_unit_test (test_bench_counts_loop_calls_per_frame),
    cmocka_unit_test (test_run_one_pixel_image),
    cmocka_unit_test (test_run_superres),
    cmocka_unit_test (test_run_device_option),
    cmocka_unit_test (test_run_selfie_segmentation),
    cmocka_unit_test (test_run_optical_flow),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  g_free (astronaut);
  return failed;
}
