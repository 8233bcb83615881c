/* fovea — `fovea run SOLUTION INPUT... [--json FILE|-] [--render OUT] [--trace FILE]
 * [--set key=value]... [--backend NAME] [--device LIST]`: runs a solution (built-in name or .pbtxt file)
 * on still images (files, or the .png/.jpg/.jpeg files of folders), one independent frame
 * each, and writes what every output stream held as JSON (schema in the README, section
 * "`fovea run`: solutions and their JSON"). A bad file is one error line and the run goes
 * on; the exit status is 1 when any file failed, 2 for a bad command line. */
#include "demos/fovea/cmd_run.h"

#include "models/backend.h"

#include "gpu/device_choice.h"

#include "calculators/flow/flo_io.h"
#include "calculators/flow/flow_color.h"
#include "calculators/image/image_io.h"
#include "graph/classification.h"
#include "graph/detection.h"
#include "graph/flow_field.h"
#include "graph/tracks.h"
#include "graph/mask.h"
#include "graph/fovea-graph.h"
#include "graph/image.h"
#include "graph/landmark.h"
#include "graph/solutions/solutions.h"

#include <errno.h>
#include <math.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#define RENDER_STREAM "fovea_run_render"

/* ------------------------------------------------------------------ device */

int
fv_cli_apply_device (const char *prog, const char *device, const char *backend)
{
  /* nothing asked: the calculators' own defaults ($FOVEA_BACKEND, else cpu) stay */
  const char *env = g_getenv ("FOVEA_DEVICE");
  if (device == NULL && (env == NULL || *env == '\0'))
    return 0;
  g_autoptr (GError) error = NULL;
  gboolean opencl = FALSE;
  if (!fv_device_resolve_for_process (device, prog, &opencl, &error)) {
    fprintf (stderr, "%s: %s\n", prog, error->message);
    return g_error_matches (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID) ? 2 : 1;
  }
  /* --backend names the inference backend itself; an explicit --device beats an inherited
   * $FOVEA_BACKEND */
  if (backend == NULL && (device != NULL || g_getenv ("FOVEA_BACKEND") == NULL))
    g_setenv ("FOVEA_BACKEND", opencl ? "opencl" : "cpu", TRUE);
  return 0;
}

/* ------------------------------------------------------------------ solution text */

char *
fv_cli_solution_text (const char *prog, const char *arg, char **set, char **name_out,
                      int *status)
{
  g_autoptr (GError) error = NULL;
  if (!fv_solutions_register (&error)) {
    fprintf (stderr, "%s: %s\n", prog, error->message);
    *status = 1;
    return NULL;
  }
  const FvSolution *s = fv_solution_find (arg);
  FvSolution *loaded = NULL;
  if (s == NULL && g_file_test (arg, G_FILE_TEST_IS_REGULAR)) {
    s = loaded = fv_solution_load_file (arg, &error);
    if (s == NULL) {
      fprintf (stderr, "%s: %s\n", prog, error->message);
      *status = 1;
      return NULL;
    }
  }
  if (s == NULL) {
    gsize n;
    const FvSolution *all = fv_solutions (&n);
    GString *names = g_string_new (NULL);
    for (gsize i = 0; i < n; i++)
      g_string_append_printf (names, "%s%s", i ? ", " : "", all[i].name);
    fprintf (stderr, "%s: no solution or .pbtxt file '%s' (built in: %s)\n", prog, arg,
             names->str);
    g_string_free (names, TRUE);
    *status = 2;
    return NULL;
  }
  g_autoptr (GPtrArray) settings = g_ptr_array_new ();
  gboolean user_set_static = FALSE;
  for (char **kv = set; kv != NULL && *kv != NULL; kv++) {
    g_ptr_array_add (settings, *kv);
    user_set_static |= g_str_has_prefix (*kv, "static_image_mode=");
  }
  /* Every input is an independent still image: no tracking from one file to the next. */
  if (!user_set_static && fv_solution_has_option (s, "static_image_mode"))
    g_ptr_array_add (settings, (gpointer) "static_image_mode=true");
  g_ptr_array_add (settings, NULL);
  char *text = fv_solution_graph_text (s, (char **) settings->pdata, &error);
  if (text == NULL) {
    fprintf (stderr, "%s: %s\n", prog, error->message);
    *status = g_error_matches (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_OPTION) ? 2 : 1;
  } else if (name_out != NULL) {
    *name_out = g_strdup (s->name);
  }
  fv_solution_free (loaded);
  return text;
}

/* ------------------------------------------------------------------ the graph */

typedef struct _Session Session;

typedef struct {
  char *key;       /* the JSON key: the tag lowercased, or the stream name when untagged */
  char *tag;
  char *stream;
  FvPacket *last;  /* the stream's latest packet (guarded by Session.lock) */
  Session *session;
} Output;

