/* Test helper: runs the hands solutions over frames (see hands_run.h). */
#include "tests/solutions/hands_run.h"

#include "graph/fovea-graph.h"
#include "graph/packet_vector.h"
#include "tests/solutions/solution_run.h"

gboolean
hands_register_solutions (GError **error)
{
  const char *files[] = { "palm_detection.pbtxt", "palm_detection_lite.pbtxt", "hands.pbtxt",
                          "hands_lite.pbtxt" };
  return solution_register_files (files, G_N_ELEMENTS (files), error);
}

typedef struct {
  HandsRun *run;
  GMutex lock;
} Collect;

static FvClassifications *
copy_classifications (const FvClassifications *src)
{
  FvClassifications *copy = fv_classifications_new (src->n);
  for (int i = 0; i < src->n; i++)
    {
      copy->items[i] = src->items[i];
      copy->items[i].label = g_strdup (src->items[i].label);
    }
  return copy;
}

/* Appends a copy of each item of the packet_vector @packet to @per_frame[ts]. */
static gboolean
collect (Collect *c, FvPacket *packet, GPtrArray **per_frame, gboolean classes, GError **error)
{
  gint64 ts = fv_packet_timestamp (packet);
  const GPtrArray *items = fv_packet_get_vector (packet);
  if (ts < 0 || ts >= c->run->n_frames || items == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "unexpected hands packet at %" G_GINT64_FORMAT, ts);
      return FALSE;
    }
  g_mutex_lock (&c->lock);
  for (guint i = 0; i < items->len; i++)
    {
      const FvPacket *item = g_ptr_array_index (items, i);
      const FvLandmarks *l = fv_packet_get_landmarks (item);
      const FvClassifications *k = fv_packet_get_classifications (item);
      if (classes ? k == NULL : l == NULL)
        {
          g_mutex_unlock (&c->lock);
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "item %u of a hands packet has the wrong type", i);
          return FALSE;
        }
      g_ptr_array_add (per_frame[ts], classes ? (gpointer) copy_classifications (k)
                                              : (gpointer) fv_landmarks_copy (l));
    }
  g_mutex_unlock (&c->lock);
  return TRUE;
}

static gboolean
on_landmarks (FvPacket *packet, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  return collect (c, packet, c->run->landmarks, FALSE, error);
}

static gboolean
on_world_landmarks (FvPacket *packet, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  return collect (c, packet, c->run->world_landmarks, FALSE, error);
}

static gboolean
on_handedness (FvPacket *packet, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  return collect (c, packet, c->run->handedness, TRUE, error);
}

/* The frames let through to the detector (the solution's internal "gated_image" stream). */
static gboolean
on_detector_input (FvPacket *packet, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  g_mutex_lock (&c->lock);
  c->run->detector_runs++;
  g_mutex_unlock (&c->lock);
  return TRUE;
}

HandsRun *
hands_run (const char *type, FvImage *const *frames, int n_frames, gboolean static_mode,
           const char *options, GError **error)
{
  g_autofree char *cfg = g_strdup_printf (
    "input_stream: 'IMAGE:image'\n"
    "output_stream: 'MULTI_HAND_LANDMARKS:landmarks'\n"
    "output_stream: 'MULTI_HAND_WORLD_LANDMARKS:world_landmarks'\n"
    "output_stream: 'MULTI_HANDEDNESS:handedness'\n"
    "node {\n"
    "  calculator: '%s'\n"
    "  input_stream: 'IMAGE:image'\n"
    "  output_stream: 'MULTI_HAND_LANDMARKS:landmarks'\n"
    "  output_stream: 'MULTI_HAND_WORLD_LANDMARKS:world_landmarks'\n"
    "  output_stream: 'MULTI_HANDEDNESS:handedness'\n"
    "  node_options { [type.googleapis.com/fovea.%sOptions] { static_image_mode: %s %s } }\n"
    "}\n", type, type, static_mode ? "true" : "false", options ? options : "");
  g_autofree char *gated = solution_inner_stream (type, "gated_image");
  HandsRun *run = g_new0 (HandsRun, 1);
  run->n_frames = n_frames;
  run->landmarks = g_new0 (GPtrArray *, (gsize) n_frames);
  run->world_landmarks = g_new0 (GPtrArray *, (gsize) n_frames);
  run->handedness = g_new0 (GPtrArray *, (gsize) n_frames);
  for (int i = 0; i < n_frames; i++)
    {
      run->landmarks[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_landmarks_free);
      run->world_landmarks[i]
        = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_landmarks_free);
      run->handedness[i]
        = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_classifications_free);
    }
  Collect c = { .run = run };
  g_mutex_init (&c.lock);
  const SolutionObserver observers[] = {
    { "landmarks", on_landmarks },
    { "world_landmarks", on_world_landmarks },
    { "handedness", on_handedness },
    { gated, on_detector_input },
  };
  gboolean ok = solution_run_frames (cfg, observers, G_N_ELEMENTS (observers), &c, frames,
                                     n_frames, error);
  g_mutex_clear (&c.lock);
  if (!ok)
    {
      hands_run_free (run);
      return NULL;
    }
  return run;
}

void
hands_run_free (HandsRun *run)
{
  if (run == NULL)
    return;
  for (int i = 0; i < run->n_frames; i++)
    {
      g_ptr_array_unref (run->landmarks[i]);
      g_ptr_array_unref (run->world_landmarks[i]);
      g_ptr_array_unref (run->handedness[i]);
    }
  g_free (run->landmarks);
  g_free (run->world_landmarks);
  g_free (run->handedness);
  g_free (run);
}
