/* fovea tests — super-resolution: the UpscalerJS packages' own results reproduced within one
 * intensity level (all five catalogued networks, on the packages' 128x128 fixture), tiled
 * output equal to untiled output (and visibly not without overlap), pixel formats, the
 * calculator in a graph, and bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calculators/image/image_io.h"
#include "calculators/superres/upscaler.h"
#include "graph/fovea-graph.h"
#include "graph/image.h"

static char *
data_path (const char *name)
{
  const char *dir = g_getenv ("FOVEA_TEST_DATA");
  return g_build_filename (dir ? dir : "tests/data", "superres", name, NULL);
}

static FvImage *
load (const char *name, FvImageFormat format)
{
  g_autofree char *path = data_path (name);
  g_autoptr (GError) error = NULL;
  FvImage *im = fv_image_load (path, format, &error);
  if (!im)
    fail_msg ("%s", error->message);
  return im;
}

static FvUpscaler *
upscaler (const char *model, int tile_size, int overlap)
{
  FvUpscalerOptions o = { .model = model, .backend = "cpu", .tile_size = tile_size,
                          .overlap = overlap };
  g_autoptr (GError) error = NULL;
  FvUpscaler *up = fv_upscaler_new (&o, &error);
  if (!up)
    fail_msg ("%s (run `fovea models fetch %s`)", error->message, model);
  return up;
}

/* Largest difference of any channel, and how many channel values differ. */
static int
compare (const FvImage *a, const FvImage *b, gsize *n_diff)
{
  assert_int_equal (a->width, b->width);
  assert_int_equal (a->height, b->height);
  assert_int_equal (a->format, b->format);
  int worst = 0;
  gsize n = 0;
  gsize row = (gsize) a->width * (gsize) fv_image_format_channels (a->format);
  for (int y = 0; y < a->height; y++) {
    const guint8 *p = fv_image_row (a, y), *q = fv_image_row (b, y);
    for (gsize i = 0; i < row; i++) {
      int d = abs ((int) p[i] - (int) q[i]);
      worst = MAX (worst, d);
      n += d != 0;
    }
  }
  *n_diff = n;
  return worst;
}

/* fovea's result equals the package's own within 1 level (UpscalerJS runs the same float
 * network in TF.js; the last rounding may go the other way on a handful of values). */
static void
check_reference (const char *model, const char *reference, int scale)
{
  g_autoptr (FvImage) in = load ("fixture_lr_128.png", FV_IMAGE_RGB24);
  g_autoptr (FvImage) ref = load (reference, FV_IMAGE_RGB24);
  g_autoptr (FvUpscaler) up = upscaler (model, 0, -1);
  assert_int_equal (fv_upscaler_scale (up), scale);
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) out = fv_upscaler_upscale (up, in, &error);
  if (!out)
    fail_msg ("%s", error->message);
  assert_int_equal (out->width, 128 * scale);
  gsize n_diff;
  int worst = compare (out, ref, &n_diff);
  gsize total = (gsize) out->width * out->height * 3;
  printf ("  %s: max |diff| %d, %zu of %zu values differ\n", model, worst, (size_t) n_diff,
          (size_t) total);
  assert_true (worst <= 1);
  /* off-by-one only where the float result sits at a rounding boundary: a few per 10^4 */
  assert_true (n_diff * 1000 < total);
}

static void test_reference_slim_x2 (void **s) { check_reference ("esrgan_slim_x2", "esrgan-slim_2x_result.png", 2); }
static void test_reference_slim_x3 (void **s) { check_reference ("esrgan_slim_x3", "esrgan-slim_3x_result.png", 3); }
static void test_reference_slim_x4 (void **s) { check_reference ("esrgan_slim_x4", "esrgan-slim_4x_result.png", 4); }
static void test_reference_medium_x2 (void **s) { check_reference ("esrgan_medium_x2", "esrgan-medium_2x_result.png", 2); }
static void test_reference_medium_x4 (void **s) { check_reference ("esrgan_medium_x4", "esrgan-medium_4x_result.png", 4); }

