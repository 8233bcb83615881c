/* fovea tests — the foveasuperres element under GstHarness: output caps negotiated as the
 * input size times the scale (and refused when downstream cannot take that size), pixels
 * equal to the upscaler's own, RGBA with alpha carried, and settings that cannot work
 * failing the state change with a message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <string.h>

#include "calculators/superres/upscaler.h"

#define W 40
#define H 30

/* A deterministic frame: smooth gradients with some texture, RGB or RGBA. */
static GstBuffer *
frame (int channels, int stride)
{
  GstBuffer *b = gst_buffer_new_and_alloc ((gsize) stride * H);
  GstMapInfo map;
  gst_buffer_map (b, &map, GST_MAP_WRITE);
  memset (map.data, 0, map.size);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      guint8 *p = map.data + (gsize) y * stride + (gsize) x * channels;
      p[0] = (guint8) (x * 6);
      p[1] = (guint8) (y * 8);
      p[2] = (guint8) ((x * y * 5) ^ (x * 31));
      if (channels == 4)
        p[3] = (guint8) (x + y * 3);
    }
  gst_buffer_unmap (b, &map);
  GST_BUFFER_PTS (b) = 0;
  GST_BUFFER_DURATION (b) = GST_SECOND / 25;
  return b;
}

/* The same frame upscaled by the library directly. */
static FvImage *
expected (GstBuffer *in, FvImageFormat format, int stride, int scale)
{
  GstMapInfo map;
  gst_buffer_map (in, &map, GST_MAP_READ);
  FvImage *src = fv_image_wrap (format, W, H, stride, map.data, NULL, NULL);
  FvUpscalerOptions o = { .model = fv_upscaler_model_name ("slim", scale), .backend = "cpu",
                          .tile_size = 0, .overlap = -1 };
  GError *error = NULL;
  FvUpscaler *up = fv_upscaler_new (&o, &error);
  if (!up)
    fail_msg ("%s", error->message);
  FvImage *out = fv_upscaler_upscale (up, src, &error);
  assert_non_null (out);
  fv_upscaler_free (up);
  fv_image_free (src);
  gst_buffer_unmap (in, &map);
  return out;
}

static void
check_pixels (GstBuffer *out, const GstVideoInfo *info, const FvImage *want)
{
  GstVideoFrame f;
  assert_true (gst_video_frame_map (&f, (GstVideoInfo *) info, out, GST_MAP_READ));
  int channels = GST_VIDEO_FRAME_COMP_PSTRIDE (&f, 0);
  for (int y = 0; y < want->height; y++)
    assert_memory_equal ((const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
                             (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0),
                         fv_image_row (want, y), (gsize) want->width * channels);
  gst_video_frame_unmap (&f);
}

static void
run_format (const char *format, int channels, FvImageFormat fv_format, int scale)
{
  g_autofree char *desc = g_strdup_printf ("foveasuperres scale=%d tile-size=32", scale);
  GstHarness *hx = gst_harness_new_parse (desc);
  g_autofree char *caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,"
                                           "framerate=25/1", format, W, H);
  gst_harness_set_src_caps_str (hx, caps);
  int stride = GST_ROUND_UP_4 (W * channels);
  GstBuffer *in = frame (channels, stride);
  g_autoptr (FvImage) want = expected (in, fv_format, stride, scale);
  GstBuffer *out = gst_harness_push_and_pull (hx, in);
  assert_non_null (out);

  GstCaps *out_caps = gst_pad_get_current_caps (hx->sinkpad);
  assert_non_null (out_caps);
  GstVideoInfo info;
  assert_true (gst_video_info_from_caps (&info, out_caps));
  assert_int_equal (GST_VIDEO_INFO_WIDTH (&info), W * scale);
  assert_int_equal (GST_VIDEO_INFO_HEIGHT (&info), H * scale);
  assert_string_equal (gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)), format);
  assert_int_equal (GST_VIDEO_INFO_FPS_N (&info), 25);
  /* tiles of 32 with the overlap of 10: the same pixels as one whole run */
  check_pixels (out, &info, want);
  gst_caps_unref (out_caps);
  gst_buffer_unref (out);
  gst_harness_teardown (hx);
}

static void
test_rgb_x2 (void **state)
{
  run_format ("RGB", 3, FV_IMAGE_RGB24, 2);
}

static void
test_rgba_x3 (void **state)
{
  run_format ("RGBA", 4, FV_IMAGE_RGBA32, 3);
}

