/* fovea tests — foveahands and foveapose (plugins/gstfoveahands.c, gstfoveapose.c) on
 * photos (tests/data/images/ocvdoc_hand_open_0.jpg: one right hand, as MediaPipe labels it;
 * kpa_wayne_upright.jpg: one standing man), pushed as a short still video through
 * GstHarness:
 *  - foveahands: one ROI "hand" with the handedness MediaPipe gives ("Right") and its score,
 *    a landmarks meta of 21 points equal to the library's hands graph on the same frame,
 *    the hand kept while tracking;
 *  - foveapose: one ROI "person" with 33 visibility and presence values, a landmarks meta
 *    of one object (the world landmarks are not boxes) equal to the library's pose graph on
 *    the same frame, and with enable-segmentation the person's mask meta (equal to the
 *    library's mask);
 *  - both carry their metas through foveaoverlay, which draws the skeleton. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "graph/fovea-graph.h"
#include "graph/landmark.h"
#include "graph/mask.h"
#include "graph/solutions/solutions.h"
#include "plugins/fovea_mask_meta.h"
#include "plugins/fovea_meta.h"
#include "plugins/video_frame.h"

#include <stdio.h>
#include <string.h>

static GstBuffer *
decode (const char *name, GstVideoInfo *info)
{
  g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images", name, NULL);
  g_autofree char *desc = g_strdup_printf (
    "filesrc location=\"%s\" ! decodebin ! videoconvert ! video/x-raw,format=RGBA ! "
    "appsink name=sink", path);
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

typedef struct {
  const char *stream;
  FvPacket *packet;
} Observed;

static gboolean
on_packet (FvPacket *packet, gpointer user_data, GError **error)
{
  Observed *o = user_data;
  fv_packet_unref (o->packet);
  o->packet = fv_packet_ref (packet);
  return TRUE;
}

/* Runs solution @name with @settings on @buf once; out[i].packet gets stream out[i].stream's
 * packet (or stays NULL). */
static void
run_library (const char *name, char **settings, GstBuffer *buf, const GstVideoInfo *info,
             Observed *out, guint n_out)
{
  g_autoptr (GError) error = NULL;
  assert_true (fv_solutions_register (&error));
  const FvSolution *solution = fv_solution_find (name);
  assert_non_null (solution);
  g_autofree char *text = fv_solution_graph_text (solution, settings, &error);
  if (text == NULL)
    fail_msg ("%s", error->message);
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  if (g == NULL)
    fail_msg ("%s", error->message);
  for (guint i = 0; i < n_out; i++)
    assert_true (fv_graph_observe (g, out[i].stream, on_packet, &out[i], &error));
  assert_true (fv_graph_start (g, &error));
  FvImage *img = fv_gst_image_wrap_buffer (buf, info, &error);
  assert_non_null (img);
  assert_true (fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (img), 1),
                                    &error));
  if (!fv_graph_wait_until_done (g, &error))
    fail_msg ("%s", error->message);
  fv_graph_free (g);
}

static GstBuffer *
stamped (GstBuffer *b, guint i)
{
  GstBuffer *c = gst_buffer_copy_deep (b);
  GST_BUFFER_PTS (c) = i * 40 * GST_MSECOND;
  GST_BUFFER_DURATION (c) = 40 * GST_MSECOND;
  return c;
}

