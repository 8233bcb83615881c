/* fovea — FvGstMaskMeta: a segmentation mask on a video buffer (foveasegment's person mask,
 * foveapose's segmentation), for drawing (foveaoverlay tints it) or for an effect.
 *
 * The mask covers the whole frame: width x height floats, row-major, the top-left value
 * first, each the probability in [0, 1] that the pixel is the object (`kind`, e.g.
 * "person"). The element makes it at the frame's size; after a scale (videoscale) the
 * frame's size changes and the mask's does not, so a reader maps frame pixel (x, y) of a
 * W x H frame to mask value (x * width / W, y * height / H) — fv_gst_mask_meta_at() does.
 *
 * The values are not copied from the graph: the meta holds a reference to the graph's
 * immutable mask packet, so attaching it costs no copy and a buffer copy or a scale shares
 * it. Like fovea's other metas it is copied with the buffer and kept through scaling, and
 * dropped by any other transform (a crop, a region copy). Thread safety: as any GstMeta
 * (read-only once the buffer is shared).
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  GstMeta meta;
  const char *kind;     /* what the mask is of ("person"), an interned string */
  guint width, height;  /* the mask's size (the frame's when it was made) */
  const float *data;    /* [width * height] probabilities in [0, 1] as the graph made
                           them (a reader clamps: fv_gst_mask_meta_at does); read-only */
  /*< private >*/
  FvPacket *packet;     /* the "mask" packet that owns data */
} FvGstMaskMeta;

GType fv_gst_mask_meta_api_get_type (void);
#define FV_GST_MASK_META_API_TYPE (fv_gst_mask_meta_api_get_type ())
const GstMetaInfo *fv_gst_mask_meta_get_info (void);

/* Adds a mask meta of @kind (NULL: "object") to @buffer (metadata writable) holding the
 * mask of @mask_packet, a "mask" packet (graph/mask.h; transfer none: the meta takes its
 * own reference). Returns the meta (transfer none: owned by the buffer), or NULL when
 * @mask_packet holds no mask. */
FvGstMaskMeta *fv_gst_buffer_add_mask_meta (GstBuffer *buffer, const char *kind,
                                            FvPacket *mask_packet);
/* The same from plain values: @data holds @width x @height floats (copied; values outside
 * [0, 1] are clamped, NaN reads as 0). NULL when a side is 0 or over the image limits. */
FvGstMaskMeta *fv_gst_buffer_add_mask_meta_from_data (GstBuffer *buffer, const char *kind,
                                                      guint width, guint height,
                                                      const float *data);
/* The buffer's mask meta, or NULL (transfer none). */
FvGstMaskMeta *fv_gst_buffer_get_mask_meta (GstBuffer *buffer);

/* The mask value under pixel (@x, @y) of a @frame_width x @frame_height frame: the nearest
 * value, clamped to [0, 1] (NaN: 0); coordinates outside the frame read its border. */
static inline float
fv_gst_mask_meta_at (const FvGstMaskMeta *meta, guint x, guint y, guint frame_width,
                     guint frame_height)
{
  if (frame_width == 0 || frame_height == 0)
    return 0.0f;
  guint64 mx = (guint64) MIN (x, frame_width - 1) * meta->width / frame_width;
  guint64 my = (guint64) MIN (y, frame_height - 1) * meta->height / frame_height;
  float v = meta->data[my * meta->width + mx];
  return v >= 0.0f ? (v <= 1.0f ? v : 1.0f) : 0.0f;   /* NaN fails both: 0 */
}

G_END_DECLS
