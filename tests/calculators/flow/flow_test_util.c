/* fovea tests — helpers of the flow tests (see flow_test_util.h). */
#include "tests/calculators/flow/flow_test_util.h"

#include <math.h>
#include <string.h>

#include "calculators/image/image_io.h"

FvImage *
flow_test_photo (const char *name, int x0, int y0, int w, int h)
{
  g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) full = fv_image_load (path, FV_IMAGE_GRAY8, &error);
  g_assert_no_error (error);
  g_assert_true (x0 + w <= full->width && y0 + h <= full->height);
  FvImage *out = fv_image_new (FV_IMAGE_GRAY8, w, h, &error);
  g_assert_no_error (error);
  for (int y = 0; y < h; y++)
    memcpy (fv_image_row (out, y), fv_image_row (full, y0 + y) + x0, (gsize) w);
  return out;
}

FvImage *
flow_test_warp (const FvImage *src, const FlowTransform *t)
{
  const int w = src->width, h = src->height;
  FvImage *out = fv_image_new (FV_IMAGE_GRAY8, w, h, NULL);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      double sx, sy;
      t->inverse (t->params, x, y, &sx, &sy);
      sx = CLAMP (sx, 0, w - 1);
      sy = CLAMP (sy, 0, h - 1);
      int ix = MIN ((int) sx, w - 2), iy = MIN ((int) sy, h - 2);
      double fx = sx - ix, fy = sy - iy;
      const guint8 *r0 = fv_image_row (src, iy), *r1 = fv_image_row (src, iy + 1);
      double v = (1 - fy) * ((1 - fx) * r0[ix] + fx * r0[ix + 1])
                 + fy * ((1 - fx) * r1[ix] + fx * r1[ix + 1]);
      fv_image_row (out, y)[x] = (guint8) lround (v);
    }
  return out;
}

double
flow_test_epe (const FvFlowField *flow, const FlowTransform *t, int margin)
{
  double sum = 0;
  int n = 0;
  for (int y = margin; y < flow->height - margin; y++)
    for (int x = margin; x < flow->width - margin; x++) {
      double mx, my;
      t->forward (t->params, x, y, &mx, &my);
      if (mx < margin || my < margin || mx > flow->width - 1 - margin
          || my > flow->height - 1 - margin)
        continue;
      const float *f = fv_flow_field_at (flow, x, y);
      sum += hypot (f[0] - (mx - x), f[1] - (my - y));
      n++;
    }
  g_assert_cmpint (n, >, 0);
  return sum / n;
}

static void
shift (const double *p, double x, double y, double *mx, double *my)
{
  *mx = x + p[0];
  *my = y + p[1];
}

static void
unshift (const double *p, double x, double y, double *mx, double *my)
{
  *mx = x - p[0];
  *my = y - p[1];
}

static void
similarity (const double *p, double x, double y, double *mx, double *my)
{
  double c = cos (p[0]) * p[1], s = sin (p[0]) * p[1], dx = x - p[2], dy = y - p[3];
  *mx = p[2] + c * dx - s * dy;
  *my = p[3] + s * dx + c * dy;
}

static void
unsimilarity (const double *p, double x, double y, double *mx, double *my)
{
  double c = cos (-p[0]) / p[1], s = sin (-p[0]) / p[1], dx = x - p[2], dy = y - p[3];
  *mx = p[2] + c * dx - s * dy;
  *my = p[3] + s * dx + c * dy;
}

static void
affine (const double *p, double x, double y, double *mx, double *my)
{
  *mx = p[0] * x + p[1] * y + p[2];
  *my = p[3] * x + p[4] * y + p[5];
}

static void
unaffine (const double *p, double x, double y, double *mx, double *my)
{
  double det = p[0] * p[4] - p[1] * p[3], dx = x - p[2], dy = y - p[5];
  *mx = (p[4] * dx - p[1] * dy) / det;
  *my = (-p[3] * dx + p[0] * dy) / det;
}

const FlowMotion flow_shift = shift, flow_unshift = unshift, flow_similarity = similarity,
                 flow_unsimilarity = unsimilarity, flow_affine = affine,
                 flow_unaffine = unaffine;

void
flow_test_motorcycle (FvImage **left, FvImage **right, guint16 **disp)
{
  g_autoptr (GError) error = NULL;
  const char *dir = g_getenv ("FOVEA_TEST_DATA");
  g_autofree char *pa = g_build_filename (dir, "flow", "motorcycle_half_left.png", NULL);
  g_autofree char *pb = g_build_filename (dir, "flow", "motorcycle_half_right.png", NULL);
  g_autofree char *pd = g_build_filename (dir, "flow", "motorcycle_half_disp.u16", NULL);
  *left = fv_image_load (pa, FV_IMAGE_RGB24, &error);
  g_assert_no_error (error);
  *right = fv_image_load (pb, FV_IMAGE_RGB24, &error);
  g_assert_no_error (error);
  g_autofree guint8 *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (pd, (char **) &bytes, &len, &error));
  const gsize n = (gsize) (*left)->width * (*left)->height;
  g_assert_cmpuint (len, ==, n * 2);
  *disp = g_new (guint16, n);
  for (gsize i = 0; i < n; i++)   /* little-endian in the file */
    (*disp)[i] = (guint16) (bytes[2 * i] | bytes[2 * i + 1] << 8);
}

double
flow_test_motorcycle_epe (const float *flow, const guint16 *disp, int n_pixels, int *n_valid)
{
  double sum = 0;
  int n = 0;
  for (int i = 0; i < n_pixels; i++) {
    if (disp[i] == 0)
      continue;
    sum += hypot (flow[2 * i] + disp[i] / 256.0, flow[2 * i + 1]);
    n++;
  }
  *n_valid = n;
  return n > 0 ? sum / n : INFINITY;
}
