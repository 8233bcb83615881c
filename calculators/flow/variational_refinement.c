/* fovea — variational refinement of a dense flow field (see variational_refinement.h).
 *
 * The image I1 is warped once by the incoming flow; the derivatives are taken on the
 * average of I0 and the warped I1 (central differences [-1 0 1], replicated border), and
 * the outer iterations solve for an increment (du, dv) around that linearisation point.
 * Each outer iteration re-weights the robust penalties at the current estimate and runs
 * a few in-place (Gauss-Seidel order) SOR sweeps on the 2x2-per-pixel linear system. */
#include "calculators/flow/variational_refinement.h"

#include <math.h>
#include <string.h>

enum {
  P_I1W, P_IX, P_IY, P_IZ, P_IXX, P_IXY, P_IYY, P_IXZ, P_IYZ,
  P_A11, P_A12, P_A22, P_B1, P_B2, P_WH, P_WV, P_DU, P_DV, P_COUNT
};

struct _FvVariational {
  int max_w, max_h;
  float *planes[P_COUNT];
};

FvVariational *
fv_variational_new (int max_width, int max_height)
{
  FvVariational *var = g_new0 (FvVariational, 1);
  var->max_w = max_width;
  var->max_h = max_height;
  gsize n = (gsize) max_width * (gsize) max_height;
  for (int i = 0; i < P_COUNT; i++)
    var->planes[i] = g_new (float, n);
  return var;
}

void
fv_variational_free (FvVariational *var)
{
  if (var == NULL)
    return;
  for (int i = 0; i < P_COUNT; i++)
    g_free (var->planes[i]);
  g_free (var);
}

/* Bilinear sample of @img at (x, y), coordinates clamped to the image (replicated border). */
static inline float
sample (const float *img, int w, int h, float x, float y)
{
  x = CLAMP (x, 0.0f, (float) (w - 1));
  y = CLAMP (y, 0.0f, (float) (h - 1));
  int x0 = (int) x, y0 = (int) y;
  int x1 = MIN (x0 + 1, w - 1), y1 = MIN (y0 + 1, h - 1);
  float fx = x - (float) x0, fy = y - (float) y0;
  const float *r0 = img + (gsize) y0 * w, *r1 = img + (gsize) y1 * w;
  float top = r0[x0] + fx * (r0[x1] - r0[x0]);
  float bot = r1[x0] + fx * (r1[x1] - r1[x0]);
  return top + fy * (bot - top);
}

/* d/dx and d/dy of @src by [-1 0 1] with a replicated border. */
static void
deriv_x (const float *src, float *dst, int w, int h)
{
  for (int y = 0; y < h; y++) {
    const float *s = src + (gsize) y * w;
    float *d = dst + (gsize) y * w;
    if (w == 1) {
      d[0] = 0.0f;
      continue;
    }
    d[0] = s[1] - s[0];
    for (int x = 1; x < w - 1; x++)
      d[x] = s[x + 1] - s[x - 1];
    d[w - 1] = s[w - 1] - s[w - 2];
  }
}

static void
deriv_y (const float *src, float *dst, int w, int h)
{
  for (int y = 0; y < h; y++) {
    const float *up = src + (gsize) MAX (y - 1, 0) * w;
    const float *dn = src + (gsize) MIN (y + 1, h - 1) * w;
    float *d = dst + (gsize) y * w;
    for (int x = 0; x < w; x++)
      d[x] = dn[x] - up[x];
  }
}

