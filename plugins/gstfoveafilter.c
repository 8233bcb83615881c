/* fovea — GstFoveaFilter: a fovea graph on every video frame, results as metas.
 *
 * Per frame (transform_ip, the streaming thread):
 *  1. late frames (QoS, see late-frames) pass without results or are dropped;
 *  2. with inference-interval N, the graph runs on every Nth frame and the frames between
 *     carry the latest results again;
 *  3. the frame becomes the graph's image packet: the RGB-family formats are wrapped in
 *     place (plugins/video_frame.c, no copy), I420 and NV12 are converted to RGB once into
 *     a reused buffer (the bytes are counted);
 *  4. the packet goes into the graph at the next timestamp and the element waits until the
 *     graph is idle, so results belong to this frame and nothing queues up;
 *  5. the outputs at that timestamp become metas: landmarks (a packet_vector of "landmarks"
 *     or one "landmarks") give one ROI per object plus the FvGstLandmarksMeta; otherwise
 *     "detections" give one ROI per detection; a "mask" gives the FvGstMaskMeta;
 *  6. a subclass with a render function writes the output frame from the results.
 * In place (the frame passes on) unless the output caps differ from the input's (a
 * subclass's transform_caps): then transform() runs the same steps with the input frame
 * analysed and the metas and pixels going to the output buffer.
 * The graph is built at start (READY -> PAUSED: a bad option or a missing model fails the
 * state change with an element error), rebuilt after a flush (a seek), freed at stop.
 */
#include "plugins/gstfoveafilter.h"

#include "graph/detection.h"
#include "graph/fovea-graph.h"
#include "graph/landmark.h"
#include "graph/solutions/solutions.h"
#include "gpu/buffer.h"
#include "plugins/fovea_mask_meta.h"
#include "plugins/fovea_flow_meta.h"
#include "plugins/fovea_meta.h"
#include "plugins/video_frame.h"

#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_fovea_filter_debug);
#define GST_CAT_DEFAULT gst_fovea_filter_debug

#define FORMATS "{ RGBA, RGBx, BGRA, BGRx, RGB, GRAY8, I420, NV12 }"

enum {
  PROP_0,
  PROP_OPTIONS,
  PROP_DEVICE,
  PROP_INFERENCE_INTERVAL,
  PROP_LATE_FRAMES,
  PROP_STATS,
};

/* One output stream of the graph and its packet at the frame being processed. */
typedef struct {
  char *name;
  char *tag;          /* the graph output's tag ("" when untagged) */
  FvPacket *packet;   /* the latest packet (swapped atomically) */
} Output;

typedef struct {
  /* properties (object lock) */
  char *options, *device;
  char *roi_type;           /* instance roi_type, or NULL for the class's */
  guint interval;
  GstFoveaLate late;

  /* the graph (streaming thread, and start/stop) */
  FvGraph *graph;
  char *input_stream;
  GPtrArray *outputs;       /* Output*; their packets are swapped atomically (observers) */
  gint64 ts;                /* the graph's last input timestamp */
  gboolean restart;         /* a flush happened: new graph (no tracking across a seek) */
  GstBuffer *rgb;           /* I420/NV12 converted for the graph, reused when free */
  GstVideoConverter *convert;
  GstVideoInfo rgb_info;
  GPtrArray *last;          /* FvPacket* (ref) results of the last processed frame */
  GPtrArray *last_tags;     /* const char*: each result's output tag (owned by outputs) */

  /* QoS (object lock) */
  GstClockTime earliest;

  /* statistics (object lock) */
  guint64 frames, processed, reused, late_passed, late_dropped;
  guint64 bytes_copied, bytes_copied_last;
  double latency_last_ms, latency_sum_ms, latency_max_ms;
  GstClockTime reported_latency;
} GstFoveaFilterPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (GstFoveaFilter, gst_fovea_filter, GST_TYPE_VIDEO_FILTER)

#define PRIV(self) ((GstFoveaFilterPrivate *) gst_fovea_filter_get_instance_private (self))

static GType
gst_fovea_late_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_FOVEA_LATE_PASS, "Pass the frame at once, without new results", "pass" },
    { GST_FOVEA_LATE_DROP, "Drop the frame", "drop" },
    { GST_FOVEA_LATE_WAIT, "Process it anyway (ignore QoS)", "wait" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstFoveaLate", values));
  return type;
}

char *
gst_fovea_filter_format_double (const char *key, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup_printf ("%s=%s", key, g_ascii_dtostr (buf, sizeof buf, value));
}

/* ------------------------------------------------------------------ the graph */

static gboolean
on_output (FvPacket *packet, gpointer user_data, GError **error)
{
  Output *out = user_data;
  /* the packet of the current frame (the element waits for idle, so at most one) */
  fv_packet_unref (g_atomic_pointer_exchange (&out->packet, fv_packet_ref (packet)));
  return TRUE;
}

static void
output_free (gpointer p)
{
  Output *out = p;
  g_free (out->name);
  g_free (out->tag);
  fv_packet_unref (out->packet);
  g_free (out);
}

static void
graph_free (GstFoveaFilter *self)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  if (priv->graph != NULL) {
    fv_graph_close_all_inputs (priv->graph, NULL);
    fv_graph_wait_until_done (priv->graph, NULL);
    fv_graph_free (priv->graph);
    priv->graph = NULL;
  }
  g_clear_pointer (&priv->outputs, g_ptr_array_unref);
  g_clear_pointer (&priv->input_stream, g_free);
  g_clear_pointer (&priv->last, g_ptr_array_unref);
  g_clear_pointer (&priv->last_tags, g_ptr_array_unref);
  priv->ts = 0;
}