struct _Session {
  FvGraph *graph;
  char *image_stream;
  GPtrArray *outputs;   /* Output*; the render output last when rendering */
  Output *render;
  Output *flow;         /* the FLOW output of a flow solution (its frames form a sequence) */
  GMutex lock;
};

static void
output_free (gpointer p)
{
  Output *o = p;
  fv_packet_unref (o->last);
  g_free (o->key);
  g_free (o->tag);
  g_free (o->stream);
  g_free (o);
}

static void
session_free (Session *s)
{
  if (s == NULL)
    return;
  fv_graph_free (s->graph);   /* before the outputs: its observers point at them */
  g_ptr_array_unref (s->outputs);
  g_free (s->image_stream);
  g_mutex_clear (&s->lock);
  g_free (s);
}

static gboolean
on_packet (FvPacket *packet, gpointer user_data, GError **error)
{
  Output *o = user_data;
  g_mutex_lock (&o->session->lock);
  fv_packet_unref (o->last);
  o->last = fv_packet_ref (packet);
  g_mutex_unlock (&o->session->lock);
  return TRUE;
}

/* A stream of world landmarks (metres), by MediaPipe's naming: *WORLD_LANDMARKS. */
static gboolean
is_world (const char *tag)
{
  g_autofree char *up = g_ascii_strup (tag, -1);
  return strstr (up, "WORLD") != NULL;
}

/* The AnnotationOverlayCalculator ports a result stream may feed, by its tag. The stream's
 * type is only known to the graph, so each candidate is tried (see overlay_text). */
static int
overlay_candidates (const char *tag, const char *out[2])
{
  g_autofree char *up = g_ascii_strup (tag, -1);
  /* world landmarks are in metres, not image coordinates: nothing to draw */
  if (is_world (tag))
    return 0;
  /* first: ROIS_FROM_DETECTIONS, HAND_RECTS_FROM_LANDMARKS are rects */
  if (strstr (up, "RECT") != NULL || strstr (up, "ROI") != NULL) {
    out[0] = "NORM_RECTS";
    out[1] = "NORM_RECT";
    return 2;
  }
  if (strstr (up, "DETECTION") != NULL) {
    out[0] = "DETECTIONS";
    return 1;
  }
  if (strstr (up, "MASK") != NULL) {
    out[0] = "MASK";
    return 1;
  }
  if (strstr (up, "LANDMARK") != NULL) {
    out[0] = "MULTI_LANDMARKS";
    out[1] = "LANDMARKS";
    return 2;
  }
  return 0;
}

/* The overlay node for one choice per output (-1: not drawn). */
static char *
overlay_node (const Session *s, guint n_outputs, const int *choice, const char *(*cands)[2])
{
  GString *node = g_string_new ("node {\n  calculator: \"AnnotationOverlayCalculator\"\n");
  g_string_append_printf (node, "  input_stream: \"IMAGE:%s\"\n", s->image_stream);
  GHashTable *next_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_outputs; i++) {
    if (choice[i] < 0)
      continue;
    const Output *o = g_ptr_array_index (s->outputs, i);
    const char *port = cands[i][choice[i]];
    int index = GPOINTER_TO_INT (g_hash_table_lookup (next_index, port));
    g_hash_table_insert (next_index, (gpointer) port, GINT_TO_POINTER (index + 1));
    g_string_append_printf (node, "  input_stream: \"%s:%d:%s\"\n", port, index, o->stream);
  }
  g_hash_table_unref (next_index);
  g_string_append (node, "  output_stream: \"IMAGE:" RENDER_STREAM "\"\n}\n");
  return g_string_free (node, FALSE);
}

/* Builds the graph with an overlay drawing every output it can: the choice of ports with
 * the fewest outputs left undrawn that the graph accepts. */
static FvGraph *
graph_with_overlay (Session *s, const char *text, GError **error)
{
  guint n = MIN (s->outputs->len, 8u);
  const char *cands[8][2] = { { NULL } };
  int n_cands[8];
  for (guint i = 0; i < n; i++)
    n_cands[i] = overlay_candidates (((Output *) g_ptr_array_index (s->outputs, i))->tag,
                                     cands[i]);
  /* Mixed radix: digit i runs over the candidates of output i, then "not drawn". */
  guint total = 1;
  for (guint i = 0; i < n; i++)
    total *= (guint) n_cands[i] + 1;
  int choice[8];
  for (guint skips = 0; skips <= n; skips++) {
    for (guint c = 0; c < total; c++) {
      guint rest = c, skipped = 0;
      for (guint i = 0; i < n; i++) {
        int d = (int) (rest % ((guint) n_cands[i] + 1));
        rest /= (guint) n_cands[i] + 1;
        choice[i] = d == n_cands[i] ? -1 : d;
        skipped += choice[i] < 0 && n_cands[i] > 0;
      }
      if (skipped != skips)
        continue;
      g_autofree char *node = overlay_node (s, n, choice, cands);
      g_autofree char *full = g_strconcat (text, node, NULL);
      FvGraph *g = fv_graph_new_from_string (full, NULL, NULL);
      if (g != NULL)
        return g;
    }
  }
  /* Not even the image alone: report why. */
  for (guint i = 0; i < n; i++)
    choice[i] = -1;
  g_autofree char *node = overlay_node (s, n, choice, cands);
  g_autofree char *full = g_strconcat (text, node, NULL);
  return fv_graph_new_from_string (full, NULL, error);
}

