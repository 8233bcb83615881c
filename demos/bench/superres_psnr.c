/* fovea — superres_psnr: how much a super-resolution network recovers, and how fast.
 *
 * For each photo: the centre crop of CROP x CROP pixels (a multiple of the scale) is the
 * original; it is downscaled by the scale (--down bicubic, the default: antialiased bicubic
 * as MATLAB's imresize, the degradation of the DIV2K training data and of SR papers'
 * tables; --down box: the mean of each scale x scale block), then upscaled back twice: by the network (fovea's upscaler, tiled as asked) and
 * by bicubic interpolation (Keys, a = -0.5, pixel centres aligned, edges clamped: what
 * OpenCV's INTER_CUBIC and most image tools do). Both are compared with the original by
 * PSNR over R, G and B (peak 255). The network's time is the median of RUNS runs after one
 * warm-up run that also plans the model, and is given in ms per megapixel of output.
 *
 *   superres_psnr [--model NAME] [--device cpu|opencl[:P:D]] [--tile N] [--crop N]
 *                 [--down bicubic|box] [-n RUNS] PHOTO...
 *
 * One line per photo, then a line "mean" (PSNR mean, ms/MP median over the photos):
 *   photo  model  device  psnr_net  psnr_bicubic  ms  ms_per_mp
 */
#include "calculators/image/image_io.h"
#include "calculators/superres/upscaler.h"
#include "models/catalog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
psnr (const FvImage *a, const FvImage *b)
{
  double se = 0;
  for (int y = 0; y < a->height; y++) {
    const guint8 *p = fv_image_row (a, y), *q = fv_image_row (b, y);
    for (int i = 0; i < a->width * 3; i++) {
      double d = (double) p[i] - (double) q[i];
      se += d * d;
    }
  }
  double mse = se / ((double) a->width * a->height * 3);
  return mse > 0 ? 10.0 * log10 (255.0 * 255.0 / mse) : INFINITY;
}

static FvImage *
box_down (const FvImage *src, int s)
{
  FvImage *dst = fv_image_new (FV_IMAGE_RGB24, src->width / s, src->height / s, NULL);
  for (int y = 0; y < dst->height; y++)
    for (int x = 0; x < dst->width; x++)
      for (int c = 0; c < 3; c++) {
        int sum = 0;
        for (int dy = 0; dy < s; dy++)
          for (int dx = 0; dx < s; dx++)
            sum += fv_image_row (src, y * s + dy)[(x * s + dx) * 3 + c];
        fv_image_row (dst, y)[x * 3 + c] = (guint8) ((sum + s * s / 2) / (s * s));
      }
  return dst;
}

static double
cubic (double t)
{
  const double a = -0.5;
  t = fabs (t);
  if (t <= 1)
    return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2)
    return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/* Antialiased bicubic downscale by @s: the cubic kernel stretched s times (taps over 4 s
 * source pixels), weights normalised, edges clamped. */
static FvImage *
bicubic_down (const FvImage *src, int s)
{
  FvImage *dst = fv_image_new (FV_IMAGE_RGB24, src->width / s, src->height / s, NULL);
  for (int y = 0; y < dst->height; y++) {
    double cy = (y + 0.5) * s - 0.5;
    for (int x = 0; x < dst->width; x++) {
      double cx = (x + 0.5) * s - 0.5;
      double acc[3] = { 0 }, wsum = 0;
      for (int yy = (int) floor (cy - 2 * s); yy <= (int) ceil (cy + 2 * s); yy++) {
        double wy = cubic ((yy - cy) / s);
        if (wy == 0)
          continue;
        int sy = CLAMP (yy, 0, src->height - 1);
        for (int xx = (int) floor (cx - 2 * s); xx <= (int) ceil (cx + 2 * s); xx++) {
          double w = wy * cubic ((xx - cx) / s);
          if (w == 0)
            continue;
          int sx = CLAMP (xx, 0, src->width - 1);
          const guint8 *p = fv_image_row (src, sy) + sx * 3;
          for (int c = 0; c < 3; c++)
            acc[c] += w * p[c];
          wsum += w;
        }
      }
      for (int c = 0; c < 3; c++)
        fv_image_row (dst, y)[x * 3 + c] = (guint8) CLAMP (lrint (acc[c] / wsum), 0, 255);
    }
  }
  return dst;
}

static FvImage *
bicubic_up (const FvImage *src, int s)
{
  FvImage *dst = fv_image_new (FV_IMAGE_RGB24, src->width * s, src->height * s, NULL);
  for (int y = 0; y < dst->height; y++) {
    double sy = (y + 0.5) / s - 0.5;
    int y0 = (int) floor (sy);
    for (int x = 0; x < dst->width; x++) {
      double sx = (x + 0.5) / s - 0.5;
      int x0 = (int) floor (sx);
      for (int c = 0; c < 3; c++) {
        double v = 0;
        for (int j = -1; j <= 2; j++) {
          int yy = CLAMP (y0 + j, 0, src->height - 1);
          double wy = cubic (sy - (y0 + j));
          for (int i = -1; i <= 2; i++) {
            int xx = CLAMP (x0 + i, 0, src->width - 1);
            v += wy * cubic (sx - (x0 + i)) * fv_image_row (src, yy)[xx * 3 + c];
          }
        }
        fv_image_row (dst, y)[x * 3 + c] = (guint8) CLAMP (lrint (v), 0, 255);
      }
    }
  }
  return dst;
}