/* Appends the "key=value" settings of the options property: words separated by spaces,
 * commas or semicolons. They come after the element's own, and the last setting of an
 * option wins (graph/solutions/solutions.h). */
static void
add_settings (GPtrArray *settings, const char *options)
{
  if (options == NULL)
    return;
  g_auto (GStrv) words = g_strsplit_set (options, " \t\n,;", -1);
  for (char **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_ptr_array_add (settings, g_strdup (*w));
}

/* ------------------------------------------------------------ solution settings */

/* What a setting property keeps on its GParamSpec. */
typedef struct {
  const char *option;
  gsize offset;
} Setting;

static G_DEFINE_QUARK (gst-fovea-filter-setting, setting)

void
gst_fovea_filter_class_install_setting (GstFoveaFilterClass *klass, guint prop_id,
                                        const char *option, gsize offset, GParamSpec *pspec)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  g_return_if_fail (type == G_TYPE_UINT || type == G_TYPE_INT || type == G_TYPE_BOOLEAN
                    || type == G_TYPE_DOUBLE);
  Setting *setting = g_new (Setting, 1);   /* lives as long as the pspec: the class's */
  *setting = (Setting) { g_intern_string (option), offset };
  g_param_spec_set_qdata_full (pspec, setting_quark (), setting, g_free);
  gobject_class->set_property = gst_fovea_filter_setting_set_property;
  gobject_class->get_property = gst_fovea_filter_setting_get_property;
  g_object_class_install_property (gobject_class, prop_id, pspec);
}

void
gst_fovea_filter_setting_set_property (GObject *object, guint prop_id, const GValue *value,
                                       GParamSpec *pspec)
{
  const Setting *s = g_param_spec_get_qdata (pspec, setting_quark ());
  if (s == NULL) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  gpointer field = G_STRUCT_MEMBER_P (object, s->offset);
  GST_OBJECT_LOCK (object);
  switch (G_PARAM_SPEC_VALUE_TYPE (pspec)) {
    case G_TYPE_UINT: *(guint *) field = g_value_get_uint (value); break;
    case G_TYPE_INT: *(gint *) field = g_value_get_int (value); break;
    case G_TYPE_BOOLEAN: *(gboolean *) field = g_value_get_boolean (value); break;
    case G_TYPE_DOUBLE: *(double *) field = g_value_get_double (value); break;
    default: break;
  }
  GST_OBJECT_UNLOCK (object);
}

void
gst_fovea_filter_setting_get_property (GObject *object, guint prop_id, GValue *value,
                                       GParamSpec *pspec)
{
  const Setting *s = g_param_spec_get_qdata (pspec, setting_quark ());
  if (s == NULL) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  gconstpointer field = G_STRUCT_MEMBER_P (object, s->offset);
  GST_OBJECT_LOCK (object);
  switch (G_PARAM_SPEC_VALUE_TYPE (pspec)) {
    case G_TYPE_UINT: g_value_set_uint (value, *(const guint *) field); break;
    case G_TYPE_INT: g_value_set_int (value, *(const gint *) field); break;
    case G_TYPE_BOOLEAN: g_value_set_boolean (value, *(const gboolean *) field); break;
    case G_TYPE_DOUBLE: g_value_set_double (value, *(const double *) field); break;
    default: break;
  }
  GST_OBJECT_UNLOCK (object);
}

/* Appends "option=value" for each setting property of @self's class. */
static void
append_setting_properties (GstFoveaFilter *self, GPtrArray *settings)
{
  guint n;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self),
                                                                   &n);
  for (guint i = 0; i < n; i++) {
    const Setting *s = g_param_spec_get_qdata (pspecs[i], setting_quark ());
    if (s == NULL)
      continue;
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_PARAM_SPEC_VALUE_TYPE (pspecs[i]));
    g_object_get_property (G_OBJECT (self), pspecs[i]->name, &v);
    switch (G_VALUE_TYPE (&v)) {
      case G_TYPE_UINT:
        g_ptr_array_add (settings, g_strdup_printf ("%s=%u", s->option, g_value_get_uint (&v)));
        break;
      case G_TYPE_INT:
        g_ptr_array_add (settings, g_strdup_printf ("%s=%d", s->option, g_value_get_int (&v)));
        break;
      case G_TYPE_BOOLEAN:
        g_ptr_array_add (settings, g_strdup_printf ("%s=%s", s->option,
                                                    g_value_get_boolean (&v) ? "true" : "false"));
        break;
      default:
        g_ptr_array_add (settings, gst_fovea_filter_format_double (s->option,
                                                                   g_value_get_double (&v)));
        break;
    }
    g_value_unset (&v);
  }
}

