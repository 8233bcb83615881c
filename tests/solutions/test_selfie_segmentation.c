/* selfie_segmentation (model_selection 0, general) and its landscape variant
 * (model_selection 1) against MediaPipe's own masks, and the calculators behind them.
 *
 * tests/data/mediapipe/<photo>.selfie_segmentation.model{0,1}.mask.png are the masks
 * MediaPipe's web solution produced on each photo of tests/data/images (CPU inference,
 * 8-bit, the photo's size). fovea runs the same solution; at threshold 0.5 (a PNG value >=
 * 128) the two masks must overlap with IoU >= 0.97, and the mean absolute difference of the
 * probabilities is printed. The smoothing calculator is checked against its formula worked
 * out by hand, the resampling of TensorsToSegmentation on a 2x2 tensor, and the threshold
 * option against the soft mask. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "graph/fovea-graph.h"
#include "graph/mask.h"
#include "graph/solutions/solutions.h"
#include "graph/tensor_list.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *data_dir;

/* Runs @text (a graph with input "image" and output stream @out) on @packet at @ts and
 * returns the mask it gives (a new reference), or fails. */
static FvPacket *
run_mask (FvGraph *g, FvPoller *poller, const char *in, FvPacket *packet, gint64 ts)
{
  g_autoptr (GError) error = NULL;
  if (!fv_graph_add_packet (g, in, fv_packet_stamp (packet, ts), &error)
      || !fv_graph_wait_until_idle (g, &error))
    fail_msg ("%s", error->message);
  FvPacket *out = NULL;
  assert_true (fv_poller_next (poller, &out));
  assert_non_null (fv_packet_get_mask (out));
  return out;
}

/* The mask the graph of @text gives on @image (transfer full), run alone. transfer full. */
static FvPacket *
graph_mask (const char *text, FvImage *image)
{
  g_autoptr (GError) error = NULL;
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  if (g == NULL)
    fail_msg ("%s", error->message);
  FvPoller *poller = fv_graph_add_poller (g, "segmentation_mask", &error);
  assert_non_null (poller);
  assert_true (fv_graph_start (g, &error));
  FvPacket *out = run_mask (g, poller, "image", fv_packet_new_image (image), 0);
  fv_graph_close_all_inputs (g, NULL);
  assert_true (fv_graph_wait_until_done (g, NULL));
  fv_graph_free (g);
  return out;
}

static void
compare_with_mediapipe (int model_selection)
{
  g_autoptr (GError) error = NULL;
  assert_true (fv_solutions_register (&error));
  char setting[32];
  g_snprintf (setting, sizeof setting, "model_selection=%d", model_selection);
  char *set[] = { setting, NULL };
  g_autofree char *text = fv_solution_graph_text (fv_solution_find ("selfie_segmentation"), set,
                                                  &error);
  assert_non_null (text);
  g_autofree char *mp_dir = g_build_filename (data_dir, "mediapipe", NULL);
  g_autoptr (GDir) dir = g_dir_open (mp_dir, 0, NULL);
  assert_non_null (dir);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  g_autofree char *suffix = g_strdup_printf (".selfie_segmentation.model%d.mask.png",
                                             model_selection);
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, suffix))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - strlen (suffix)));
  assert_true (names->len >= 10);
  int failures = 0;
  for (guint i = 0; i < names->len; i++) {
    const char *photo = g_ptr_array_index (names, i);
    g_autofree char *png = g_strdup_printf ("%s/%s%s", mp_dir, photo, suffix);
    g_autoptr (FvImage) ref = fv_image_load (png, FV_IMAGE_GRAY8, &error);
    if (ref == NULL)
      fail_msg ("%s", error->message);
    g_autofree char *jpg = g_strdup_printf ("%s/images/%s.jpg", data_dir, photo);
    g_autofree char *pngphoto = g_strdup_printf ("%s/images/%s.png", data_dir, photo);
    FvImage *image = fv_image_load (g_file_test (jpg, G_FILE_TEST_EXISTS) ? jpg : pngphoto,
                                    FV_IMAGE_RGB24, &error);
    if (image == NULL)
      fail_msg ("%s", error->message);
    FvPacket *out = graph_mask (text, image);
    const FvMask *m = fv_packet_get_mask (out);
    assert_int_equal (m->width, ref->width);
    assert_int_equal (m->height, ref->height);
    gsize inter = 0, uni = 0;
    double mad = 0;
    for (int y = 0; y < m->height; y++)
      for (int x = 0; x < m->width; x++) {
        float p = m->data[(gsize) y * m->width + x];
        guint8 r = fv_image_row (ref, y)[x];
        gboolean a = p >= 0.5f, b = r >= 128;
        inter += a && b;
        uni += a || b;
        mad += fabs (p - r / 255.0);
      }
    double iou = uni ? (double) inter / (double) uni : 1.0;
    mad /= (double) m->width * m->height;
    gboolean ok = iou >= 0.97;
    printf ("  %-30s model %d  %4dx%-4d IoU %.4f  mean |p - mediapipe| %.4f  %s\n", photo,
            model_selection, m->width, m->height, iou, mad, ok ? "PASS" : "FAIL");
    failures += !ok;
    fv_packet_unref (out);
  }
  assert_int_equal (failures, 0);
}

