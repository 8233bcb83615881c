/* fovea — what foveasegment draws from a segmentation mask (graph/mask.h): the mask itself
 * as a GRAY8 frame, or the frame with its background replaced by a colour or blurred — the
 * "virtual background" effect.
 *
 * Both read the mask through a per-pixel weight: the probability itself (a soft edge, so the
 * person blends into the new background over the model's uncertain border), or, with a
 * threshold > 0, 1 where the probability is >= threshold and 0 elsewhere (a hard edge). The
 * mask may have another size than the frame (nearest value). Every packed RGB, gray and
 * planar / semi-planar YUV format GStreamer describes with one byte per component is
 * handled component by component (chroma at its subsampled positions); the colour becomes
 * each component's value (BT.601 video-range Y, U, V for YUV, full-range luma for gray).
 *
 * An FvSegmentRender keeps the scratch memory (weights, blur rows) from frame to frame, so a
 * stream of same-sized frames allocates nothing after its first. Not thread-safe: one per
 * element (the streaming thread).
 */
#pragma once

#include <gst/video/video.h>

#include "graph/mask.h"

G_BEGIN_DECLS

typedef struct _FvSegmentRender FvSegmentRender;

FvSegmentRender *fv_segment_render_new (void);   /* transfer full */
void fv_segment_render_free (FvSegmentRender *render);

/* Writes @mask into @frame, a GRAY8 frame mapped for writing: 255 x weight, rounded (see
 * above for @threshold). A NULL @mask (no segmentation yet) writes 0: all background. */
void fv_segment_render_mask (FvSegmentRender *render, GstVideoFrame *frame, const FvMask *mask,
                             double threshold);

/* Replaces the background of @frame (mapped for writing) in place: each component becomes
 * weight x frame + (1 - weight) x background, where the background is the frame blurred with
 * a box blur of radius @blur frame pixels (applied twice: a tent) when @blur > 0, else the
 * colour @argb (0xAARRGGBB) laid over the frame with its alpha. An alpha component (RGBA,
 * BGRA) and padding bytes are left alone. FALSE (nothing written) for a format it does not
 * handle (more than 8 bits per component). */
gboolean fv_segment_render_background (FvSegmentRender *render, GstVideoFrame *frame,
                                       const FvMask *mask, double threshold, guint blur,
                                       guint32 argb);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvSegmentRender, fv_segment_render_free)

G_END_DECLS
