/* Test helper shared by the solution runners (face_mesh_run.c, hands_run.c): registers
 * solutions from the source tree and runs a graph over a list of frames. */
#pragma once

#include <glib.h>

#include "graph/fovea-graph.h"
#include "graph/image.h"

/* Registers each of @files (names under FOVEA_SOURCE_ROOT/graph/solutions) as a subgraph. */
gboolean solution_register_files (const char *const *files, gsize n_files, GError **error);

typedef struct {
  const char *stream;
  FvPacketCallback callback;
} SolutionObserver;

/* Builds the graph of config text @cfg, observes @observers (each called with
 * @user_data), feeds @frames (transfer none, converted to RGB24) to its "image" input
 * stream at timestamps 0, 1, 2, ..., and waits until the graph is done. */
gboolean solution_run_frames (const char *cfg, const SolutionObserver *observers,
                              gsize n_observers, gpointer user_data, FvImage *const *frames,
                              int n_frames, GError **error);

/* The name of a solution node's inner stream @name: "<@type, lowercase>__<@name>" (the
 * graph's renaming of a subgraph's streams). transfer full. */
char *solution_inner_stream (const char *type, const char *name);
