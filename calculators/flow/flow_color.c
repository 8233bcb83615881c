/* fovea — the Middlebury flow colour wheel (see flow_color.h). The wheel has 55 hues:
 * 15 red-yellow, 6 yellow-green, 4 green-cyan, 11 cyan-blue, 13 blue-magenta, 6
 * magenta-red, spaced to be perceptually even; a vector's angle picks a point between two
 * hues, its magnitude blends from white. */
#include "calculators/flow/flow_color.h"

#include <math.h>

#include "graph/graph_error.h"

#define N_HUES 55

static void
wheel (float out[N_HUES][3])
{
  const int seg[6] = { 15, 6, 4, 11, 13, 6 };
  /* each segment ramps one channel while another stays full */
  int k = 0;
  for (int i = 0; i < seg[0]; i++, k++) { out[k][0] = 255; out[k][1] = 255.0f * i / seg[0]; out[k][2] = 0; }
  for (int i = 0; i < seg[1]; i++, k++) { out[k][0] = 255 - 255.0f * i / seg[1]; out[k][1] = 255; out[k][2] = 0; }
  for (int i = 0; i < seg[2]; i++, k++) { out[k][0] = 0; out[k][1] = 255; out[k][2] = 255.0f * i / seg[2]; }
  for (int i = 0; i < seg[3]; i++, k++) { out[k][0] = 0; out[k][1] = 255 - 255.0f * i / seg[3]; out[k][2] = 255; }
  for (int i = 0; i < seg[4]; i++, k++) { out[k][0] = 255.0f * i / seg[4]; out[k][1] = 0; out[k][2] = 255; }
  for (int i = 0; i < seg[5]; i++, k++) { out[k][0] = 255; out[k][1] = 0; out[k][2] = 255 - 255.0f * i / seg[5]; }
}

void
fv_flow_color (float u, float v, guint8 rgb[3])
{
  static float w[N_HUES][3];
  static gsize init;
  if (g_once_init_enter (&init)) {
    wheel (w);
    g_once_init_leave (&init, 1);
  }
  if (!isfinite (u) || !isfinite (v)) {
    rgb[0] = rgb[1] = rgb[2] = 0;
    return;
  }
  float rad = sqrtf (u * u + v * v);
  float a = atan2f (-v, -u) / (float) G_PI;          /* -1..1 */
  float fk = (a + 1.0f) / 2.0f * (N_HUES - 1);        /* 0..N_HUES-1 */
  int k0 = (int) fk;
  int k1 = k0 + 1 == N_HUES ? 0 : k0 + 1;
  float f = fk - (float) k0;
  for (int c = 0; c < 3; c++) {
    float col = ((1 - f) * w[k0][c] + f * w[k1][c]) / 255.0f;
    col = rad <= 1.0f ? 1.0f - rad * (1.0f - col) : col * 0.75f;
    rgb[c] = (guint8) lrintf (CLAMP (col, 0.0f, 1.0f) * 255.0f);
  }
}

gboolean
fv_flow_to_color (const FvFlowField *flow, float max_magnitude, FvImage *out, GError **error)
{
  if (out == NULL || out->width != flow->width || out->height != flow->height
      || out->format == FV_IMAGE_GRAY8 || out->format >= FV_IMAGE_FORMAT_COUNT) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "flow colours: the output must be a colour image of %dx%d",
                 flow->width, flow->height);
    return FALSE;
  }
  const gsize n = (gsize) flow->width * (gsize) flow->height;
  float maxm = max_magnitude;
  if (!(maxm > 0)) {
    maxm = 0;
    for (gsize i = 0; i < n; i++) {
      float u = flow->data[2 * i], v = flow->data[2 * i + 1];
      float m = sqrtf (u * u + v * v);
      if (isfinite (m) && m > maxm)
        maxm = m;
    }
  }
  const float inv = maxm > 1e-6f ? 1.0f / maxm : 0.0f;
  const int ch = fv_image_format_channels (out->format);
  const gboolean bgr = out->format == FV_IMAGE_BGRA32;
  for (int y = 0; y < flow->height; y++) {
    guint8 *row = fv_image_row (out, y);
    const float *f = fv_flow_field_at (flow, 0, y);
    for (int x = 0; x < flow->width; x++) {
      guint8 rgb[3];
      fv_flow_color (f[2 * x] * inv, f[2 * x + 1] * inv, rgb);
      guint8 *px = row + (gsize) x * ch;
      px[0] = rgb[bgr ? 2 : 0];
      px[1] = rgb[1];
      px[2] = rgb[bgr ? 0 : 2];
      if (ch == 4)
        px[3] = 255;
    }
  }
  return TRUE;
}
