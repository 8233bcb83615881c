/* fovea — foveagraph: runs any fovea graph on video frames and attaches its results as
 * metas (see gstfoveafilter.h for what every fovea analysis element does).
 *
 * Properties (besides the common ones):
 *   graph   a built-in solution name (`fovea solutions` lists them) or the path of a
 *           .pbtxt graph with one image input stream; required.
 *   roi-type  the roi_type of the boxes it attaches (default: "face" for the face
 *           solutions, else "object").
 *
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveagraph graph=face_mesh \
 *       options="max_num_faces=2" ! foveaoverlay ! autovideosink
 */
#include "plugins/gstfoveaelements.h"
#include "plugins/gstfoveafilter.h"

#include "graph/solutions/solutions.h"

GST_DEBUG_CATEGORY_STATIC (gst_fovea_graph_debug);
#define GST_CAT_DEFAULT gst_fovea_graph_debug

#define GST_TYPE_FOVEA_GRAPH (gst_fovea_graph_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaGraph, gst_fovea_graph, GST, FOVEA_GRAPH, GstFoveaFilter)

struct _GstFoveaGraph {
  GstFoveaFilter parent;
  char *graph, *roi_type;
};

enum { PROP_0, PROP_GRAPH, PROP_ROI_TYPE };

G_DEFINE_TYPE (GstFoveaGraph, gst_fovea_graph, GST_TYPE_FOVEA_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveagraph, "foveagraph", GST_RANK_NONE, GST_TYPE_FOVEA_GRAPH);

static char *
gst_fovea_graph_get_solution (GstFoveaFilter *filter, GPtrArray *settings, GError **error)
{
  GstFoveaGraph *self = GST_FOVEA_GRAPH (filter);
  GST_OBJECT_LOCK (self);
  char *graph = g_strdup (self->graph);
  g_autofree char *type = g_strdup (self->roi_type);
  GST_OBJECT_UNLOCK (self);
  if (graph == NULL || *graph == '\0') {
    g_free (graph);
    g_set_error (error, FV_SOLUTION_ERROR, FV_SOLUTION_ERROR_NOT_FOUND,
                 "foveagraph: set the graph property (a solution name or a .pbtxt path)");
    return NULL;
  }
  if (type == NULL || *type == '\0') {
    g_autofree char *base = g_path_get_basename (graph);
    g_free (type);
    type = g_strdup (g_str_has_prefix (base, "face") ? "face" : "object");
  }
  gst_fovea_filter_set_roi_type (filter, type);
  return graph;
}

static void
gst_fovea_graph_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  GstFoveaGraph *self = GST_FOVEA_GRAPH (object);
  char **field = prop_id == PROP_GRAPH ? &self->graph
               : prop_id == PROP_ROI_TYPE ? &self->roi_type : NULL;
  if (field == NULL) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  GST_OBJECT_LOCK (self);
  g_free (*field);
  *field = g_value_dup_string (value);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_graph_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstFoveaGraph *self = GST_FOVEA_GRAPH (object);
  char **field = prop_id == PROP_GRAPH ? &self->graph
               : prop_id == PROP_ROI_TYPE ? &self->roi_type : NULL;
  if (field == NULL) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  GST_OBJECT_LOCK (self);
  g_value_set_string (value, *field);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_graph_finalize (GObject *object)
{
  g_free (GST_FOVEA_GRAPH (object)->graph);
  g_free (GST_FOVEA_GRAPH (object)->roi_type);
  G_OBJECT_CLASS (gst_fovea_graph_parent_class)->finalize (object);
}

static void
gst_fovea_graph_class_init (GstFoveaGraphClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  gobject_class->set_property = gst_fovea_graph_set_property;
  gobject_class->get_property = gst_fovea_graph_get_property;
  gobject_class->finalize = gst_fovea_graph_finalize;
  g_object_class_install_property (gobject_class, PROP_GRAPH,
    g_param_spec_string ("graph", "Graph",
                         "The graph to run: a built-in solution (face_detection, "
                         "face_detection_full, face_mesh, face_mesh_refine; `fovea solutions` "
                         "lists them with their options) or the path of a .pbtxt graph whose "
                         "one input stream is the image",
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                         | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_ROI_TYPE,
    g_param_spec_string ("roi-type", "ROI type",
                         "The roi_type of the GstVideoRegionOfInterestMeta it attaches; empty: "
                         "\"face\" for a graph whose name starts with face, else \"object\"",
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                         | GST_PARAM_MUTABLE_READY));
  GST_FOVEA_FILTER_CLASS (klass)->get_solution = gst_fovea_graph_get_solution;
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "fovea graph",
    "Filter/Analyzer/Video",
    "Runs a fovea (MediaPipe-style) graph on every frame and attaches its detections and "
    "landmarks as GstVideoRegionOfInterestMeta and fovea landmark metas", "fovea");
  GST_DEBUG_CATEGORY_INIT (gst_fovea_graph_debug, "foveagraph", 0, "fovea graph element");
}

static void
gst_fovea_graph_init (GstFoveaGraph *self)
{
}
