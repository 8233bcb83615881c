/* fovea — the built-in solutions: MediaPipe-style subgraphs (face_detection, face_mesh, ...)
 * compiled into libfovea from graph/solutions/ (one .pbtxt each), and the runnable graph
 * built around one of them.
 *
 *   fv_solutions_register (&err);                      // their types become subgraphs
 *   const FvSolution *s = fv_solution_find ("face_detection");
 *   char *set[] = { "min_detection_confidence=0.7", NULL };
 *   char *text = fv_solution_graph_text (s, set, &err);
 *   FvGraph *g = fv_graph_new_from_string (text, NULL, &err);
 *
 * A solution's user options are its graph_options fields; the `#` comment line right above
 * a field is its description, the field's value its default.
 * Thread safety: everything here may be called from any thread.
 */
#pragma once

#include <glib.h>

#include "graph/config.h"

G_BEGIN_DECLS

#define FV_SOLUTION_ERROR (fv_solution_error_quark ())
GQuark fv_solution_error_quark (void);

typedef enum {
  FV_SOLUTION_ERROR_NOT_FOUND,  /* no such solution name or file */
  FV_SOLUTION_ERROR_INVALID,    /* the solution's text is not a usable graph */
  FV_SOLUTION_ERROR_OPTION,     /* a "key=value" names no option or has a bad value */
} FvSolutionError;

typedef struct {
  const char *name;     /* "face_mesh": the file's base name */
  const char *type;     /* the subgraph type, from the file's `type:` ("FaceMesh"); NULL for
                           a plain (non-subgraph) graph loaded from a file */
  const char *summary;  /* the file's first comment line */
  const char *text;     /* the .pbtxt text */
} FvSolution;

typedef struct {
  char *name;           /* the graph_options field name */
  char *default_value;  /* as written in the file (strings quoted) */
  char *description;    /* the comment line above the field, "" when none */
} FvSolutionOption;

/* The built-in solutions, sorted by name (transfer none, static); *n gets their count. */
const FvSolution *fv_solutions (gsize *n);
/* A built-in solution by name, or NULL (transfer none). */
const FvSolution *fv_solution_find (const char *name);

/* Registers every built-in solution's type as a subgraph. Idempotent and thread-safe: a
 * type already registered (by an earlier call, or by the application) is left alone. */
gboolean fv_solutions_register (GError **error);

/* Reads a .pbtxt file (a subgraph, or a plain graph) as a solution named after the file.
 * A subgraph's type is registered as a subgraph too. transfer full: fv_solution_free(). */
FvSolution *fv_solution_load_file (const char *path, GError **error);
/* Frees a solution from fv_solution_load_file (never a built-in one). */
void fv_solution_free (FvSolution *solution);

/* The solution parsed (transfer full: fv_graph_config_free()). */
FvGraphConfig *fv_solution_config (const FvSolution *solution, GError **error);

/* The solution's options in file order (transfer full: a GPtrArray of FvSolutionOption
 * that frees them); empty for a graph without graph_options. */
GPtrArray *fv_solution_options (const FvSolution *solution, GError **error);
gboolean fv_solution_has_option (const FvSolution *solution, const char *name);

/* A runnable top-level config (transfer full): the solution's graph inputs, outputs and
 * side packets, and one node of the solution's type whose node_options carry the
 * "key=value" settings of @set (NULL-terminated; may be NULL). A value is a number,
 * true/false, an enum name where the default is one, or else a string; when a key is set
 * more than once, the last setting counts. An unknown key or
 * a value of the wrong kind is FV_SOLUTION_ERROR_OPTION, listing the valid options. For a
 * plain graph (no type), the text itself is returned and any setting is an error.
 * A few options pick another built-in graph instead: face_mesh with refine=true runs
 * face_mesh_refine (478 landmarks) with the other settings, selfie_segmentation with
 * model_selection=1 runs selfie_segmentation_landscape, pose with model_complexity=0 or 2
 * runs pose_lite or pose_heavy (and refuses any value but 0, 1, 2). */
char *fv_solution_graph_text (const FvSolution *solution, char **set, GError **error);

G_END_DECLS