/* The solution's mask of @photo with @setting (NULL: defaults). transfer full. */
static FvPacket *
solution_mask (const char *photo, const char *setting)
{
  g_autoptr (GError) error = NULL;
  assert_true (fv_solutions_register (&error));
  char *set[] = { (char *) setting, NULL };
  g_autofree char *text = fv_solution_graph_text (fv_solution_find ("selfie_segmentation"), set,
                                                  &error);
  if (text == NULL)
    fail_msg ("%s", error->message);
  g_autofree char *path = g_build_filename (data_dir, "images", photo, NULL);
  FvImage *image = fv_image_load (path, FV_IMAGE_RGB24, &error);
  if (image == NULL)
    fail_msg ("%s", error->message);
  return graph_mask (text, image);
}

/* threshold > 0 makes the mask hard: exactly 1 where the soft mask is >= it, 0 elsewhere;
 * a threshold outside [0, 1] is refused when the graph is built. */
static void
test_threshold (void **state)
{
  FvPacket *soft_p = solution_mask ("kpa_wayne_upright.jpg", NULL);
  FvPacket *hard_p = solution_mask ("kpa_wayne_upright.jpg", "threshold=0.5");
  const FvMask *soft = fv_packet_get_mask (soft_p), *hard = fv_packet_get_mask (hard_p);
  assert_int_equal (soft->width, hard->width);
  assert_int_equal (soft->height, hard->height);
  gsize n = (gsize) soft->width * soft->height, ones = 0, soft_between = 0;
  for (gsize i = 0; i < n; i++) {
    assert_true (hard->data[i] == (soft->data[i] >= 0.5f ? 1.0f : 0.0f));
    ones += hard->data[i] == 1.0f;
    soft_between += soft->data[i] > 0.01f && soft->data[i] < 0.99f;
  }
  printf ("  threshold 0.5: %.1f%% person; the soft mask has %zu values strictly inside "
          "(0.01, 0.99)\n", 100.0 * ones / n, soft_between);
  assert_true (ones > n / 20 && ones < n / 2);   /* a person, not the whole frame */
  assert_true (soft_between > 0);                /* so the soft mask really is soft */
  fv_packet_unref (soft_p);
  fv_packet_unref (hard_p);

  g_autoptr (GError) error = NULL;
  char *set[] = { (char *) "threshold=1.5", NULL };
  g_autofree char *text = fv_solution_graph_text (fv_solution_find ("selfie_segmentation"), set,
                                                  &error);
  FvGraph *g = text ? fv_graph_new_from_string (text, NULL, &error) : NULL;
  assert_null (g);
  assert_non_null (error);
  assert_non_null (strstr (error->message, "threshold"));
}

static void
test_general_vs_mediapipe (void **state)
{
  compare_with_mediapipe (0);
}

static void
test_landscape_vs_mediapipe (void **state)
{
  compare_with_mediapipe (1);
}

/* A graph of one calculator fed from graph inputs. */
static FvGraph *
one_node (const char *text, const char *out, FvPoller **poller)
{
  g_autoptr (GError) error = NULL;
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  if (g == NULL)
    fail_msg ("%s", error->message);
  *poller = fv_graph_add_poller (g, out, &error);
  assert_non_null (*poller);
  assert_true (fv_graph_start (g, &error));
  return g;
}

static FvPacket *
mask_packet (int w, int h, const float *values)
{
  FvMask *m = fv_mask_new (w, h, NULL);
  memcpy (m->data, values, sizeof (float) * (gsize) w * (gsize) h);
  return fv_packet_new_mask (m);
}

