/* fovea — tests of fv_image_to_tensor (geometry, sampling, border, range, formats) against
 * hand-computed values and the TFLite oracle's image recipe, and of ImageToTensorCalculator
 * inside a graph. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calculators/image/image_io.h"
#include "calculators/image/image_to_tensor.h"
#include "graph/graph.h"

/* An image of @format whose pixel (x, y) has RGB @rgb[(y * w + x) * 3 ...]. GRAY8 takes R. */
static FvImage *
make_image (FvImageFormat format, int w, int h, const guint8 *rgb)
{
  FvImage *img = fv_image_new (format, w, h, NULL);
  assert_non_null (img);
  for (int y = 0; y < h; y++) {
    guint8 *row = fv_image_row (img, y);
    for (int x = 0; x < w; x++) {
      const guint8 *p = rgb + (y * w + x) * 3;
      switch (format) {
      case FV_IMAGE_GRAY8: row[x] = p[0]; break;
      case FV_IMAGE_RGB24: memcpy (row + 3 * x, p, 3); break;
      case FV_IMAGE_RGBA32:
        memcpy (row + 4 * x, p, 3);
        row[4 * x + 3] = 77;
        break;
      default:
        row[4 * x] = p[2], row[4 * x + 1] = p[1], row[4 * x + 2] = p[0], row[4 * x + 3] = 9;
        break;
      }
    }
  }
  return img;
}

/* A gray image whose pixel values are @v[y * w + x], as RGB bytes. */
static FvImage *
make_gray (int w, int h, const guint8 *v)
{
  guint8 rgb[64 * 3];
  assert_true (w * h <= 64);
  for (int i = 0; i < w * h; i++)
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = v[i];
  return make_image (FV_IMAGE_RGB24, w, h, rgb);
}

static FvImageToTensorParams
params (int w, int h, float lo, float hi)
{
  return (FvImageToTensorParams) { .width = w, .height = h, .range_min = lo, .range_max = hi,
                                   .border = FV_BORDER_ZERO };
}

/* Checks every channel of tensor pixel (x, y) of a w-wide tensor equals @want. */
static void
assert_pixel (const float *out, int w, int x, int y, float want, float tol)
{
  for (int k = 0; k < 3; k++) {
    float got = out[(y * w + x) * 3 + k];
    if (fabsf (got - want) > tol)
      fail_msg ("pixel (%d,%d) channel %d: got %.7g, want %.7g", x, y, k, (double) got,
                (double) want);
  }
}

