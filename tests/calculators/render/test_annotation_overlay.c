/* fovea tests — AnnotationOverlayCalculator in small graphs: boxes, keypoints, rotated
 * rects, face mesh contours and irises (checked pixel by pixel on images where every
 * connection collapses onto one hand-placed segment), pixel formats, missing inputs and
 * option errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "graph/detection.h"
#include "graph/image.h"
#include "graph/packet_vector.h"
#include "../landmarks/lmk_test_util.h"

#define W 20
#define H 11

static FvPacket *
black_image (FvImageFormat format)
{
  return fv_packet_new_image (fv_image_new (format, W, H, NULL));
}

static const guint8 *
px (const FvImage *im, int x, int y)
{
  return fv_image_row (im, y) + x * fv_image_format_channels (im->format);
}

static gboolean
is (const FvImage *im, int x, int y, guint8 r, guint8 g, guint8 b)
{
  const guint8 *p = px (im, x, y);
  return p[0] == r && p[1] == g && p[2] == b;
}

static int
count_non_black (const FvImage *im)
{
  int n = 0;
  for (int y = 0; y < im->height; y++)
    for (int x = 0; x < im->width; x++)
      n += !is (im, x, y, 0, 0, 0);
  return n;
}

static void
test_detection_box_and_keypoint (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'img' input_stream: 'det'\n"
    "node { calculator: 'AnnotationOverlayCalculator' input_stream: 'IMAGE:img'\n"
    "  input_stream: 'DETECTIONS:det' output_stream: 'IMAGE:out'\n"
    "  options { [fovea.AnnotationOverlayCalculatorOptions.ext] {\n"
    "    thickness: 1 keypoint_radius: 0 } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  FvPacket *img = black_image (FV_IMAGE_GRAY8);
  lmk_add (g, "img", fv_packet_ref (img), 7);
  /* box (2.5, 2.5)-(12.5, 8.5) in pixels; a keypoint at (16.5, 5.5) */
  FvDetections *d = fv_detections_new (1);
  d->items[0].xmin = 2.5f / W;
  d->items[0].ymin = 2.5f / H;
  d->items[0].width = 10.0f / W;
  d->items[0].height = 6.0f / H;
  d->items[0].n_keypoints = 1;
  d->items[0].keypoints[0].x = 16.5f / W;
  d->items[0].keypoints[0].y = 5.5f / H;
  lmk_add (g, "det", fv_packet_new_detections (d), 7);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  assert_int_equal (res->len, 1);
  assert_int_equal (fv_packet_timestamp (res->pdata[0]), 7);
  const FvImage *o = fv_packet_get_image (res->pdata[0]);
  assert_int_equal (o->format, FV_IMAGE_RGB24);   /* gray becomes RGB */
  assert_int_equal (o->width, W);
  assert_int_equal (o->height, H);
  /* outline: rows 2 and 8 over columns 2..12, columns 2 and 12 over rows 3..7, green */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        gboolean edge = ((y == 2 || y == 8) && x >= 2 && x <= 12)
                        || ((x == 2 || x == 12) && y >= 3 && y <= 7);
        if (x == 16 && y == 5)
          assert_true (is (o, x, y, 255, 0, 0));   /* the keypoint, red */
        else if (edge)
          assert_true (is (o, x, y, 0, 255, 0));
        else
          assert_true (is (o, x, y, 0, 0, 0));
      }
  /* the input image is untouched */
  const FvImage *in = fv_packet_get_image (img);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      assert_int_equal (px (in, x, y)[0], 0);
  fv_packet_unref (img);
  fv_graph_free (g);
}

/* A face mesh whose points all sit at A = (2.2, 5.5) px except one at B = (17.8, 5.5):
 * every connection is then the segment AB or a point at A, so the drawing is exactly row 5,
 * columns 2..17 (the segment with round caps of radius 0.5 spans x 1.7 .. 18.3). */
static FvPacket *
collapsed_mesh (int n, int at_b)
{
  FvLandmarks *l = fv_landmarks_new (n);
  for (int i = 0; i < n; i++)
    {
      l->items[i].x = (i == at_b ? 17.8f : 2.2f) / W;
      l->items[i].y = 5.5f / H;
    }
  return fv_packet_new_landmarks (l);
}

static void
check_row5 (const FvImage *o, guint8 r, guint8 g, guint8 b)
{
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        if (y == 5 && x >= 2 && x <= 17)
          assert_true (is (o, x, y, r, g, b));
        else
          assert_true (is (o, x, y, 0, 0, 0));
      }
}