static GstVideoRegionOfInterestMeta *
only_roi (GstBuffer *b)
{
  assert_int_equal (gst_buffer_get_n_meta (b, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE), 1);
  gpointer st = NULL;
  return (GstVideoRegionOfInterestMeta *) gst_buffer_iterate_meta_filtered (
    b, &st, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
}

/* The landmarks meta's only object equals @ref (the same graph on the same pixels: bit for
 * bit, tolerance 0). */
static void
assert_same_landmarks (const FvGstLandmarksMeta *m, const FvLandmarks *ref)
{
  assert_non_null (ref);
  assert_int_equal (m->n_objects, 1);
  assert_int_equal (m->n_points[0], ref->n);
  for (int j = 0; j < ref->n; j++) {
    assert_true (m->xyz[3 * j] == ref->items[j].x);
    assert_true (m->xyz[3 * j + 1] == ref->items[j].y);
    assert_true (m->xyz[3 * j + 2] == ref->items[j].z);
  }
}

static void
test_hands (void **state)
{
  GstVideoInfo info;
  GstBuffer *photo = decode ("ocvdoc_hand_open_0.jpg", &info);
  GstHarness *h = gst_harness_new ("foveahands");
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  for (guint i = 0; i < 3; i++) {
    GstBuffer *out = gst_harness_push_and_pull (h, stamped (photo, i));
    assert_non_null (out);
    GstVideoRegionOfInterestMeta *roi = only_roi (out);
    assert_string_equal (g_quark_to_string (roi->roi_type), "hand");
    const GstStructure *p = fv_gst_roi_get_param (roi);
    const char *label = gst_structure_get_string (p, "handedness");
    double score = 0;
    assert_true (gst_structure_get_double (p, "handedness-score", &score));
    FvGstLandmarksMeta *lm = fv_gst_buffer_get_landmarks_meta (out);
    assert_non_null (lm);
    assert_int_equal (lm->n_objects, 1);
    assert_int_equal (lm->n_points[0], 21);
    printf ("  frame %u: %s hand (%.3f), box %u,%u %ux%u\n", i, label, score, roi->x, roi->y,
            roi->w, roi->h);
    assert_string_equal (label, "Right");   /* MediaPipe's: Right, 0.961 */
    assert_true (score > 0.5 && score <= 1.0);
    if (i == 0) {
      char *set[] = { "static_image_mode=false", "model_complexity=1", "max_num_hands=2",
                      "min_detection_confidence=0.5", "min_tracking_confidence=0.5", NULL };
      Observed lib[] = { { "multi_hand_landmarks", NULL } };
      run_library ("hands", set, photo, &info, lib, G_N_ELEMENTS (lib));
      const GPtrArray *v = fv_packet_get_vector (lib[0].packet);
      assert_non_null (v);
      assert_int_equal (v->len, 1);
      assert_same_landmarks (lm, fv_packet_get_landmarks (g_ptr_array_index (v, 0)));
      fv_packet_unref (lib[0].packet);
    }
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
  gst_buffer_unref (photo);
}

/* The elements' properties reach their solutions (gst_fovea_filter_class_install_setting):
 * on kpa_qt-logo (two hands, one person) max-hands and min-detection-confidence change how
 * many hands are found, enable-segmentation whether a mask comes, and foveapose's
 * min-detection-confidence whether the person is found. */
static void
test_properties_reach_the_solution (void **state)
{
  GstVideoInfo info;
  GstBuffer *photo = decode ("kpa_qt-logo.jpg", &info);
  const struct {
    const char *desc;
    guint rois;
    gboolean mask;
  } cases[] = {
    { "foveahands", 2, FALSE },
    { "foveahands max-hands=1", 1, FALSE },
    { "foveahands min-detection-confidence=1.0", 0, FALSE },
    { "foveapose model-complexity=0", 1, FALSE },
    { "foveapose model-complexity=0 enable-segmentation=true", 1, TRUE },
    { "foveapose model-complexity=0 min-detection-confidence=1.0", 0, FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *h = gst_harness_new_parse (cases[i].desc);
    gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
    GstBuffer *out = gst_harness_push_and_pull (h, stamped (photo, 0));
    assert_non_null (out);
    guint rois = gst_buffer_get_n_meta (out, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
    gboolean mask = fv_gst_buffer_get_mask_meta (out) != NULL;
    printf ("  %-60s %u ROI(s), %s\n", cases[i].desc, rois, mask ? "mask" : "no mask");
    assert_int_equal (rois, cases[i].rois);
    assert_int_equal (mask, cases[i].mask);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
  gst_buffer_unref (photo);
}

static void
test_pose (void **state)
{
  GstVideoInfo info;
  GstBuffer *photo = decode ("kpa_wayne_upright.jpg", &info);
  GstHarness *h = gst_harness_new_parse ("foveapose model-complexity=0 enable-segmentation=true "
                                         "! foveaoverlay");
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  GstBuffer *out = gst_harness_push_and_pull (h, stamped (photo, 0));
  assert_non_null (out);
  GstVideoRegionOfInterestMeta *roi = only_roi (out);
  assert_string_equal (g_quark_to_string (roi->roi_type), "person");
  const GstStructure *p = fv_gst_roi_get_param (roi);
  guint nv = 0, np = 0;
  g_autofree double *vis = fv_gst_structure_get_doubles (p, "visibility", &nv);
  g_autofree double *pres = fv_gst_structure_get_doubles (p, "presence", &np);
  assert_int_equal (nv, 33);
  assert_int_equal (np, 33);
  guint visible = 0;
  for (guint j = 0; j < nv; j++) {
    assert_true (vis[j] >= 0 && vis[j] <= 1 && pres[j] >= 0 && pres[j] <= 1);
    visible += vis[j] > 0.5;
  }
  FvGstLandmarksMeta *lm = fv_gst_buffer_get_landmarks_meta (out);
  assert_non_null (lm);
  FvGstMaskMeta *mask = fv_gst_buffer_get_mask_meta (out);
  assert_non_null (mask);
  assert_int_equal (mask->width, GST_VIDEO_INFO_WIDTH (&info));
  assert_int_equal (mask->height, GST_VIDEO_INFO_HEIGHT (&info));
  double fg = 0;
  for (guint i = 0; i < mask->width * mask->height; i++)
    fg += mask->data[i] >= 0.5f;
  fg /= mask->width * mask->height;
  printf ("  person box %u,%u %ux%u, %u/33 landmarks visible, mask %.1f%% person\n", roi->x,
          roi->y, roi->w, roi->h, visible, 100 * fg);
  assert_true (visible >= 20);   /* a whole standing man, facing the camera */
  assert_true (fg > 0.05 && fg < 0.8);

  char *set[] = { "static_image_mode=false", "model_complexity=0", "smooth_landmarks=true",
                  "enable_segmentation=true", "smooth_segmentation=true",
                  "min_detection_confidence=0.5", "min_tracking_confidence=0.5",
                  "static_image_mode=false", NULL };
  Observed lib[] = { { "pose_landmarks", NULL }, { "segmentation_mask", NULL } };
  run_library ("pose", set, photo, &info, lib, G_N_ELEMENTS (lib));
  assert_same_landmarks (lm, fv_packet_get_landmarks (lib[0].packet));
  const FvMask *ref = fv_packet_get_mask (lib[1].packet);
  assert_non_null (ref);
  assert_memory_equal (mask->data, ref->data, sizeof (float) * mask->width * mask->height);
  fv_packet_unref (lib[0].packet);
  fv_packet_unref (lib[1].packet);

  /* foveaoverlay drew on the frame: the skeleton and the tint changed pixels */
  GstMapInfo a, b;
  assert_true (gst_buffer_map (out, &a, GST_MAP_READ));
  assert_true (gst_buffer_map (photo, &b, GST_MAP_READ));
  gsize changed = 0;
  for (gsize i = 0; i < a.size; i++)
    changed += a.data[i] != b.data[i];
  gst_buffer_unmap (photo, &b);
  gst_buffer_unmap (out, &a);
  assert_true (changed > a.size / 20);
  gst_buffer_unref (out);

  /* the next frame: tracked, still one person */
  out = gst_harness_push_and_pull (h, stamped (photo, 1));
  assert_non_null (out);
  assert_string_equal (g_quark_to_string (only_roi (out)->roi_type), "person");
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  gst_buffer_unref (photo);
}

int
main (void)
{
  gst_init (NULL, NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_hands),
    cmocka_unit_test (test_pose),
    cmocka_unit_test (test_properties_reach_the_solution),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  if (failed == 0)
    gst_deinit ();
  return failed;
}