/* A 90x70 crop of the fixture: odd sizes, so edge tiles are shifted back inside. */
static FvImage *
crop (const FvImage *src, int x0, int y0, int w, int h)
{
  FvImage *im = fv_image_new (src->format, w, h, NULL);
  int px = fv_image_format_channels (src->format);
  for (int y = 0; y < h; y++)
    memcpy (fv_image_row (im, y), fv_image_row (src, y0 + y) + (gsize) x0 * px, (gsize) w * px);
  return im;
}

static void
test_tiles_are_seamless (void **state)
{
  g_autoptr (FvImage) full = load ("fixture_lr_128.png", FV_IMAGE_RGB24);
  g_autoptr (FvImage) in = crop (full, 17, 30, 90, 70);
  g_autoptr (FvUpscaler) whole = upscaler ("esrgan_slim_x2", 0, -1);
  g_autoptr (FvUpscaler) tiled = upscaler ("esrgan_slim_x2", 32, -1);   /* tiles <= 32 px */
  g_autoptr (FvUpscaler) naive = upscaler ("esrgan_slim_x2", 32, 0);
  assert_int_equal (fv_upscaler_overlap (tiled), 10);
  g_autoptr (FvImage) a = fv_upscaler_upscale (whole, in, NULL);
  g_autoptr (FvImage) b = fv_upscaler_upscale (tiled, in, NULL);
  g_autoptr (FvImage) c = fv_upscaler_upscale (naive, in, NULL);
  assert_non_null (a);
  assert_non_null (b);
  assert_non_null (c);
  gsize n_diff;
  /* the same float network on the same pixels: only summation order may differ */
  int worst = compare (a, b, &n_diff);
  printf ("  tiled vs whole: max |diff| %d, %zu values differ\n", worst, (size_t) n_diff);
  assert_true (worst <= 1);
  assert_true (n_diff * 10000 < (gsize) a->width * a->height * 3);
  /* without context the tile borders show: the check above can fail */
  worst = compare (a, c, &n_diff);
  printf ("  no overlap vs whole: max |diff| %d, %zu values differ\n", worst, (size_t) n_diff);
  assert_true (worst > 8);
  /* memory follows the tile, not the image: 32x32 tiles against one 90x70 run */
  printf ("  arena: whole %zu B, tiled %zu B\n", fv_upscaler_arena_bytes (whole),
          fv_upscaler_arena_bytes (tiled));
  assert_true (fv_upscaler_arena_bytes (tiled) * 4 < fv_upscaler_arena_bytes (whole));
  /* a second image of the same size reuses the plan, with the same result */
  g_autoptr (FvImage) b2 = fv_upscaler_upscale (tiled, in, NULL);
  assert_int_equal (compare (b, b2, &n_diff), 0);
}

/* An image a little larger than a tile runs as tiles no larger than needed: 50 px with
 * tile_size 48 and 10 px of context as two 35 px tiles per axis, not two of 48 (the
 * arena, which follows the tile, is below that of one 48x48 run), still seamless. */