static gboolean
graph_build (GstFoveaFilter *self, GError **error)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  GstFoveaFilterClass *klass = GST_FOVEA_FILTER_GET_CLASS (self);
  g_autoptr (GPtrArray) settings = g_ptr_array_new_with_free_func (g_free);
  append_setting_properties (self, settings);
  g_autofree char *name = klass->get_solution ? klass->get_solution (self, settings, error)
                                              : NULL;
  if (name == NULL) {
    if (error != NULL && *error == NULL)
      g_set_error (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_NOT_FOUND, "no graph set");
    return FALSE;
  }
  if (!fv_solutions_register (error))
    return FALSE;
  const FvSolution *solution = fv_solution_find (name);
  FvSolution *loaded = NULL;
  if (solution == NULL) {
    if (!g_file_test (name, G_FILE_TEST_IS_REGULAR)) {
      gsize n;
      const FvSolution *all = fv_solutions (&n);
      g_autoptr (GString) names = g_string_new (NULL);
      for (gsize i = 0; i < n; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", all[i].name);
      g_set_error (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_NOT_FOUND,
                   "no solution or .pbtxt file '%s' (built in: %s)", name, names->str);
      return FALSE;
    }
    solution = loaded = fv_solution_load_file (name, error);
    if (solution == NULL)
      return FALSE;
  }

  GST_OBJECT_LOCK (self);
  g_autofree char *options = g_strdup (priv->options);
  g_autofree char *device = g_strdup (priv->device);
  GST_OBJECT_UNLOCK (self);
  if (device != NULL && *device != '\0') {
    if (!fv_solution_has_option (solution, "device")) {
      g_set_error (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_OPTION,
                   "the graph %s has no device option (set device in its calculators)",
                   solution->name);
      fv_solution_free (loaded);
      return FALSE;
    }
    g_autofree char *kv = g_strdup_printf ("device=%s", device);
    add_settings (settings, kv);
  }
  if (fv_solution_has_option (solution, "static_image_mode"))   /* video: track, unless the
                                                                  * subclass says otherwise */
    g_ptr_array_insert (settings, 0, g_strdup ("static_image_mode=false"));
  add_settings (settings, options);
  g_ptr_array_add (settings, NULL);
  g_autofree char *text = fv_solution_graph_text (solution, (char **) settings->pdata, error);
  g_ptr_array_remove_index (settings, settings->len - 1);
  FvGraphConfig *cfg = text ? fv_solution_config (solution, error) : NULL;
  fv_solution_free (loaded);
  if (cfg == NULL)
    return FALSE;

  /* the image input: the IMAGE-tagged graph input, else the only one */
  const FvStreamRef *in = fv_stream_ref_find (cfg->input_streams, "IMAGE", 0);
  if (in == NULL && cfg->input_streams->len == 1)
    in = g_ptr_array_index (cfg->input_streams, 0);
  if (in == NULL) {
    g_set_error (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_INVALID,
                 "the graph needs one image input stream (IMAGE:name)");
    fv_graph_config_free (cfg);
    return FALSE;
  }
  priv->input_stream = g_strdup (in->name);
  priv->outputs = g_ptr_array_new_with_free_func (output_free);
  for (guint i = 0; i < cfg->output_streams->len; i++) {
    const FvStreamRef *r = g_ptr_array_index (cfg->output_streams, i);
    Output *o = g_new0 (Output, 1);
    o->name = g_strdup (r->name);
    o->tag = g_strdup (r->tag != NULL ? r->tag : "");
    g_ptr_array_add (priv->outputs, o);
  }
  fv_graph_config_free (cfg);

  GST_DEBUG_OBJECT (self, "graph:\n%s", text);
  priv->graph = fv_graph_new_from_string (text, NULL, error);
  if (priv->graph == NULL)
    return FALSE;
  for (guint i = 0; i < priv->outputs->len; i++) {
    Output *o = g_ptr_array_index (priv->outputs, i);
    if (!fv_graph_observe (priv->graph, o->name, on_output, o, error))
      return FALSE;
  }
  if (!fv_graph_start (priv->graph, error))
    return FALSE;
  priv->ts = 0;
  return TRUE;
}

/* ------------------------------------------------------------------ results -> metas */

void
gst_fovea_filter_set_roi_type (GstFoveaFilter *self, const char *type)
{
  GST_OBJECT_LOCK (self);
  g_free (PRIV (self)->roi_type);
  PRIV (self)->roi_type = g_strdup (type);
  GST_OBJECT_UNLOCK (self);
}

/* The roi_type (an interned string: valid for ever). */
static const char *
roi_type (GstFoveaFilter *self)
{
  GST_OBJECT_LOCK (self);
  const char *t = PRIV (self)->roi_type ? g_intern_string (PRIV (self)->roi_type)
                                        : GST_FOVEA_FILTER_GET_CLASS (self)->roi_type;
  GST_OBJECT_UNLOCK (self);
  return t != NULL ? t : "object";
}

static void
set_doubles (GstStructure *s, const char *field, const float *values, gsize n)
{
  GValue array = G_VALUE_INIT, v = G_VALUE_INIT;
  gst_value_array_init (&array, (guint) n);
  g_value_init (&v, G_TYPE_DOUBLE);
  for (gsize i = 0; i < n; i++) {
    g_value_set_double (&v, values[i]);
    gst_value_array_append_value (&array, &v);
  }
  g_value_unset (&v);
  gst_structure_take_value (s, field, &array);
}

/* The landmarks' visibility and presence (pose) as ROI parameters, when the model gives
 * them (not all 0). */
static void
set_visibility (GstStructure *s, const FvLandmarks *l)
{
  gboolean any = FALSE;
  for (int j = 0; j < l->n && !any; j++)
    any = l->items[j].visibility != 0 || l->items[j].presence != 0;
  if (!any)
    return;
  g_autofree float *v = g_new (float, MAX (2 * l->n, 1));
  for (int j = 0; j < l->n; j++) {
    v[j] = l->items[j].visibility;
    v[l->n + j] = l->items[j].presence;
  }
  set_doubles (s, "visibility", v, (gsize) l->n);
  set_doubles (s, "presence", v + l->n, (gsize) l->n);
}

FvPacket *
gst_fovea_filter_get_result (GstFoveaFilter *self, const char *tag)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  for (guint i = 0; priv->last != NULL && i < priv->last->len; i++)
    if (g_strcmp0 (g_ptr_array_index (priv->last_tags, i), tag) == 0)
      return g_ptr_array_index (priv->last, i);
  return NULL;
}

