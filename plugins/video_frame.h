/* fovea — a GStreamer video frame as fovea's image payload, without copying a pixel.
 *
 * fv_gst_image_wrap_buffer() maps a GstBuffer read-only with gst_video_frame_map (so a
 * GstVideoMeta's offsets and strides are honoured: padded rows, a plane at an offset) and
 * returns an FvImage whose data points into the mapped frame (plane 0, its stride). The
 * image holds the mapping, and with it a reference to the buffer, until fv_image_free;
 * the frame then enters a graph with fv_packet_new_image like any other image.
 *
 * Only packed 8-bit formats fovea reads directly are accepted: RGBA and RGBx (as
 * FV_IMAGE_RGBA32; the x byte is read as alpha and ignored by the models), BGRA and BGRx
 * (FV_IMAGE_BGRA32), RGB (FV_IMAGE_RGB24) and GRAY8. Planar / YUV formats (I420, NV12, ...)
 * are refused with FV_GST_ERROR_FORMAT: put a videoconvert before the element.
 *
 * No pixel is copied here. (GStreamer itself copies when a plane spans several GstMemory
 * blocks, which it must merge to map; a frame from one allocation never does.)
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

#include "graph/image.h"

G_BEGIN_DECLS

#define FV_GST_ERROR (fv_gst_error_quark ())
GQuark fv_gst_error_quark (void);

typedef enum {
  FV_GST_ERROR_FORMAT,  /* a video format fovea does not read directly (needs conversion) */
  FV_GST_ERROR_MAP,     /* the buffer could not be mapped as a frame of @info */
  FV_GST_ERROR_SIZE,    /* a frame size or stride fovea does not accept */
} FvGstError;

/* Wraps @buffer, a video frame described by @info (its caps), as an image without copying.
 * @buffer: transfer none; the returned image takes its own reference to @buffer (through
 * the frame mapping) and holds it, mapped read-only, until the image is freed, so the
 * caller may unref its own reference at once. The pixels must not be written while the
 * image lives.
 * Returns: (transfer full) the image, or NULL with @error (FV_GST_ERROR) for an unsupported
 * format, a buffer that cannot be mapped, or a size over fovea's limits; then no reference
 * to @buffer is kept. */
FvImage *fv_gst_image_wrap_buffer (GstBuffer *buffer, const GstVideoInfo *info,
                                   GError **error);

G_END_DECLS