static void
test_identity (void **state)
{
  /* a 3x2 RGB image mapped onto a 3x2 tensor is the pixels themselves, range-mapped */
  const guint8 rgb[18] = { 0, 10, 20, 30, 40, 50, 255, 128, 1, 7, 8, 9, 100, 101, 102, 200, 201, 202 };
  g_autoptr (FvImage) img = make_image (FV_IMAGE_RGB24, 3, 2, rgb);
  float out[18], pad[4], m[16];
  FvImageToTensorParams p = params (3, 2, 0.0f, 1.0f);
  assert_true (fv_image_to_tensor (img, NULL, &p, out, pad, m, NULL));
  for (int i = 0; i < 18; i++)
    assert_float_equal (out[i], rgb[i] / 255.0f, 1e-7);
  for (int i = 0; i < 4; i++)
    assert_float_equal (pad[i], 0.0f, 0.0);
  /* [-1, 1]: 0 -> -1, 255 -> 1, 128 -> 128/127.5 - 1 */
  p = params (3, 2, -1.0f, 1.0f);
  assert_true (fv_image_to_tensor (img, NULL, &p, out, NULL, NULL, NULL));
  assert_float_equal (out[0], -1.0f, 1e-6);
  assert_float_equal (out[6], 1.0f, 1e-6);
  assert_float_equal (out[7], 128 / 127.5f - 1.0f, 1e-6);
  /* the identity matrix, z scaled by roi width / image width = 1 */
  const float eye[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
  for (int i = 0; i < 16; i++)
    assert_float_equal (m[i], eye[i], 1e-6);
}

static void
test_downscale_2x (void **state)
{
  /* 4x4 -> 2x2: tensor pixel centre (x+0.5) maps to image 2x+1, i.e. the sample sits at
   * index 2x+0.5: the mean of a 2x2 block starting at (2x, 2y) */
  const guint8 v[16] = { 0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60 };
  g_autoptr (FvImage) img = make_gray (4, 4, v);
  float out[12];
  FvImageToTensorParams p = params (2, 2, 0.0f, 255.0f);
  assert_true (fv_image_to_tensor (img, NULL, &p, out, NULL, NULL, NULL));
  assert_pixel (out, 2, 0, 0, (0 + 4 + 16 + 20) / 4.0f, 1e-4f);
  assert_pixel (out, 2, 1, 0, (8 + 12 + 24 + 28) / 4.0f, 1e-4f);
  assert_pixel (out, 2, 0, 1, (32 + 36 + 48 + 52) / 4.0f, 1e-4f);
  assert_pixel (out, 2, 1, 1, (40 + 44 + 56 + 60) / 4.0f, 1e-4f);
}

static void
test_upscale_border (void **state)
{
  /* 2x1 -> 4x1: centres 0.5..3.5 map to image 0.25, 0.75, 1.25, 1.75, i.e. indices
   * -0.25, 0.25, 0.75, 1.25. ZERO blends the outer taps with 0; REPLICATE with the edge. */
  const guint8 v[2] = { 100, 200 };
  g_autoptr (FvImage) img = make_gray (2, 1, v);
  float out[12];
  FvImageToTensorParams p = params (4, 1, 0.0f, 255.0f);
  assert_true (fv_image_to_tensor (img, NULL, &p, out, NULL, NULL, NULL));
  /* vertically the sample is at row 0 exactly; horizontally 0.25 of the way from -1 to 0 */
  assert_pixel (out, 4, 0, 0, 0.75f * 100, 1e-4f);
  assert_pixel (out, 4, 1, 0, 125.0f, 1e-4f);
  assert_pixel (out, 4, 2, 0, 175.0f, 1e-4f);
  assert_pixel (out, 4, 3, 0, 0.75f * 200, 1e-4f);
  p.border = FV_BORDER_REPLICATE;
  assert_true (fv_image_to_tensor (img, NULL, &p, out, NULL, NULL, NULL));
  assert_pixel (out, 4, 0, 0, 100.0f, 1e-4f);
  assert_pixel (out, 4, 3, 0, 200.0f, 1e-4f);
  /* ZERO_GL: every sample lies on the image (-0.5..1.5), so the taps clamp to the edge */
  p.border = FV_BORDER_ZERO_GL;
  assert_true (fv_image_to_tensor (img, NULL, &p, out, NULL, NULL, NULL));
  assert_pixel (out, 4, 0, 0, 100.0f, 1e-4f);
  assert_pixel (out, 4, 1, 0, 125.0f, 1e-4f);
  assert_pixel (out, 4, 2, 0, 175.0f, 1e-4f);
  assert_pixel (out, 4, 3, 0, 200.0f, 1e-4f);
}

static void
test_zero_gl_border (void **state)
{
  /* 2x1 -> 4x1 over a ROI 1.5 times the image wide: sample indices -0.625, 0.125, 0.875,
   * 1.625. The outer two lie off the image (past -0.5 and 1.5): ZERO_GL gives 0 there as
   * a whole (MediaPipe's GL converter), ZERO blends their inner tap in. */
  const guint8 v[2] = { 100, 200 };
  g_autoptr (FvImage) img = make_gray (2, 1, v);
  const FvNormRect roi = { .x_center = 0.5f, .y_center = 0.5f, .width = 1.5f, .height = 1.0f };
  float out[12];
  FvImageToTensorParams p = params (4, 1, 0.0f, 255.0f);
  p.border = FV_BORDER_ZERO_GL;
  assert_true (fv_image_to_tensor (img, &roi, &p, out, NULL, NULL, NULL));
  assert_pixel (out, 4, 0, 0, 0.0f, 1e-4f);
  assert_pixel (out, 4, 1, 0, 112.5f, 1e-4f);
  assert_pixel (out, 4, 2, 0, 187.5f, 1e-4f);
  assert_pixel (out, 4, 3, 0, 0.0f, 1e-4f);
  p.border = FV_BORDER_ZERO;
  assert_true (fv_image_to_tensor (img, &roi, &p, out, NULL, NULL, NULL));
  assert_pixel (out, 4, 0, 0, 0.375f * 100, 1e-4f);
  assert_pixel (out, 4, 3, 0, 0.375f * 200, 1e-4f);
}

static void
test_letterbox (void **state)
{
  /* a 4x2 image into 4x4 keeping the aspect ratio: the ROI grows to 4x4 around (2, 1);
   * tensor row y samples image row y - 1, so rows 0 and 3 are border */
  const guint8 v[8] = { 10, 20, 30, 40, 50, 60, 70, 80 };
  g_autoptr (FvImage) img = make_gray (4, 2, v);
  float out[48], pad[4], m[16];
  FvImageToTensorParams p = params (4, 4, -1.0f, 1.0f);
  p.keep_aspect_ratio = TRUE;
  assert_true (fv_image_to_tensor (img, NULL, &p, out, pad, m, NULL));
  const float want_pad[4] = { 0.0f, 0.25f, 0.0f, 0.25f };
  for (int i = 0; i < 4; i++)
    assert_float_equal (pad[i], want_pad[i], 1e-7);
  for (int x = 0; x < 4; x++) {
    /* BORDER_ZERO is pixel value 0, i.e. range_min after the mapping */
    assert_pixel (out, 4, x, 0, -1.0f, 1e-6f);
    assert_pixel (out, 4, x, 3, -1.0f, 1e-6f);
    assert_pixel (out, 4, x, 1, v[x] / 127.5f - 1.0f, 1e-6f);
    assert_pixel (out, 4, x, 2, v[4 + x] / 127.5f - 1.0f, 1e-6f);
  }
  /* the matrix maps the padded ROI: tensor y 0..1 covers image rows -1..3 of 2 = -0.5..1.5 */
  assert_float_equal (m[5], 2.0f, 1e-6);   /* y scale */
  assert_float_equal (m[7], -0.5f, 1e-6);  /* y offset */
  assert_float_equal (m[0], 1.0f, 1e-6);
  assert_float_equal (m[3], 0.0f, 1e-6);
  p.border = FV_BORDER_REPLICATE;
  assert_true (fv_image_to_tensor (img, NULL, &p, out, NULL, NULL, NULL));
  assert_pixel (out, 4, 2, 0, 30 / 127.5f - 1.0f, 1e-6f);
  assert_pixel (out, 4, 2, 3, 70 / 127.5f - 1.0f, 1e-6f);

  /* and a 2x4 (tall) image into 4x4: horizontal padding */
  g_autoptr (FvImage) tall = make_gray (2, 4, v);
  assert_true (fv_image_to_tensor (tall, NULL, &p, NULL, pad, NULL, NULL));
  assert_float_equal (pad[0], 0.25f, 1e-7);
  assert_float_equal (pad[1], 0.0f, 1e-7);
  assert_float_equal (pad[2], 0.25f, 1e-7);
}

static void
test_rotation (void **state)
{
  /* 3x3 image, ROI = the whole image rotated by +90 deg (clockwise, y down): the tensor's
   * x axis runs down the image and its y axis runs right to left, so
   * tensor(x, y) = image(col 2 - y, row x) */
  guint8 v[9];
  for (int i = 0; i < 9; i++)
    v[i] = (guint8) (10 * i + 5);
  g_autoptr (FvImage) img = make_gray (3, 3, v);
  float out[27], m[16];
  FvImageToTensorParams p = params (3, 3, 0.0f, 255.0f);
  FvNormRect roi = { .x_center = 0.5f, .y_center = 0.5f, .width = 1.0f, .height = 1.0f,
                     .rotation = (float) G_PI_2 };
  assert_true (fv_image_to_tensor (img, &roi, &p, out, NULL, m, NULL));
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 3; x++)
      assert_pixel (out, 3, x, y, v[x * 3 + (2 - y)], 1e-3f);
  /* tensor corner (0, 0) is the ROI's top-left corner, which after +90 deg sits at the
   * image's top-right corner (1, 0); tensor (1, 0) goes to the bottom-right (1, 1) */
  assert_float_equal (m[0] * 0 + m[1] * 0 + m[3], 1.0f, 1e-6);
  assert_float_equal (m[4] * 0 + m[5] * 0 + m[7], 0.0f, 1e-6);
  assert_float_equal (m[0] * 1 + m[1] * 0 + m[3], 1.0f, 1e-6);
  assert_float_equal (m[4] * 1 + m[5] * 0 + m[7], 1.0f, 1e-6);

  /* 180 deg: a point flip */
  roi.rotation = (float) G_PI;
  assert_true (fv_image_to_tensor (img, &roi, &p, out, NULL, NULL, NULL));
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 3; x++)
      assert_pixel (out, 3, x, y, v[(2 - y) * 3 + (2 - x)], 1e-3f);
}

