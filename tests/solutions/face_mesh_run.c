/* Test helper: runs the face_mesh solutions over frames (see face_mesh_run.h). */
#include "tests/solutions/face_mesh_run.h"

#include "graph/fovea-graph.h"
#include "graph/packet_vector.h"
#include "tests/solutions/solution_run.h"

gboolean
fm_register_solutions (GError **error)
{
  const char *files[] = { "face_detection.pbtxt", "face_mesh.pbtxt", "face_mesh_refine.pbtxt" };
  return solution_register_files (files, G_N_ELEMENTS (files), error);
}

typedef struct {
  FmRun *run;
  GMutex lock;
} Collect;

static gboolean
on_landmarks (FvPacket *packet, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  gint64 ts = fv_packet_timestamp (packet);
  const GPtrArray *faces = fv_packet_get_vector (packet);
  if (ts < 0 || ts >= c->run->n_frames || faces == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "unexpected MULTI_FACE_LANDMARKS packet at %" G_GINT64_FORMAT, ts);
      return FALSE;
    }
  g_mutex_lock (&c->lock);
  for (guint i = 0; i < faces->len; i++)
    {
      const FvLandmarks *src = fv_packet_get_landmarks (g_ptr_array_index (faces, i));
      g_ptr_array_add (c->run->faces[ts], fv_landmarks_copy (src));
    }
  g_mutex_unlock (&c->lock);
  return TRUE;
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

FmRun *
fm_run (const char *type, FvImage *const *frames, int n_frames, gboolean static_mode,
        const char *options, GError **error)
{
  g_autofree char *cfg = g_strdup_printf (
    "input_stream: 'IMAGE:image'\n"
    "output_stream: 'MULTI_FACE_LANDMARKS:landmarks'\n"
    "output_stream: 'DETECTIONS:detections'\n"
    "node {\n"
    "  calculator: '%s'\n"
    "  input_stream: 'IMAGE:image'\n"
    "  output_stream: 'MULTI_FACE_LANDMARKS:landmarks'\n"
    "  output_stream: 'DETECTIONS:detections'\n"
    "  node_options { [type.googleapis.com/fovea.%sOptions] { static_image_mode: %s %s } }\n"
    "}\n", type, type, static_mode ? "true" : "false", options ? options : "");
  g_autofree char *gated = solution_inner_stream (type, "gated_image");
  FmRun *run = g_new0 (FmRun, 1);
  run->n_frames = n_frames;
  run->faces = g_new0 (GPtrArray *, (gsize) n_frames);
  for (int i = 0; i < n_frames; i++)
    run->faces[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_landmarks_free);
  Collect c = { .run = run };
  g_mutex_init (&c.lock);
  const SolutionObserver observers[] = {
    { "landmarks", on_landmarks },
    { gated, on_detector_input },
  };
  gboolean ok = solution_run_frames (cfg, observers, G_N_ELEMENTS (observers), &c, frames,
                                     n_frames, error);
  g_mutex_clear (&c.lock);
  if (!ok)
    {
      fm_run_free (run);
      return NULL;
    }
  return run;
}

void
fm_run_free (FmRun *run)
{
  if (run == NULL)
    return;
  for (int i = 0; i < run->n_frames; i++)
    g_ptr_array_unref (run->faces[i]);
  g_free (run->faces);
  g_free (run);
}