static Session *
session_new (const char *text, gboolean render, gboolean trace, GError **error)
{
  FvGraphConfig *cfg = fv_graph_config_parse (text, -1, "solution", error);
  if (cfg == NULL)
    return NULL;
  Session *s = g_new0 (Session, 1);
  g_mutex_init (&s->lock);
  s->outputs = g_ptr_array_new_with_free_func (output_free);
  const FvStreamRef *img = fv_stream_ref_find (cfg->input_streams, "IMAGE", 0);
  if (img == NULL && cfg->input_streams->len == 1)
    img = g_ptr_array_index (cfg->input_streams, 0);
  if (img == NULL || cfg->input_streams->len != 1) {
    g_set_error (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_INVALID,
                 "the graph must have one input stream, the image (IMAGE:name); it has %u",
                 cfg->input_streams->len);
    fv_graph_config_free (cfg);
    session_free (s);
    return NULL;
  }
  s->image_stream = g_strdup (img->name);
  for (guint i = 0; i < cfg->output_streams->len; i++) {
    const FvStreamRef *r = g_ptr_array_index (cfg->output_streams, i);
    Output *o = g_new0 (Output, 1);
    o->tag = g_strdup (r->tag);
    o->stream = g_strdup (r->name);
    if (r->tag[0] == '\0')
      o->key = g_strdup (r->name);
    else if (r->index > 0)
      o->key = g_strdup_printf ("%s_%d", r->tag, r->index);
    else
      o->key = g_strdup (r->tag);
    char *lower = g_ascii_strdown (o->key, -1);
    g_free (o->key);
    o->key = lower;
    g_ptr_array_add (s->outputs, o);
    if (s->flow == NULL && strcmp (o->tag, "FLOW") == 0)
      s->flow = o;
  }
  fv_graph_config_free (cfg);
  /* a graph whose result is an image (superres) renders that image itself, and a flow is
   * drawn by the CLI (colour wheel): neither goes through the overlay */
  const Output *image_out = NULL;
  for (guint i = 0; i < s->outputs->len && image_out == NULL; i++) {
    const Output *o = g_ptr_array_index (s->outputs, i);
    if (strcmp (o->tag, "IMAGE") == 0)
      image_out = o;
  }
  s->graph = render && image_out == NULL && s->flow == NULL
                 ? graph_with_overlay (s, text, error)
                 : fv_graph_new_from_string (text, NULL, error);
  if (s->graph == NULL) {
    session_free (s);
    return NULL;
  }
  if (render && s->flow == NULL) {
    s->render = g_new0 (Output, 1);
    s->render->key = g_strdup ("render");
    s->render->tag = g_strdup ("IMAGE");
    s->render->stream = g_strdup (image_out != NULL ? image_out->stream : RENDER_STREAM);
    g_ptr_array_add (s->outputs, s->render);
  }
  if (trace)
    fv_graph_enable_tracing (s->graph, 0);
  for (guint i = 0; i < s->outputs->len; i++) {
    Output *o = g_ptr_array_index (s->outputs, i);
    o->session = s;
    if (!fv_graph_observe (s->graph, o->stream, on_packet, o, error)) {
      session_free (s);
      return NULL;
    }
  }
  if (!fv_graph_start (s->graph, error)) {
    session_free (s);
    return NULL;
  }
  return s;
}

/* ------------------------------------------------------------------ JSON */

static void
add_point (JsonBuilder *b, double x, double y)
{
  json_builder_set_member_name (b, "x");
  json_builder_add_double_value (b, x);
  json_builder_set_member_name (b, "y");
  json_builder_add_double_value (b, y);
}

static void
add_box (JsonBuilder *b, const char *name, double xmin, double ymin, double width,
         double height)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "xmin");
  json_builder_add_double_value (b, xmin);
  json_builder_set_member_name (b, "ymin");
  json_builder_add_double_value (b, ymin);
  json_builder_set_member_name (b, "width");
  json_builder_add_double_value (b, width);
  json_builder_set_member_name (b, "height");
  json_builder_add_double_value (b, height);
  json_builder_end_object (b);
}

