/* fovea tests — foveasegment (plugins/gstfoveasegment.c) and the mask meta
 * (plugins/fovea_mask_meta.h), on a photo of a person (tests/data/images/
 * mpl_grace_hopper.jpg, decoded once by GStreamer into an RGBA frame):
 *  - mode=meta: the frame passes unchanged with a mask meta equal, value for value, to the
 *    mask the library's selfie_segmentation graph makes of the same frame;
 *  - mode=mask: GRAY8 caps of the same size are negotiated (from RGBA and from I420), the
 *    frames are 255 x that mask (exactly, rounded; threshold: 0/255 at it); asking for
 *    any other output format or size fails negotiation cleanly;
 *  - mode=background: pixels the mask is sure of (weight 1) are unchanged, pixels it rules
 *    out (weight 0) become the colour, the rest lie between the two; a blur leaves the
 *    person alone and smooths the background; I420 frames too;
 *  - a late frame passed on still gets a mask frame (the last one);
 *  - the meta survives a buffer copy (shared, not copied) and videoscale, and a region copy
 *    drops it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "graph/fovea-graph.h"
#include "graph/mask.h"
#include "graph/solutions/solutions.h"
#include "plugins/fovea_mask_meta.h"
#include "plugins/video_frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GstBuffer *photo;      /* RGBA, tightly packed */
static GstVideoInfo photo_info;
static FvPacket *lib_mask;    /* the library's mask of the photo */

/* ------------------------------------------------------------------ fixtures */

static GstBuffer *
decode (const char *path, const char *caps, GstVideoInfo *info)
{
  g_autofree char *desc = g_strdup_printf (
    "filesrc location=\"%s\" ! decodebin ! videoconvert ! %s ! appsink name=sink", path, caps);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  assert_non_null (pipeline);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstSample *s = NULL;
  g_signal_emit_by_name (sink, "pull-sample", &s);
  assert_non_null (s);
  assert_true (gst_video_info_from_caps (info, gst_sample_get_caps (s)));
  GstBuffer *b = gst_buffer_copy_deep (gst_sample_get_buffer (s));
  gst_sample_unref (s);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return b;
}

static gboolean
on_mask (FvPacket *packet, gpointer user_data, GError **error)
{
  FvPacket **out = user_data;
  fv_packet_unref (*out);
  *out = fv_packet_ref (packet);
  return TRUE;
}

/* The library's own run of selfie_segmentation (@model_selection) on @buf. */
static FvPacket *
library_mask (GstBuffer *buf, const GstVideoInfo *info, int model_selection)
{
  g_autoptr (GError) error = NULL;
  assert_true (fv_solutions_register (&error));
  char setting[32];
  g_snprintf (setting, sizeof setting, "model_selection=%d", model_selection);
  char *set[] = { setting, NULL };
  g_autofree char *text = fv_solution_graph_text (fv_solution_find ("selfie_segmentation"), set,
                                                  &error);
  assert_non_null (text);
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  if (g == NULL)
    fail_msg ("%s", error->message);
  FvPacket *mask = NULL;
  assert_true (fv_graph_observe (g, "segmentation_mask", on_mask, &mask, &error));
  assert_true (fv_graph_start (g, &error));
  FvImage *img = fv_gst_image_wrap_buffer (buf, info, &error);
  assert_non_null (img);
  assert_true (fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (img), 1),
                                    &error));
  assert_true (fv_graph_wait_until_done (g, &error));
  fv_graph_free (g);
  assert_non_null (fv_packet_get_mask (mask));
  return mask;
}

static int
setup (void **state)
{
  g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                            "mpl_grace_hopper.jpg", NULL);
  photo = decode (path, "video/x-raw,format=RGBA", &photo_info);
  lib_mask = library_mask (photo, &photo_info, 0);
  return 0;
}

static int
teardown (void **state)
{
  gst_clear_buffer (&photo);
  fv_packet_unref (lib_mask);
  return 0;
}

