/* fovea — tests of InferenceCalculator in a graph: BlazeFace short range on the golden image
 * input against the TFLite oracle's outputs (alone, and fed by ImageToTensorCalculator from
 * the PNG), shape and model errors. Needs the catalog models fetched (`fovea models fetch`). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calculators/image/image_io.h"
#include "graph/graph.h"
#include "graph/image.h"
#include "graph/tensor_list.h"

#define MODEL "face_detection_short_range"

static char *
data_path (const char *a, const char *b, const char *c)
{
  const char *data = g_getenv ("FOVEA_TEST_DATA");
  assert_non_null (data);
  return g_build_filename (data, a, b, c, NULL);
}

static float *
read_floats (const char *path, gsize count)
{
  char *bytes = NULL;
  gsize len = 0;
  GError *err = NULL;
  if (!g_file_get_contents (path, &bytes, &len, &err))
    fail_msg ("%s", err->message);
  assert_int_equal (len, count * sizeof (float));
  return (float *) bytes;
}

/* The tolerance of a manifest line "MODEL image output INDEX FILE COUNT TOL". */
static double
manifest_tol (int index)
{
  g_autofree char *path = data_path ("golden", "manifest.txt", NULL);
  g_autofree char *text = NULL;
  assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++) {
    g_auto (GStrv) f = g_strsplit_set (lines[i], " ", -1);
    if (g_strv_length (f) == 7 && g_str_equal (f[0], MODEL) && g_str_equal (f[1], "image")
        && g_str_equal (f[2], "output") && atoi (f[3]) == index)
      return g_ascii_strtod (f[6], NULL);
  }
  fail_msg ("no manifest line for %s output %d", MODEL, index);
  return 0;
}

static FvPacket *
tensor_packet (int rank, const gint32 *shape, const float *values)
{
  FvTensorList *list = fv_tensor_list_new (1);
  assert_true (fv_tensor_list_alloc (list, 0, rank, shape, NULL));
  if (values != NULL)
    memcpy (list->tensors[0].data, values, list->tensors[0].n * sizeof (float));
  return fv_packet_new_tensors (list);
}

/* Checks the model's two outputs (regressors [1,896,16], scores [1,896,1]) against the
 * oracle within the manifest's tolerances. */
static void
check_outputs (const FvTensorList *out)
{
  assert_non_null (out);
  assert_int_equal (out->n, 2);
  const gint32 shapes[2][3] = { { 1, 896, 16 }, { 1, 896, 1 } };
  for (int i = 0; i < 2; i++) {
    const FvTensorBuffer *t = &out->tensors[i];
    assert_int_equal (t->rank, 3);
    assert_memory_equal (t->shape, shapes[i], sizeof shapes[i]);
    char file[32];
    g_snprintf (file, sizeof file, "output%d.f32", i);
    g_autofree char *path = data_path ("golden", MODEL "/image", file);
    g_autofree float *ref = read_floats (path, t->n);
    double max_diff = 0, tol = manifest_tol (i);
    for (gsize k = 0; k < t->n; k++)
      max_diff = fmax (max_diff, isfinite (t->data[k]) ? fabs ((double) t->data[k] - ref[k]) : INFINITY);
    printf ("  output %d: max|diff| %.3g (tol %.3g)\n", i, max_diff, tol);
    assert_true (max_diff <= tol);
  }
}

/* Runs a one-node InferenceCalculator graph with @options on the golden input; returns the
 * output packet (transfer full). */
