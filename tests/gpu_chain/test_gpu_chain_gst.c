/* fovea tests — a GStreamer video frame as an image without a copy, and the chained run
 * from it: GstBuffer -> ImageToTensor on OpenCL -> model on OpenCL -> post-processing.
 *
 * 1. fv_gst_image_wrap_buffer on every supported format, with rows padded and the plane at
 *    an offset (a GstVideoMeta, as a camera or decoder pool gives): the image's pixels are
 *    the buffer's own (its data points inside the mapped memory, at the meta's offset, with
 *    the meta's stride), and the buffer stays referenced exactly while the image lives.
 *    Formats fovea cannot read directly (I420, NV12) and bad buffers are errors that name
 *    the problem and keep no reference.
 * 2. The chained run: a photo placed in a padded RGBA GstBuffer (the "camera": that copy
 *    happens before counting), wrapped, and run through the face_detection solution with
 *    FOVEA_DEVICE=opencl for 3 frames. fv_gpu_bytes_copied() is reset after graph start
 *    and must stay 0 on a unified-memory device (PoCL is one); the detections must match
 *    the FOVEA_DEVICE=cpu run's. What the counter covers: see test_gpu_chain.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "gpu/buffer.h"
#include "gpu/device.h"
#include "plugins/video_frame.h"
#include "tests/gpu_chain/chain_util.h"

#include <stdio.h>
#include <string.h>

#define ROW_ALIGN 64

static int
refcount (GstBuffer *buffer)
{
  return GST_MINI_OBJECT_REFCOUNT_VALUE (buffer);
}

/* The byte a test pattern holds at row @y, byte @i. */
static guint8
pattern (int y, int i, int salt)
{
  return (guint8) (y * 31 + i * 7 + salt * 13 + 1);
}

/* A new @format buffer of @w x @h with rows of @row_bytes padded to a multiple of 64 plus
 * 64, plane 0 at @offset, described by a GstVideoMeta; padding bytes are 0xee. 64-byte
 * aligned memory, as a video buffer pool gives. Fills *@stride_out. transfer full. */
static GstBuffer *
padded_buffer (GstVideoFormat format, int w, int h, int row_bytes, gsize offset,
               int *stride_out)
{
  const int stride = (row_bytes + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN + ROW_ALIGN;
  GstAllocationParams params;
  gst_allocation_params_init (&params);
  params.align = ROW_ALIGN - 1;
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, offset + (gsize) stride * (gsize) h,
                                               &params);
  assert_non_null (buffer);
  gsize offsets[GST_VIDEO_MAX_PLANES] = { offset };
  gint strides[GST_VIDEO_MAX_PLANES] = { stride };
  assert_non_null (gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE, format,
                                                   (guint) w, (guint) h, 1, offsets, strides));
  gst_buffer_memset (buffer, 0, 0xee, gst_buffer_get_size (buffer));
  *stride_out = stride;
  return buffer;
}

static void
test_wrap_formats (void **state)
{
  const struct {
    GstVideoFormat gst;
    FvImageFormat fv;
  } formats[] = {
    { GST_VIDEO_FORMAT_RGBA, FV_IMAGE_RGBA32 }, { GST_VIDEO_FORMAT_RGBx, FV_IMAGE_RGBA32 },
    { GST_VIDEO_FORMAT_BGRA, FV_IMAGE_BGRA32 }, { GST_VIDEO_FORMAT_BGRx, FV_IMAGE_BGRA32 },
    { GST_VIDEO_FORMAT_RGB, FV_IMAGE_RGB24 },   { GST_VIDEO_FORMAT_GRAY8, FV_IMAGE_GRAY8 },
  };
  const int w = 37, h = 11;
  const gsize offset = 128;
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
    const int ch = fv_image_format_channels (formats[f].fv);
    int stride = 0;
    GstBuffer *buffer = padded_buffer (formats[f].gst, w, h, w * ch, offset, &stride);
    GstMapInfo map;
    assert_true (gst_buffer_map (buffer, &map, GST_MAP_WRITE));
    for (int y = 0; y < h; y++)
      for (int i = 0; i < w * ch; i++)
        map.data[offset + (gsize) y * (gsize) stride + (gsize) i] = pattern (y, i, (int) f);
    gst_buffer_unmap (buffer, &map);

    GstVideoInfo info;
    /* the caps' default stride (w * ch rounded to 4) is not the meta's: the meta wins */
    assert_true (gst_video_info_set_format (&info, formats[f].gst, (guint) w, (guint) h));
    assert_int_not_equal (GST_VIDEO_INFO_PLANE_STRIDE (&info, 0), stride);
    assert_int_equal (refcount (buffer), 1);
    g_autoptr (GError) error = NULL;
    FvImage *image = fv_gst_image_wrap_buffer (buffer, &info, &error);
    if (image == NULL)
      fail_msg ("%s: %s", gst_video_format_to_string (formats[f].gst), error->message);
    assert_int_equal (refcount (buffer), 2);   /* the image holds the buffer */
    assert_int_equal (image->format, formats[f].fv);
    assert_int_equal (image->width, w);
    assert_int_equal (image->height, h);
    assert_int_equal (image->stride, stride);

    /* no copy: the image's pixels are the buffer's memory, at the meta's offset */
    assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
    assert_true (image->data >= map.data);
    assert_true (image->data + (gsize) stride * (gsize) (h - 1) + (gsize) (w * ch)
                 <= map.data + map.size);
    assert_ptr_equal (image->data, map.data + offset);
    gst_buffer_unmap (buffer, &map);

    for (int y = 0; y < h; y++) {
      const guint8 *row = fv_image_row (image, y);
      for (int i = 0; i < w * ch; i++)
        if (row[i] != pattern (y, i, (int) f))
          fail_msg ("%s: pixel byte (%d, %d) is %u, not %u",
                    gst_video_format_to_string (formats[f].gst), y, i, row[i],
                    pattern (y, i, (int) f));
    }
    fv_image_free (image);
    assert_int_equal (refcount (buffer), 1);   /* released with the image */
    gst_buffer_unref (buffer);
  }
}

