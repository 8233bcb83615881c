/* fovea tests — Middlebury .flo reading and writing (calculators/flow/flo_io.c) and the
 * colour wheel (flow_color.c): a round trip with unknown values, the byte layout of the
 * header, every kind of broken file refused with an error (no out-of-bounds read), and the
 * wheel's fixed points (still = white, right = red, NaN = black, over-range darkened). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "calculators/flow/flo_io.h"
#include "calculators/flow/flow_color.h"

static void
test_round_trip (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvFlowField) f = fv_flow_field_new (5, 3, &error);
  for (int i = 0; i < 30; i++)
    f->data[i] = (float) (i * 0.37 - 4.0);
  f->data[7] = NAN;
  g_autoptr (GBytes) bytes = fv_flo_encode (f);
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  assert_int_equal (len, 12 + 30 * 4);
  /* "PIEH", then width and height as little-endian int32 */
  assert_memory_equal (d, "PIEH", 4);
  assert_int_equal (d[4], 5);
  assert_int_equal (d[8], 3);
  g_autoptr (FvFlowField) back = fv_flo_decode (d, len, "mem", &error);
  g_assert_no_error (error);
  assert_int_equal (back->width, 5);
  assert_int_equal (back->height, 3);
  for (int i = 0; i < 30; i++)
    if (i == 7)
      assert_true (isnan (back->data[i]));
    else
      assert_true (back->data[i] == f->data[i]);
  /* through a file */
  g_autofree char *dir = g_dir_make_tmp ("fovea-flo-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "f.flo", NULL);
  assert_true (fv_flo_save (f, path, &error));
  g_autoptr (FvFlowField) loaded = fv_flo_load (path, &error);
  g_assert_no_error (error);
  assert_memory_equal (loaded->data, back->data, 7 * sizeof (float));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_broken (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvFlowField) f = fv_flow_field_new (4, 4, &error);
  g_autoptr (GBytes) bytes = fv_flo_encode (f);
  gsize len;
  const guint8 *good = g_bytes_get_data (bytes, &len);
  /* every truncation */
  for (gsize n = 0; n < len; n++) {
    g_autofree guint8 *cut = g_memdup2 (good, n);
    assert_null (fv_flo_decode (cut, n, "cut", &error));
    assert_non_null (error);
    g_clear_error (&error);
  }
  /* a byte too many, a wrong magic, sizes 0, negative, huge */
  g_autofree guint8 *buf = g_malloc0 (len + 1);
  memcpy (buf, good, len);
  assert_null (fv_flo_decode (buf, len + 1, "long", &error));
  g_clear_error (&error);
  const struct { int offset; guint32 value; const char *msg; } bad[] = {
    { 0, 0x12345678, "magic" },
    { 4, 0, "size" },
    { 8, 0xffffffffu, "size" },
    { 4, 40000, "size" },
    { 8, 1u << 30, "size" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    memcpy (buf, good, len);
    guint32 v = GUINT32_TO_LE (bad[i].value);
    memcpy (buf + bad[i].offset, &v, 4);
    assert_null (fv_flo_decode (buf, len, "bad", &error));
    assert_non_null (strstr (error->message, bad[i].msg));
    g_clear_error (&error);
  }
  assert_null (fv_flo_load ("/nonexistent/x.flo", &error));
  g_clear_error (&error);
}

static void
test_colors (void **state)
{
  guint8 c[3];
  fv_flow_color (0, 0, c);
  assert_true (c[0] == 255 && c[1] == 255 && c[2] == 255);
  fv_flow_color (1, 0, c);    /* right: red */
  assert_true (c[0] == 255 && c[1] < 40 && c[2] < 40);
  fv_flow_color (-1, 0, c);   /* left: cyan */
  assert_true (c[0] < 40 && c[1] > 150 && c[2] > 150);
  fv_flow_color (NAN, 0, c);
  assert_true (c[0] == 0 && c[1] == 0 && c[2] == 0);
  guint8 full[3], over[3];
  fv_flow_color (0, 1, full);
  fv_flow_color (0, 2, over);
  for (int k = 0; k < 3; k++)
    assert_true (over[k] <= full[k]);
  /* a field painted with its own maximum: the largest vector is fully saturated */
  g_autoptr (GError) error = NULL;
  g_autoptr (FvFlowField) f = fv_flow_field_new (3, 1, &error);
  f->data[0] = 4;   /* (4, 0): the largest */
  f->data[2] = 2;   /* (2, 0): half */
  f->data[5] = NAN;
  g_autoptr (FvImage) img = fv_image_new (FV_IMAGE_BGRA32, 3, 1, &error);
  assert_true (fv_flow_to_color (f, 0, img, &error));
  const guint8 *px = fv_image_row (img, 0);
  assert_true (px[2] == 255 && px[1] < 40 && px[3] == 255);    /* BGRA: red */
  assert_true (px[4 + 2] == 255 && px[4 + 1] > 100 && px[4 + 1] < 160);
  assert_true (px[8] == 0 && px[9] == 0 && px[10] == 0);
  g_autoptr (FvImage) gray = fv_image_new (FV_IMAGE_GRAY8, 3, 1, &error);
  assert_false (fv_flow_to_color (f, 0, gray, &error));
  g_clear_error (&error);
  g_autoptr (FvImage) small = fv_image_new (FV_IMAGE_RGB24, 2, 1, &error);
  assert_false (fv_flow_to_color (f, 0, small, &error));
  g_clear_error (&error);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_round_trip),
    cmocka_unit_test (test_broken),
    cmocka_unit_test (test_colors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
