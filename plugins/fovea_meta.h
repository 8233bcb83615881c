/* fovea — what fovea's elements attach to a video buffer, and how to read it back.
 *
 * Per object (a face, later a hand or a person) an element adds a standard
 * GstVideoRegionOfInterestMeta, so that any GStreamer element understands the boxes:
 *   roi_type  the object kind ("face", ...); x, y, w, h its box in pixels of the frame;
 *   a parameter structure named "fovea" with, all in coordinates normalised to the frame
 *   (x / width, y / height, origin at the top-left corner):
 *     score      (double)  the detector's or the landmark model's score, when known
 *     keypoints  (GstValueArray of double) x0, y0, x1, y1, ...: the detector's keypoints
 *     landmarks  (GstValueArray of double) x0, y0, z0, x1, ...: the object's landmarks
 *     landmarks-index (int) the object's index in the buffer's FvGstLandmarksMeta, or -1
 * Dense landmarks are also in one FvGstLandmarksMeta per buffer, flat float arrays, cheap
 * to read for drawing or for an AR effect.
 *
 * Both follow GStreamer's transform rules: copied when a buffer is copied, and kept through
 * scaling (GstVideoRegionOfInterestMeta rescales its pixel box; fovea's normalised
 * coordinates need no change). Thread safety: as any GstMeta (immutable once the buffer
 * is shared).
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

/* The name of the ROI parameter structure fovea adds. */
#define FV_GST_ROI_PARAM_NAME "fovea"

typedef struct {
  GstMeta meta;
  const char *kind;     /* the objects' kind ("face", ...), an interned string */
  guint n_objects;
  guint *n_points;      /* [n_objects] landmarks of each object */
  guint *first;         /* [n_objects] index of each object's first point in xyz */
  float *xyz;           /* [3 * total points] x, y, z; x and y normalised to the frame */
  float *scores;        /* [n_objects] each object's score, 0 when the model has none */
} FvGstLandmarksMeta;

GType fv_gst_landmarks_meta_api_get_type (void);
#define FV_GST_LANDMARKS_META_API_TYPE (fv_gst_landmarks_meta_api_get_type ())
const GstMetaInfo *fv_gst_landmarks_meta_get_info (void);

/* Adds a landmarks meta to @buffer (writable) for @n_objects objects of @kind; object i has
 * @n_points[i] points, taken in order from @xyz (3 floats each, copied) and @scores[i]
 * (@scores may be NULL: all 0). Returns the meta (transfer none: owned by the buffer). */
FvGstLandmarksMeta *fv_gst_buffer_add_landmarks_meta (GstBuffer *buffer, const char *kind,
                                                      guint n_objects, const guint *n_points,
                                                      const float *xyz, const float *scores);
/* The buffer's landmarks meta, or NULL (transfer none). */
FvGstLandmarksMeta *fv_gst_buffer_get_landmarks_meta (GstBuffer *buffer);

/* The "fovea" parameter of @roi (transfer none), or NULL. */
const GstStructure *fv_gst_roi_get_param (GstVideoRegionOfInterestMeta *roi);
/* Reads a GstValueArray-of-double field of @s into a new array (transfer full, g_free);
 * *n gets its length. NULL (and *n = 0) when the field is absent or not such an array. */
double *fv_gst_structure_get_doubles (const GstStructure *s, const char *field, guint *n);

G_END_DECLS
