/* fovea — GstFoveaFilter, the base of fovea's analysis elements: runs a fovea graph on
 * every video frame and attaches what it finds to the buffer as metas (fovea_meta.h). The
 * frame itself passes unchanged (in place, no copy for the formats the graph reads).
 *
 * A subclass says which solution runs and with which settings (get_solution), and what its
 * objects are called (roi_type); it may also draw its own output (render, with its own
 * transform_caps when the output format differs: foveasegment's masks); everything else — caps, the graph's life, metas, QoS,
 * latency, statistics, the common properties — is here. foveagraph, foveaface and
 * foveafacemesh are such subclasses; a new solution element is one short file.
 *
 * Common properties: options, device, inference-interval, late-frames, stats (see the
 * property blurbs, or gst-inspect-1.0).
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

#include "graph/packet.h"

G_BEGIN_DECLS

#define GST_TYPE_FOVEA_FILTER (gst_fovea_filter_get_type ())
G_DECLARE_DERIVABLE_TYPE (GstFoveaFilter, gst_fovea_filter, GST, FOVEA_FILTER, GstVideoFilter)

/* What happens to a frame that arrives late (QoS says the sink would show it too late). */
typedef enum {
  GST_FOVEA_LATE_PASS,   /* it passes at once, without new results */
  GST_FOVEA_LATE_DROP,   /* it is dropped */
  GST_FOVEA_LATE_WAIT,   /* it is processed anyway (QoS ignored) */
} GstFoveaLate;

struct _GstFoveaFilterClass {
  GstVideoFilterClass parent_class;

  /* The solution to run — a built-in solution name or the path of a .pbtxt — (transfer
   * full), with the subclass's settings ("key=value", transfer full strings) appended to
   * @settings. Called when the element starts (READY -> PAUSED), with the object lock
   * NOT held. NULL + @error when the element cannot say (a missing property). */
  char *(*get_solution) (GstFoveaFilter *self, GPtrArray *settings, GError **error);

  /* The roi_type of the GstVideoRegionOfInterestMeta it adds ("face"); NULL: "object". */
  const char *roi_type;

  /* Optional, for a subclass whose output is more than the frame with metas (foveasegment):
   * writes @out from @in and the frame's @results (FvPacket*, transfer none; the latest
   * ones for a frame between inference runs or a late frame passed on; NULL before any).
   * Called on the streaming thread once per frame that passes, after the metas are on
   * @out. In place (the input and output caps are equal) @out == @in, writable but not
   * mapped: map it for writing only when the pixels change. Otherwise @out is a new buffer
   * in the output caps (GstVideoFilter's out_info), which render must fill. */
  GstFlowReturn (*render) (GstFoveaFilter *self, GstBuffer *in, GstBuffer *out,
                           GPtrArray *results);

  /* Optional: adds what the subclass knows of object @index (in the order of the landmarks
   * meta) to its ROI's "fovea" parameter @param (transfer none), e.g. a hand's handedness
   * from gst_fovea_filter_get_result(). Streaming thread. */
  void (*object_param) (GstFoveaFilter *self, guint index, GstStructure *param);
};

/* Subclasses: install a property whose blurb documents it; the helpers below read and
 * format settings. Formats a double without locale ("0.5"). transfer full. */
char *gst_fovea_filter_format_double (const char *key, double value);

/* A property that is one option of the subclass's solution, e.g. "max-hands" for
 * max_num_hands: installs @pspec (a guint, gint, gboolean or double property; the class
 * takes it) as property @prop_id of @klass, kept in the instance field at @offset (of
 * that C type, read and written under the object lock). When the element starts, every
 * such property is passed to the solution as "@option=value", before the subclass's own
 * settings and the options property. The first call makes
 * gst_fovea_filter_setting_set_property / _get_property the class's property handlers; a
 * subclass with other properties of its own installs its handlers after, and passes the
 * property ids it does not know on to them. */
void gst_fovea_filter_class_install_setting (GstFoveaFilterClass *klass, guint prop_id,
                                             const char *option, gsize offset,
                                             GParamSpec *pspec);
void gst_fovea_filter_setting_set_property (GObject *object, guint prop_id,
                                            const GValue *value, GParamSpec *pspec);
void gst_fovea_filter_setting_get_property (GObject *object, guint prop_id, GValue *value,
                                            GParamSpec *pspec);

/* The packet of the graph output tagged @tag ("MULTI_HANDEDNESS") among the results being
 * attached or rendered (transfer none: valid during the render / object_param call), or
 * NULL when the frame has none. Streaming thread only. */
FvPacket *gst_fovea_filter_get_result (GstFoveaFilter *self, const char *tag);

/* Sets this element's roi_type (copied; NULL: the class's), e.g. from a property. */
void gst_fovea_filter_set_roi_type (GstFoveaFilter *self, const char *roi_type);

G_END_DECLS