/* The size relation holds in both directions of a caps query. */
static void
test_caps_queries (void **state)
{
  GstElement *e = gst_element_factory_make ("foveasuperres", NULL);
  assert_non_null (e);
  g_object_set (e, "scale", 4, NULL);
  /* what the sink accepts when downstream wants 400x[100, 203]: 100x[25, 50] */
  GstCaps *down = gst_caps_from_string ("video/x-raw,format=RGB,width=400,"
                                        "height=[100,203]");
  GstBaseTransformClass *klass = GST_BASE_TRANSFORM_GET_CLASS (e);
  GstCaps *up = klass->transform_caps (GST_BASE_TRANSFORM (e), GST_PAD_SRC, down, NULL);
  GstStructure *st = gst_caps_get_structure (up, 0);
  int w;
  assert_true (gst_structure_get_int (st, "width", &w));
  assert_int_equal (w, 100);
  const GValue *hv = gst_structure_get_value (st, "height");
  assert_true (GST_VALUE_HOLDS_INT_RANGE (hv));
  assert_int_equal (gst_value_get_int_range_min (hv), 25);
  assert_int_equal (gst_value_get_int_range_max (hv), 50);
  gst_caps_unref (up);
  /* a width no input gives (401 is not 4 x anything): nothing */
  GstCaps *odd = gst_caps_from_string ("video/x-raw,format=RGB,width=401,height=400");
  up = klass->transform_caps (GST_BASE_TRANSFORM (e), GST_PAD_SRC, odd, NULL);
  assert_true (gst_caps_is_empty (up));
  gst_caps_unref (up);
  gst_caps_unref (odd);
  /* and upwards: 10x[1, 5] becomes 40x[4, 20] */
  GstCaps *in = gst_caps_from_string ("video/x-raw,format=RGB,width=10,height=[1,5]");
  up = klass->transform_caps (GST_BASE_TRANSFORM (e), GST_PAD_SINK, in, NULL);
  st = gst_caps_get_structure (up, 0);
  assert_true (gst_structure_get_int (st, "width", &w));
  assert_int_equal (w, 40);
  hv = gst_structure_get_value (st, "height");
  assert_int_equal (gst_value_get_int_range_min (hv), 4);
  assert_int_equal (gst_value_get_int_range_max (hv), 20);
  gst_caps_unref (up);
  gst_caps_unref (in);
  gst_caps_unref (down);
  gst_object_unref (e);
}

/* Downstream that takes only another size refuses the stream instead of getting it. */
static void
test_downstream_refuses_size (void **state)
{
  GstHarness *hx = gst_harness_new_parse ("foveasuperres scale=2 ! capsfilter "
                                          "caps=video/x-raw,width=100");
  gst_harness_set_src_caps_str (hx, "video/x-raw,format=RGB,width=40,height=30,"
                                    "framerate=25/1");
  GstFlowReturn ret = gst_harness_push (hx, frame (3, GST_ROUND_UP_4 (W * 3)));
  assert_int_equal (ret, GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown (hx);
}

/* Settings without a model fail READY -> PAUSED, with the reason on the bus. */
static void
test_bad_settings (void **state)
{
  const char *descs[] = { "foveasuperres model=medium scale=3",
                          "foveasuperres model=large",
                          "foveasuperres tile-size=16",
                          "foveasuperres device=quantum" };
  const char *says[] = { "scale 3", "'large'", "tile size", "quantum" };
  for (guint i = 0; i < G_N_ELEMENTS (descs); i++) {
    g_autofree char *pipe = g_strdup_printf ("videotestsrc num-buffers=1 ! "
                                             "video/x-raw,format=RGB,width=32,height=32 ! %s "
                                             "! fakesink", descs[i]);
    GError *error = NULL;
    GstElement *p = gst_parse_launch (pipe, &error);
    assert_non_null (p);
    assert_null (error);
    GstStateChangeReturn r = gst_element_set_state (p, GST_STATE_PAUSED);
    if (r == GST_STATE_CHANGE_ASYNC)
      r = gst_element_get_state (p, NULL, NULL, 5 * GST_SECOND);
    assert_int_equal (r, GST_STATE_CHANGE_FAILURE);
    GstBus *bus = gst_element_get_bus (p);
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 0, GST_MESSAGE_ERROR);
    assert_non_null (m);
    GError *err = NULL;
    gst_message_parse_error (m, &err, NULL);
    printf ("  %s: %s\n", descs[i], err->message);
    assert_non_null (strstr (err->message, says[i]));
    g_error_free (err);
    gst_message_unref (m);
    gst_object_unref (bus);
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (p);
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rgb_x2),
    cmocka_unit_test (test_rgba_x3),
    cmocka_unit_test (test_caps_queries),
    cmocka_unit_test (test_downstream_refuses_size),
    cmocka_unit_test (test_bad_settings),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  gst_deinit ();
  return failed;
}