static void
test_matrix_corners (void **state)
{
  /* a rotated sub-rectangle of a 200x100 image: the matrix sends the tensor's corners to
   * the ROI's corners, computed here in pixels from the centre, half sizes and angle */
  g_autoptr (FvImage) img = fv_image_new (FV_IMAGE_RGB24, 200, 100, NULL);
  FvNormRect roi = { .x_center = 0.5f, .y_center = 0.4f, .width = 0.3f, .height = 0.5f,
                     .rotation = 0.3f };
  FvImageToTensorParams p = params (16, 16, 0.0f, 1.0f);
  float m[16];
  assert_true (fv_image_to_tensor (img, &roi, &p, NULL, NULL, m, NULL));
  const double cx = 100, cy = 40, hw = 30, hh = 25, c = cos (0.3), s = sin (0.3);
  const double corners[4][2] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };
  for (int i = 0; i < 4; i++) {
    double u = (2 * corners[i][0] - 1) * hw, v = (2 * corners[i][1] - 1) * hh;
    double want_x = (cx + u * c - v * s) / 200, want_y = (cy + u * s + v * c) / 100;
    double got_x = m[0] * corners[i][0] + m[1] * corners[i][1] + m[3];
    double got_y = m[4] * corners[i][0] + m[5] * corners[i][1] + m[7];
    assert_float_equal (got_x, want_x, 1e-6);
    assert_float_equal (got_y, want_y, 1e-6);
  }
  assert_float_equal (m[10], 60.0 / 200, 1e-7);   /* z scales like x: ROI width / image width */
  assert_float_equal (m[15], 1.0, 0.0);
}

