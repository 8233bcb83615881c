/* fovea — FvGstLandmarksMeta and the ROI parameter helpers (see fovea_meta.h). */
#include "plugins/fovea_meta.h"

#include <string.h>

GType
fv_gst_landmarks_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { GST_META_TAG_VIDEO_STR, NULL };
  if (g_once_init_enter (&type)) {
    /* this file may be linked twice into one process (the plugin and a program that links
     * fovea_gst_common itself): the second copy finds the first one's registration */
    GType t = g_type_from_name ("FvGstLandmarksMetaAPI");
    if (t == 0)
      t = gst_meta_api_type_register ("FvGstLandmarksMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
landmarks_meta_init (GstMeta *meta, gpointer params, GstBuffer *buffer)
{
  FvGstLandmarksMeta *m = (FvGstLandmarksMeta *) meta;
  m->kind = NULL;
  m->n_objects = 0;
  m->n_points = m->first = NULL;
  m->xyz = m->scores = NULL;
  return TRUE;
}

static void
landmarks_meta_free (GstMeta *meta, GstBuffer *buffer)
{
  FvGstLandmarksMeta *m = (FvGstLandmarksMeta *) meta;
  g_free (m->n_points);
  g_free (m->first);
  g_free (m->xyz);
  g_free (m->scores);
}

/* Fills @m with a copy of the objects (n_points, xyz, scores as described in the header). */
static void
landmarks_meta_set (FvGstLandmarksMeta *m, const char *kind, guint n_objects,
                    const guint *n_points, const float *xyz, const float *scores)
{
  m->kind = g_intern_string (kind != NULL ? kind : "object");
  m->n_objects = n_objects;
  m->n_points = g_new0 (guint, MAX (n_objects, 1));
  m->first = g_new0 (guint, MAX (n_objects, 1));
  m->scores = g_new0 (float, MAX (n_objects, 1));
  gsize total = 0;
  for (guint i = 0; i < n_objects; i++) {
    m->first[i] = (guint) total;
    m->n_points[i] = n_points[i];
    m->scores[i] = scores != NULL ? scores[i] : 0.0f;
    total += n_points[i];
  }
  m->xyz = g_new (float, MAX (3 * total, 1));
  if (total > 0)
    memcpy (m->xyz, xyz, 3 * total * sizeof (float));
}

static gboolean
landmarks_meta_transform (GstBuffer *dest, GstMeta *meta, GstBuffer *buffer, GQuark type,
                          gpointer data)
{
  FvGstLandmarksMeta *m = (FvGstLandmarksMeta *) meta;
  /* a copy, and a scale: coordinates are normalised to the frame, so both keep them as
   * they are; any other transform (a crop, a rotation) would move them: drop the meta */
  if (!GST_META_TRANSFORM_IS_COPY (type) && type != gst_video_meta_transform_scale_get_quark ())
    return FALSE;
  if (GST_META_TRANSFORM_IS_COPY (type)) {
    const GstMetaTransformCopy *copy = data;
    if (copy->region)
      return FALSE;   /* part of the buffer: the frame is no longer whole */
  }
  if (fv_gst_buffer_get_landmarks_meta (dest) != NULL)
    return TRUE;   /* already there (a second copy of the same buffer) */
  return fv_gst_buffer_add_landmarks_meta (dest, m->kind, m->n_objects, m->n_points, m->xyz,
                                           m->scores) != NULL;
}

const GstMetaInfo *
fv_gst_landmarks_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;
  if (g_once_init_enter ((GstMetaInfo **) &info)) {
    const GstMetaInfo *i = gst_meta_get_info ("FvGstLandmarksMeta");   /* see above */
    if (i == NULL)
      i = gst_meta_register (FV_GST_LANDMARKS_META_API_TYPE, "FvGstLandmarksMeta",
                             sizeof (FvGstLandmarksMeta), landmarks_meta_init,
                             landmarks_meta_free, landmarks_meta_transform);
    g_once_init_leave ((GstMetaInfo **) &info, (GstMetaInfo *) i);
  }
  return info;
}

FvGstLandmarksMeta *
fv_gst_buffer_add_landmarks_meta (GstBuffer *buffer, const char *kind, guint n_objects,
                                  const guint *n_points, const float *xyz, const float *scores)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  g_return_val_if_fail (n_objects == 0 || n_points != NULL, NULL);
  FvGstLandmarksMeta *m = (FvGstLandmarksMeta *) gst_buffer_add_meta (
    buffer, fv_gst_landmarks_meta_get_info (), NULL);
  if (m != NULL)
    landmarks_meta_set (m, kind, n_objects, n_points, xyz, scores);
  return m;
}

FvGstLandmarksMeta *
fv_gst_buffer_get_landmarks_meta (GstBuffer *buffer)
{
  return (FvGstLandmarksMeta *) gst_buffer_get_meta (buffer, FV_GST_LANDMARKS_META_API_TYPE);
}

const GstStructure *
fv_gst_roi_get_param (GstVideoRegionOfInterestMeta *roi)
{
  return roi != NULL ? gst_video_region_of_interest_meta_get_param (roi, FV_GST_ROI_PARAM_NAME)
                     : NULL;
}

double *
fv_gst_structure_get_doubles (const GstStructure *s, const char *field, guint *n)
{
  *n = 0;
  const GValue *v = s != NULL ? gst_structure_get_value (s, field) : NULL;
  if (v == NULL || !GST_VALUE_HOLDS_ARRAY (v))
    return NULL;
  guint len = gst_value_array_get_size (v);
  double *out = g_new (double, MAX (len, 1));
  for (guint i = 0; i < len; i++) {
    const GValue *e = gst_value_array_get_value (v, i);
    if (G_VALUE_HOLDS_DOUBLE (e))
      out[i] = g_value_get_double (e);
    else if (G_VALUE_HOLDS_FLOAT (e))
      out[i] = g_value_get_float (e);
    else {
      g_free (out);
      return NULL;
    }
  }
  *n = len;
  return out;
}
