/* fovea — `fovea-flow-bench A B PRESET THREADS RUNS [DEVICE [MODE [FORMAT]]]`: times the
 * DIS dense flow (calculators/flow/dis_flow.h) from image A to image B in-process, after one
 * warm-up call that plans the buffers (and builds the kernels), on the CPU or, with DEVICE
 * "opencl" (or "opencl:P:D"), on that OpenCL device (THREADS is then unused; the CPU time
 * counts the driver's threads too, e.g. PoCL's): prints the median wall-clock and the median
 * CPU time (all threads) per call in ms, as one JSON line. Used by flow_vs_opencv.py, which
 * times OpenCV's calc() the same way, so that neither side pays for decoding or process
 * start. The images are loaded as 8-bit gray, as OpenCV's calc() is given them, so that
 * neither side pays for the colour conversion either. MODE "push" times a video instead
 * (fv_dis_flow_push of B, A, B, ... after A: each frame's flow from the one before, the
 * previous frame kept by the engine); FORMAT "rgb" or "rgba" loads the frames in that format
 * (conversion included in the time). The JSON also gives the bytes the OpenCL paths copied
 * per call (gpu/buffer.h's counter; 0 on the CPU). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "calculators/flow/dis_flow.h"
#include "calculators/image/image_io.h"
#include "gpu/buffer.h"

static double
now_ms (clockid_t clock)
{
  struct timespec t;
  clock_gettime (clock, &t);
  return (double) t.tv_sec * 1e3 + (double) t.tv_nsec / 1e6;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  if (argc < 6 || argc > 9) {
    fprintf (stderr, "usage: %s A B PRESET THREADS RUNS [DEVICE [calc|push [gray|rgb|rgba]]]\n",
             argv[0]);
    return 2;
  }
  const gboolean push = argc > 7 && g_strcmp0 (argv[7], "push") == 0;
  const char *fmt_name = argc > 8 ? argv[8] : "gray";
  const FvImageFormat fmt = g_strcmp0 (fmt_name, "rgb") == 0    ? FV_IMAGE_RGB24
                            : g_strcmp0 (fmt_name, "rgba") == 0 ? FV_IMAGE_RGBA32
                                                                : FV_IMAGE_GRAY8;
  if ((argc > 7 && !push && g_strcmp0 (argv[7], "calc") != 0)
      || (fmt == FV_IMAGE_GRAY8 && g_strcmp0 (fmt_name, "gray") != 0)) {
    fprintf (stderr, "%s: bad mode or format\n", argv[0]);
    return 2;
  }
  g_autoptr (GError) error = NULL;
  FvDisPreset preset;
  int threads = atoi (argv[4]), runs = atoi (argv[5]);
  if (!fv_dis_preset_from_name (argv[3], &preset) || threads < 0 || runs < 1 || runs > 10000) {
    fprintf (stderr, "%s: bad preset, threads or runs\n", argv[0]);
    return 2;
  }
  g_autoptr (FvImage) a = fv_image_load (argv[1], fmt, &error);
  g_autoptr (FvImage) b = a ? fv_image_load (argv[2], fmt, &error) : NULL;
  FvDisParams p;
  fv_dis_params_preset (&p, preset);
  p.threads = threads;
  const gboolean on_cpu = argc < 7 || g_strcmp0 (argv[6], "cpu") == 0;
  FvGpuDevice *dev = b && !on_cpu ? fv_gpu_device_open (argv[6], &error) : NULL;
  g_autoptr (FvDisFlow) dis = b == NULL || (!on_cpu && dev == NULL) ? NULL
                              : on_cpu ? fv_dis_flow_new (&p, &error)
                                    : fv_dis_flow_new_on_device (&p, dev, &error);
  fv_gpu_device_unref (dev);
  g_autoptr (FvFlowField) flow = dis ? fv_flow_field_new (a->width, a->height, &error) : NULL;
  gboolean computed = FALSE;
  /* the warm-up; in push mode it also pushes the video's first frame */
  if (flow == NULL || !(push ? fv_dis_flow_push (dis, a, flow, &computed, &error)
                               && fv_dis_flow_push (dis, b, flow, &computed, &error)
                             : fv_dis_flow_calc (dis, a, b, flow, &error))) {
    fprintf (stderr, "%s: %s\n", argv[0], error->message);
    return 1;
  }
  g_autofree double *wall = g_new (double, runs), *cpu = g_new (double, runs);
  fv_gpu_reset_bytes_copied ();
  for (int i = 0; i < runs; i++) {
    double w0 = now_ms (CLOCK_MONOTONIC), c0 = now_ms (CLOCK_PROCESS_CPUTIME_ID);
    /* both directions in turn, as a video's pairs would differ */
    gboolean ok = push ? fv_dis_flow_push (dis, i % 2 ? b : a, flow, &computed, &error)
                  : i % 2 ? fv_dis_flow_calc (dis, b, a, flow, &error)
                          : fv_dis_flow_calc (dis, a, b, flow, &error);
    if (!ok) {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
    wall[i] = now_ms (CLOCK_MONOTONIC) - w0;
    cpu[i] = now_ms (CLOCK_PROCESS_CPUTIME_ID) - c0;
  }
  qsort (wall, (size_t) runs, sizeof (double), cmp_double);
  qsort (cpu, (size_t) runs, sizeof (double), cmp_double);
  printf ("{\"wall_ms\": %.3f, \"cpu_ms\": %.3f, \"runs\": %d, \"bytes_copied_per_call\": %"
          G_GUINT64_FORMAT "}\n", wall[runs / 2], cpu[runs / 2], runs,
          fv_gpu_bytes_copied () / (guint64) runs);
  return 0;
}