static void
test_formats (void **state)
{
  /* GRAY8, RGBA32 and BGRA32 read as RGB, alpha dropped */
  const guint8 rgb[12] = { 1, 2, 3, 40, 50, 60, 200, 100, 0, 9, 9, 9 };
  float ref[12], out[12];
  FvImageToTensorParams p = params (2, 2, 0.0f, 255.0f);
  g_autoptr (FvImage) base = make_image (FV_IMAGE_RGB24, 2, 2, rgb);
  assert_true (fv_image_to_tensor (base, NULL, &p, ref, NULL, NULL, NULL));
  for (int i = 0; i < 12; i++)
    assert_float_equal (ref[i], rgb[i], 1e-4);
  FvImageFormat formats[2] = { FV_IMAGE_RGBA32, FV_IMAGE_BGRA32 };
  for (int f = 0; f < 2; f++) {
    g_autoptr (FvImage) img = make_image (formats[f], 2, 2, rgb);
    assert_true (fv_image_to_tensor (img, NULL, &p, out, NULL, NULL, NULL));
    assert_memory_equal (out, ref, sizeof out);
  }
  g_autoptr (FvImage) gray = make_image (FV_IMAGE_GRAY8, 2, 2, rgb);
  assert_true (fv_image_to_tensor (gray, NULL, &p, out, NULL, NULL, NULL));
  for (int i = 0; i < 4; i++)
    assert_pixel (out, 2, i % 2, i / 2, rgb[3 * i], 1e-4f);
}