/* Adds a ROI of @type for the box (relative xmin, ymin, width, height) clamped to the frame. */
static GstVideoRegionOfInterestMeta *
add_roi (GstBuffer *buf, const GstVideoInfo *info, const char *type, double xmin, double ymin,
         double w, double h)
{
  const double fw = GST_VIDEO_INFO_WIDTH (info), fh = GST_VIDEO_INFO_HEIGHT (info);
  if (!isfinite (xmin) || !isfinite (ymin) || !isfinite (w) || !isfinite (h))
    return NULL;
  double x0 = CLAMP (xmin * fw, 0, fw), y0 = CLAMP (ymin * fh, 0, fh);
  double x1 = CLAMP ((xmin + w) * fw, 0, fw), y1 = CLAMP ((ymin + h) * fh, 0, fh);
  return gst_buffer_add_video_region_of_interest_meta (buf, type, (guint) floor (x0),
                                                       (guint) floor (y0),
                                                       (guint) ceil (x1 - floor (x0)),
                                                       (guint) ceil (y1 - floor (y0)));
}

/* The objects' landmarks of one frame's packet (a "landmarks" or a packet_vector of them). */
static void
collect_landmarks (const FvPacket *p, GPtrArray *out)
{
  const FvLandmarks *l = fv_packet_get_landmarks (p);
  if (l != NULL) {
    g_ptr_array_add (out, (gpointer) l);
    return;
  }
  const GPtrArray *v = fv_packet_get_vector (p);
  for (guint i = 0; v != NULL && i < v->len; i++) {
    const FvLandmarks *e = fv_packet_get_landmarks (g_ptr_array_index (v, i));
    if (e != NULL)
      g_ptr_array_add (out, (gpointer) e);
  }
}

/* Attaches @results (FvPacket*) to @buf as metas. */
static void
attach_results (GstFoveaFilter *self, GstBuffer *buf, const GstVideoInfo *info,
                GPtrArray *results)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  GstFoveaFilterClass *klass = GST_FOVEA_FILTER_GET_CLASS (self);
  g_autoptr (GPtrArray) objects = g_ptr_array_new ();
  for (guint i = 0; i < results->len; i++) {
    /* world landmarks (metres, not frame coordinates) are no boxes to draw */
    const char *tag = results == priv->last ? g_ptr_array_index (priv->last_tags, i) : "";
    if (strstr (tag, "WORLD") == NULL)
      collect_landmarks (g_ptr_array_index (results, i), objects);
    /* a dense flow field travels by reference in its own meta */
    fv_gst_buffer_add_flow_meta (buf, g_ptr_array_index (results, i));
  }
  const char *type = roi_type (self);

  /* the first mask (a segmentation), shared with the graph's packet, not copied */
  for (guint i = 0; i < results->len; i++)
    if (fv_gst_buffer_add_mask_meta (buf, type, g_ptr_array_index (results, i)) != NULL)
      break;

  if (objects->len > 0) {
    gsize total = 0;
    for (guint i = 0; i < objects->len; i++)
      total += ((const FvLandmarks *) g_ptr_array_index (objects, i))->n;
    g_autofree guint *counts = g_new (guint, objects->len);
    g_autofree float *xyz = g_new (float, MAX (3 * total, 1));
    g_autofree float *scores = g_new (float, objects->len);
    gsize k = 0;
    for (guint i = 0; i < objects->len; i++) {
      const FvLandmarks *l = g_ptr_array_index (objects, i);
      counts[i] = (guint) l->n;
      scores[i] = l->score;
      double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
      for (int j = 0; j < l->n; j++, k++) {
        xyz[3 * k] = l->items[j].x;
        xyz[3 * k + 1] = l->items[j].y;
        xyz[3 * k + 2] = l->items[j].z;
        x0 = MIN (x0, l->items[j].x);
        y0 = MIN (y0, l->items[j].y);
        x1 = MAX (x1, l->items[j].x);
        y1 = MAX (y1, l->items[j].y);
      }
      GstVideoRegionOfInterestMeta *roi = add_roi (buf, info, type, x0, y0, x1 - x0, y1 - y0);
      if (roi == NULL)
        continue;
      GstStructure *s = gst_structure_new (FV_GST_ROI_PARAM_NAME,
                                           "landmarks-index", G_TYPE_INT, (int) i, NULL);
      if (l->score > 0)
        gst_structure_set (s, "score", G_TYPE_DOUBLE, (double) l->score, NULL);
      set_doubles (s, "landmarks", xyz + 3 * (k - (gsize) l->n), 3 * (gsize) l->n);
      set_visibility (s, l);
      if (klass->object_param != NULL)
        klass->object_param (self, i, s);
      gst_video_region_of_interest_meta_add_param (roi, s);
    }
    fv_gst_buffer_add_landmarks_meta (buf, type, objects->len, counts, xyz, scores);
    return;
  }

  for (guint i = 0; i < results->len; i++) {
    const FvDetections *d = fv_packet_get_detections (g_ptr_array_index (results, i));
    for (int j = 0; d != NULL && j < d->n; j++) {
      const FvDetection *det = &d->items[j];
      GstVideoRegionOfInterestMeta *roi = add_roi (buf, info, type, det->xmin, det->ymin,
                                                   det->width, det->height);
      if (roi == NULL)
        continue;
      GstStructure *s = gst_structure_new (FV_GST_ROI_PARAM_NAME,
                                           "score", G_TYPE_DOUBLE, (double) det->score,
                                           "landmarks-index", G_TYPE_INT, -1, NULL);
      float kp[2 * FV_DETECTION_MAX_KEYPOINTS];
      int nk = CLAMP (det->n_keypoints, 0, FV_DETECTION_MAX_KEYPOINTS);
      for (int q = 0; q < nk; q++) {
        kp[2 * q] = det->keypoints[q].x;
        kp[2 * q + 1] = det->keypoints[q].y;
      }
      set_doubles (s, "keypoints", kp, 2 * (gsize) nk);
      gst_video_region_of_interest_meta_add_param (roi, s);
    }
  }
}

