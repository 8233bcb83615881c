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

/* 1 / sqrt(x) for x > 0 to float precision: a bit-level first guess and three Newton
 * steps, plain arithmetic that gcc vectorises (sqrtf's errno keeps its loops scalar). */
static inline float
rsqrt (float x)
{
  union { float f; guint32 i; } u = { .f = x };
  u.i = 0x5f375a86u - (u.i >> 1);
  float y = u.f;
  const float h = 0.5f * x;
  y = y * (1.5f - h * y * y);
  y = y * (1.5f - h * y * y);
  y = y * (1.5f - h * y * y);
  return y;
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
/* Four lanes of floats (and of their bits) in GCC's generic vectors: gcc does not
 * vectorise the data term's loop by itself (too many streams), so it is written four
 * pixels at a time; any SIMD target (SSE2, NEON) or plain scalar code runs it. */
typedef float V4 __attribute__ ((vector_size (16)));
typedef guint32 V4u __attribute__ ((vector_size (16)));

static inline V4
load4 (const float *p)
{
  V4 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static inline void
store4 (float *p, V4 v)
{
  memcpy (p, &v, sizeof v);
}

static inline V4
rsqrt4 (V4 x)
{
  V4u i;
  memcpy (&i, &x, sizeof i);
  i = 0x5f375a86u - (i >> 1);
  V4 y;
  memcpy (&y, &i, sizeof y);
  const V4 h = 0.5f * x;
  y = y * (1.5f - h * y * y);
  y = y * (1.5f - h * y * y);
  y = y * (1.5f - h * y * y);
  return y;
}

/* The data term of the pixels [k, k + 4) (V4) or of pixel k (float): one body for both. */
#define DATA_TERM(T, LD, ST, RSQRT)                                                        \
  do {                                                                                     \
    T gx = LD (ix + k), gy = LD (iy + k), z = LD (iz + k), a = LD (du + k), b = LD (dv + k); \
    T norm = gx * gx + gy * gy + ZETA2;                                                    \
    T r = z + gx * a + gy * b;                                                             \
    T wb = delta2 * RSQRT (r * r / norm + EPS2) / norm;                                    \
    T gxx = LD (ixx + k), gxy = LD (ixy + k), gyy = LD (iyy + k);                          \
    T xz = LD (ixz + k), yz = LD (iyz + k);                                                \
    T n1 = gxx * gxx + gxy * gxy + ZETA2, n2 = gyy * gyy + gxy * gxy + ZETA2;              \
    T rx = xz + gxx * a + gxy * b, ry = yz + gxy * a + gyy * b;                            \
    T wg = gamma2 * RSQRT (rx * rx / n1 + ry * ry / n2 + EPS2);                            \
    T w1 = wg / n1, w2 = wg / n2;                                                          \
    ST (a11 + k, wb * gx * gx + w1 * gxx * gxx + w2 * gxy * gxy);                          \
    ST (a12 + k, wb * gx * gy + w1 * gxx * gxy + w2 * gxy * gyy);                          \
    ST (a22 + k, wb * gy * gy + w1 * gxy * gxy + w2 * gyy * gyy);                          \
    ST (b1 + k, -(wb * z * gx + w1 * gxx * xz + w2 * gxy * yz));                           \
    ST (b2 + k, -(wb * z * gy + w1 * gxy * xz + w2 * gyy * yz));                           \
  } while (0)

#define LOAD1(p) (*(p))
#define STORE1(p, v) (*(p) = (v))

/* The data term at the current increment (rows y0..y1). */
static void
phase_data (const Job *j, int y0, int y1)
{
  float **P = j->P;
  const gsize k0 = (gsize) y0 * j->w;
  const int n = (y1 - y0) * j->w;
  const float *ix = P[P_IX] + k0, *iy = P[P_IY] + k0, *iz = P[P_IZ] + k0;
  const float *ixx = P[P_IXX] + k0, *ixy = P[P_IXY] + k0, *iyy = P[P_IYY] + k0;
  const float *ixz = P[P_IXZ] + k0, *iyz = P[P_IYZ] + k0;
  const float *du = P[P_DU] + k0, *dv = P[P_DV] + k0;
  float *a11 = P[P_A11] + k0, *a12 = P[P_A12] + k0, *a22 = P[P_A22] + k0;
  float *b1 = P[P_B1] + k0, *b2 = P[P_B2] + k0;
  const float delta2 = j->delta2, gamma2 = j->gamma2;
  int k = 0;
  for (; k + 4 <= n; k += 4)
    DATA_TERM (V4, load4, store4, rsqrt4);
  for (; k < n; k++)
    DATA_TERM (float, LOAD1, STORE1, rsqrt);
}

/* Smoothness weights at u + du (forward differences): wh for the edge to the right
 * neighbour, wv to the one below, 0 where there is none. */
static void
phase_weights (const Job *j, int y0, int y1)
{
  float **P = j->P;
  const float *restrict u = j->u, *restrict v = j->v, *restrict du = P[P_DU];
  const float *restrict dv = P[P_DV];
  float *restrict wh = P[P_WH], *restrict wv = P[P_WV];
  const int w = j->w, h = j->h;
  for (int y = y0; y < y1; y++) {
    const gsize r = (gsize) y * w;
    const gsize dn = y + 1 < h ? (gsize) w : 0;
    int x = 0;
    if (dn) {
      /* rows with a row below: all but the last column, four pixels at a time */
      for (; x + 4 < w; x += 4) {
        const gsize k = r + x;
        const V4 uk = load4 (u + k) + load4 (du + k), vk = load4 (v + k) + load4 (dv + k);
        const V4 ux = load4 (u + k + 1) + load4 (du + k + 1) - uk;
        const V4 vx = load4 (v + k + 1) + load4 (dv + k + 1) - vk;
        const V4 uy = load4 (u + k + dn) + load4 (du + k + dn) - uk;
        const V4 vy = load4 (v + k + dn) + load4 (dv + k + dn) - vk;
        const V4 c = j->alpha2 * rsqrt4 (ux * ux + vx * vx + uy * uy + vy * vy + EPS2);
        store4 (wh + k, c);
        store4 (wv + k, c);
      }
    }
    for (; x < w; x++) {
      gsize k = r + x, kr = x + 1 < w ? k + 1 : k;
      /* the same arithmetic as the lanes above */
      const float uk = u[k] + du[k], vk = v[k] + dv[k];
      float ux = u[kr] + du[kr] - uk, vx = v[kr] + dv[kr] - vk;
      float uy = u[k + dn] + du[k + dn] - uk, vy = v[k + dn] + dv[k + dn] - vk;
      float c = j->alpha2 * rsqrt (ux * ux + vx * vx + uy * uy + vy * vy + EPS2);
      wh[k] = x + 1 < w ? c : 0.0f;
      wv[k] = dn ? c : 0.0f;
    }
  }
}

static void phase_system_pixel (const Job *j, int x, int y);

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
  for (int y = y0; y < y1; y++) {
    int x = 0;
    if (y > 0 && y + 1 < h && j->alpha2 > 0) {
      /* inner rows: every neighbour exists, and with alpha > 0 the diagonal is positive
       * (EPS2 keeps each weight > 0): from the second column, four pixels at a time */
      const gsize r = (gsize) y * w;
      phase_system_pixel (j, x, y);
      for (x = 1; x + 5 < w; x += 4) {
        const gsize k = r + x;
        const V4 cl = load4 (wh + k - 1), cu = load4 (wv + k - w), cr = load4 (wh + k);
        const V4 cd = load4 (wv + k);
        const V4 sum = cl + cu + cr + cd;
        const V4 uk = load4 (u + k), vk = load4 (v + k);
        store4 (b1 + k, load4 (b1 + k) + (cr * (load4 (u + k + 1) - uk)
                                          + cl * (load4 (u + k - 1) - uk)
                                          + cd * (load4 (u + k + w) - uk)
                                          + cu * (load4 (u + k - w) - uk)));
        store4 (b2 + k, load4 (b2 + k) + (cr * (load4 (v + k + 1) - vk)
                                          + cl * (load4 (v + k - 1) - vk)
                                          + cd * (load4 (v + k + w) - vk)
                                          + cu * (load4 (v + k - w) - vk)));
        store4 (a11 + k, 1.0f / (load4 (a11 + k) + sum));
        store4 (a22 + k, 1.0f / (load4 (a22 + k) + sum));
      }
    }
    for (; x < w; x++)
      phase_system_pixel (j, x, y);
  }
}

/* One pixel of phase_system, any position; the same arithmetic as its lanes. */
static void
phase_system_pixel (const Job *j, int x, int y)
{
  float **P = j->P;
  const float *u = j->u, *v = j->v, *wh = P[P_WH], *wv = P[P_WV];
  float *a11 = P[P_A11], *a22 = P[P_A22], *b1 = P[P_B1], *b2 = P[P_B2];
  const int w = j->w, h = j->h;
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

typedef gint32 V4i __attribute__ ((vector_size (16)));

/* Lanes 0, 2, 4, 6 of the 8 floats at @p: every second pixel, as one colour of a row. */
static inline V4
load_even (const float *p)
{
  return __builtin_shuffle (load4 (p), load4 (p + 4), (V4i) { 0, 2, 4, 6 });
}

/* Writes @v into the floats 0, 2, 4, 6 at @p, keeping 1, 3, 5, 7. */
static inline void
store_even (float *p, V4 v)
{
  store4 (p, __builtin_shuffle (v, load4 (p), (V4i) { 0, 5, 1, 7 }));
  store4 (p + 4, __builtin_shuffle (v, load4 (p + 4), (V4i) { 2, 5, 3, 7 }));
}

/* Half an SOR sweep, red-black order: the pixels of one colour depend only on the other
 * colour, so rows (and threads) are independent, and four pixels of a row (every second
 * one) are updated at once with the same arithmetic as sor_pixel, lane by lane. */
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
    /* four at a time while the 8 floats from x - 1 to x + 8 are in the row */
    for (; x + 8 < w; x += 8) {
      const gsize k = r + x;
      const V4 cl = load_even (wh + k - 1), cr = load_even (wh + k), cd = load_even (wv + k);
      const V4 cu = up ? load_even (wv + k - up) : (V4) { 0 };
      const V4 nu = cl * load_even (du + k - 1) + cr * load_even (du + k + 1)
                    + cu * load_even (du + k - up) + cd * load_even (du + k + dn);
      const V4 nv = cl * load_even (dv + k - 1) + cr * load_even (dv + k + 1)
                    + cu * load_even (dv + k - up) + cd * load_even (dv + k + dn);
      const V4 c12 = load_even (a12 + k);
      V4 u0 = load_even (du + k), v0 = load_even (dv + k);
      V4 nd = (load_even (b1 + k) + nu - c12 * v0) * load_even (a11 + k);
      u0 += om * (nd - u0);
      nd = (load_even (b2 + k) + nv - c12 * u0) * load_even (a22 + k);
      v0 += om * (nd - v0);
      store_even (du + k, u0);
      store_even (dv + k, v0);
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

/* Below this many pixels a phase is done on the calling thread: waking the pool and waiting
 * for it (its workers spin a while before sleeping) costs more CPU than the phase saves. */
#define MIN_POOL_PIXELS 40000

/* Runs @fn over all rows, in bands on the pool when there is one and the plane is large. */
static void
phase (FvCpuPool *pool, PhaseFn fn, const Job *job)
{
  if (pool == NULL || job->h < 8 || (gint64) job->w * job->h < MIN_POOL_PIXELS) {
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
