/* fovea tests — gpu_chain helpers (see chain_util.h). */
#include "tests/gpu_chain/chain_util.h"

#include "calculators/image/image_to_tensor.h"
#include "gpu/buffer.h"
#include "graph/config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

FvImage *
chain_noise_image (FvImageFormat format, int w, int h, guint32 seed)
{
  FvImage *img = fv_image_new (format, w, h, NULL);
  g_assert_nonnull (img);
  const int ch = fv_image_format_channels (format);
  guint32 x = seed;
  for (int y = 0; y < h; y++) {
    guint8 *row = fv_image_row (img, y);
    for (int i = 0; i < w * ch; i++) {
      x = x * 1664525u + 1013904223u;   /* LCG: reproducible noise */
      row[i] = (guint8) (x >> 24);
    }
  }
  return img;
}

FvTensorList *
chain_i2t (const char *device, const FvImage *image, const FvNormRect *rect, int w, int h,
           const char *options_extra, float padding[4], float matrix[16], GError **error)
{
  g_autofree char *dev = device ? g_strdup_printf ("device: '%s'", device) : g_strdup ("");
  g_autofree char *cfg = g_strdup_printf (
    "input_stream: 'image' %s\n"
    "node { calculator: 'ImageToTensorCalculator' input_stream: 'IMAGE:image' %s\n"
    "  output_stream: 'TENSORS:tensors' output_stream: 'LETTERBOX_PADDING:padding'\n"
    "  output_stream: 'MATRIX:matrix'\n"
    "  options { [mediapipe.ImageToTensorCalculatorOptions.ext] {\n"
    "    output_tensor_width: %d output_tensor_height: %d %s %s } } }\n",
    rect ? "input_stream: 'roi'" : "", rect ? "input_stream: 'NORM_RECT:roi'" : "", w, h,
    options_extra, dev);
  FvGraph *g = fv_graph_new_from_string (cfg, NULL, error);
  if (g == NULL)
    return NULL;
  FvPoller *pt = fv_graph_add_poller (g, "tensors", NULL);
  FvPoller *pp = fv_graph_add_poller (g, "padding", NULL);
  FvPoller *pm = fv_graph_add_poller (g, "matrix", NULL);
  FvTensorList *result = NULL;
  if (!fv_graph_start (g, error)) {
    fv_graph_free (g);
    return NULL;
  }
  FvImage *copy = fv_image_new (image->format, image->width, image->height, NULL);
  for (int y = 0; y < image->height; y++)
    memcpy (fv_image_row (copy, y), fv_image_row (image, y),
            (gsize) image->width * (gsize) fv_image_format_channels (image->format));
  gboolean ok = fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (copy), 1),
                                     error);
  if (ok && rect)
    ok = fv_graph_add_packet (g, "roi", fv_packet_stamp (fv_packet_new_norm_rect (rect), 1),
                              error);
  fv_graph_close_all_inputs (g, NULL);
  ok = fv_graph_wait_until_done (g, ok ? error : NULL) && ok;
  FvPacket *p = NULL;
  if (ok && fv_poller_next (pt, &p)) {
    const FvTensorList *l = fv_packet_get_tensors (p);
    result = fv_tensor_list_new (1);
    fv_tensor_list_alloc (result, 0, l->tensors[0].rank, l->tensors[0].shape, NULL);
    memcpy (result->tensors[0].data, l->tensors[0].data, l->tensors[0].n * sizeof (float));
    fv_packet_unref (p);
  }
  if (ok && fv_poller_next (pp, &p)) {
    memcpy (padding, fv_packet_get_letterbox_padding (p), 4 * sizeof (float));
    fv_packet_unref (p);
  }
  if (ok && fv_poller_next (pm, &p)) {
    memcpy (matrix, fv_packet_get_matrix (p), 16 * sizeof (float));
    fv_packet_unref (p);
  }
  fv_graph_free (g);
  return result;
}

FvDetections *
chain_run_face_detection (const FvPacket *frame, int frames, guint64 *copied, GError **error)
{
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'IMAGE:image' output_stream: 'DETECTIONS:det' "
    "node { calculator: 'FaceDetection' input_stream: 'IMAGE:image' "
    "output_stream: 'DETECTIONS:det' }", NULL, error);
  if (g == NULL)
    return NULL;
  FvPoller *poller = fv_graph_add_poller (g, "det", error);
  gboolean ok = poller != NULL && fv_graph_start (g, error);
  /* weights and constants went up at model load, in start: only the frames count */
  fv_gpu_reset_bytes_copied ();
  for (int ts = 0; ok && ts < frames; ts++)
    ok = fv_graph_add_packet (g, "image", fv_packet_at (frame, ts), error)
         && fv_graph_wait_until_idle (g, error);
  fv_graph_close_all_inputs (g, NULL);
  ok = fv_graph_wait_until_done (g, ok ? error : NULL) && ok;
  *copied = fv_gpu_bytes_copied ();
  FvPacket *out = NULL;
  FvDetections *last = NULL;
  int n = 0;
  while (ok && fv_poller_next (poller, &out)) {
    const FvDetections *d = fv_packet_get_detections (out);
    if (d == NULL || d->n < 1) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR, "frame %d: no face", n);
      ok = FALSE;
    } else {
      g_clear_pointer (&last, fv_detections_free);
      last = fv_detections_new (d->n);
      memcpy (last->items, d->items, sizeof (FvDetection) * (gsize) d->n);
    }
    fv_packet_unref (out);
    n++;
  }
  if (ok && n != frames) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                 "%d frames gave %d detection packets", frames, n);
    ok = FALSE;
  }
  fv_graph_free (g);
  if (!ok)
    g_clear_pointer (&last, fv_detections_free);
  return last;
}

gboolean
chain_register_face_detection (GError **error)
{
  g_autofree char *path = g_build_filename (FOVEA_SOURCE_ROOT, "graph", "solutions",
                                            "face_detection.pbtxt", NULL);
  g_autofree char *text = NULL;
  return g_file_get_contents (path, &text, NULL, error)
         && fv_subgraph_register_text (text, path, error);
}

double
chain_detections_diff (const FvDetections *a, const FvDetections *b)
{
  if (a->n != b->n)
    return INFINITY;
  double d = 0;
  for (int i = 0; i < a->n; i++) {
    const FvDetection *x = &a->items[i], *y = &b->items[i];
    const double diffs[] = { x->score - y->score, x->xmin - y->xmin, x->ymin - y->ymin,
                             x->width - y->width, x->height - y->height };
    for (guint k = 0; k < G_N_ELEMENTS (diffs); k++)
      d = isnan (diffs[k]) ? INFINITY : fmax (d, fabs (diffs[k]));   /* NaN never passes */
  }
  return d;
}

int
chain_group_setup (void **state)
{
  fv_test_gpu_setup ();
  g_autoptr (GError) error = NULL;
  if (!chain_register_face_detection (&error)) {
    fprintf (stderr, "%s\n", error->message);
    return -1;
  }
  return 0;
}

int
chain_group_teardown (void **state)
{
  fv_subgraph_registry_clear ();
  fv_test_gpu_teardown ();
  return 0;
}