/* ------------------------------------------------------------------ per frame */

/* The frame as the graph's image packet (transfer full), or NULL + @error. */
static FvPacket *
frame_packet (GstFoveaFilter *self, GstBuffer *buf, const GstVideoInfo *info, guint64 *copied,
              GError **error)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  GstVideoFormat f = GST_VIDEO_INFO_FORMAT (info);
  if (f != GST_VIDEO_FORMAT_I420 && f != GST_VIDEO_FORMAT_NV12) {
    FvImage *img = fv_gst_image_wrap_buffer (buf, info, error);
    return img != NULL ? fv_packet_new_image (img) : NULL;
  }
  /* YUV: convert to RGB into a buffer the graph has released (else a new one) */
  if (priv->convert == NULL) {
    gst_video_info_set_format (&priv->rgb_info, GST_VIDEO_FORMAT_RGB,
                               GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info));
    /* the converter converts pixels only: everything else as the input's */
    GST_VIDEO_INFO_FPS_N (&priv->rgb_info) = GST_VIDEO_INFO_FPS_N (info);
    GST_VIDEO_INFO_FPS_D (&priv->rgb_info) = GST_VIDEO_INFO_FPS_D (info);
    GST_VIDEO_INFO_PAR_N (&priv->rgb_info) = GST_VIDEO_INFO_PAR_N (info);
    GST_VIDEO_INFO_PAR_D (&priv->rgb_info) = GST_VIDEO_INFO_PAR_D (info);
    GST_VIDEO_INFO_INTERLACE_MODE (&priv->rgb_info) = GST_VIDEO_INFO_INTERLACE_MODE (info);
    priv->convert = gst_video_converter_new ((GstVideoInfo *) info, &priv->rgb_info, NULL);
    if (priv->convert == NULL) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "cannot convert %s to RGB", gst_video_format_to_string (f));
      return NULL;
    }
  }
  if (priv->rgb != NULL && GST_MINI_OBJECT_REFCOUNT_VALUE (priv->rgb) > 1)
    gst_clear_buffer (&priv->rgb);   /* still held by the graph: leave it to it */
  if (priv->rgb == NULL)
    priv->rgb = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&priv->rgb_info), NULL);
  GstVideoFrame in, out;
  if (!gst_video_frame_map (&in, (GstVideoInfo *) info, buf, GST_MAP_READ)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "cannot map the %s frame (%" G_GSIZE_FORMAT " bytes)",
                 gst_video_format_to_string (f), gst_buffer_get_size (buf));
    return NULL;
  }
  if (!gst_video_frame_map (&out, &priv->rgb_info, priv->rgb, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&in);
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "cannot map the RGB frame");
    return NULL;
  }
  gst_video_converter_frame (priv->convert, &in, &out);
  gst_video_frame_unmap (&out);
  gst_video_frame_unmap (&in);
  *copied += GST_VIDEO_INFO_SIZE (&priv->rgb_info);
  FvImage *img = fv_gst_image_wrap_buffer (priv->rgb, &priv->rgb_info, error);
  return img != NULL ? fv_packet_new_image (img) : NULL;
}

/* TRUE when QoS says @buf is already too late to show. */
static gboolean
is_late (GstFoveaFilter *self, GstBuffer *buf)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  if (!gst_base_transform_is_qos_enabled (trans) || !GST_BUFFER_PTS_IS_VALID (buf))
    return FALSE;
  GST_OBJECT_LOCK (self);
  GstClockTime earliest = priv->earliest;
  GstFoveaLate late = priv->late;
  GST_OBJECT_UNLOCK (self);
  if (late == GST_FOVEA_LATE_WAIT || !GST_CLOCK_TIME_IS_VALID (earliest))
    return FALSE;
  GstClockTime rt = gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME,
                                                 GST_BUFFER_PTS (buf));
  return GST_CLOCK_TIME_IS_VALID (rt) && rt < earliest;
}

/* Lets the subclass write the output frame from @results (NULL: none yet). */
static GstFlowReturn
render (GstFoveaFilter *self, GstBuffer *in, GstBuffer *out, GPtrArray *results)
{
  GstFoveaFilterClass *klass = GST_FOVEA_FILTER_GET_CLASS (self);
  return klass->render != NULL ? klass->render (self, in, out, results) : GST_FLOW_OK;
}

/* One frame: @in is analysed, the metas go on @out (the same buffer in place). In place
 * the frame is not mapped for writing here: the pixels are only read (so a buffer whose
 * memory is shared is never copied); the base class hands a buffer whose metadata is
 * writable. */
