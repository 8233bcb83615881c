/* fovea — a GStreamer video frame as fovea's image payload (see video_frame.h). */
#include "plugins/video_frame.h"

G_DEFINE_QUARK (fv-gst-error-quark, fv_gst_error)

/* What the image owns: the mapped frame (which holds a reference to its buffer). */
typedef struct {
  GstVideoFrame frame;
} FvGstFrameOwner;

static void
frame_owner_free (gpointer data)
{
  FvGstFrameOwner *owner = data;
  gst_video_frame_unmap (&owner->frame);   /* drops the buffer reference the map took */
  g_free (owner);
}

/* The fovea format that reads @format's pixels as they are; FALSE if none does. */
static gboolean
image_format_for (GstVideoFormat format, FvImageFormat *out)
{
  switch (format) {
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_RGBx:
      *out = FV_IMAGE_RGBA32;
      return TRUE;
    case GST_VIDEO_FORMAT_BGRA:
    case GST_VIDEO_FORMAT_BGRx:
      *out = FV_IMAGE_BGRA32;
      return TRUE;
    case GST_VIDEO_FORMAT_RGB:
      *out = FV_IMAGE_RGB24;
      return TRUE;
    case GST_VIDEO_FORMAT_GRAY8:
      *out = FV_IMAGE_GRAY8;
      return TRUE;
    default:
      return FALSE;
  }
}

FvImage *
fv_gst_image_wrap_buffer (GstBuffer *buffer, const GstVideoInfo *info, GError **error)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  g_return_val_if_fail (info != NULL && info->finfo != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  const GstVideoFormat gst_format = GST_VIDEO_INFO_FORMAT (info);
  FvImageFormat format;
  if (!image_format_for (gst_format, &format)) {
    g_set_error (error, FV_GST_ERROR, FV_GST_ERROR_FORMAT,
                 "video format %s is not supported as an image (RGBA, RGBx, BGRA, BGRx, RGB "
                 "or GRAY8): it needs conversion first (e.g. videoconvert)",
                 gst_video_format_to_string (gst_format));
    return NULL;
  }
  /* gst_video_frame_map takes the meta's format and size over @info's: a meta that
   * disagrees with the caps would give an image of another format; refuse it */
  const GstVideoMeta *meta = gst_buffer_get_video_meta (buffer);
  if (meta != NULL && (meta->format != gst_format
                       || meta->n_planes != GST_VIDEO_INFO_N_PLANES (info)
                       || (gint64) meta->width < GST_VIDEO_INFO_WIDTH (info)
                       || (gint64) meta->height < GST_VIDEO_INFO_HEIGHT (info))) {
    g_set_error (error, FV_GST_ERROR, FV_GST_ERROR_MAP,
                 "the buffer's video meta (%s %ux%u) does not match the caps (%s %dx%d)",
                 gst_video_format_to_string (meta->format), meta->width, meta->height,
                 gst_video_format_to_string (gst_format), GST_VIDEO_INFO_WIDTH (info),
                 GST_VIDEO_INFO_HEIGHT (info));
    return NULL;
  }

  FvGstFrameOwner *owner = g_new0 (FvGstFrameOwner, 1);
  /* the cast drops const only for the API: the info is copied into the frame */
  if (!gst_video_frame_map (&owner->frame, (GstVideoInfo *) info, buffer, GST_MAP_READ)) {
    g_free (owner);
    g_set_error (error, FV_GST_ERROR, FV_GST_ERROR_MAP,
                 "cannot map a %s %dx%d video frame from the buffer (%" G_GSIZE_FORMAT
                 " bytes): too small, or not readable", gst_video_format_to_string (gst_format),
                 GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info),
                 gst_buffer_get_size (buffer));
    return NULL;
  }

  const GstVideoFrame *frame = &owner->frame;
  const int width = GST_VIDEO_FRAME_WIDTH (frame);
  const int height = GST_VIDEO_FRAME_HEIGHT (frame);
  const int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  if (width < 1 || height < 1 || width > FV_IMAGE_MAX_SIDE || height > FV_IMAGE_MAX_SIDE
      || (gint64) width * height > FV_IMAGE_MAX_PIXELS
      || stride < width * fv_image_format_channels (format)) {
    g_set_error (error, FV_GST_ERROR, FV_GST_ERROR_SIZE,
                 "a %s frame of %dx%d with a stride of %d bytes is not a valid image "
                 "(sides 1..%d, at most %" G_GINT64_FORMAT " pixels, rows not overlapping)",
                 gst_video_format_to_string (gst_format), width, height, stride,
                 FV_IMAGE_MAX_SIDE, (gint64) FV_IMAGE_MAX_PIXELS);
    frame_owner_free (owner);
    return NULL;
  }
  return fv_image_wrap (format, width, height, stride,
                        GST_VIDEO_FRAME_PLANE_DATA (frame, 0), owner, frame_owner_free);
}