static void
note_freed (gpointer data, GstMiniObject *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

/* The image lives in a packet: the caller may drop its buffer at once; the buffer goes
 * when the last packet holding the image does. */
static void
test_wrap_packet_releases_buffer (void **state)
{
  int stride = 0;
  GstBuffer *buffer = padded_buffer (GST_VIDEO_FORMAT_BGRx, 5, 3, 5 * 4, 0, &stride);
  gboolean freed = FALSE;
  gst_mini_object_weak_ref (GST_MINI_OBJECT_CAST (buffer), note_freed, &freed);
  GstVideoInfo info;
  assert_true (gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGRx, 5, 3));
  g_autoptr (GError) error = NULL;
  FvImage *image = fv_gst_image_wrap_buffer (buffer, &info, &error);
  assert_non_null (image);
  assert_int_equal (refcount (buffer), 2);
  gst_buffer_unref (buffer);   /* the caller's reference */
  FvPacket *packet = fv_packet_new_image (image);
  FvPacket *later = fv_packet_at (packet, 7);
  fv_packet_unref (packet);
  assert_false (freed);
  assert_int_equal (fv_image_row (fv_packet_get_image (later), 2)[19], 0xee);
  fv_packet_unref (later);
  assert_true (freed);
}

static void
expect_error (GstBuffer *buffer, const GstVideoInfo *info, int code, const char *what,
              const char *what_too)
{
  g_autoptr (GError) error = NULL;
  assert_int_equal (refcount (buffer), 1);
  assert_null (fv_gst_image_wrap_buffer (buffer, info, &error));
  assert_non_null (error);
  assert_true (g_error_matches (error, FV_GST_ERROR, code));
  if (strstr (error->message, what) == NULL
      || (what_too != NULL && strstr (error->message, what_too) == NULL))
    fail_msg ("the error does not say '%s' / '%s': %s", what, what_too ? what_too : "",
              error->message);
  printf ("expected error: %s\n", error->message);
  assert_int_equal (refcount (buffer), 1);   /* no reference kept */
}

static void
test_wrap_unsupported_formats (void **state)
{
  const GstVideoFormat formats[] = { GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_NV12 };
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
    GstVideoInfo info;
    assert_true (gst_video_info_set_format (&info, formats[f], 38, 12));
    GstBuffer *buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
    expect_error (buffer, &info, FV_GST_ERROR_FORMAT, gst_video_format_to_string (formats[f]),
                  "videoconvert");
    gst_buffer_unref (buffer);
  }
}

static void
test_wrap_bad_buffers (void **state)
{
  GstVideoInfo info;
  assert_true (gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 37, 5));
  /* too small for the caps (no meta) */
  GstBuffer *small = gst_buffer_new_allocate (NULL, 10, NULL);
  expect_error (small, &info, FV_GST_ERROR_MAP, "cannot map", "RGBA 37x5");
  gst_buffer_unref (small);
  /* a meta that disagrees with the caps */
  int stride = 0;
  GstBuffer *other = padded_buffer (GST_VIDEO_FORMAT_BGRA, 37, 5, 37 * 4, 0, &stride);
  expect_error (other, &info, FV_GST_ERROR_MAP, "BGRA", "does not match");
  gst_buffer_unref (other);
}