static void
test_smoothing_formula (void **state)
{
  FvPoller *poller;
  FvGraph *g = one_node (
    "input_stream: 'MASK:cur' input_stream: 'PREV:prev' output_stream: 'OUT:out'\n"
    "node { calculator: 'SegmentationSmoothingCalculator' input_stream: 'MASK:cur'\n"
    "  input_stream: 'MASK_PREVIOUS:prev' output_stream: 'MASK_SMOOTHED:out'\n"
    "  options { [mediapipe.SegmentationSmoothingCalculatorOptions.ext] {\n"
    "    combine_with_previous_ratio: 0.7 } } }\n", "out", &poller);
  /* uncertainty u(p) = 1 - min (1, x (c1 + x (c2 + x (c3 + x (c4 + x c5))))), x = (p - 0.5)^2:
   * 1 at p = 0.5 (out = p + (prev - p) * 0.7), about 4e-5 at p = 0 and 1 (the fit reaches
   * 0.99996 there), 0.94 at p = 0.6 */
  const float cur[4] = { 0.5f, 0.0f, 1.0f, 0.6f };
  const float prev[4] = { 1.0f, 1.0f, 0.0f, 0.0f };
  double want[4];
  for (int i = 0; i < 4; i++) {
    double x = (cur[i] - 0.5) * (cur[i] - 0.5);
    double u = 1.0 - fmin (1.0, x * (5.68842 + x * (-0.748699 + x * (-57.8051
                                                                      + x * (291.309 + x * -624.717)))));
    want[i] = cur[i] + (prev[i] - cur[i]) * u * 0.7;
  }
  assert_float_equal (want[0], 0.85, 1e-12);
  assert_true (fabs (want[1]) < 1e-4 && fabs (want[2] - 1.0) < 1e-4);
  g_autoptr (GError) error = NULL;
  assert_true (fv_graph_add_packet (g, "cur", fv_packet_stamp (mask_packet (2, 2, cur), 1), &error));
  assert_true (fv_graph_add_packet (g, "prev", fv_packet_stamp (mask_packet (2, 2, prev), 1),
                                    &error));
  assert_true (fv_graph_wait_until_idle (g, &error));
  FvPacket *out = NULL;
  assert_true (fv_poller_next (poller, &out));
  const FvMask *m = fv_packet_get_mask (out);
  for (int i = 0; i < 4; i++) {
    printf ("  p %.2f prev %.2f -> %.6f (want %.6f)\n", cur[i], prev[i], m->data[i], want[i]);
    assert_float_equal (m->data[i], want[i], 1e-5);
  }
  fv_packet_unref (out);
  /* no previous mask: the mask passes as it is */
  assert_true (fv_graph_add_packet (g, "cur", fv_packet_stamp (mask_packet (2, 2, cur), 2), &error));
  assert_true (fv_graph_close_input (g, "prev", &error));
  assert_true (fv_graph_wait_until_idle (g, &error));
  assert_true (fv_poller_next (poller, &out));
  assert_memory_equal (fv_packet_get_mask (out)->data, cur, sizeof cur);
  fv_packet_unref (out);
  fv_graph_close_all_inputs (g, NULL);
  assert_true (fv_graph_wait_until_done (g, NULL));
  fv_graph_free (g);
}

static void
test_tensors_to_segmentation_resampling (void **state)
{
  FvPoller *poller;
  FvGraph *g = one_node (
    "input_stream: 'TENSORS:t' output_stream: 'OUT:out'\n"
    "node { calculator: 'TensorsToSegmentationCalculator' input_stream: 'TENSORS:t'\n"
    "  output_stream: 'MASK:out' options { [mediapipe.TensorsToSegmentationCalculatorOptions.ext]"
    " { activation: SOFTMAX } } }\n", "out", &poller);
  /* 1x2x2x2: channel 1 is the foreground; softmax of (a, b) for b = sigmoid (b - a) */
  FvTensorList *list = fv_tensor_list_new (1);
  const gint32 shape[4] = { 1, 2, 2, 2 };
  assert_true (fv_tensor_list_alloc (list, 0, 4, shape, NULL));
  const float v[8] = { 0, 0, 0, 2, 1, 0, 0, -3 };
  memcpy (list->tensors[0].data, v, sizeof v);
  g_autoptr (GError) error = NULL;
  assert_true (fv_graph_add_packet (g, "t", fv_packet_stamp (fv_packet_new_tensors (list), 1),
                                    &error));
  assert_true (fv_graph_wait_until_idle (g, &error));
  FvPacket *out = NULL;
  assert_true (fv_poller_next (poller, &out));
  const FvMask *m = fv_packet_get_mask (out);
  assert_int_equal (m->width, 2);
  const double want[4] = { 0.5, 1 / (1 + exp (-2.0)), 1 / (1 + exp (1.0)), 1 / (1 + exp (3.0)) };
  for (int i = 0; i < 4; i++)
    assert_float_equal (m->data[i], want[i], 1e-6);
  fv_packet_unref (out);
  fv_graph_close_all_inputs (g, NULL);
  assert_true (fv_graph_wait_until_done (g, NULL));
  fv_graph_free (g);
}

int
main (void)
{
  data_dir = g_getenv ("FOVEA_TEST_DATA");
  if (data_dir == NULL)
    return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_smoothing_formula),
    cmocka_unit_test (test_tensors_to_segmentation_resampling),
    cmocka_unit_test (test_general_vs_mediapipe),
    cmocka_unit_test (test_landscape_vs_mediapipe),
    cmocka_unit_test (test_threshold),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
