/* fovea — MediaPipe's face mesh connection lists (FACEMESH_CONTOURS, FACEMESH_IRISES,
 * FACEMESH_TESSELATION from mediapipe/python/solutions/face_mesh_connections.py), indices
 * into the 468 (or, for the irises, 478 refined) face landmarks. Static data, transfer none.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint16 a, b;
} FvConnection;

/* FACEMESH_CONTOURS = LIPS (40) + LEFT_EYE (16) + LEFT_EYEBROW (8) + RIGHT_EYE (16) +
 * RIGHT_EYEBROW (8) + FACE_OVAL (36) */
#define FV_FACEMESH_CONTOURS_LEN 124
extern const FvConnection fv_facemesh_contours[FV_FACEMESH_CONTOURS_LEN];

/* FACEMESH_IRISES = LEFT_IRIS (474..477) + RIGHT_IRIS (469..472) */
#define FV_FACEMESH_IRISES_LEN 8
extern const FvConnection fv_facemesh_irises[FV_FACEMESH_IRISES_LEN];

/* FACEMESH_TESSELATION: 852 triangles, 2556 edges in the Python list's order. */
#define FV_FACEMESH_TESSELATION_TRIANGLES 852
#define FV_FACEMESH_TESSELATION_EDGES (3 * FV_FACEMESH_TESSELATION_TRIANGLES)
extern const guint16 fv_facemesh_tesselation_triangles[FV_FACEMESH_TESSELATION_TRIANGLES][3];
/* Edge i (0 .. FV_FACEMESH_TESSELATION_EDGES - 1) of FACEMESH_TESSELATION; FALSE past the end. */
gboolean fv_facemesh_tesselation_edge (guint i, FvConnection *edge);

G_END_DECLS