static void
test_face_mesh_contours_and_irises (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'img' input_stream: 'mesh' input_stream: 'faces'\n"
    "node { calculator: 'AnnotationOverlayCalculator' input_stream: 'IMAGE:img'\n"
    "  input_stream: 'LANDMARKS:mesh' output_stream: 'IMAGE:contours'\n"
    "  options { [fovea.AnnotationOverlayCalculatorOptions.ext] {\n"
    "    thickness: 1 draw_landmarks: false connection_color { r: 1 g: 2 b: 3 } } } }\n"
    "node { calculator: 'AnnotationOverlayCalculator' input_stream: 'IMAGE:img'\n"
    "  input_stream: 'MULTI_LANDMARKS:faces' output_stream: 'IMAGE:irises'\n"
    "  options { [fovea.AnnotationOverlayCalculatorOptions.ext] {\n"
    "    thickness: 1 draw_landmarks: false draw_contours: false } } }\n");
  FvPoller *pc = fv_graph_add_poller (g, "contours", NULL);
  FvPoller *pi = fv_graph_add_poller (g, "irises", NULL);
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "img", black_image (FV_IMAGE_RGB24), 0);
  /* 146 is in FACEMESH_CONTOURS (61, 146), (146, 91); 474 in FACEMESH_IRISES */
  lmk_add (g, "mesh", collapsed_mesh (468, 146), 0);
  GPtrArray *faces = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  g_ptr_array_add (faces, collapsed_mesh (478, 474));
  lmk_add (g, "faces", fv_packet_new_vector (faces), 0);
  g_autoptr (GPtrArray) rc = lmk_finish (g, pc, TRUE, NULL);
  g_autoptr (GPtrArray) ri = lmk_finish (g, pi, TRUE, NULL);
  check_row5 (fv_packet_get_image (rc->pdata[0]), 1, 2, 3);
  check_row5 (fv_packet_get_image (ri->pdata[0]), 255, 255, 255);
  fv_graph_free (g);

  /* a non-mesh list (or one too short for irises) gets only its points: the 468 points of
   * the contour test with contours off and landmark_radius 0 paint the pixels at A and B */
  g = lmk_graph (
    "input_stream: 'img' input_stream: 'mesh'\n"
    "node { calculator: 'AnnotationOverlayCalculator' input_stream: 'IMAGE:img'\n"
    "  input_stream: 'LANDMARKS:mesh' output_stream: 'IMAGE:out'\n"
    "  options { [fovea.AnnotationOverlayCalculatorOptions.ext] {\n"
    "    landmark_radius: 0 draw_contours: false } } }\n");
  FvPoller *po = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "img", black_image (FV_IMAGE_RGB24), 0);
  lmk_add (g, "mesh", collapsed_mesh (468, 146), 0);   /* 468 < 478: no irises either */
  g_autoptr (GPtrArray) ro = lmk_finish (g, po, TRUE, NULL);
  const FvImage *o = fv_packet_get_image (ro->pdata[0]);
  assert_int_equal (count_non_black (o), 2);
  assert_true (is (o, 2, 5, 255, 0, 0));
  assert_true (is (o, 17, 5, 255, 0, 0));
  fv_graph_free (g);
}

/* A 21-point list is a hand: HAND_CONNECTIONS are drawn (with draw_contours); one of
 * another length gets none. */
static void
test_hand_connections (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'img' input_stream: 'hands' input_stream: 'other'\n"
    "node { calculator: 'AnnotationOverlayCalculator' input_stream: 'IMAGE:img'\n"
    "  input_stream: 'MULTI_LANDMARKS:hands' output_stream: 'IMAGE:skeleton'\n"
    "  options { [fovea.AnnotationOverlayCalculatorOptions.ext] {\n"
    "    thickness: 1 draw_landmarks: false connection_color { r: 1 g: 2 b: 3 } } } }\n"
    "node { calculator: 'AnnotationOverlayCalculator' input_stream: 'IMAGE:img'\n"
    "  input_stream: 'LANDMARKS:other' output_stream: 'IMAGE:none'\n"
    "  options { [fovea.AnnotationOverlayCalculatorOptions.ext] {\n"
    "    thickness: 1 draw_landmarks: false } } }\n");
  FvPoller *ps = fv_graph_add_poller (g, "skeleton", NULL);
  FvPoller *pn = fv_graph_add_poller (g, "none", NULL);
  assert_true (fv_graph_start (g, NULL));
  lmk_add (g, "img", black_image (FV_IMAGE_RGB24), 0);
  /* 8, the index finger tip, is in HAND_CONNECTIONS (7, 8) */
  GPtrArray *hands = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  g_ptr_array_add (hands, collapsed_mesh (21, 8));
  lmk_add (g, "hands", fv_packet_new_vector (hands), 0);
  lmk_add (g, "other", collapsed_mesh (20, 8), 0);
  g_autoptr (GPtrArray) rs = lmk_finish (g, ps, TRUE, NULL);
  g_autoptr (GPtrArray) rn = lmk_finish (g, pn, TRUE, NULL);
  check_row5 (fv_packet_get_image (rs->pdata[0]), 1, 2, 3);
  assert_int_equal (count_non_black (fv_packet_get_image (rn->pdata[0])), 0);
  fv_graph_free (g);
}