static GstHarness *
harness (const char *desc, const GstVideoInfo *info)
{
  GstHarness *h = gst_harness_new_parse (desc);
  GstCaps *caps = gst_video_info_to_caps (info);
  gst_harness_set_src_caps (h, caps);
  return h;
}

static GstBuffer *
stamped (GstBuffer *b, GstClockTime pts)
{
  GstBuffer *c = gst_buffer_copy_deep (b);
  GST_BUFFER_PTS (c) = pts;
  GST_BUFFER_DURATION (c) = 40 * GST_MSECOND;
  return c;
}

static float
p_at (const FvMask *m, int x, int y)
{
  float v = m->data[(gsize) y * m->width + x];
  return v >= 0.0f ? (v <= 1.0f ? v : 1.0f) : 0.0f;
}

/* ------------------------------------------------------------------ meta */

static void
test_meta_mode (void **state)
{
  const FvMask *ref = fv_packet_get_mask (lib_mask);
  GstHarness *h = harness ("foveasegment", &photo_info);
  GstBuffer *out = gst_harness_push_and_pull (h, stamped (photo, 0));
  assert_non_null (out);
  FvGstMaskMeta *m = fv_gst_buffer_get_mask_meta (out);
  assert_non_null (m);
  assert_string_equal (m->kind, "person");
  assert_int_equal (m->width, GST_VIDEO_INFO_WIDTH (&photo_info));
  assert_int_equal (m->height, GST_VIDEO_INFO_HEIGHT (&photo_info));
  /* the same graph on the same pixels: the same mask, bit for bit */
  assert_memory_equal (m->data, ref->data, sizeof (float) * m->width * m->height);
  double fg = 0;
  for (guint i = 0; i < m->width * m->height; i++)
    fg += m->data[i] >= 0.5f;
  fg /= m->width * m->height;
  printf ("  %ux%u mask, %.1f%% person\n", m->width, m->height, 100 * fg);
  assert_true (fg > 0.3 && fg < 0.8);   /* a portrait */
  /* the pixels pass unchanged */
  GstMapInfo a, b;
  assert_true (gst_buffer_map (out, &a, GST_MAP_READ));
  assert_true (gst_buffer_map (photo, &b, GST_MAP_READ));
  assert_int_equal (a.size, b.size);
  assert_memory_equal (a.data, b.data, a.size);
  gst_buffer_unmap (photo, &b);
  gst_buffer_unmap (out, &a);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

/* A copy shares the mask; videoscale keeps it (the mask's own size); a region copy drops
 * it. */
static void
test_meta_survives_copy_and_scale (void **state)
{
  const FvMask *ref = fv_packet_get_mask (lib_mask);
  const int w = GST_VIDEO_INFO_WIDTH (&photo_info), h = GST_VIDEO_INFO_HEIGHT (&photo_info);
  g_autofree char *desc = g_strdup_printf (
    "foveasegment ! videoscale ! capsfilter caps=video/x-raw,width=%d,height=%d", w / 2,
    h / 2);
  GstHarness *hx = harness (desc, &photo_info);
  GstBuffer *out = gst_harness_push_and_pull (hx, stamped (photo, 0));
  assert_non_null (out);
  GstVideoInfo scaled;
  GstCaps *caps = gst_pad_get_current_caps (hx->sinkpad);
  assert_true (gst_video_info_from_caps (&scaled, caps));
  gst_caps_unref (caps);
  assert_int_equal (GST_VIDEO_INFO_WIDTH (&scaled), w / 2);
  FvGstMaskMeta *m = fv_gst_buffer_get_mask_meta (out);
  assert_non_null (m);
  assert_int_equal (m->width, w);
  assert_int_equal (m->height, h);
  assert_memory_equal (m->data, ref->data, sizeof (float) * m->width * m->height);
  /* read through the scaled frame's pixels: the same place in the picture */
  assert_true (fv_gst_mask_meta_at (m, w / 4, h / 4, w / 2, h / 2)
               == p_at (ref, (w / 4) * w / (w / 2), (h / 4) * h / (h / 2)));

  GstBuffer *copy = gst_buffer_copy (out);
  FvGstMaskMeta *c = fv_gst_buffer_get_mask_meta (copy);
  assert_non_null (c);
  assert_ptr_equal (c->data, m->data);   /* shared, not copied */
  assert_string_equal (c->kind, "person");
  GstBuffer *region = gst_buffer_copy_region (out, GST_BUFFER_COPY_ALL, 0,
                                              gst_buffer_get_size (out) / 2);
  assert_null (fv_gst_buffer_get_mask_meta (region));
  gst_buffer_unref (region);
  gst_buffer_unref (copy);
  gst_buffer_unref (out);
  gst_harness_teardown (hx);
}

/* ------------------------------------------------------------------ mask */

static void
check_gray_mask (GstBuffer *out, const GstVideoInfo *info, const FvMask *ref, double threshold)
{
  GstVideoFrame f;
  assert_true (gst_video_frame_map (&f, (GstVideoInfo *) info, out, GST_MAP_READ));
  const int w = GST_VIDEO_FRAME_WIDTH (&f), h = GST_VIDEO_FRAME_HEIGHT (&f);
  assert_int_equal (w, ref->width);
  assert_int_equal (h, ref->height);
  int worst = 0;
  for (int y = 0; y < h; y++) {
    const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0)
                        + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
    for (int x = 0; x < w; x++) {
      float p = p_at (ref, x, y);
      int want = threshold > 0 ? (p >= threshold ? 255 : 0) : (int) (p * 255.0f + 0.5f);
      worst = MAX (worst, abs (row[x] - want));
    }
  }
  gst_video_frame_unmap (&f);
  /* tolerance: none — the element writes round (255 p) of the same mask */
  assert_int_equal (worst, 0);
}