static GstFlowReturn
process (GstFoveaFilter *self, GstBuffer *in, GstBuffer *buf)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  GstVideoFilter *filter = GST_VIDEO_FILTER (self);
  if (!filter->negotiated) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("fovea: no caps negotiated"), (NULL));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  const GstVideoInfo *info = &filter->in_info;

  GST_OBJECT_LOCK (self);
  priv->frames++;
  guint interval = MAX (priv->interval, 1);
  GstFoveaLate late = priv->late;
  guint64 frame_no = priv->frames;
  GST_OBJECT_UNLOCK (self);

  if (is_late (self, in)) {
    GST_OBJECT_LOCK (self);
    if (late == GST_FOVEA_LATE_DROP)
      priv->late_dropped++;
    else
      priv->late_passed++;
    GST_OBJECT_UNLOCK (self);
    GST_LOG_OBJECT (self, "late frame %" G_GUINT64_FORMAT ": %s", frame_no,
                    late == GST_FOVEA_LATE_DROP ? "dropped" : "passed without results");
    /* passed on: no metas, but an output frame the subclass renders from the latest
     * results (a mask stream keeps its last mask rather than flicker) */
    return late == GST_FOVEA_LATE_DROP ? GST_BASE_TRANSFORM_FLOW_DROPPED
                                       : render (self, in, buf, priv->last);
  }

  if (priv->last != NULL && (frame_no - 1) % interval != 0) {
    /* between inference runs: the latest results again */
    attach_results (self, buf, info, priv->last);
    GST_OBJECT_LOCK (self);
    priv->reused++;
    GST_OBJECT_UNLOCK (self);
    return render (self, in, buf, priv->last);
  }

  g_autoptr (GError) error = NULL;
  GST_OBJECT_LOCK (self);
  gboolean restart = priv->restart;
  priv->restart = FALSE;
  GST_OBJECT_UNLOCK (self);
  if (restart)
    graph_free (self);
  if (priv->graph == NULL && !graph_build (self, &error)) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT, ("fovea: %s", error->message), (NULL));
    return GST_FLOW_ERROR;
  }

  const gint64 t0 = g_get_monotonic_time ();
  const guint64 gpu0 = fv_gpu_bytes_copied ();
  guint64 copied = 0;
  FvPacket *packet = frame_packet (self, in, info, &copied, &error);
  if (packet == NULL) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, ("fovea: %s", error->message), (NULL));
    return GST_FLOW_ERROR;
  }
  for (guint i = 0; i < priv->outputs->len; i++) {
    Output *o = g_ptr_array_index (priv->outputs, i);
    fv_packet_unref (g_atomic_pointer_exchange (&o->packet, NULL));
  }
  priv->ts++;
  if (!fv_graph_add_packet (priv->graph, priv->input_stream, fv_packet_stamp (packet, priv->ts),
                            &error)
      || !fv_graph_wait_until_idle (priv->graph, &error)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("fovea: %s", error->message), (NULL));
    return GST_FLOW_ERROR;
  }
  if (priv->last == NULL) {
    priv->last = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
    priv->last_tags = g_ptr_array_new ();
  }
  g_ptr_array_set_size (priv->last, 0);
  g_ptr_array_set_size (priv->last_tags, 0);
  for (guint i = 0; i < priv->outputs->len; i++) {
    Output *o = g_ptr_array_index (priv->outputs, i);
    FvPacket *p = g_atomic_pointer_exchange (&o->packet, NULL);
    if (p != NULL && fv_packet_timestamp (p) == priv->ts) {
      g_ptr_array_add (priv->last, p);
      g_ptr_array_add (priv->last_tags, o->tag);
    } else {
      fv_packet_unref (p);
    }
  }
  attach_results (self, buf, info, priv->last);
  GstFlowReturn ret = render (self, in, buf, priv->last);

  /* a device that is not unified memory copies; so does a YUV conversion */
  copied += fv_gpu_bytes_copied () - gpu0;
  const double ms = (double) (g_get_monotonic_time () - t0) / 1000.0;
  gboolean post_latency = FALSE;
  GST_OBJECT_LOCK (self);
  priv->processed++;
  priv->bytes_copied += copied;
  priv->bytes_copied_last = copied;
  priv->latency_last_ms = ms;
  priv->latency_sum_ms += ms;
  if (ms > priv->latency_max_ms) {
    priv->latency_max_ms = ms;
    /* tell the pipeline when the latency grew by a quarter since it last asked */
    post_latency = (GstClockTime) (ms * GST_MSECOND) > priv->reported_latency * 5 / 4;
  }
  GST_OBJECT_UNLOCK (self);
  GST_LOG_OBJECT (self, "frame %" G_GUINT64_FORMAT ": %.2f ms, %" G_GUINT64_FORMAT
                  " bytes copied", frame_no, ms, copied);
  if (post_latency)
    gst_element_post_message (GST_ELEMENT (self),
                              gst_message_new_latency (GST_OBJECT (self)));
  return ret;
}

static GstFlowReturn
gst_fovea_filter_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  return process (GST_FOVEA_FILTER (trans), buf, buf);
}

/* Not in place: the output caps differ from the input's (foveasegment's GRAY8 masks). The
 * base class copied the input's metas to @outbuf; the subclass's render writes its pixels. */
static GstFlowReturn
gst_fovea_filter_transform (GstBaseTransform *trans, GstBuffer *inbuf, GstBuffer *outbuf)
{
  return process (GST_FOVEA_FILTER (trans), inbuf, outbuf);
}

/* ------------------------------------------------------------------ GstBaseTransform */

static gboolean
gst_fovea_filter_start (GstBaseTransform *trans)
{
  GstFoveaFilter *self = GST_FOVEA_FILTER (trans);
  GstFoveaFilterPrivate *priv = PRIV (self);
  g_autoptr (GError) error = NULL;
  GST_OBJECT_LOCK (self);
  priv->frames = priv->processed = priv->reused = priv->late_passed = priv->late_dropped = 0;
  priv->bytes_copied = priv->bytes_copied_last = 0;
  priv->latency_last_ms = priv->latency_sum_ms = priv->latency_max_ms = 0;
  priv->reported_latency = 0;
  priv->earliest = GST_CLOCK_TIME_NONE;
  GST_OBJECT_UNLOCK (self);
  if (!graph_build (self, &error)) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS, ("fovea: %s", error->message), (NULL));
    graph_free (self);
    return FALSE;
  }
  return TRUE;
}