static FvPacket *
run_golden (const char *options, GHashTable *side, const char *side_line)
{
  g_autofree char *config = g_strdup_printf (
    "input_stream: 'in'\n"
    "node { name: 'detector' calculator: 'InferenceCalculator'\n"
    "  input_stream: 'TENSORS:in' output_stream: 'TENSORS:out' %s\n"
    "  options { [mediapipe.InferenceCalculatorOptions.ext] { %s } } }\n",
    side_line ? side_line : "", options);
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, side, &err);
  if (g == NULL)
    fail_msg ("%s", err->message);
  FvPoller *poller = fv_graph_add_poller (g, "out", NULL);
  if (!fv_graph_start (g, &err))
    fail_msg ("%s", err->message);
  g_autofree char *path = data_path ("golden", "inputs", "128x128x3.f32");
  g_autofree float *in = read_floats (path, 128 * 128 * 3);
  const gint32 shape[4] = { 1, 128, 128, 3 };
  assert_true (fv_graph_add_packet (g, "in", fv_packet_stamp (tensor_packet (4, shape, in), 7), NULL));
  if (!fv_graph_wait_until_done (g, &err))
    fail_msg ("%s", err->message);
  FvPacket *p = NULL;
  assert_true (fv_poller_next (poller, &p));
  assert_int_equal (fv_packet_timestamp (p), 7);
  FvPacket *extra = NULL;
  assert_false (fv_poller_next (poller, &extra));
  fv_graph_free (g);
  return p;
}

static void
test_golden_ref (void **state)
{
  FvPacket *p = run_golden ("model: '" MODEL "' backend: 'ref'", NULL, NULL);
  check_outputs (fv_packet_get_tensors (p));
  fv_packet_unref (p);
}

static void
test_golden_model_path (void **state)
{
  /* MediaPipe's own model_path resolves through the catalog by its base name; the default
   * backend (cpu) and xnnpack's thread count are used */
  FvPacket *p = run_golden (
    "model_path: 'mediapipe/modules/face_detection/face_detection_short_range.tflite'\n"
    "delegate { xnnpack { num_threads: 1 } }", NULL, NULL);
  check_outputs (fv_packet_get_tensors (p));
  fv_packet_unref (p);
}

static void
test_golden_side_packet (void **state)
{
  /* the MODEL_PATH side packet wins over the options */
  GHashTable *side = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) fv_packet_unref);
  g_hash_table_insert (side, "model", fv_packet_new_string (MODEL));
  FvPacket *p = run_golden ("model: 'no_such_model' backend: 'ref'", side,
                            "input_side_packet: 'MODEL_PATH:model'");
  check_outputs (fv_packet_get_tensors (p));
  fv_packet_unref (p);
  g_hash_table_unref (side);
}

/* The astronaut PNG, decoded by image_io, through ImageToTensor (stretch, [0, 1]) into the
 * model: the oracle's image recipe end to end. */
static void
test_pipeline_from_png (void **state)
{
  g_autofree char *png = data_path ("images", "skimage_astronaut.png", NULL);
  GError *err = NULL;
  FvImage *img = fv_image_load (png, FV_IMAGE_RGB24, &err);
  if (img == NULL)
    fail_msg ("%s", err->message);

  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'image'\n"
    "node { calculator: 'ImageToTensorCalculator' input_stream: 'IMAGE:image'\n"
    "  output_stream: 'TENSORS:input_tensors'\n"
    "  options { [mediapipe.ImageToTensorCalculatorOptions.ext] {\n"
    "    output_tensor_width: 128 output_tensor_height: 128 keep_aspect_ratio: false\n"
    "    output_tensor_float_range { min: 0.0 max: 1.0 } } } }\n"
    "node { calculator: 'InferenceCalculator' input_stream: 'TENSORS:input_tensors'\n"
    "  output_stream: 'TENSORS:detection_tensors'\n"
    "  options { [mediapipe.InferenceCalculatorOptions.ext] { model: '" MODEL "' } } }\n",
    NULL, &err);
  if (g == NULL)
    fail_msg ("%s", err->message);
  FvPoller *poller = fv_graph_add_poller (g, "detection_tensors", NULL);
  assert_true (fv_graph_start (g, NULL));
  assert_true (fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (img), 1), NULL));
  if (!fv_graph_wait_until_done (g, &err))
    fail_msg ("%s", err->message);
  FvPacket *p = NULL;
  assert_true (fv_poller_next (poller, &p));
  check_outputs (fv_packet_get_tensors (p));
  fv_packet_unref (p);
  fv_graph_free (g);
}

