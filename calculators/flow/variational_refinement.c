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

#include "calculators/flow/gray.h"
#include "models/cpu/thread_pool.h"

enum {
  P_IX, P_IY, P_IZ, P_IXX, P_IXY, P_IYY, P_IXZ, P_IYZ,
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
sor_pixel (gsize k, gsize up, gsize dn, gboolean left, gboolean right, const float *wh,
           const float *wv, const float *a11, const float *a12, const float *a22,
           const float *b1, const float *b2, float *du, float *dv, float om)
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
}

/* What every phase needs: the planes, the flow, the size and the constants. */
typedef struct {
  float **P;
  const float *i0, *i1;
  float *u, *v;
  int w, h;
  float delta2, gamma2, alpha2, omega;
  int colour;                  /* SOR: the colour updated by this half sweep */
} Job;

#define ZETA2 0.01f
#define EPS2 1e-6f

/* Warped I1, the averaged image and I1 - I0 (rows y0..y1). */
static void
phase_warp (const Job *j, int y0, int y1)
{
  float **P = j->P;
  const int w = j->w, h = j->h;
  for (int y = y0; y < y1; y++)
    for (int x = 0; x < w; x++) {
      gsize k = (gsize) y * w + x;
      float wv = fv_flow_gray_sample (j->i1, w, h, (float) x + j->u[k], (float) y + j->v[k]);
      P[P_IXX][k] = 0.5f * (j->i0[k] + wv);   /* the averaged image, for now */
      P[P_IZ][k] = wv - j->i0[k];
    }
}

/* The data term at the current increment (rows y0..y1). */
static void
phase_data (const Job *j, int y0, int y1)
{
  float **P = j->P;
  const float *ix = P[P_IX], *iy = P[P_IY], *iz = P[P_IZ], *ixx = P[P_IXX], *ixy = P[P_IXY];
  const float *iyy = P[P_IYY], *ixz = P[P_IXZ], *iyz = P[P_IYZ], *du = P[P_DU], *dv = P[P_DV];
  float *a11 = P[P_A11], *a12 = P[P_A12], *a22 = P[P_A22], *b1 = P[P_B1], *b2 = P[P_B2];
  const gsize k0 = (gsize) y0 * j->w, k1 = (gsize) y1 * j->w;
  const float delta2 = j->delta2, gamma2 = j->gamma2;
  for (gsize k = k0; k < k1; k++) {
    float gx = ix[k], gy = iy[k];
    float norm = gx * gx + gy * gy + ZETA2;
    float r = iz[k] + gx * du[k] + gy * dv[k];
    float wb = delta2 / sqrtf (r * r / norm + EPS2) / norm;
    float gxx = ixx[k], gxy = ixy[k], gyy = iyy[k];
    float n1 = gxx * gxx + gxy * gxy + ZETA2, n2 = gyy * gyy + gxy * gxy + ZETA2;
    float rx = ixz[k] + gxx * du[k] + gxy * dv[k];
    float ry = iyz[k] + gxy * du[k] + gyy * dv[k];
    float wg = gamma2 / sqrtf (rx * rx / n1 + ry * ry / n2 + EPS2);
    float w1 = wg / n1, w2 = wg / n2;
    a11[k] = wb * gx * gx + w1 * gxx * gxx + w2 * gxy * gxy;
    a12[k] = wb * gx * gy + w1 * gxx * gxy + w2 * gxy * gyy;
    a22[k] = wb * gy * gy + w1 * gxy * gxy + w2 * gyy * gyy;
    b1[k] = -(wb * iz[k] * gx + w1 * gxx * ixz[k] + w2 * gxy * iyz[k]);
    b2[k] = -(wb * iz[k] * gy + w1 * gxy * ixz[k] + w2 * gyy * iyz[k]);
  }
}

/* Smoothness weights at u + du (forward differences): wh for the edge to the right
 * neighbour, wv to the one below, 0 where there is none. */
static void
phase_weights (const Job *j, int y0, int y1)
{
  float **P = j->P;
  const float *u = j->u, *v = j->v, *du = P[P_DU], *dv = P[P_DV];
  float *wh = P[P_WH], *wv = P[P_WV];
  const int w = j->w, h = j->h;
  for (int y = y0; y < y1; y++) {
    const gsize r = (gsize) y * w;
    const gsize dn = y + 1 < h ? (gsize) w : 0;
    for (int x = 0; x < w; x++) {
      gsize k = r + x, kr = x + 1 < w ? k + 1 : k;
      float ux = u[kr] + du[kr] - u[k] - du[k], vx = v[kr] + dv[kr] - v[k] - dv[k];
      float uy = u[k + dn] + du[k + dn] - u[k] - du[k];
      float vy = v[k + dn] + dv[k + dn] - v[k] - dv[k];
      float c = j->alpha2 / sqrtf (ux * ux + vx * vx + uy * uy + vy * vy + EPS2);
      wh[k] = x + 1 < w ? c : 0.0f;
      wv[k] = dn ? c : 0.0f;
    }
  }
}

/* The pull of the base flow towards its neighbours goes into b1, b2, the neighbours'
 * total weight into the diagonal, which is then inverted (it is > 0: EPS2 keeps every
 * weight positive). */