static gboolean
gst_fovea_filter_stop (GstBaseTransform *trans)
{
  GstFoveaFilter *self = GST_FOVEA_FILTER (trans);
  GstFoveaFilterPrivate *priv = PRIV (self);
  graph_free (self);
  gst_clear_buffer (&priv->rgb);
  g_clear_pointer (&priv->convert, gst_video_converter_free);
  GST_OBJECT_LOCK (self);
  priv->restart = FALSE;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
gst_fovea_filter_set_info (GstVideoFilter *filter, GstCaps *incaps, GstVideoInfo *in_info,
                           GstCaps *outcaps, GstVideoInfo *out_info)
{
  GstFoveaFilterPrivate *priv = PRIV (GST_FOVEA_FILTER (filter));
  /* a new format or size: a new converter at the next YUV frame */
  gst_clear_buffer (&priv->rgb);
  g_clear_pointer (&priv->convert, gst_video_converter_free);
  GST_DEBUG_OBJECT (filter, "caps %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT, incaps, outcaps);
  return TRUE;
}

/* The frame passes on with metas (or is written in place) unless the output is another
 * format or size (a subclass's transform_caps). After GstVideoFilter's set_caps, which
 * makes a filter without transform_frame in place. */
static gboolean
gst_fovea_filter_set_caps (GstBaseTransform *trans, GstCaps *incaps, GstCaps *outcaps)
{
  if (!GST_BASE_TRANSFORM_CLASS (gst_fovea_filter_parent_class)->set_caps (trans, incaps,
                                                                         outcaps))
    return FALSE;
  GstVideoFilter *filter = GST_VIDEO_FILTER (trans);
  gst_base_transform_set_in_place (trans, gst_video_info_is_equal (&filter->in_info,
                                                                   &filter->out_info));
  return TRUE;
}

static gboolean
gst_fovea_filter_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  GstFoveaFilter *self = GST_FOVEA_FILTER (trans);
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    GST_OBJECT_LOCK (self);
    PRIV (self)->restart = TRUE;   /* no tracking across a seek */
    PRIV (self)->earliest = GST_CLOCK_TIME_NONE;
    GST_OBJECT_UNLOCK (self);
  }
  return GST_BASE_TRANSFORM_CLASS (gst_fovea_filter_parent_class)->sink_event (trans, event);
}

static gboolean
gst_fovea_filter_src_event (GstBaseTransform *trans, GstEvent *event)
{
  GstFoveaFilter *self = GST_FOVEA_FILTER (trans);
  if (GST_EVENT_TYPE (event) == GST_EVENT_QOS) {
    GstQOSType type;
    gdouble proportion;
    GstClockTimeDiff diff;
    GstClockTime timestamp;
    gst_event_parse_qos (event, &type, &proportion, &diff, &timestamp);
    GST_OBJECT_LOCK (self);
    if (GST_CLOCK_TIME_IS_VALID (timestamp))
      PRIV (self)->earliest = diff > 0 ? timestamp + (GstClockTime) diff : timestamp;
    GST_OBJECT_UNLOCK (self);
  }
  return GST_BASE_TRANSFORM_CLASS (gst_fovea_filter_parent_class)->src_event (trans, event);
}

static gboolean
gst_fovea_filter_query (GstBaseTransform *trans, GstPadDirection direction, GstQuery *query)
{
  GstFoveaFilter *self = GST_FOVEA_FILTER (trans);
  gboolean ok = GST_BASE_TRANSFORM_CLASS (gst_fovea_filter_parent_class)->query (trans,
                                                                               direction, query);
  if (ok && direction == GST_PAD_SRC && GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    gboolean live;
    GstClockTime min, max;
    gst_query_parse_latency (query, &live, &min, &max);
    GST_OBJECT_LOCK (self);
    /* the slowest frame seen: a sink that waits this long never shows a frame late
     * because of fovea */
    GstClockTime ours = (GstClockTime) (PRIV (self)->latency_max_ms * GST_MSECOND);
    PRIV (self)->reported_latency = ours;
    GST_OBJECT_UNLOCK (self);
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID (max))
      max += ours;
    gst_query_set_latency (query, live, min, max);
    GST_DEBUG_OBJECT (self, "latency: ours %" GST_TIME_FORMAT ", total min %" GST_TIME_FORMAT,
                      GST_TIME_ARGS (ours), GST_TIME_ARGS (min));
  }
  return ok;
}

/* Refused caps fail negotiation upstream ("not-negotiated", or a link error naming this
 * element and the caps); the debug log says what would have been accepted. */
static gboolean
gst_fovea_filter_accept_caps (GstBaseTransform *trans, GstPadDirection direction,
                              GstCaps *caps)
{
  gboolean ok = GST_BASE_TRANSFORM_CLASS (gst_fovea_filter_parent_class)->accept_caps (
    trans, direction, caps);
  if (!ok)
    GST_WARNING_OBJECT (trans, "caps %" GST_PTR_FORMAT " are not supported: formats %s "
                        "(put videoconvert before the element)", caps, FORMATS);
  return ok;
}

/* Late frames are judged in transform_ip (late-frames), so the base class must not
 * drop them first: it only hands the buffer on. */
static GstFlowReturn
gst_fovea_filter_submit_input_buffer (GstBaseTransform *trans, gboolean is_discont,
                                      GstBuffer *input)
{
  trans->queued_buf = input;
  return GST_FLOW_OK;
}

/* ------------------------------------------------------------------ GObject */

static GstStructure *
stats_structure (GstFoveaFilter *self)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  GST_OBJECT_LOCK (self);
  GstStructure *s = gst_structure_new (
    "fovea-stats",
    "frames", G_TYPE_UINT64, priv->frames,
    "processed", G_TYPE_UINT64, priv->processed,
    "reused", G_TYPE_UINT64, priv->reused,
    "late-passed", G_TYPE_UINT64, priv->late_passed,
    "late-dropped", G_TYPE_UINT64, priv->late_dropped,
    "bytes-copied", G_TYPE_UINT64, priv->bytes_copied,
    "bytes-copied-last", G_TYPE_UINT64, priv->bytes_copied_last,
    "latency-last-ms", G_TYPE_DOUBLE, priv->latency_last_ms,
    "latency-mean-ms", G_TYPE_DOUBLE,
    priv->processed ? priv->latency_sum_ms / (double) priv->processed : 0.0,
    "latency-max-ms", G_TYPE_DOUBLE, priv->latency_max_ms, NULL);
  GST_OBJECT_UNLOCK (self);
  return s;
}