/* Starts a graph with @options and feeds one packet; returns the run's error message. */
static char *
run_error (const char *options, FvPacket *packet)
{
  g_autofree char *config = g_strdup_printf (
    "input_stream: 'in'\n"
    "node { name: 'detector' calculator: 'InferenceCalculator'\n"
    "  input_stream: 'TENSORS:in' output_stream: 'TENSORS:out'\n"
    "  options { [mediapipe.InferenceCalculatorOptions.ext] { %s } } }\n", options);
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, NULL, &err);
  if (g != NULL && fv_graph_start (g, &err) && packet != NULL) {
    fv_graph_add_packet (g, "in", fv_packet_stamp (packet, 3), NULL);
    packet = NULL;
    fv_graph_wait_until_done (g, &err);
  }
  fv_packet_unref (packet);
  fv_graph_free (g);
  if (err == NULL)
    fail_msg ("no error for: %s", options);
  char *msg = g_strdup (err->message);
  g_error_free (err);
  return msg;
}

static void
assert_contains (const char *msg, const char *a, const char *b)
{
  if (strstr (msg, a) == NULL || (b != NULL && strstr (msg, b) == NULL))
    fail_msg ("message '%s' lacks '%s' / '%s'", msg, a, b ? b : "");
}

static void
test_wrong_shape (void **state)
{
  const gint32 shape[4] = { 1, 192, 192, 3 };
  g_autofree char *msg = run_error ("model: '" MODEL "' backend: 'ref'",
                                    tensor_packet (4, shape, NULL));
  assert_contains (msg, "detector", "[1,128,128,3]");
  assert_contains (msg, "[1,192,192,3]", MODEL);

  /* two tensors for a one-input model */
  FvTensorList *two = fv_tensor_list_new (2);
  const gint32 s[1] = { 4 };
  assert_true (fv_tensor_list_alloc (two, 0, 1, s, NULL));
  assert_true (fv_tensor_list_alloc (two, 1, 1, s, NULL));
  g_autofree char *msg2 = run_error ("model: '" MODEL "' backend: 'ref'",
                                     fv_packet_new_tensors (two));
  assert_contains (msg2, "detector", "takes 1 input tensor, got 2");
}

static void
test_missing_model (void **state)
{
  /* errors at start, naming the node and the model */
  g_autofree char *m1 = run_error ("model: 'no_such_model'", NULL);
  assert_contains (m1, "detector", "no_such_model");
  g_autofree char *m2 = run_error ("model_path: '/nonexistent/dir/thing.tflite'", NULL);
  assert_contains (m2, "detector", "/nonexistent/dir/thing.tflite");
  /* a file that is not a model */
  g_autofree char *manifest = data_path ("golden", "manifest.txt", NULL);
  g_autofree char *opt = g_strdup_printf ("model_path: '%s'", manifest);
  g_autofree char *m3 = run_error (opt, NULL);
  assert_contains (m3, "detector", "cannot load model");
  /* no model at all, or an unknown backend: refused when the graph is built */
  g_autofree char *m4 = run_error ("backend: 'ref'", NULL);
  assert_contains (m4, "detector", "no model");
  g_autofree char *m5 = run_error ("model: '" MODEL "' backend: 'tpu'", NULL);
  assert_contains (m5, "detector", "unknown backend 'tpu'");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_golden_ref),
    cmocka_unit_test (test_golden_model_path),
    cmocka_unit_test (test_golden_side_packet),
    cmocka_unit_test (test_pipeline_from_png),
    cmocka_unit_test (test_wrong_shape),
    cmocka_unit_test (test_missing_model),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