static void
expect_error (const FvImage *img, const FvNormRect *roi, const FvImageToTensorParams *p,
              const char *needle)
{
  GError *err = NULL;
  float out[4 * 4 * 3];
  assert_false (fv_image_to_tensor (img, roi, p, out, NULL, NULL, &err));
  assert_non_null (err);
  if (strstr (err->message, needle) == NULL)
    fail_msg ("message '%s' lacks '%s'", err->message, needle);
  g_error_free (err);
}

static void
test_errors (void **state)
{
  const guint8 v[4] = { 0 };
  g_autoptr (FvImage) img = make_gray (2, 2, v);
  FvImageToTensorParams p = params (4, 4, 0.0f, 1.0f);
  FvNormRect roi = { .x_center = 0.5f, .y_center = NAN, .width = 1, .height = 1 };
  expect_error (img, &roi, &p, "NaN");
  roi = (FvNormRect) { .x_center = 0.5f, .y_center = 0.5f, .width = 0, .height = 1 };
  expect_error (img, &roi, &p, "must be > 0");
  FvImageToTensorParams bad = params (4, 4, 1.0f, 1.0f);
  expect_error (img, NULL, &bad, "range");
  bad = params (0, 4, 0.0f, 1.0f);
  expect_error (img, NULL, &bad, "output size");
  expect_error (NULL, NULL, &p, "no image");
}

/* ---- the TFLite oracle's image recipe on the astronaut photo ---- */

static void
compare_golden (const FvImage *img, int size, const char *file, FvBorderMode border)
{
  const char *data = g_getenv ("FOVEA_TEST_DATA");
  assert_non_null (data);
  g_autofree char *path = g_build_filename (data, "golden", "inputs", file, NULL);
  g_autofree char *ref = NULL;
  gsize len = 0;
  assert_true (g_file_get_contents (path, &ref, &len, NULL));
  assert_int_equal (len, (gsize) size * size * 3 * sizeof (float));
  g_autofree float *out = g_new (float, size * size * 3);
  FvImageToTensorParams p = params (size, size, 0.0f, 1.0f);
  p.border = border;
  assert_true (fv_image_to_tensor (img, NULL, &p, out, NULL, NULL, NULL));
  const float *want = (const float *) ref;
  double max_diff = 0;
  for (int i = 0; i < size * size * 3; i++)
    max_diff = fmax (max_diff, fabs ((double) out[i] - want[i]));
  printf ("  astronaut %dx%d vs %s: max|diff| %.3g\n", size, size, file, max_diff);
  /* the recipe is float64 half-pixel bilinear then /255 to float: only rounding differs */
  assert_true (max_diff <= 1e-6);
}