static void
gst_fovea_filter_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  GstFoveaFilter *self = GST_FOVEA_FILTER (object);
  GstFoveaFilterPrivate *priv = PRIV (self);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_OPTIONS:
      g_free (priv->options);
      priv->options = g_value_dup_string (value);
      break;
    case PROP_DEVICE:
      g_free (priv->device);
      priv->device = g_value_dup_string (value);
      break;
    case PROP_INFERENCE_INTERVAL:
      priv->interval = g_value_get_uint (value);
      break;
    case PROP_LATE_FRAMES:
      priv->late = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_filter_get_property (GObject *object, guint prop_id, GValue *value,
                               GParamSpec *pspec)
{
  GstFoveaFilter *self = GST_FOVEA_FILTER (object);
  GstFoveaFilterPrivate *priv = PRIV (self);
  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, stats_structure (self));
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_OPTIONS:
      g_value_set_string (value, priv->options);
      break;
    case PROP_DEVICE:
      g_value_set_string (value, priv->device);
      break;
    case PROP_INFERENCE_INTERVAL:
      g_value_set_uint (value, priv->interval);
      break;
    case PROP_LATE_FRAMES:
      g_value_set_enum (value, priv->late);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_filter_finalize (GObject *object)
{
  GstFoveaFilter *self = GST_FOVEA_FILTER (object);
  GstFoveaFilterPrivate *priv = PRIV (self);
  graph_free (self);
  gst_clear_buffer (&priv->rgb);
  g_clear_pointer (&priv->convert, gst_video_converter_free);
  g_free (priv->options);
  g_free (priv->device);
  g_free (priv->roi_type);
  G_OBJECT_CLASS (gst_fovea_filter_parent_class)->finalize (object);
}

static void
gst_fovea_filter_class_init (GstFoveaFilterClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  gobject_class->set_property = gst_fovea_filter_set_property;
  gobject_class->get_property = gst_fovea_filter_get_property;
  gobject_class->finalize = gst_fovea_filter_finalize;

  g_object_class_install_property (gobject_class, PROP_OPTIONS,
    g_param_spec_string ("options", "Options",
                         "Solution options as key=value words, separated by spaces or commas "
                         "(`fovea solutions NAME` lists them); they win over the element's "
                         "own properties, e.g. \"max_num_faces=2 min_tracking_confidence=0.6\"",
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                         | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_DEVICE,
    g_param_spec_string ("device", "Device",
                         "Where preprocessing and models run: cpu, opencl, opencl:PLATFORM:DEVICE "
                         "or opencl,cpu (OpenCL, else the CPU with a warning); empty: "
                         "$FOVEA_DEVICE, else cpu",
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                         | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_INFERENCE_INTERVAL,
    g_param_spec_uint ("inference-interval", "Inference interval",
                       "Run the graph on every Nth frame; the frames between carry the latest "
                       "results again (1: every frame)",
                       1, 1000, 1, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                       | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_LATE_FRAMES,
    g_param_spec_enum ("late-frames", "Late frames",
                       "What to do with a frame that QoS says is already late (the graph fell "
                       "behind): pass it without new results, drop it, or process it anyway. "
                       "Applies while the qos property is on",
                       gst_fovea_late_get_type (), GST_FOVEA_LATE_PASS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_STATS,
    g_param_spec_boxed ("stats", "Statistics",
                        "Counters since start: frames, processed, reused (inference-interval), "
                        "late-passed, late-dropped, bytes-copied (host<->device and format "
                        "conversions; 0 for RGB-family frames on the CPU or a unified-memory "
                        "device), bytes-copied-last, latency-last-ms, latency-mean-ms, "
                        "latency-max-ms",
                        GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  GstCaps *caps = gst_caps_from_string (GST_VIDEO_CAPS_MAKE (FORMATS));
  gst_element_class_add_pad_template (element_class,
    gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_element_class_add_pad_template (element_class,
    gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_fovea_filter_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_fovea_filter_stop);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_fovea_filter_set_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_fovea_filter_sink_event);
  trans_class->src_event = GST_DEBUG_FUNCPTR (gst_fovea_filter_src_event);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_fovea_filter_query);
  trans_class->accept_caps = GST_DEBUG_FUNCPTR (gst_fovea_filter_accept_caps);
  trans_class->submit_input_buffer = GST_DEBUG_FUNCPTR (gst_fovea_filter_submit_input_buffer);
  trans_class->passthrough_on_same_caps = FALSE;
  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_fovea_filter_set_info);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_fovea_filter_transform_ip);
  trans_class->transform = GST_DEBUG_FUNCPTR (gst_fovea_filter_transform);

  gst_type_mark_as_plugin_api (GST_TYPE_FOVEA_FILTER, 0);
  gst_type_mark_as_plugin_api (gst_fovea_late_get_type (), 0);
  GST_DEBUG_CATEGORY_INIT (gst_fovea_filter_debug, "foveafilter", 0,
                           "fovea analysis elements (base)");
}

static void
gst_fovea_filter_init (GstFoveaFilter *self)
{
  GstFoveaFilterPrivate *priv = PRIV (self);
  priv->interval = 1;
  priv->late = GST_FOVEA_LATE_PASS;
  priv->earliest = GST_CLOCK_TIME_NONE;
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}
