/* fovea tests — `foveaflow` (plugins/gstfoveaflow.c) and the flow drawing of
 * `foveaoverlay`, through GstHarness: a textured picture moving 3 px right per frame gets
 * no flow meta on its first buffer and an FvGstFlowMeta of the frame's size with that
 * motion on the next ones (through foveaoverlay, so the meta also survives the buffer copy
 * the overlay makes), on the CPU and with device=opencl; the overlay's arrows change the picture, flow=none leaves it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "gpu/device.h"
#include "plugins/fovea_flow_meta.h"

#define W 128
#define H 96
#define SHIFT 3

/* A smooth texture seen shifted by @dx: RGBA, x, y -> sum of a few sines. */
static GstBuffer *
textured_frame (int dx)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, W * H * 4, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      double u = x - dx;
      double v = 128 + 50 * sin (u * 0.21 + y * 0.05) + 40 * sin (y * 0.17 - u * 0.09)
                 + 30 * sin ((u + y) * 0.33);
      guint8 g = (guint8) CLAMP (lround (v), 0, 255);
      guint8 *px = map.data + 4 * (y * W + x);
      px[0] = g;
      px[1] = (guint8) (255 - g);
      px[2] = (guint8) (g / 2 + 60);
      px[3] = 255;
    }
  gst_buffer_unmap (buf, &map);
  return buf;
}

static GstHarness *
harness (const char *launch)
{
  GstHarness *h = gst_harness_new_parse (launch);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGBA,width=128,height=96,framerate=30/1");
  return h;
}

/* Three frames through @launch: no meta on the first, the motion on the next two. */
static void
check_flow_meta (const char *launch)
{
  GstHarness *h = harness (launch);
  for (int k = 0; k < 3; k++) {
    GstBuffer *in = textured_frame (SHIFT * k);
    GST_BUFFER_PTS (in) = k * GST_SECOND / 30;
    GstMapInfo before;
    g_autofree guint8 *orig = NULL;
    gst_buffer_map (in, &before, GST_MAP_READ);
    orig = g_memdup2 (before.data, before.size);
    gst_buffer_unmap (in, &before);
    assert_int_equal (gst_harness_push (h, in), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    assert_non_null (out);
    FvGstFlowMeta *m = fv_gst_buffer_get_flow_meta (out);
    GstMapInfo map;
    gst_buffer_map (out, &map, GST_MAP_READ);
    gboolean changed = memcmp (map.data, orig, map.size) != 0;
    gst_buffer_unmap (out, &map);
    if (k == 0) {
      assert_null (m);
      assert_false (changed);
    } else {
      assert_non_null (m);
      assert_int_equal (m->flow->width, W);
      assert_int_equal (m->flow->height, H);
      double su = 0, sv = 0;
      int n = 0;
      for (int y = 16; y < H - 16; y++)
        for (int x = 16; x < W - 16; x++, n++) {
          su += fv_flow_field_at (m->flow, x, y)[0];
          sv += fv_flow_field_at (m->flow, x, y)[1];
        }
      assert_true (fabs (su / n - SHIFT) < 0.25 && fabs (sv / n) < 0.25);
      assert_true (changed);   /* the arrows */
    }
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}

static void
test_flow_meta (void **state)
{
  check_flow_meta ("foveaflow preset=fast ! foveaoverlay flow=arrows");
}

/* foveaflow's device property (the common one of gstfoveafilter.h) puts the flow on
 * OpenCL; skipped without an OpenCL platform. */
static void
test_flow_meta_opencl (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGpuDevice *dev = fv_gpu_device_open ("opencl", &error);
  if (dev == NULL) {
    printf ("no OpenCL device (%s): skipped\n", error->message);
    skip ();
  }
  fv_gpu_device_unref (dev);
  check_flow_meta ("foveaflow preset=fast device=opencl ! foveaoverlay flow=arrows");
}

static void
test_overlay_flow_none (void **state)
{
  GstHarness *h = harness ("foveaflow preset=ultrafast ! foveaoverlay flow=none");
  for (int k = 0; k < 2; k++) {
    GstBuffer *in = textured_frame (SHIFT * k);
    GST_BUFFER_PTS (in) = k * GST_SECOND / 30;
    GstBuffer *ref = textured_frame (SHIFT * k);
    assert_int_equal (gst_harness_push (h, in), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstMapInfo a, b;
    gst_buffer_map (out, &a, GST_MAP_READ);
    gst_buffer_map (ref, &b, GST_MAP_READ);
    assert_memory_equal (a.data, b.data, b.size);
    gst_buffer_unmap (out, &a);
    gst_buffer_unmap (ref, &b);
    assert_true (k == 0 || fv_gst_buffer_get_flow_meta (out) != NULL);
    gst_buffer_unref (ref);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_flow_meta),
    cmocka_unit_test (test_flow_meta_opencl),
    cmocka_unit_test (test_overlay_flow_none),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  gst_deinit ();
  return failed;
}