static void
test_oracle_recipe (void **state)
{
  const char *data = g_getenv ("FOVEA_TEST_DATA");
  assert_non_null (data);
  g_autofree char *png = g_build_filename (data, "images", "skimage_astronaut.png", NULL);
  GError *err = NULL;
  g_autoptr (FvImage) img = fv_image_load (png, FV_IMAGE_RGB24, &err);
  if (img == NULL)
    fail_msg ("%s", err->message);
  assert_int_equal (img->width, 512);
  assert_int_equal (img->height, 512);
  /* 128 and 192 never sample outside the image; 224 and 256 do not either (scale >= 2) */
  compare_golden (img, 128, "128x128x3.f32", FV_BORDER_REPLICATE);
  compare_golden (img, 192, "192x192x3.f32", FV_BORDER_REPLICATE);
  compare_golden (img, 224, "224x224x3.f32", FV_BORDER_ZERO);
  compare_golden (img, 256, "256x256x3.f32", FV_BORDER_REPLICATE);
}

/* ---- the calculator in a graph ---- */

static const char *graph_config =
  "input_stream: 'image'\n"
  "input_stream: 'roi'\n"
  "node {\n"
  "  calculator: 'ImageToTensorCalculator'\n"
  "  input_stream: 'IMAGE:image'\n"
  "  input_stream: 'NORM_RECT:roi'\n"
  "  output_stream: 'TENSORS:tensors'\n"
  "  output_stream: 'LETTERBOX_PADDING:padding'\n"
  "  output_stream: 'MATRIX:matrix'\n"
  "  options {\n"
  "    [mediapipe.ImageToTensorCalculatorOptions.ext] {\n"
  "      output_tensor_width: 4\n"
  "      output_tensor_height: 4\n"
  "      keep_aspect_ratio: true\n"
  "      output_tensor_float_range { min: -1.0 max: 1.0 }\n"
  "      border_mode: BORDER_ZERO\n"
  "      gpu_origin: TOP_LEFT\n"
  "    }\n"
  "  }\n"
  "}\n";

static void
add (FvGraph *g, const char *stream, FvPacket *p, gint64 ts)
{
  GError *err = NULL;
  if (!fv_graph_add_packet (g, stream, fv_packet_stamp (p, ts), &err))
    fail_msg ("%s", err->message);
}

