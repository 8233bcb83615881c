/* fovea — segment_bench: the cost of foveasegment's drawing alone (plugins/segment_render.c),
 * without a model: a WIDTH x HEIGHT frame (default 640x480) and a mask with a soft vertical
 * edge, drawn N times (default 200) per case; prints the CPU time per frame (process CPU
 * time, so other processes on the machine disturb it less than wall time).
 *
 *   fovea-segment-bench [WIDTH HEIGHT [N]]
 *
 * Cases: the GRAY8 mask (mode=mask), the background painted (mode=background) and blurred
 * with radius 12 (background-blur=12), in RGBA and I420. The model's own time is in
 * `fovea bench selfie_segmentation`; the whole element's frames per second in fps.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gst/video/video.h>

#include "plugins/segment_render.h"

static double
cpu_seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

int
main (int argc, char **argv)
{
  gst_init (NULL, NULL);
  int w = 640, h = 480, n = 200;
  if (argc >= 3) {
    w = atoi (argv[1]);
    h = atoi (argv[2]);
  }
  if (argc >= 4)
    n = atoi (argv[3]);
  if (argc == 2 || argc > 4 || w < 1 || h < 1 || w > 8192 || h > 8192 || n < 1) {
    fprintf (stderr, "usage: fovea-segment-bench [WIDTH HEIGHT [N]] (sides 1..8192)\n");
    return 2;
  }
  FvMask *mask = fv_mask_new (w, h, NULL);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)   /* person on the left, a soft edge in the middle third */
      mask->data[(gsize) y * w + x] = CLAMP (2.0f - 3.0f * x / w, 0.0f, 1.0f);
  FvSegmentRender *r = fv_segment_render_new ();
  printf ("%dx%d, %d frames per case\n%-22s %10s\n", w, h, n, "case", "ms/frame");

  GstVideoInfo gi;
  gst_video_info_set_format (&gi, GST_VIDEO_FORMAT_GRAY8, w, h);
  GstBuffer *gray = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&gi), NULL);
  GstVideoFrame gf;
  if (!gst_video_frame_map (&gf, &gi, gray, GST_MAP_WRITE))
    return 1;
  double t0 = cpu_seconds ();
  for (int i = 0; i < n; i++)
    fv_segment_render_mask (r, &gf, mask, 0.0);
  printf ("%-22s %10.3f\n", "GRAY8 mask", (cpu_seconds () - t0) * 1e3 / n);
  gst_video_frame_unmap (&gf);
  gst_buffer_unref (gray);

  const GstVideoFormat formats[] = { GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_I420 };
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
    GstVideoInfo info;
    gst_video_info_set_format (&info, formats[f], w, h);
    GstBuffer *buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
    gst_buffer_memset (buf, 0, 0x80, GST_VIDEO_INFO_SIZE (&info));
    GstVideoFrame frame;
    if (!gst_video_frame_map (&frame, &info, buf, GST_MAP_WRITE))
      return 1;
    const guint blurs[] = { 0, 12 };
    for (guint b = 0; b < G_N_ELEMENTS (blurs); b++) {
      t0 = cpu_seconds ();
      for (int i = 0; i < n; i++)
        fv_segment_render_background (r, &frame, mask, 0.0, blurs[b], 0xff00b140);
      char name[64];
      g_snprintf (name, sizeof name, "%s %s", gst_video_format_to_string (formats[f]),
                  blurs[b] ? "blur 12" : "colour");
      printf ("%-22s %10.3f\n", name, (cpu_seconds () - t0) * 1e3 / n);
    }
    gst_video_frame_unmap (&frame);
    gst_buffer_unref (buf);
  }
  fv_segment_render_free (r);
  fv_mask_free (mask);
  return 0;
}