int
main (int argc, char **argv)
{
  char *model = NULL, *device = NULL, *down = NULL;
  int tile = 192, crop = 256, runs = 3;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, "Catalog model (esrgan_slim_x2)", "NAME" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, "cpu or opencl[:P:D]", "DEV" },
    { "tile", 0, 0, G_OPTION_ARG_INT, &tile, "Tile size (0: whole image)", "N" },
    { "crop", 0, 0, G_OPTION_ARG_INT, &crop, "Centre crop of each photo, pixels", "N" },
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Timed runs per photo", "N" },
    { "down", 0, 0, G_OPTION_ARG_STRING, &down, "Downscaling: bicubic (default) or box",
      "KIND" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  GOptionContext *ctx = g_option_context_new ("PHOTO...");
  g_option_context_add_main_entries (ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 2 || runs < 1) {
    fprintf (stderr, "superres_psnr: %s\n", error ? error->message : "give photos");
    return 2;
  }
  g_option_context_free (ctx);
  if (!model)
    model = g_strdup ("esrgan_slim_x2");
  const char *dev = device ? device : "cpu";
  gboolean opencl = g_str_has_prefix (dev, "opencl");
  FvUpscalerOptions o = { .model = model, .backend = opencl ? "opencl" : "cpu",
                          .device = opencl && strchr (dev, ':') ? dev : NULL,
                          .tile_size = tile, .overlap = -1 };
  FvUpscaler *up = fv_upscaler_new (&o, &error);
  if (!up) {
    fprintf (stderr, "superres_psnr: %s\n", error->message);
    return 1;
  }
  int s = fv_upscaler_scale (up);
  crop -= crop % s;
  int n = argc - 1;
  double sum_net = 0, sum_bic = 0;
  double *per_mp = g_new0 (double, n);
  for (int k = 0; k < n; k++) {
    FvImage *photo = fv_image_load (argv[k + 1], FV_IMAGE_RGB24, &error);
    if (!photo) {
      fprintf (stderr, "superres_psnr: %s\n", error->message);
      return 1;
    }
    int cw = MIN (crop, photo->width - photo->width % s);
    int ch = MIN (crop, photo->height - photo->height % s);
    int x0 = (photo->width - cw) / 2, y0 = (photo->height - ch) / 2;
    FvImage *orig = fv_image_new (FV_IMAGE_RGB24, cw, ch, NULL);
    for (int y = 0; y < ch; y++)
      memcpy (fv_image_row (orig, y), fv_image_row (photo, y0 + y) + x0 * 3, (gsize) cw * 3);
    FvImage *lr = down && g_str_equal (down, "box") ? box_down (orig, s) : bicubic_down (orig, s);
    FvImage *bic = bicubic_up (lr, s);
    FvImage *net = fv_image_new (FV_IMAGE_RGB24, cw, ch, NULL);
    double *ms = g_new (double, runs);
    for (int r = -1; r < runs; r++) {
      gint64 t0 = g_get_monotonic_time ();
      if (!fv_upscaler_run (up, lr, net, &error)) {
        fprintf (stderr, "superres_psnr: %s\n", error->message);
        return 1;
      }
      if (r >= 0)
        ms[r] = (double) (g_get_monotonic_time () - t0) / 1000.0;
    }
    qsort (ms, (size_t) runs, sizeof *ms, cmp_double);
    double med = ms[runs / 2];
    double p_net = psnr (net, orig), p_bic = psnr (bic, orig);
    per_mp[k] = med / ((double) cw * ch / 1e6);
    sum_net += p_net;
    sum_bic += p_bic;
    g_autofree char *base = g_path_get_basename (argv[k + 1]);
    printf ("%-28s %-18s %-8s %7.2f dB %7.2f dB %9.1f ms %9.0f ms/MP\n", base, model, dev,
            p_net, p_bic, med, per_mp[k]);
    fflush (stdout);
    g_free (ms);
    fv_image_free (photo);
    fv_image_free (orig);
    fv_image_free (lr);
    fv_image_free (bic);
    fv_image_free (net);
  }
  qsort (per_mp, (size_t) n, sizeof *per_mp, cmp_double);
  printf ("%-28s %-18s %-8s %7.2f dB %7.2f dB %12s %9.0f ms/MP\n", "mean", model, dev,
          sum_net / n, sum_bic / n, "", per_mp[n / 2]);
  g_free (per_mp);
  fv_upscaler_free (up);
  g_free (model);
  g_free (device);
  g_free (down);
  return 0;
}