/* One SOR update of pixel @k; @left / @right: it is on the first / last column. */
static inline void
sor_pixel (gsize k, int w, gsize up, gsize dn, gboolean left, gboolean right,
           const float *wh, const float *wv, const float *a11, const float *a12,
           const float *a22, const float *b1, const float *b2, float *du, float *dv, float om)
{
  gsize kl = left ? k : k - 1, kr = right ? k : k + 1;
  float cl = left ? 0.0f : wh[k - 1], cr = wh[k], cd = wv[k];
  float cu = up ? wv[k - up] : 0.0f;
  float nu = cl * du[kl] + cr * du[kr] + cu * du[k - up] + cd * du[k + dn];
  float nv = cl * dv[kl] + cr * dv[kr] + cu * dv[k - up] + cd * dv[k + dn];
  float nd = (b1[k] + nu - a12[k] * dv[k]) * a11[k];
  du[k] += om * (nd - du[k]);
  nd = (b2[k] + nv - a12[k] * du[k]) * a22[k];
  dv[k] += om * (nd - dv[k]);
  (void) w;
}

void
fv_variational_refine (FvVariational *var, const FvVariationalParams *prm,
                       const float *i0, const float *i1, int w, int h, float *u, float *v)
{
  g_return_if_fail (w <= var->max_w && h <= var->max_h && w > 0 && h > 0);
  if (prm->fixed_point_iterations <= 0)
    return;
  const gsize n = (gsize) w * (gsize) h;
  float **P = var->planes;
  float *i1w = P[P_I1W], *ix = P[P_IX], *iy = P[P_IY], *iz = P[P_IZ];
  float *ixx = P[P_IXX], *ixy = P[P_IXY], *iyy = P[P_IYY], *ixz = P[P_IXZ], *iyz = P[P_IYZ];
  float *a11 = P[P_A11], *a12 = P[P_A12], *a22 = P[P_A22], *b1 = P[P_B1], *b2 = P[P_B2];
  float *wh = P[P_WH], *wv = P[P_WV], *du = P[P_DU], *dv = P[P_DV];

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      gsize k = (gsize) y * w + x;
      i1w[k] = sample (i1, w, h, (float) x + u[k], (float) y + v[k]);
    }
  /* averaged image (in iz for now) and its derivatives */
  for (gsize k = 0; k < n; k++)
    iz[k] = 0.5f * (i0[k] + i1w[k]);
  deriv_x (iz, ix, w, h);
  deriv_y (iz, iy, w, h);
  deriv_x (ix, ixx, w, h);
  deriv_y (ix, ixy, w, h);
  deriv_y (iy, iyy, w, h);
  for (gsize k = 0; k < n; k++)
    iz[k] = i1w[k] - i0[k];
  deriv_x (iz, ixz, w, h);
  deriv_y (iz, iyz, w, h);
  memset (du, 0, n * sizeof (float));
  memset (dv, 0, n * sizeof (float));

  const float zeta2 = 0.01f, eps2 = 1e-6f;
  const float delta2 = prm->delta / 2, gamma2 = prm->gamma / 2, alpha2 = prm->alpha / 2;
  for (int it = 0; it < prm->fixed_point_iterations; it++) {
    /* data term at the current increment */
    for (gsize k = 0; k < n; k++) {
      float gx = ix[k], gy = iy[k];
      float norm = gx * gx + gy * gy + zeta2;
      float r = iz[k] + gx * du[k] + gy * dv[k];
      float wb = delta2 / sqrtf (r * r / norm + eps2) / norm;
      float gxx = ixx[k], gxy = ixy[k], gyy = iyy[k];
      float n1 = gxx * gxx + gxy * gxy + zeta2, n2 = gyy * gyy + gxy * gxy + zeta2;
      float rx = ixz[k] + gxx * du[k] + gxy * dv[k];
      float ry = iyz[k] + gxy * du[k] + gyy * dv[k];
      float wg = gamma2 / sqrtf (rx * rx / n1 + ry * ry / n2 + eps2);
      float w1 = wg / n1, w2 = wg / n2;
      a11[k] = wb * gx * gx + w1 * gxx * gxx + w2 * gxy * gxy;
      a12[k] = wb * gx * gy + w1 * gxx * gxy + w2 * gxy * gyy;
      a22[k] = wb * gy * gy + w1 * gxy * gxy + w2 * gyy * gyy;
      b1[k] = -(wb * iz[k] * gx + w1 * gxx * ixz[k] + w2 * gxy * iyz[k]);
      b2[k] = -(wb * iz[k] * gy + w1 * gxy * ixz[k] + w2 * gyy * iyz[k]);
    }
    /* smoothness weights at u + du (forward differences): wh for the edge to the right
     * neighbour, wv to the one below, 0 where there is none */
    for (int y = 0; y < h; y++) {
      const gsize r = (gsize) y * w;
      const gsize dn = y + 1 < h ? (gsize) w : 0;
      for (int x = 0; x < w; x++) {
        gsize k = r + x, kr = x + 1 < w ? k + 1 : k;
        float ux = u[kr] + du[kr] - u[k] - du[k], vx = v[kr] + dv[kr] - v[k] - dv[k];
        float uy = u[k + dn] + du[k + dn] - u[k] - du[k];
        float vy = v[k + dn] + dv[k + dn] - v[k] - dv[k];
        float c = alpha2 / sqrtf (ux * ux + vx * vx + uy * uy + vy * vy + eps2);
        wh[k] = x + 1 < w ? c : 0.0f;
        wv[k] = dn ? c : 0.0f;
      }
    }
    /* the pull of the base flow towards its neighbours goes into b1, b2; the neighbours'
     * total weight into the diagonal */
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        gsize k = (gsize) y * w + x;
        gsize kl = x > 0 ? k - 1 : k, ku = y > 0 ? k - w : k, kr = x + 1 < w ? k + 1 : k;
        gsize kd = y + 1 < h ? k + w : k;
        float cl = x > 0 ? wh[k - 1] : 0.0f, cu = y > 0 ? wv[k - w] : 0.0f;
        float cr = wh[k], cd = wv[k];
        float s = cl + cu + cr + cd;
        a11[k] += s;
        a22[k] += s;
        b1[k] += cr * (u[kr] - u[k]) + cl * (u[kl] - u[k]) + cd * (u[kd] - u[k])
                 + cu * (u[ku] - u[k]);
        b2[k] += cr * (v[kr] - v[k]) + cl * (v[kl] - v[k]) + cd * (v[kd] - v[k])
                 + cu * (v[ku] - v[k]);
        /* the diagonals are positive from here on (eps keeps every weight > 0) */
        a11[k] = 1.0f / (a11[k] > 1e-6f ? a11[k] : 1e-6f);
        a22[k] = 1.0f / (a22[k] > 1e-6f ? a22[k] : 1e-6f);
      }
    /* red-black order: the pixels of one colour depend only on the other colour, so a
     * half sweep has no chain from one pixel to the next */
    const float om = prm->omega;
    for (int sor = 0; sor < 2 * prm->sor_iterations; sor++) {
      const int colour = sor & 1;
      for (int y = 0; y < h; y++) {
        const gsize r = (gsize) y * w;
        /* rows above / below: the row itself where there is none (its weight is 0) */
        const gsize up = y > 0 ? (gsize) w : 0, dn = y + 1 < h ? (gsize) w : 0;
        int x = (y + colour) & 1;
        if (x == 0) {
          sor_pixel (r, w, up, dn, TRUE, w == 1, wh, wv, a11, a12, a22, b1, b2, du, dv, om);
          x = 2;
        }
        for (; x < w - 1; x += 2)
          sor_pixel (r + x, w, up, dn, FALSE, FALSE, wh, wv, a11, a12, a22, b1, b2, du, dv, om);
        if (x == w - 1)
          sor_pixel (r + x, w, up, dn, x == 0, TRUE, wh, wv, a11, a12, a22, b1, b2, du, dv, om);
      }
    }
  }
  for (gsize k = 0; k < n; k++) {
    u[k] += du[k];
    v[k] += dv[k];
  }
}
