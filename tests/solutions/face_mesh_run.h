/* Test helper: runs the face_mesh solutions (registered from the source tree) over frames
 * and keeps what they output per frame. */
#pragma once

#include <glib.h>

#include "graph/image.h"
#include "graph/landmark.h"

typedef struct {
  int n_frames;
  GPtrArray **faces;   /* per frame: FvLandmarks* (owned), empty when no face was output */
  int detector_runs;   /* frames the detector ran on (packets on the inner gated_image) */
} FmRun;

/* Registers face_detection, face_mesh and face_mesh_refine as subgraphs, read from
 * FOVEA_SOURCE_ROOT/graph/solutions. */
gboolean fm_register_solutions (GError **error);

/* Runs the subgraph @type ("FaceMesh" or "FaceMeshRefine") on @frames (transfer none, any
 * format fv_image_convert takes) as one stream, at timestamps 0, 1, 2, ...; @options: more
 * option fields in text format ("max_num_faces: 2"), or NULL.
 * transfer full: fm_run_free(). */
FmRun *fm_run (const char *type, FvImage *const *frames, int n_frames, gboolean static_mode,
               const char *options, GError **error);
void fm_run_free (FmRun *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmRun, fm_run_free)