static void
phase_system (const Job *j, int y0, int y1)
{
  float **P = j->P;
  const float *u = j->u, *v = j->v, *wh = P[P_WH], *wv = P[P_WV];
  float *a11 = P[P_A11], *a22 = P[P_A22], *b1 = P[P_B1], *b2 = P[P_B2];
  const int w = j->w, h = j->h;
  for (int y = y0; y < y1; y++)
    for (int x = 0; x < w; x++) {
      gsize k = (gsize) y * w + x;
      gsize kl = x > 0 ? k - 1 : k, ku = y > 0 ? k - w : k, kr = x + 1 < w ? k + 1 : k;
      gsize kd = y + 1 < h ? k + w : k;
      float cl = x > 0 ? wh[k - 1] : 0.0f, cu = y > 0 ? wv[k - w] : 0.0f;
      float cr = wh[k], cd = wv[k];
      float sum = cl + cu + cr + cd;
      b1[k] += cr * (u[kr] - u[k]) + cl * (u[kl] - u[k]) + cd * (u[kd] - u[k])
               + cu * (u[ku] - u[k]);
      b2[k] += cr * (v[kr] - v[k]) + cl * (v[kl] - v[k]) + cd * (v[kd] - v[k])
               + cu * (v[ku] - v[k]);
      float d1 = a11[k] + sum, d2 = a22[k] + sum;
      a11[k] = 1.0f / (d1 > 1e-6f ? d1 : 1e-6f);
      a22[k] = 1.0f / (d2 > 1e-6f ? d2 : 1e-6f);
    }
}

/* Half an SOR sweep, red-black order: the pixels of one colour depend only on the other
 * colour, so rows (and threads) are independent. */
static void
phase_sor (const Job *j, int y0, int y1)
{
  float **P = j->P;
  const float *wh = P[P_WH], *wv = P[P_WV], *a11 = P[P_A11], *a12 = P[P_A12];
  const float *a22 = P[P_A22], *b1 = P[P_B1], *b2 = P[P_B2];
  float *du = P[P_DU], *dv = P[P_DV];
  const int w = j->w, h = j->h;
  const float om = j->omega;
  for (int y = y0; y < y1; y++) {
    const gsize r = (gsize) y * w;
    /* rows above / below: the row itself where there is none (its weight is 0) */
    const gsize up = y > 0 ? (gsize) w : 0, dn = y + 1 < h ? (gsize) w : 0;
    int x = (y + j->colour) & 1;
    if (x == 0) {
      sor_pixel (r, up, dn, TRUE, w == 1, wh, wv, a11, a12, a22, b1, b2, du, dv, om);
      x = 2;
    }
    for (; x < w - 1; x += 2)
      sor_pixel (r + x, up, dn, FALSE, FALSE, wh, wv, a11, a12, a22, b1, b2, du, dv, om);
    if (x == w - 1)
      sor_pixel (r + x, up, dn, FALSE, TRUE, wh, wv, a11, a12, a22, b1, b2, du, dv, om);
  }
}

typedef void (*PhaseFn) (const Job *j, int y0, int y1);

typedef struct {
  const Job *job;
  PhaseFn fn;
} Task;

static void
run_task (void *arg, int task, int n_tasks, int thread)
{
  const Task *t = arg;
  const int h = t->job->h;
  t->fn (t->job, (int) ((gint64) h * task / n_tasks), (int) ((gint64) h * (task + 1) / n_tasks));
}

/* Runs @fn over all rows, in bands on the pool when there is one. */
static void
phase (FvCpuPool *pool, PhaseFn fn, const Job *job)
{
  if (pool == NULL || job->h < 8) {
    fn (job, 0, job->h);
    return;
  }
  Task t = { job, fn };
  fv_cpu_pool_run (pool, run_task, &t, MIN (job->h, 4 * fv_cpu_pool_n_threads (pool)));
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
  Job job = {
    .P = P, .i0 = i0, .i1 = i1, .u = u, .v = v, .w = w, .h = h,
    .delta2 = prm->delta / 2, .gamma2 = prm->gamma / 2, .alpha2 = prm->alpha / 2,
    .omega = prm->omega,
  };
  FvCpuPool *pool = prm->pool;
  phase (pool, phase_warp, &job);
  /* derivatives of the averaged image (in IXX until now) and of I1w - I0 */
  deriv_x (P[P_IXX], P[P_IX], w, h);
  deriv_y (P[P_IXX], P[P_IY], w, h);
  deriv_x (P[P_IX], P[P_IXX], w, h);
  deriv_y (P[P_IX], P[P_IXY], w, h);
  deriv_y (P[P_IY], P[P_IYY], w, h);
  deriv_x (P[P_IZ], P[P_IXZ], w, h);
  deriv_y (P[P_IZ], P[P_IYZ], w, h);
  memset (P[P_DU], 0, n * sizeof (float));
  memset (P[P_DV], 0, n * sizeof (float));
  for (int it = 0; it < prm->fixed_point_iterations; it++) {
    phase (pool, phase_data, &job);
    phase (pool, phase_weights, &job);
    phase (pool, phase_system, &job);
    for (int sor = 0; sor < 2 * prm->sor_iterations; sor++) {
      job.colour = sor & 1;
      phase (pool, phase_sor, &job);
    }
  }
  for (gsize k = 0; k < n; k++) {
    u[k] += P[P_DU][k];
    v[k] += P[P_DV][k];
  }
}