static void
test_mask_mode (void **state)
{
  const FvMask *ref = fv_packet_get_mask (lib_mask);
  const double thresholds[] = { 0.0, 0.5 };
  for (guint t = 0; t < G_N_ELEMENTS (thresholds); t++) {
    g_autofree char *desc = g_strdup_printf ("foveasegment mode=mask threshold=%g",
                                             thresholds[t]);
    GstHarness *h = harness (desc, &photo_info);
    GstBuffer *out = gst_harness_push_and_pull (h, stamped (photo, 0));
    assert_non_null (out);
    GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
    GstVideoInfo info;
    assert_true (gst_video_info_from_caps (&info, caps));
    g_autofree char *text = gst_caps_to_string (caps);
    printf ("  threshold %g: %s\n", thresholds[t], text);
    gst_caps_unref (caps);
    assert_int_equal (GST_VIDEO_INFO_FORMAT (&info), GST_VIDEO_FORMAT_GRAY8);
    assert_int_equal (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_WIDTH (&photo_info));
    assert_int_equal (GST_VIDEO_INFO_HEIGHT (&info), GST_VIDEO_INFO_HEIGHT (&photo_info));
    check_gray_mask (out, &info, ref, thresholds[t]);
    /* the metas come along */
    assert_non_null (fv_gst_buffer_get_mask_meta (out));
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
}

/* I420 in, GRAY8 out, through a real pipeline: the graph sees the frame converted to RGB,
 * so the mask is checked against the mask meta the same buffer carries. */
static void
test_mask_mode_from_i420 (void **state)
{
  GstHarness *h = gst_harness_new_parse ("videoconvert ! capsfilter caps=video/x-raw,format=I420 ! "
                                         "foveasegment mode=mask");
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&photo_info));
  GstBuffer *out = gst_harness_push_and_pull (h, stamped (photo, 0));
  assert_non_null (out);
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  GstVideoInfo info;
  assert_true (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  assert_int_equal (GST_VIDEO_INFO_FORMAT (&info), GST_VIDEO_FORMAT_GRAY8);
  FvGstMaskMeta *m = fv_gst_buffer_get_mask_meta (out);
  assert_non_null (m);
  FvMask own = { (int) m->width, (int) m->height, (float *) m->data };
  check_gray_mask (out, &info, &own, 0.0);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

/* Runs @p until EOS or an error: the error's text (transfer full), or NULL. */
static char *
run_to_end (GstElement *p)
{
  char *message = NULL;
  gst_element_set_state (p, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (p);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
                                                GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  assert_non_null (msg);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *error = NULL;
    char *dbg = NULL;
    gst_message_parse_error (msg, &error, &dbg);
    message = g_strdup_printf ("%s (%s)", error->message, dbg ? dbg : "");
    g_error_free (error);
    g_free (dbg);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (p, GST_STATE_NULL);
  return message;
}

/* Asking mode=mask for anything but GRAY8 of the input's size fails negotiation, with an
 * error and no crash: refused when linking, or, when the mode changes after linking, when
 * the data flows. */
static void
test_mask_mode_wrong_caps (void **state)
{
  const char *outputs[] = {
    "video/x-raw,format=RGBA",
    "video/x-raw,format=GRAY8,width=32,height=24",
  };
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++) {
    for (int late = 0; late < (i == 0 ? 2 : 1); late++) {
      g_autofree char *desc = g_strdup_printf (
        "videotestsrc num-buffers=2 ! video/x-raw,format=RGBA,width=64,height=48 ! "
        "foveasegment name=s %s ! %s ! fakesink", late ? "" : "mode=mask", outputs[i]);
      GError *error = NULL;
      GstElement *p = gst_parse_launch (desc, &error);
      char *message = NULL;
      if (late) {
        /* linked in meta mode (RGBA of the same size passes), then switched to mask */
        assert_null (error);
        GstElement *s = gst_bin_get_by_name (GST_BIN (p), "s");
        gst_util_set_object_arg (G_OBJECT (s), "mode", "mask");
        gst_object_unref (s);
        message = run_to_end (p);
      } else {
        assert_non_null (error);
        message = g_strdup (error->message);
        g_clear_error (&error);
      }
      gst_clear_object (&p);
      printf ("  mask to %s%s\n    -> %s\n", outputs[i], late ? " (mode set after linking)" : "",
              message);
      assert_non_null (message);
      assert_non_null (strstr (message, late ? "not-negotiated" : "can't handle caps"));
      g_free (message);
    }
  }
}

/* A frame QoS says is late passes at once: no new inference, but still a mask frame (the
 * last mask), not garbage. */
static void
test_mask_mode_late_frame (void **state)
{
  GstHarness *h = harness ("foveasegment mode=mask", &photo_info);
  GstBuffer *first = gst_harness_push_and_pull (h, stamped (photo, 0));
  assert_true (gst_harness_push_upstream_event (
    h, gst_event_new_qos (GST_QOS_TYPE_UNDERFLOW, 2.0, 0, 10 * GST_SECOND)));
  GstBuffer *late = gst_harness_push_and_pull (h, stamped (photo, 40 * GST_MSECOND));
  assert_non_null (late);
  assert_null (fv_gst_buffer_get_mask_meta (late));   /* no results for it */
  GstMapInfo a, b;
  assert_true (gst_buffer_map (first, &a, GST_MAP_READ));
  assert_true (gst_buffer_map (late, &b, GST_MAP_READ));
  assert_int_equal (a.size, b.size);
  assert_memory_equal (a.data, b.data, a.size);
  gst_buffer_unmap (late, &b);
  gst_buffer_unmap (first, &a);
  GstStructure *stats = NULL;
  GstElement *e = gst_harness_find_element (h, "foveasegment");
  g_object_get (e, "stats", &stats, NULL);
  gst_object_unref (e);
  guint64 processed = 0, passed = 0;
  assert_true (gst_structure_get_uint64 (stats, "processed", &processed));
  assert_true (gst_structure_get_uint64 (stats, "late-passed", &passed));
  assert_int_equal (processed, 1);
  assert_int_equal (passed, 1);
  gst_structure_free (stats);
  gst_buffer_unref (first);
  gst_buffer_unref (late);
  gst_harness_teardown (h);
}

/* ------------------------------------------------------------------ background */

typedef struct {
  guint sure, ruled_out, between;   /* pixels by weight: 1, 0, in between */
} Counts;

/* Checks every RGB component of the RGBA @out against @in and the colour. */
static Counts
check_background (GstBuffer *out, const FvMask *ref, double threshold, const guint8 color[3])
{
  GstMapInfo a, b;
  assert_true (gst_buffer_map (out, &a, GST_MAP_READ));
  assert_true (gst_buffer_map (photo, &b, GST_MAP_READ));
  const int w = ref->width, h = ref->height;
  const gsize stride = GST_VIDEO_INFO_PLANE_STRIDE (&photo_info, 0);
  Counts n = { 0 };
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const float p = p_at (ref, x, y);
      const int k = threshold > 0 ? (p >= threshold ? 256 : 0) : (int) (p * 256.0f + 0.5f);
      const guint8 *o = a.data + y * stride + 4 * (gsize) x;
      const guint8 *i = b.data + y * stride + 4 * (gsize) x;
      for (int c = 0; c < 3; c++) {
        if (k == 256 && o[c] != i[c])
          fail_msg ("person pixel (%d, %d) changed: %d -> %d", x, y, i[c], o[c]);
        if (k == 0 && o[c] != color[c])
          fail_msg ("background pixel (%d, %d) is %d, not the colour %d", x, y, o[c],
                    color[c]);
        if (o[c] < MIN (i[c], color[c]) || o[c] > MAX (i[c], color[c]))
          fail_msg ("edge pixel (%d, %d): %d outside [%d, %d]", x, y, o[c], i[c], color[c]);
      }
      assert_int_equal (o[3], i[3]);   /* alpha stays */
      n.sure += k == 256;
      n.ruled_out += k == 0;
      n.between += k > 0 && k < 256;
    }
  gst_buffer_unmap (photo, &b);
  gst_buffer_unmap (out, &a);
  return n;
}

