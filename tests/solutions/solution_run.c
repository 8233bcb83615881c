/* Test helper: registers solutions and runs graphs over frames (see solution_run.h). */
#include "tests/solutions/solution_run.h"

#include "calculators/image/image_io.h"
#include "graph/config.h"

gboolean
solution_register_files (const char *const *files, gsize n_files, GError **error)
{
  for (gsize i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_build_filename (FOVEA_SOURCE_ROOT, "graph", "solutions",
                                                files[i], NULL);
      g_autofree char *text = NULL;
      if (!g_file_get_contents (path, &text, NULL, error)
          || !fv_subgraph_register_text (text, path, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
solution_run_frames (const char *cfg, const SolutionObserver *observers, gsize n_observers,
                     gpointer user_data, FvImage *const *frames, int n_frames, GError **error)
{
  FvGraph *g = fv_graph_new_from_string (cfg, NULL, error);
  gboolean ok = g != NULL;
  for (gsize i = 0; ok && i < n_observers; i++)
    ok = fv_graph_observe (g, observers[i].stream, observers[i].callback, user_data, error);
  ok = ok && fv_graph_start (g, error);
  for (int i = 0; ok && i < n_frames; i++)
    {
      FvImage *copy = fv_image_convert (frames[i], FV_IMAGE_RGB24, error);
      ok = copy != NULL
           && fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (copy), i),
                                   error);
    }
  if (g != NULL)
    {
      if (ok)
        ok = fv_graph_close_all_inputs (g, error) && fv_graph_wait_until_done (g, error);
      fv_graph_free (g);
    }
  return ok;
}

char *
solution_inner_stream (const char *type, const char *name)
{
  g_autofree char *lower = g_ascii_strdown (type, -1);
  return g_strconcat (lower, "__", name, NULL);
}
