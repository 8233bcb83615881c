/* Test helper: synthetic clips from a still photo (see synthetic_clip.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/solutions/synthetic_clip.h"

#include <math.h>

#include "calculators/image/image_io.h"

#include "graph/graph_error.h"

ClipMotion
clip_motion_of_frame (const FvImage *image, int k, double shift_x, double shift_y,
                      double turn_deg)
{
  double a = k * turn_deg * G_PI / 180.0;
  return (ClipMotion) { image->width / 2.0, image->height / 2.0, cos (a), sin (a),
                        k * shift_x, k * shift_y };
}

void
clip_move_point (const ClipMotion *m, double x, double y, double *out_x, double *out_y)
{
  double dx = x - m->cx, dy = y - m->cy;
  *out_x = m->c * dx - m->s * dy + m->cx + m->tx;
  *out_y = m->s * dx + m->c * dy + m->cy + m->ty;
}

FvImage *
clip_move_image (const FvImage *src, const ClipMotion *m, GError **error)
{
  if (src->format != FV_IMAGE_RGB24)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "synthetic clip: the photo must be RGB24");
      return NULL;
    }
  FvImage *dst = fv_image_new (FV_IMAGE_RGB24, src->width, src->height, error);
  if (dst == NULL)
    return NULL;
  for (int y = 0; y < dst->height; y++)
    {
      guint8 *row = fv_image_row (dst, y);
      for (int x = 0; x < dst->width; x++)
        {
          double dx = x + 0.5 - m->cx - m->tx, dy = y + 0.5 - m->cy - m->ty;
          /* inverse turn, back to the photo, then to pixel-centre indices */
          double sx = m->c * dx + m->s * dy + m->cx - 0.5;
          double sy = -m->s * dx + m->c * dy + m->cy - 0.5;
          sx = CLAMP (sx, 0.0, src->width - 1.0);
          sy = CLAMP (sy, 0.0, src->height - 1.0);
          int x0 = (int) floor (sx), y0 = (int) floor (sy);
          int x1 = MIN (x0 + 1, src->width - 1), y1 = MIN (y0 + 1, src->height - 1);
          double fx = sx - x0, fy = sy - y0;
          const guint8 *r0 = fv_image_row (src, y0), *r1 = fv_image_row (src, y1);
          for (int ch = 0; ch < 3; ch++)
            {
              double top = (1 - fx) * r0[3 * x0 + ch] + fx * r0[3 * x1 + ch];
              double bottom = (1 - fx) * r1[3 * x0 + ch] + fx * r1[3 * x1 + ch];
              row[3 * x + ch] = (guint8) lround ((1 - fy) * top + fy * bottom);
            }
        }
    }
  return dst;
}

FvImage *
clip_load_photo (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images", name, NULL);
  FvImage *photo = fv_image_load (path, FV_IMAGE_RGB24, &error);
  if (photo == NULL)
    fail_msg ("%s", error->message);
  return photo;
}

void
clip_make (const FvImage *photo, int n, double shift_x, double shift_y, double turn_deg,
           FvImage **frames, ClipMotion *motions)
{
  for (int k = 0; k < n; k++)
    {
      g_autoptr (GError) error = NULL;
      ClipMotion m = clip_motion_of_frame (photo, k, shift_x, shift_y, turn_deg);
      frames[k] = clip_move_image (photo, &m, &error);
      if (frames[k] == NULL)
        fail_msg ("%s", error->message);
      if (motions != NULL)
        motions[k] = m;
    }
}

void
clip_free_frames (FvImage **frames, int n)
{
  for (int k = 0; k < n; k++)
    g_clear_pointer (&frames[k], fv_image_free);
}

void
clip_measure (const FvLandmarks *lm, const FvLandmarks *truth0, const ClipMotion *m, double W,
              double H, double *mean_rel, double *worst_rel, double *size)
{
  assert_int_equal (lm->n, truth0->n);
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY, sum = 0, worst = 0;
  for (int i = 0; i < lm->n; i++)
    {
      double tx, ty;
      clip_move_point (m, truth0->items[i].x * W, truth0->items[i].y * H, &tx, &ty);
      x0 = fmin (x0, tx), x1 = fmax (x1, tx), y0 = fmin (y0, ty), y1 = fmax (y1, ty);
      double d = hypot (lm->items[i].x * W - tx, lm->items[i].y * H - ty);
      sum += d;
      worst = fmax (worst, d);
    }
  *size = fmax (x1 - x0, y1 - y0);
  *mean_rel = sum / lm->n / *size;
  *worst_rel = worst / *size;
}