static void
test_background_color (void **state)
{
  const FvMask *ref = fv_packet_get_mask (lib_mask);
  const guint npix = (guint) (ref->width * ref->height);
  const guint8 blue[3] = { 0x20, 0x40, 0xc0 };
  const double thresholds[] = { 0.0, 0.5 };
  for (guint t = 0; t < G_N_ELEMENTS (thresholds); t++) {
    g_autofree char *desc = g_strdup_printf (
      "foveasegment mode=background background-color=0xff2040c0 threshold=%g", thresholds[t]);
    GstHarness *h = harness (desc, &photo_info);
    /* the input is still held here: the element must write a copy, never these pixels */
    GstBuffer *in = stamped (photo, 0);
    GstBuffer *out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
    assert_non_null (out);
    GstMapInfo a, b;
    assert_true (gst_buffer_map (in, &a, GST_MAP_READ));
    assert_true (gst_buffer_map (photo, &b, GST_MAP_READ));
    assert_memory_equal (a.data, b.data, a.size);
    gst_buffer_unmap (photo, &b);
    gst_buffer_unmap (in, &a);
    gst_buffer_unref (in);
    Counts n = check_background (out, ref, thresholds[t], blue);
    printf ("  threshold %g: %u kept, %u replaced, %u blended of %u pixels\n", thresholds[t],
            n.sure, n.ruled_out, n.between, npix);
    assert_true (n.sure > npix / 4 && n.ruled_out > npix / 5);
    if (thresholds[t] > 0)
      assert_int_equal (n.between, 0);
    else
      assert_true (n.between > 0);   /* the soft edge */
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
}

/* Sum of |horizontal differences| over the pixels the mask rules out (weight 0). */
static double
background_roughness (const guint8 *data, gsize stride, const FvMask *ref)
{
  double sum = 0;
  for (int y = 0; y < ref->height; y++)
    for (int x = 0; x + 1 < ref->width; x++)
      if (p_at (ref, x, y) * 256.0f < 0.5f && p_at (ref, x + 1, y) * 256.0f < 0.5f)
        for (int c = 0; c < 3; c++)
          sum += abs (data[y * stride + 4 * (gsize) (x + 1) + c] - data[y * stride + 4 * (gsize) x + c]);
  return sum;
}

static void
test_background_blur (void **state)
{
  const FvMask *ref = fv_packet_get_mask (lib_mask);
  GstHarness *h = harness ("foveasegment mode=background background-blur=8", &photo_info);
  GstBuffer *out = gst_harness_push_and_pull (h, stamped (photo, 0));
  assert_non_null (out);
  GstMapInfo a, b;
  assert_true (gst_buffer_map (out, &a, GST_MAP_READ));
  assert_true (gst_buffer_map (photo, &b, GST_MAP_READ));
  const gsize stride = GST_VIDEO_INFO_PLANE_STRIDE (&photo_info, 0);
  guint changed = 0;
  for (int y = 0; y < ref->height; y++)
    for (int x = 0; x < ref->width; x++) {
      const gsize o = y * stride + 4 * (gsize) x;
      if (p_at (ref, x, y) * 256.0f + 0.5f >= 256.0f)
        assert_memory_equal (a.data + o, b.data + o, 4);   /* the person is left alone */
      else
        changed += memcmp (a.data + o, b.data + o, 3) != 0;
    }
  const double before = background_roughness (b.data, stride, ref);
  const double after = background_roughness (a.data, stride, ref);
  printf ("  blur 8: %u background pixels changed; roughness %.0f -> %.0f\n", changed, before,
          after);
  assert_true (changed > 1000);
  assert_true (after < 0.5 * before);
  gst_buffer_unmap (photo, &b);
  gst_buffer_unmap (out, &a);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

/* I420: the Y plane where the (hard) mask rules a pixel out is the colour's Y; where it is
 * sure, the input's. */
static void
test_background_i420 (void **state)
{
  GstHarness *h = gst_harness_new_parse (
    "videoconvert ! capsfilter caps=video/x-raw,format=I420 ! foveasegment "
    "mode=background threshold=0.5 "
    "background-color=0xff000000");
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&photo_info));
  GstBuffer *out = gst_harness_push_and_pull (h, stamped (photo, 0));
  assert_non_null (out);
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  GstVideoInfo info;
  assert_true (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  assert_int_equal (GST_VIDEO_INFO_FORMAT (&info), GST_VIDEO_FORMAT_I420);
  FvGstMaskMeta *m = fv_gst_buffer_get_mask_meta (out);
  assert_non_null (m);
  GstVideoFrame f;
  assert_true (gst_video_frame_map (&f, &info, out, GST_MAP_READ));
  guint black = 0, kept = 0;
  for (guint y = 0; y < m->height; y++)
    for (guint x = 0; x < m->width; x++) {
      const guint8 Y = ((const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0))
        [y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0) + x];
      if (m->data[y * m->width + x] < 0.5f) {
        assert_int_equal (Y, 16);   /* black in video range */
        const guint8 U = ((const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 1))
          [(y / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 1) + x / 2];
        if (m->data[(y & ~1u) * m->width + (x & ~1u)] < 0.5f)
          assert_int_equal (U, 128);
        black++;
      } else {
        kept += Y != 16;
      }
    }
  gst_video_frame_unmap (&f);
  printf ("  I420: %u pixels black, %u person pixels kept\n", black, kept);
  assert_true (black > 1000 && kept > 1000);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

int
main (void)
{
  gst_init (NULL, NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_meta_mode),
    cmocka_unit_test (test_meta_survives_copy_and_scale),
    cmocka_unit_test (test_mask_mode),
    cmocka_unit_test (test_mask_mode_from_i420),
    cmocka_unit_test (test_mask_mode_wrong_caps),
    cmocka_unit_test (test_mask_mode_late_frame),
    cmocka_unit_test (test_background_color),
    cmocka_unit_test (test_background_blur),
    cmocka_unit_test (test_background_i420),
  };
  int failed = cmocka_run_group_tests (tests, setup, teardown);
  if (failed == 0)
    gst_deinit ();
  return failed;
}