static FvDetections *
run_face_detection (const FvPacket *frame, int frames, guint64 *copied)
{
  g_autoptr (GError) error = NULL;
  FvDetections *d = chain_run_face_detection (frame, frames, copied, &error);
  if (d == NULL)
    fail_msg ("%s", error->message);
  return d;
}

static void
test_chain_zero_copy_from_gst (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                            "mpl_grace_hopper.jpg", NULL);
  g_autoptr (FvImage) photo = fv_image_load (path, FV_IMAGE_RGBA32, &error);
  if (photo == NULL)
    fail_msg ("%s", error->message);

  /* the "camera": a padded RGBA frame in a GstBuffer (this copy is the capture) */
  const gsize row_bytes = (gsize) photo->width * 4;
  int stride = 0;
  GstBuffer *buffer = padded_buffer (GST_VIDEO_FORMAT_RGBA, photo->width, photo->height,
                                     (int) row_bytes, 0, &stride);
  GstMapInfo map;
  assert_true (gst_buffer_map (buffer, &map, GST_MAP_WRITE));
  for (int y = 0; y < photo->height; y++)
    memcpy (map.data + (gsize) y * (gsize) stride, fv_image_row (photo, y), row_bytes);
  gst_buffer_unmap (buffer, &map);
  GstVideoInfo info;
  assert_true (gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, (guint) photo->width,
                                          (guint) photo->height));
  FvImage *image = fv_gst_image_wrap_buffer (buffer, &info, &error);
  if (image == NULL)
    fail_msg ("%s", error->message);
  assert_int_equal (image->stride, stride);
  const guint8 *pixels = image->data;
  FvPacket *frame = fv_packet_new_image (image);

  g_unsetenv ("FOVEA_BACKEND");
  g_setenv ("FOVEA_DEVICE", "cpu", TRUE);
  guint64 copied_cpu = 0, copied_gpu = 0;
  FvDetections *cpu = run_face_detection (frame, 1, &copied_cpu);
  assert_int_equal (copied_cpu, 0);

  g_setenv ("FOVEA_DEVICE", "opencl", TRUE);
  FvGpuDevice *dev = fv_gpu_device_open (NULL, &error);
  if (dev == NULL)
    fail_msg ("%s", error->message);
  const gboolean unified = fv_gpu_device_unified_memory (dev);
  printf ("device: %s, unified memory: %s\n", fv_gpu_device_name (dev), unified ? "yes" : "no");
  fv_gpu_device_unref (dev);
  FvDetections *gpu = run_face_detection (frame, 3, &copied_gpu);
  printf ("GstBuffer %dx%d RGBA, stride %d: bytes copied host<->device over 3 frames: "
          "%" G_GUINT64_FORMAT "\n", photo->width, photo->height, stride, copied_gpu);
  if (unified)
    assert_int_equal (copied_gpu, 0);
  else
    assert_true (copied_gpu > 0);   /* a discrete device's copies are counted */

  /* the graphs read the buffer in place, and are done with it */
  assert_ptr_equal (fv_packet_get_image (frame)->data, pixels);
  fv_packet_unref (frame);
  assert_int_equal (refcount (buffer), 1);
  gst_buffer_unref (buffer);

  assert_true (cpu->n >= 1);
  assert_int_equal (cpu->n, gpu->n);
  assert_true (chain_detections_diff (cpu, gpu) <= 1e-3);
  fv_detections_free (cpu);
  fv_detections_free (gpu);
  g_unsetenv ("FOVEA_DEVICE");
}

int
main (void)
{
  /* no element is used: skip the plugin registry (no scan, no plugin loaded into this
   * sanitized process, no registry file written) */
  g_setenv ("GST_REGISTRY_DISABLE", "yes", FALSE);
  gst_init (NULL, NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_wrap_formats),
    cmocka_unit_test (test_wrap_packet_releases_buffer),
    cmocka_unit_test (test_wrap_unsupported_formats),
    cmocka_unit_test (test_wrap_bad_buffers),
    cmocka_unit_test (test_chain_zero_copy_from_gst),
  };
  const int failed = cmocka_run_group_tests (tests, chain_group_setup, chain_group_teardown);
  gst_deinit ();
  return failed;
}