static void
test_calculator (void **state)
{
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (graph_config, NULL, &err);
  if (g == NULL)
    fail_msg ("%s", err->message);
  FvPoller *tensors = fv_graph_add_poller (g, "tensors", NULL);
  FvPoller *padding = fv_graph_add_poller (g, "padding", NULL);
  FvPoller *matrix = fv_graph_add_poller (g, "matrix", NULL);
  assert_true (fv_graph_start (g, NULL));

  const guint8 v[8] = { 10, 20, 30, 40, 50, 60, 70, 80 };
  FvPacket *image = fv_packet_new_image (make_gray (4, 2, v));
  /* t=10: the left half (2x2) of the 4x2 image, letterboxed into 4x4: nothing to pad
   * (square into square); tensor pixel (x, y) samples image (x/2 - 0.25, y/2 - 0.25) */
  FvNormRect left = { .x_center = 0.25f, .y_center = 0.5f, .width = 0.5f, .height = 1.0f };
  add (g, "image", fv_packet_ref (image), 10);
  add (g, "roi", fv_packet_new_norm_rect (&left), 10);
  /* t=20: no rect (its bound moves past 20 with the rect at 30): no output */
  add (g, "image", fv_packet_ref (image), 20);
  /* t=30: MediaPipe's sentinel rect (0 x 0): no output */
  FvNormRect sentinel = { 0 };
  add (g, "roi", fv_packet_new_norm_rect (&sentinel), 30);
  add (g, "image", fv_packet_ref (image), 30);
  /* t=40: the whole image as a rect: letterboxed as in test_letterbox */
  FvNormRect whole = { .x_center = 0.5f, .y_center = 0.5f, .width = 1.0f, .height = 1.0f };
  add (g, "roi", fv_packet_new_norm_rect (&whole), 40);
  add (g, "image", image, 40);
  /* t=50: a rect but no image (settled when the inputs close): no output */
  add (g, "roi", fv_packet_new_norm_rect (&whole), 50);
  assert_true (fv_graph_wait_until_done (g, &err));

  FvPacket *p = NULL;
  assert_true (fv_poller_next (tensors, &p));
  assert_int_equal (fv_packet_timestamp (p), 10);
  const FvTensorList *list = fv_packet_get_tensors (p);
  assert_non_null (list);
  assert_int_equal (list->n, 1);
  assert_int_equal (list->tensors[0].rank, 4);
  const gint32 shape[4] = { 1, 4, 4, 3 };
  assert_memory_equal (list->tensors[0].shape, shape, sizeof shape);
  /* tensor (1, 1) samples image index (0.25, 0.25): 10*.5625 + 20*.1875 + 50*.1875 + 60*.0625 */
  const float *t = list->tensors[0].data;
  assert_pixel (t, 4, 1, 1, (10 * 0.5625f + 20 * 0.1875f + 50 * 0.1875f + 60 * 0.0625f) / 127.5f - 1,
                1e-5f);
  /* tensor (0, 0) samples (-0.25, -0.25): three taps are border 0 */
  assert_pixel (t, 4, 0, 0, 10 * 0.5625f / 127.5f - 1, 1e-5f);
  fv_packet_unref (p);

  assert_true (fv_poller_next (tensors, &p));
  assert_int_equal (fv_packet_timestamp (p), 40);
  t = fv_packet_get_tensors (p)->tensors[0].data;
  assert_pixel (t, 4, 3, 0, -1.0f, 1e-6f);
  assert_pixel (t, 4, 3, 1, 40 / 127.5f - 1, 1e-6f);
  fv_packet_unref (p);
  assert_false (fv_poller_next (tensors, &p));

  assert_true (fv_poller_next (padding, &p));
  const float *pad = fv_packet_get_letterbox_padding (p);
  assert_non_null (pad);
  for (int i = 0; i < 4; i++)
    assert_float_equal (pad[i], 0.0f, 1e-7);
  assert_null (fv_packet_get_matrix (p));
  fv_packet_unref (p);
  assert_true (fv_poller_next (padding, &p));
  pad = fv_packet_get_letterbox_padding (p);
  assert_float_equal (pad[1], 0.25f, 1e-7);
  assert_float_equal (pad[3], 0.25f, 1e-7);
  fv_packet_unref (p);
  assert_false (fv_poller_next (padding, &p));

  assert_true (fv_poller_next (matrix, &p));
  const float *m = fv_packet_get_matrix (p);
  assert_non_null (m);
  /* the left half: x' = 0.5 x, y' = y */
  assert_float_equal (m[0], 0.5f, 1e-6);
  assert_float_equal (m[3], 0.0f, 1e-6);
  assert_float_equal (m[5], 1.0f, 1e-6);
  assert_float_equal (m[7], 0.0f, 1e-6);
  fv_packet_unref (p);
  assert_true (fv_poller_next (matrix, &p));
  assert_int_equal (fv_packet_timestamp (p), 40);
  fv_packet_unref (p);
  assert_false (fv_poller_next (matrix, &p));
  fv_graph_free (g);
}

static void
test_calculator_no_roi (void **state)
{
  /* without NORM_RECT and without output size: the whole image at its own size */
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'image'\n"
    "node { calculator: 'ImageToTensorCalculator' input_stream: 'IMAGE:image'\n"
    "  output_stream: 'TENSORS:tensors'\n"
    "  options { [mediapipe.ImageToTensorCalculatorOptions.ext] {\n"
    "    output_tensor_float_range { min: 0 max: 255 } } } }\n", NULL, &err);
  if (g == NULL)
    fail_msg ("%s", err->message);
  FvPoller *tensors = fv_graph_add_poller (g, "tensors", NULL);
  assert_true (fv_graph_start (g, NULL));
  const guint8 rgb[6] = { 1, 2, 3, 4, 5, 6 };
  add (g, "image", fv_packet_new_image (make_image (FV_IMAGE_BGRA32, 2, 1, rgb)), 5);
  assert_true (fv_graph_wait_until_done (g, NULL));
  FvPacket *p = NULL;
  assert_true (fv_poller_next (tensors, &p));
  const FvTensorBuffer *t = &fv_packet_get_tensors (p)->tensors[0];
  assert_int_equal (t->shape[1], 1);
  assert_int_equal (t->shape[2], 2);
  for (int i = 0; i < 6; i++)
    assert_float_equal (t->data[i], rgb[i], 1e-4);
  fv_packet_unref (p);
  fv_graph_free (g);
}