static void
add_detection (JsonBuilder *b, const FvDetection *d, int w, int h)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "score");
  json_builder_add_double_value (b, d->score);
  add_box (b, "box", d->xmin, d->ymin, d->width, d->height);
  add_box (b, "box_px", d->xmin * w, d->ymin * h, d->width * w, d->height * h);
  json_builder_set_member_name (b, "keypoints");
  json_builder_begin_array (b);
  for (int k = 0; k < d->n_keypoints && k < FV_DETECTION_MAX_KEYPOINTS; k++) {
    json_builder_begin_object (b);
    add_point (b, d->keypoints[k].x, d->keypoints[k].y);
    json_builder_set_member_name (b, "x_px");
    json_builder_add_double_value (b, d->keypoints[k].x * w);
    json_builder_set_member_name (b, "y_px");
    json_builder_add_double_value (b, d->keypoints[k].y * h);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* World landmarks (@world) are in metres: no pixel form. */
static void
add_landmarks (JsonBuilder *b, const FvLandmarks *l, int w, int h, gboolean world)
{
  json_builder_begin_array (b);
  for (int k = 0; k < l->n; k++) {
    const FvLandmark *p = &l->items[k];
    json_builder_begin_object (b);
    add_point (b, p->x, p->y);
    json_builder_set_member_name (b, "z");
    json_builder_add_double_value (b, p->z);
    if (world) {
      json_builder_end_object (b);
      continue;
    }
    json_builder_set_member_name (b, "x_px");
    json_builder_add_double_value (b, p->x * w);
    json_builder_set_member_name (b, "y_px");
    json_builder_add_double_value (b, p->y * h);
    if (p->visibility != 0 || p->presence != 0) {   /* models without them leave 0 */
      json_builder_set_member_name (b, "visibility");
      json_builder_add_double_value (b, p->visibility);
      json_builder_set_member_name (b, "presence");
      json_builder_add_double_value (b, p->presence);
    }
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

static void
add_rect (JsonBuilder *b, const FvNormRect *r)
{
  const char *names[] = { "x_center", "y_center", "width", "height", "rotation" };
  double values[] = { r->x_center, r->y_center, r->width, r->height, r->rotation };
  json_builder_begin_object (b);
  for (guint k = 0; k < G_N_ELEMENTS (names); k++) {
    json_builder_set_member_name (b, names[k]);
    json_builder_add_double_value (b, values[k]);
  }
  json_builder_end_object (b);
}

/* A mask's summary: its size, mean probability and the share of pixels above 0.5 (the
 * mask itself goes to --render, tinted). */
static void
add_mask (JsonBuilder *b, const FvMask *m)
{
  const gsize n = (gsize) m->width * (gsize) m->height;
  double sum = 0;
  gsize fg = 0;
  for (gsize i = 0; i < n; i++) {
    sum += m->data[i];
    fg += m->data[i] > 0.5f;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, m->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, m->height);
  json_builder_set_member_name (b, "mean");
  json_builder_add_double_value (b, sum / (double) n);
  json_builder_set_member_name (b, "foreground_fraction");
  json_builder_add_double_value (b, (double) fg / (double) n);
  json_builder_end_object (b);
}

/* A flow field's summary: its size and the mean and largest motion, in pixels (the field
 * itself goes to --flo, its colours to --render). */
static void
add_flow (JsonBuilder *b, const FvFlowField *f)
{
  const gsize n = (gsize) f->width * (gsize) f->height;
  double su = 0, sv = 0, sm = 0, mx = 0;
  gsize known = 0;
  for (gsize i = 0; i < n; i++) {
    double u = f->data[2 * i], v = f->data[2 * i + 1], m = sqrt (u * u + v * v);
    if (!isfinite (m))
      continue;
    su += u;
    sv += v;
    sm += m;
    mx = MAX (mx, m);
    known++;
  }
  const double k = known ? (double) known : 1.0;
  const char *names[] = { "mean_u", "mean_v", "mean_magnitude", "max_magnitude" };
  double values[] = { su / k, sv / k, sm / k, mx };
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, f->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, f->height);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    json_builder_set_member_name (b, names[i]);
    json_builder_add_double_value (b, values[i]);
  }
  json_builder_end_object (b);
}

/* Sparse tracks: id, position, motion since the previous frame (pixels) and age. */
static void
add_tracks (JsonBuilder *b, const FvTracks *t)
{
  json_builder_begin_array (b);
  for (int i = 0; i < t->n; i++) {
    const FvTrack *k = &t->items[i];
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, k->id);
    json_builder_set_member_name (b, "x_px");
    json_builder_add_double_value (b, k->x);
    json_builder_set_member_name (b, "y_px");
    json_builder_add_double_value (b, k->y);
    json_builder_set_member_name (b, "dx");
    json_builder_add_double_value (b, k->x - k->prev_x);
    json_builder_set_member_name (b, "dy");
    json_builder_add_double_value (b, k->y - k->prev_y);
    json_builder_set_member_name (b, "age");
    json_builder_add_int_value (b, k->age);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

/* A classifier's classes, best first as the classifier sorted them. */
static void
add_classifications (JsonBuilder *b, const FvClassifications *c)
{
  json_builder_begin_array (b);
  for (int i = 0; i < c->n; i++) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "index");
    json_builder_add_int_value (b, c->items[i].index);
    json_builder_set_member_name (b, "score");
    json_builder_add_double_value (b, c->items[i].score);
    json_builder_set_member_name (b, "label");
    if (c->items[i].label != NULL)
      json_builder_add_string_value (b, c->items[i].label);
    else
      json_builder_add_null_value (b);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

/* One packet as JSON; @in_vector: a landmarks item of a packet_vector is one object's
 * points (a lone landmarks packet is wrapped as a list of one object); @world: landmarks
 * are world landmarks (metres). */
static void
add_packet (JsonBuilder *b, const FvPacket *p, int w, int h, gboolean in_vector,
            gboolean world)
{
  const FvDetections *dets = fv_packet_get_detections (p);
  const FvLandmarks *lm = fv_packet_get_landmarks (p);
  const FvNormRect *rect = fv_packet_get_norm_rect (p);
  const FvNormRects *rects = fv_packet_get_norm_rects (p);
  const FvClassifications *classes = fv_packet_get_classifications (p);
  const GPtrArray *vec = fv_packet_get_vector (p);
  FvTypeId t = fv_packet_type (p);
  if (dets != NULL) {
    json_builder_begin_array (b);
    for (int i = 0; i < dets->n; i++)
      add_detection (b, &dets->items[i], w, h);
    json_builder_end_array (b);
  } else if (lm != NULL) {
    if (!in_vector)
      json_builder_begin_array (b);
    add_landmarks (b, lm, w, h, world);
    if (!in_vector)
      json_builder_end_array (b);
  } else if (classes != NULL) {
    add_classifications (b, classes);
  } else if (rect != NULL) {
    add_rect (b, rect);
  } else if (rects != NULL) {
    json_builder_begin_array (b);
    for (int i = 0; i < rects->n; i++)
      add_rect (b, &rects->items[i]);
    json_builder_end_array (b);
  } else if (vec != NULL) {
    json_builder_begin_array (b);
    for (guint i = 0; i < vec->len; i++)
      add_packet (b, g_ptr_array_index (vec, i), w, h, TRUE, world);
    json_builder_end_array (b);
  } else if (fv_packet_get_mask (p) != NULL) {
    add_mask (b, fv_packet_get_mask (p));
  } else if (fv_packet_get_flow_field (p) != NULL) {
    add_flow (b, fv_packet_get_flow_field (p));
  } else if (fv_packet_get_image (p) != NULL) {
    /* an image result (superres): its size; the pixels go to --render */
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "width");
    json_builder_add_int_value (b, fv_packet_get_image (p)->width);
    json_builder_set_member_name (b, "height");
    json_builder_add_int_value (b, fv_packet_get_image (p)->height);
    json_builder_end_object (b);
  } else if (fv_packet_get_tracks (p) != NULL) {
    add_tracks (b, fv_packet_get_tracks (p));
  } else if (t == FV_TYPE_DOUBLE) {
    json_builder_add_double_value (b, fv_packet_get_double (p));
  } else if (t == FV_TYPE_FLOAT) {
    json_builder_add_double_value (b, fv_packet_get_float (p));
  } else if (t == FV_TYPE_INT) {
    json_builder_add_int_value (b, fv_packet_get_int (p));
  } else if (t == FV_TYPE_BOOL) {
    json_builder_add_boolean_value (b, fv_packet_get_bool (p));
  } else if (t == FV_TYPE_STRING) {
    json_builder_add_string_value (b, fv_packet_get_string (p));
  } else {
    /* A payload without a JSON form (an image, tensors): its type, for the record. */
    g_autofree char *what = g_strdup_printf ("<%s>", fv_type_name (t));
    json_builder_add_string_value (b, what);
  }
}

/* How many objects a result holds, for the progress line. */
static int
count_objects (const FvPacket *p)
{
  if (p == NULL)
    return 0;
  if (fv_packet_get_detections (p) != NULL)
    return fv_packet_get_detections (p)->n;
  if (fv_packet_get_norm_rects (p) != NULL)
    return fv_packet_get_norm_rects (p)->n;
  if (fv_packet_get_vector (p) != NULL)
    return (int) fv_packet_get_vector (p)->len;
  if (fv_packet_get_tracks (p) != NULL)
    return fv_packet_get_tracks (p)->n;
  return 1;
}

/* ------------------------------------------------------------------ inputs */

typedef struct {
  char *path;
  char *error;   /* set when the file is refused before decoding (not an image) */
} Input;

static void
input_free (gpointer p)
{
  Input *in = p;
  g_free (in->path);
  g_free (in->error);
  g_free (in);
}

static gboolean
has_image_extension (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  return g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg")
         || g_str_has_suffix (lower, ".jpeg");
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Files and folders (their files, sorted, not recursing) as a list of Input; a folder that
 * cannot be read is one failed Input. */
static GPtrArray *
collect_inputs (char **args, int n_args, gboolean *any_folder)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (input_free);
  *any_folder = FALSE;
  for (int i = 0; i < n_args; i++) {
    if (!g_file_test (args[i], G_FILE_TEST_IS_DIR)) {
      Input *in = g_new0 (Input, 1);
      in->path = g_strdup (args[i]);
      g_ptr_array_add (out, in);
      continue;
    }
    *any_folder = TRUE;
    g_autoptr (GError) error = NULL;
    GDir *dir = g_dir_open (args[i], 0, &error);
    if (dir == NULL) {
      Input *in = g_new0 (Input, 1);
      in->path = g_strdup (args[i]);
      in->error = g_strdup (error->message);
      g_ptr_array_add (out, in);
      continue;
    }
    g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    const char *name;
    while ((name = g_dir_read_name (dir)) != NULL)
      if (name[0] != '.')   /* hidden files are no one's input */
        g_ptr_array_add (names, g_strdup (name));
    g_dir_close (dir);
    g_ptr_array_sort (names, compare_strings);
    for (guint k = 0; k < names->len; k++) {
      const char *n = g_ptr_array_index (names, k);
      g_autofree char *path = g_build_filename (args[i], n, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;   /* not recursive */
      Input *in = g_new0 (Input, 1);
      in->path = g_steal_pointer (&path);
      if (!has_image_extension (n))
        in->error = g_strdup ("not an image file (fovea run reads .png, .jpg and .jpeg)");
      g_ptr_array_add (out, in);
    }
  }
  return out;
}

/* ------------------------------------------------------------------ the command */

typedef struct {
  char *json, *render, *trace, *backend, *device, *flo;
  char **set;
} RunArgs;

static void
report_file_error (const char *path, const char *message)
{
  fprintf (stderr, "fovea run: %s: %s\n", path, message);
}

/* Where the annotated image of @path goes. */
static char *
render_path (const char *out, const char *path, gboolean one_file)
{
  if (one_file)
    return g_strdup (out);
  g_autofree char *base = g_path_get_basename (path);
  return g_build_filename (out, base, NULL);
}

static gboolean
write_json (const char *dest, JsonNode *root, GError **error)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  gsize len;
  g_autofree char *text = json_generator_to_data (gen, &len);
  if (strcmp (dest, "-") == 0) {
    fwrite (text, 1, len, stdout);
    fputc ('\n', stdout);
    fflush (stdout);
    return TRUE;
  }
  g_autofree char *with_nl = g_strconcat (text, "\n", NULL);
  return g_file_set_contents (dest, with_nl, -1, error);
}

/* Whether the graph @text has an output stream tagged FLOW. */
static gboolean
solution_has_flow (const char *text)
{
  FvGraphConfig *cfg = fv_graph_config_parse (text, -1, "solution", NULL);
  gboolean found = cfg != NULL && fv_stream_ref_find (cfg->output_streams, "FLOW", 0) != NULL;
  fv_graph_config_free (cfg);
  return found;
}

/* The flow that ends at frame @path (none at the first frame: nothing to write) as .flo
 * (--flo) and colour-wheel image (--render). FALSE when a write failed. */
static gboolean
write_flow (const RunArgs *a, const char *path, FvPacket *packet, gboolean one_out)
{
  const FvFlowField *f = packet ? fv_packet_get_flow_field (packet) : NULL;
  if (f == NULL)
    return TRUE;
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;
  if (a->flo != NULL) {
    g_autofree char *base = g_path_get_basename (path);
    char *dot = strrchr (base, '.');
    if (dot != NULL)
      *dot = '\0';
    g_autofree char *file = g_strconcat (base, ".flo", NULL);
    g_autofree char *dest = one_out ? g_strdup (a->flo) : g_build_filename (a->flo, file, NULL);
    if (!fv_flo_save (f, dest, &error)) {
      fprintf (stderr, "fovea run: %s: cannot write the flow %s: %s\n", path, dest,
               error->message);
      g_clear_error (&error);
      ok = FALSE;
    }
  }
  if (a->render != NULL) {
    g_autofree char *dest = render_path (a->render, path, one_out);
    g_autoptr (FvImage) img = fv_image_new (FV_IMAGE_RGB24, f->width, f->height, &error);
    if (img == NULL || !fv_flow_to_color (f, 0, img, &error)
        || !fv_image_save (img, dest, 0, &error)) {
      fprintf (stderr, "fovea run: %s: cannot write the flow image %s: %s\n", path, dest,
               error->message);
      ok = FALSE;
    }
  }
  return ok;
}

int
fv_cmd_run (int argc, char **argv)
{
  RunArgs a = { 0 };
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_FILENAME, &a.json, "Write the results as JSON to FILE (- for stdout)", "FILE" },
    { "render", 'r', 0, G_OPTION_ARG_FILENAME, &a.render, "Write annotated images: a file for one input, else a folder", "OUT" },
    { "trace", 't', 0, G_OPTION_ARG_FILENAME, &a.trace, "Write a Chrome trace (chrome://tracing, Perfetto) of the run", "FILE" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &a.set, "Set a solution option (see `fovea solutions`); repeatable", "KEY=VALUE" },
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &a.backend, "Inference backend: cpu (default), ref or opencl", "NAME" },
    { "flo", 0, 0, G_OPTION_ARG_FILENAME, &a.flo, "Flow solutions: write each flow as Middlebury .flo: a file for two inputs, else a folder", "OUT" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &a.device, "Device: cpu, opencl[:P[:D]] or opencl,cpu (CPU fallback); default $FOVEA_DEVICE, else cpu", "LIST" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("SOLUTION INPUT...");
  g_option_context_set_summary (ctx, "Runs a solution (a name from `fovea solutions`, or a "
                                ".pbtxt graph) on images and folders of images.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  int status = 0;
  g_autofree char *text = NULL, *name = NULL;
  g_autoptr (GPtrArray) inputs = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  Session *session = NULL;
  FvTracer *last_tracer_graph = NULL;

  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 3) {
    fprintf (stderr, "usage: fovea run SOLUTION INPUT... [--json FILE|-] [--render OUT] "
             "[--trace FILE] [--set KEY=VALUE]... [--backend NAME] [--device LIST] [--flo OUT]%s%s\n",
             error ? "\n  " : "", error ? error->message : "");
    status = 2;
    goto out;
  }
  if (a.backend != NULL) {
    if (!fv_backend_find (a.backend)) {
      fprintf (stderr, "fovea run: unknown --backend '%s' (known: %s)\n", a.backend,
               fv_backend_known_names ());
      status = 2;
      goto out;
    }
    /* InferenceCalculator's default backend. */
    g_setenv ("FOVEA_BACKEND", a.backend, TRUE);
  }
  if ((status = fv_cli_apply_device ("fovea run", a.device, a.backend)) != 0)
    goto out;
  text = fv_cli_solution_text ("fovea run", argv[1], a.set, &name, &status);
  if (text == NULL)
    goto out;

  gboolean any_folder;
  inputs = collect_inputs (argv + 2, argc - 2, &any_folder);
  gboolean one_file = inputs->len == 1 && !any_folder;
  /* A flow solution reads its inputs as a sequence: two files make one flow, so --render
   * and --flo name a file; for more they name folders (one output per frame pair). */
  const gboolean flow_mode = solution_has_flow (text);
  const gboolean one_out = !any_folder && inputs->len == (flow_mode ? 2u : 1u);
  if (a.flo != NULL && !flow_mode) {
    fprintf (stderr, "fovea run: --flo needs a flow solution (one with a FLOW output)\n");
    status = 2;
    goto out;
  }
  const char *folders[2][2] = { { a.render, "--render" }, { a.flo, "--flo" } };
  for (int f = 0; f < 2; f++)
    if (folders[f][0] != NULL && !one_out && g_mkdir_with_parents (folders[f][0], 0755) != 0) {
      fprintf (stderr, "fovea run: cannot create the folder %s for %s: %s\n", folders[f][0],
               folders[f][1], g_strerror (errno));
      status = 1;
      goto out;
    }
  const char *noun = strstr (name, "face") != NULL   ? "faces"
                     : strstr (name, "hand") != NULL ? "hands"
                     : strstr (name, "palm") != NULL ? "palms"
                     : strstr (name, "pose") != NULL ? "poses"
                     : strstr (name, "segmentation") != NULL ? "masks"
                     : strstr (name, "flow") != NULL ? "flows"
                     : strstr (name, "track") != NULL ? "tracks"
                                                     : "results";
  builder = json_builder_new ();
  if (!one_file)
    json_builder_begin_array (builder);
  guint n_failed = 0;
  gint64 ts = 0;
  for (guint i = 0; i < inputs->len; i++) {
    const Input *in = g_ptr_array_index (inputs, i);
    g_autofree char *base = g_path_get_basename (in->path);
    g_autofree char *failure = in->error ? g_strdup (in->error) : NULL;
    FvImage *image = NULL;
    if (failure == NULL) {
      image = fv_image_load (in->path, FV_IMAGE_RGB24, &error);
      if (image == NULL) {
        /* The line starts with the path already: not twice. */
        const char *m = error->message;
        gsize plen = strlen (in->path);
        if (strncmp (m, in->path, plen) == 0 && m[plen] == ':')
          m = g_strchug ((char *) m + plen + 1);
        failure = g_strdup (m);
        g_clear_error (&error);
      }
    }
    if (failure == NULL && session == NULL) {
      session = session_new (text, a.render != NULL, a.trace != NULL, &error);
      if (session == NULL) {
        /* A graph that does not build fails every file alike: stop here. */
        fprintf (stderr, "fovea run: %s: %s\n", name, error->message);
        fv_image_free (image);
        status = 1;
        goto out;
      }
      ts = 0;
    }
    int w = image ? image->width : 0, h = image ? image->height : 0;
    double ms = 0;
    if (failure == NULL) {
      gint64 t0 = g_get_monotonic_time ();
      gboolean ok = fv_graph_add_packet (session->graph, session->image_stream,
                                         fv_packet_stamp (fv_packet_new_image (image), ts), &error)
                    && fv_graph_wait_until_idle (session->graph, &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      if (!ok) {
        failure = g_strdup (error->message);
        g_clear_error (&error);
        /* A failed run stays failed: the next file gets a fresh graph. */
        session_free (session);
        session = NULL;
      }
    }
    if (failure != NULL) {
      report_file_error (in->path, failure);
      n_failed++;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, in->path);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, failure);
      json_builder_end_object (builder);
      continue;
    }
    /* The results of this frame: each output's packet at ts (none: null). */
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "file");
    json_builder_add_string_value (builder, in->path);
    json_builder_set_member_name (builder, "width");
    json_builder_add_int_value (builder, w);
    json_builder_set_member_name (builder, "height");
    json_builder_add_int_value (builder, h);
    json_builder_set_member_name (builder, "ms");
    json_builder_add_double_value (builder, ms);
    json_builder_set_member_name (builder, "results");
    json_builder_begin_object (builder);
    int n_objects = -1;
    FvPacket *rendered = NULL, *flow = NULL;
    g_mutex_lock (&session->lock);
    for (guint k = 0; k < session->outputs->len; k++) {
      Output *o = g_ptr_array_index (session->outputs, k);
      FvPacket *p = o->last && fv_packet_timestamp (o->last) == ts ? o->last : NULL;
      if (o == session->render) {
        rendered = p ? fv_packet_ref (p) : NULL;
        continue;
      }
      if (o == session->flow && p != NULL)
        flow = fv_packet_ref (p);
      if (n_objects < 0)
        n_objects = count_objects (p);
      json_builder_set_member_name (builder, o->key);
      if (p == NULL)
        json_builder_add_null_value (builder);
      else
        add_packet (builder, p, w, h, FALSE, is_world (o->tag));
    }
    g_mutex_unlock (&session->lock);
    json_builder_end_object (builder);
    json_builder_end_object (builder);
    ts++;
    if (inputs->len > 1)
      fprintf (stderr, "[%u/%u] %s: %d %s %.1f ms\n", i + 1, inputs->len, base,
               MAX (n_objects, 0), noun, ms);
    else if (a.json == NULL || strcmp (a.json, "-") != 0)
      printf ("%s: %d %s %.1f ms\n", in->path, MAX (n_objects, 0), noun, ms);
    if (flow_mode) {
      n_failed += write_flow (&a, in->path, flow, one_out) ? 0 : 1;
    } else if (a.render != NULL) {
      g_autofree char *dest = render_path (a.render, in->path, one_file);
      const FvImage *img = rendered ? fv_packet_get_image (rendered) : NULL;
      if (img == NULL || !fv_image_save (img, dest, 0, &error)) {
        fprintf (stderr, "fovea run: %s: cannot write the annotated image %s: %s\n",
                 in->path, dest, error ? error->message : "the graph drew nothing");
        g_clear_error (&error);
        n_failed++;
      }
    }
    fv_packet_unref (rendered);
    fv_packet_unref (flow);
  }
  if (!one_file)
    json_builder_end_array (builder);

  if (session != NULL) {
    gboolean ok = fv_graph_wait_until_done (session->graph, &error);
    if (!ok) {
      fprintf (stderr, "fovea run: %s\n", error->message);
      g_clear_error (&error);
      n_failed++;
    }
    last_tracer_graph = fv_graph_get_tracer (session->graph);
    if (a.trace != NULL && last_tracer_graph != NULL
        && !fv_tracer_write_chrome_json (last_tracer_graph, a.trace, &error)) {
      fprintf (stderr, "fovea run: --trace %s: %s\n", a.trace, error->message);
      g_clear_error (&error);
      n_failed++;
    }
  } else if (a.trace != NULL) {
    fprintf (stderr, "fovea run: --trace %s: no image ran, so there is no trace\n", a.trace);
    n_failed++;
  }
  if (a.json != NULL) {
    JsonNode *root = json_builder_get_root (builder);
    if (root != NULL && !write_json (a.json, root, &error)) {
      fprintf (stderr, "fovea run: --json %s: %s\n", a.json, error->message);
      g_clear_error (&error);
      n_failed++;
    }
    if (root != NULL)
      json_node_unref (root);
  }
  if (inputs->len > 1 && n_failed > 0)
    fprintf (stderr, "fovea run: %u of %u files failed\n", n_failed, inputs->len);
  status = n_failed > 0 ? 1 : 0;

out:
  session_free (session);
  g_free (a.json);
  g_free (a.render);
  g_free (a.trace);
  g_free (a.backend);
  g_free (a.device);
  g_free (a.flo);
  g_strfreev (a.set);
  return status;
}