static void
test_tiles_fit_the_image (void **state)
{
  g_autoptr (FvImage) full = load ("fixture_lr_128.png", FV_IMAGE_RGB24);
  g_autoptr (FvImage) in = crop (full, 20, 20, 50, 50);
  g_autoptr (FvImage) in48 = crop (full, 20, 20, 48, 48);
  g_autoptr (FvUpscaler) whole = upscaler ("esrgan_slim_x2", 0, -1);
  g_autoptr (FvUpscaler) whole48 = upscaler ("esrgan_slim_x2", 0, -1);
  g_autoptr (FvUpscaler) tiled = upscaler ("esrgan_slim_x2", 48, -1);
  g_autoptr (FvImage) a = fv_upscaler_upscale (whole, in, NULL);
  g_autoptr (FvImage) a48 = fv_upscaler_upscale (whole48, in48, NULL);
  g_autoptr (FvImage) b = fv_upscaler_upscale (tiled, in, NULL);
  assert_non_null (a);
  assert_non_null (a48);
  assert_non_null (b);
  gsize n_diff;
  int worst = compare (a, b, &n_diff);
  printf ("  50x50 in tiles of <= 48: max |diff| %d vs whole; arena %zu B (one 48x48 run: "
          "%zu B)\n", worst, fv_upscaler_arena_bytes (tiled), fv_upscaler_arena_bytes (whole48));
  assert_true (worst <= 1);
  assert_true (fv_upscaler_arena_bytes (tiled) * 3 < fv_upscaler_arena_bytes (whole48) * 2);
}

static void
test_formats (void **state)
{
  g_autoptr (FvImage) full = load ("fixture_lr_128.png", FV_IMAGE_RGB24);
  g_autoptr (FvImage) rgb = crop (full, 0, 0, 24, 20);
  g_autoptr (FvUpscaler) up = upscaler ("esrgan_slim_x2", 0, -1);
  g_autoptr (FvImage) want = fv_upscaler_upscale (up, rgb, NULL);
  for (int f = 0; f < 2; f++) {
    FvImageFormat format = f ? FV_IMAGE_BGRA32 : FV_IMAGE_RGBA32;
    g_autoptr (FvImage) in = fv_image_convert (rgb, format, NULL);
    /* a distinct alpha per input pixel: the output keeps it, nearest-neighbour */
    for (int y = 0; y < in->height; y++)
      for (int x = 0; x < in->width; x++)
        fv_image_row (in, y)[x * 4 + 3] = (guint8) (x * 7 + y);
    g_autoptr (GError) error = NULL;
    g_autoptr (FvImage) out = fv_upscaler_upscale (up, in, &error);
    if (!out)
      fail_msg ("%s", error->message);
    assert_int_equal (out->format, format);
    int r = f ? 2 : 0, b = f ? 0 : 2;
    for (int y = 0; y < out->height; y++)
      for (int x = 0; x < out->width; x++) {
        const guint8 *p = fv_image_row (out, y) + x * 4;
        const guint8 *q = fv_image_row (want, y) + x * 3;
        assert_int_equal (p[r], q[0]);
        assert_int_equal (p[1], q[1]);
        assert_int_equal (p[b], q[2]);
        assert_int_equal (p[3], (guint8) ((x / 2) * 7 + y / 2));
      }
  }
}