static void
expect_config_error (const char *options, const char *needle)
{
  g_autofree char *config = g_strdup_printf (
    "input_stream: 'image'\n"
    "node { name: 'i2t' calculator: 'ImageToTensorCalculator' input_stream: 'IMAGE:image'\n"
    "  output_stream: 'TENSORS:tensors'\n"
    "  options { [mediapipe.ImageToTensorCalculatorOptions.ext] { %s } } }\n", options);
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, NULL, &err);
  if (g != NULL)
    fail_msg ("accepted: %s", options);
  if (strstr (err->message, needle) == NULL || strstr (err->message, "i2t") == NULL)
    fail_msg ("message '%s' lacks '%s' or the node name", err->message, needle);
  g_error_free (err);
}

static void
test_calculator_option_errors (void **state)
{
  expect_config_error ("output_tensor_width: 8", "range is required");
  expect_config_error ("output_tensor_float_range { min: 1 max: 0 }", "must be < max");
  expect_config_error ("output_tensor_width: 0 output_tensor_float_range { min: 0 max: 1 }",
                       "output_tensor_width");
  expect_config_error ("border_mode: BORDER_WRAP output_tensor_float_range { min: 0 max: 1 }",
                       "BORDER_WRAP");
  expect_config_error ("output_tensor_uint_range { min: 0 max: 255 }", "not supported");
}

static void
test_calculator_bad_roi (void **state)
{
  /* a NaN rect is a run error naming the node */
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'image'\ninput_stream: 'roi'\n"
    "node { name: 'crop' calculator: 'ImageToTensorCalculator' input_stream: 'IMAGE:image'\n"
    "  input_stream: 'NORM_RECT:roi' output_stream: 'TENSORS:tensors'\n"
    "  options { [mediapipe.ImageToTensorCalculatorOptions.ext] {\n"
    "    output_tensor_width: 2 output_tensor_height: 2\n"
    "    output_tensor_float_range { min: 0 max: 1 } } } }\n", NULL, &err);
  assert_non_null (g);
  assert_true (fv_graph_start (g, NULL));
  const guint8 v[4] = { 0 };
  FvNormRect roi = { .x_center = NAN, .y_center = 0.5f, .width = 1, .height = 1 };
  fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (make_gray (2, 2, v)), 1),
                       NULL);
  fv_graph_add_packet (g, "roi", fv_packet_stamp (fv_packet_new_norm_rect (&roi), 1), NULL);
  assert_false (fv_graph_wait_until_done (g, &err));
  assert_non_null (err);
  if (strstr (err->message, "crop") == NULL || strstr (err->message, "NaN") == NULL)
    fail_msg ("message '%s' lacks the node or the reason", err->message);
  g_error_free (err);
  fv_graph_free (g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_identity),
    cmocka_unit_test (test_downscale_2x),
    cmocka_unit_test (test_upscale_border),
    cmocka_unit_test (test_zero_gl_border),
    cmocka_unit_test (test_letterbox),
    cmocka_unit_test (test_rotation),
    cmocka_unit_test (test_matrix_corners),
    cmocka_unit_test (test_formats),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_oracle_recipe),
    cmocka_unit_test (test_calculator),
    cmocka_unit_test (test_calculator_no_roi),
    cmocka_unit_test (test_calculator_option_errors),
    cmocka_unit_test (test_calculator_bad_roi),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
