/* Test helper: runs the hands solutions (registered from the source tree) over frames and
 * keeps what they output per frame. */
#pragma once

#include <glib.h>

#include "graph/classification.h"
#include "graph/image.h"
#include "graph/landmark.h"

typedef struct {
  int n_frames;
  /* per frame, one entry per hand, in the solution's order (empty when no hand): */
  GPtrArray **landmarks;        /* FvLandmarks* (owned), 21 points relative to the image */
  GPtrArray **world_landmarks;  /* FvLandmarks* (owned), 21 points in metres */
  GPtrArray **handedness;       /* FvClassifications* (owned) */
  int detector_runs;            /* frames the palm detector ran on (inner gated_image) */
} HandsRun;

/* Registers palm_detection(_lite) and hands(_lite) as subgraphs, read from
 * FOVEA_SOURCE_ROOT/graph/solutions. */
gboolean hands_register_solutions (GError **error);

/* Runs the subgraph @type ("Hands" or "HandsLite") on @frames (transfer none, any format
 * fv_image_convert takes) as one stream, at timestamps 0, 1, 2, ...; @options: more
 * option fields in text format ("max_num_hands: 1"), or NULL.
 * transfer full: hands_run_free(). */
HandsRun *hands_run (const char *type, FvImage *const *frames, int n_frames,
                     gboolean static_mode, const char *options, GError **error);
void hands_run_free (HandsRun *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandsRun, hands_run_free)