static void
test_bad_input (void **state)
{
  GError *error = NULL;
  FvUpscalerOptions o = { .model = "no_such_model", .overlap = -1 };
  assert_null (fv_upscaler_new (&o, &error));
  assert_non_null (strstr (error->message, "no_such_model"));
  g_clear_error (&error);
  o.model = "face_landmark";
  assert_null (fv_upscaler_new (&o, &error));
  assert_non_null (strstr (error->message, "not a super-resolution model"));
  g_clear_error (&error);
  o.model = "esrgan_slim_x2";
  o.tile_size = 20;   /* not more than twice the overlap of 10 */
  assert_null (fv_upscaler_new (&o, &error));
  assert_non_null (strstr (error->message, "tile size"));
  g_clear_error (&error);
  o.model = "/nonexistent/model.json";
  o.tile_size = 0;
  assert_null (fv_upscaler_new (&o, &error));
  assert_non_null (strstr (error->message, "/nonexistent/model.json"));
  g_clear_error (&error);
  assert_null (fv_upscaler_model_name ("medium", 3));
  assert_null (fv_upscaler_model_name ("large", 2));
  assert_string_equal (fv_upscaler_model_name ("medium", 4), "esrgan_medium_x4");

  g_autoptr (FvUpscaler) up = upscaler ("esrgan_slim_x2", 0, -1);
  g_autoptr (FvImage) gray = fv_image_new (FV_IMAGE_GRAY8, 8, 8, NULL);
  assert_null (fv_upscaler_upscale (up, gray, &error));
  assert_non_null (strstr (error->message, "GRAY8"));
  g_clear_error (&error);
  g_autoptr (FvImage) rgb = fv_image_new (FV_IMAGE_RGB24, 8, 8, NULL);
  g_autoptr (FvImage) wrong = fv_image_new (FV_IMAGE_RGB24, 15, 16, NULL);
  assert_false (fv_upscaler_run (up, rgb, wrong, &error));
  assert_non_null (strstr (error->message, "16x16"));
  g_clear_error (&error);
  /* past fovea's image limit: refused before any allocation */
  FvImage huge = { .format = FV_IMAGE_RGB24, .width = 20000, .height = 4, .stride = 60000 };
  assert_null (fv_upscaler_upscale (up, &huge, &error));
  assert_non_null (strstr (error->message, "limit"));
  g_clear_error (&error);
  /* a 1x1 image is upscaled like any other */
  g_autoptr (FvImage) one = fv_image_new (FV_IMAGE_RGB24, 1, 1, NULL);
  g_autoptr (FvImage) two = fv_upscaler_upscale (up, one, &error);
  assert_non_null (two);
  assert_int_equal (two->width, 2);
}

/* The calculator in a graph, as the superres solution uses it, and its option checks. */
static void
test_calculator (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'img'\n"
    "node { calculator: 'SuperResolutionCalculator' input_stream: 'IMAGE:img'\n"
    "  output_stream: 'IMAGE:out'\n"
    "  options { [fovea.SuperResolutionCalculatorOptions.ext] {\n"
    "    scale: 3 variant: 'slim' tile_size: 40 backend: 'cpu' } } }\n", NULL, &error);
  if (!g)
    fail_msg ("%s", error->message);
  FvPoller *out = fv_graph_add_poller (g, "out", &error);
  assert_non_null (out);
  assert_true (fv_graph_start (g, &error));
  g_autoptr (FvImage) full = load ("fixture_lr_128.png", FV_IMAGE_RGB24);
  assert_true (fv_graph_add_packet (g, "img", fv_packet_stamp (
                                      fv_packet_new_image (crop (full, 5, 5, 50, 45)), 7),
                                    &error));
  assert_true (fv_graph_close_all_inputs (g, &error));
  FvPacket *p = NULL;
  assert_true (fv_poller_next (out, &p));
  const FvImage *im = fv_packet_get_image (p);
  assert_int_equal (im->width, 150);
  assert_int_equal (im->height, 135);
  assert_int_equal (fv_packet_timestamp (p), 7);
  fv_packet_unref (p);
  assert_true (fv_graph_wait_until_done (g, &error));
  fv_graph_free (g);

  /* medium has no x3: refused when the graph is built */
  FvGraph *bad = fv_graph_new_from_string (
    "input_stream: 'img'\n"
    "node { calculator: 'SuperResolutionCalculator' input_stream: 'IMAGE:img'\n"
    "  output_stream: 'IMAGE:out'\n"
    "  options { [fovea.SuperResolutionCalculatorOptions.ext] {\n"
    "    scale: 3 variant: 'medium' } } }\n", NULL, &error);
  assert_null (bad);
  assert_non_null (strstr (error->message, "scale 3"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_reference_slim_x2),
    cmocka_unit_test (test_reference_slim_x3),
    cmocka_unit_test (test_reference_slim_x4),
    cmocka_unit_test (test_reference_medium_x2),
    cmocka_unit_test (test_reference_medium_x4),
    cmocka_unit_test (test_tiles_are_seamless),
    cmocka_unit_test (test_tiles_fit_the_image),
    cmocka_unit_test (test_formats),
    cmocka_unit_test (test_bad_input),
    cmocka_unit_test (test_calculator),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