static void
test_rect_bgra_and_missing_image (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'img' input_stream: 'roi'\n"
    "node { calculator: 'AnnotationOverlayCalculator' input_stream: 'IMAGE:img'\n"
    "  input_stream: 'NORM_RECT:roi' output_stream: 'IMAGE:out'\n"
    "  options { [fovea.AnnotationOverlayCalculatorOptions.ext] { thickness: 1 } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  FvImage *bgra = fv_image_new (FV_IMAGE_BGRA32, W, H, NULL);
  guint8 *p0 = fv_image_row (bgra, 0);
  p0[0] = 10; p0[1] = 20; p0[2] = 30; p0[3] = 40;   /* B G R A */
  lmk_add (g, "img", fv_packet_new_image (bgra), 0);
  /* a 10 x 4 px rect centred at (10, 5.5): edges along x = 5, 15 and y = 3.5, 7.5 */
  FvNormRect r = { 10.0f / W, 5.5f / H, 10.0f / W, 4.0f / H, 0, 0 };
  lmk_add (g, "roi", fv_packet_new_norm_rect (&r), 0);
  /* timestamp 1 has a rect but no image: no output */
  lmk_add (g, "roi", fv_packet_new_norm_rect (&r), 1);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  assert_int_equal (res->len, 1);
  const FvImage *o = fv_packet_get_image (res->pdata[0]);
  assert_int_equal (o->format, FV_IMAGE_RGBA32);
  const guint8 *q = px (o, 0, 0);
  assert_true (q[0] == 30 && q[1] == 20 && q[2] == 10 && q[3] == 40);   /* R G B A */
  /* rows 3 and 7 over columns 5..14 (pixel centres 5.5 .. 14.5 within [4.5, 15.5]: the
   * vertical edges at x = 5 and 15 paint columns 4, 5 and 14, 15), blue */
  assert_true (is (o, 10, 3, 0, 0, 255));
  assert_true (is (o, 10, 7, 0, 0, 255));
  assert_true (is (o, 10, 5, 0, 0, 0));
  assert_true (is (o, 4, 5, 0, 0, 255));
  assert_true (is (o, 5, 5, 0, 0, 255));
  assert_true (is (o, 6, 5, 0, 0, 0));
  assert_true (is (o, 15, 5, 0, 0, 255));
  assert_true (is (o, 16, 5, 0, 0, 0));
  assert_true (is (o, 10, 2, 0, 0, 0));
  fv_graph_free (g);
}

static void
test_option_errors (void **state)
{
  g_autofree char *m1 = lmk_graph_error (
    "input_stream: 'img' node { calculator: 'AnnotationOverlayCalculator'\n"
    " input_stream: 'IMAGE:img' output_stream: 'IMAGE:out'\n"
    " options { [fovea.AnnotationOverlayCalculatorOptions.ext] { thickness: -1 } } }");
  assert_non_null (strstr (m1, "thickness"));
  g_autofree char *m2 = lmk_graph_error (
    "input_stream: 'img' node { calculator: 'AnnotationOverlayCalculator'\n"
    " input_stream: 'IMAGE:img' output_stream: 'IMAGE:out'\n"
    " options { [fovea.AnnotationOverlayCalculatorOptions.ext] {\n"
    "   landmark_color { r: 300 } } } }");
  assert_non_null (strstr (m2, "landmark_color.r"));
  g_autofree char *m3 = lmk_graph_error (
    "input_stream: 'lm' node { calculator: 'AnnotationOverlayCalculator'\n"
    " input_stream: 'LANDMARKS:lm' output_stream: 'IMAGE:out' }");
  assert_non_null (strstr (m3, "IMAGE"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_detection_box_and_keypoint),
    cmocka_unit_test (test_face_mesh_contours_and_irises),
    cmocka_unit_test (test_hand_connections),
    cmocka_unit_test (test_rect_bgra_and_missing_image),
    cmocka_unit_test (test_option_errors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
