/* fovea — DIS dense optical flow kernels (see gpu/dis_flow_gpu.h). The arithmetic of each
 * kernel is that of the CPU engine's step (calculators/flow/dis_flow.c and
 * variational_refinement.c) for one pixel or patch, so the two differ only where the
 * parallel propagation scheme of the inverse search differs from the CPU's sequential one,
 * and in the order of float sums. Build option FV_PSZ: the patch side (a constant lets the
 * compiler unroll the patch loops). All planes are row-major floats, rows packed. */

#ifndef FV_PSZ
#define FV_PSZ 8
#endif

#define ZETA2 0.01f
#define EPS2 1e-6f

/* ------------------------------------------------------------------ image planes */

/* The gray plane of an interleaved 8-bit frame read in place (fv_flow_gray, bit for bit:
 * GRAY8 as is, colour as BT.601 luma in 16-bit fixed point, rounded, in integers so no
 * float rounding can differ). @format is FvGpuPixelFormat: 0 GRAY8, 1 RGB24, 2 RGBA32,
 * 3 BGRA32. */
__kernel void
fv_dis_gray (__global const uchar *img, int w, int h, int stride, int format,
             __global float *dst)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= w || y >= h)
    return;
  __global const uchar *row = img + (size_t) y * (size_t) stride;
  uint v;
  if (format == 0) {
    v = row[x];
  } else {
    const int ch = format == 1 ? 3 : 4;
    __global const uchar *px = row + (size_t) x * ch;
    const uint r = format == 3 ? px[2] : px[0], b = format == 3 ? px[0] : px[2];
    v = (19595u * r + 38470u * px[1] + 7471u * b + 32768u) >> 16;
  }
  dst[(size_t) y * w + x] = (float) v;
}

/* Half size by 2x2 averaging (fv_flow_gray_half). */
__kernel void
fv_dis_half (__global const float *src, int sw, __global float *dst, int dw, int dh)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= dw || y >= dh)
    return;
  __global const float *r0 = src + (2 * y) * sw, *r1 = r0 + sw;
  dst[y * dw + x] = 0.25f * (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]);
}

/* @src with a replicated border of @b pixels, (w + 2b) x (h + 2b): patch reads at any
 * clamped position need no bounds tests. */
__kernel void
fv_dis_border (__global const float *src, int w, int h, int b, __global float *dst)
{
  const int x = get_global_id (0), y = get_global_id (1);
  const int we = w + 2 * b;
  if (x >= we || y >= h + 2 * b)
    return;
  dst[y * we + x] = src[clamp (y - b, 0, h - 1) * w + clamp (x - b, 0, w - 1)];
}

/* 3x3 Sobel, unnormalised, replicated border. */
__kernel void
fv_dis_sobel (__global const float *src, int w, int h, __global float *gx, __global float *gy)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= w || y >= h)
    return;
  __global const float *a = src + max (y - 1, 0) * w, *m = src + y * w;
  __global const float *c = src + min (y + 1, h - 1) * w;
  const int l = max (x - 1, 0), r = min (x + 1, w - 1);
  gx[y * w + x] = (a[r] - a[l]) + 2.0f * (m[r] - m[l]) + (c[r] - c[l]);
  gy[y * w + x] = (c[l] - a[l]) + 2.0f * (c[x] - a[x]) + (c[r] - a[r]);
}

/* Bilinear upsampling of a flow field (pixel centres aligned, as OpenCV's resize), times
 * @scale; @fx, @fy: source / destination size, computed by the host as the CPU does. Into
 * planes @du, @dv, or interleaved into @du when @interleaved. */
__kernel void
fv_dis_upsample (__global const float *su, __global const float *sv, int sw, int sh,
                 __global float *du, __global float *dv, int dw, int dh, float fx, float fy,
                 float scale, int interleaved)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= dw || y >= dh)
    return;
  const float sxf = clamp ((x + 0.5f) * fx - 0.5f, 0.0f, (float) (sw - 1));
  const int x0 = min ((int) sxf, max (sw - 2, 0));
  const float ax = sw > 1 ? sxf - (float) x0 : 0.0f;
  const int x1 = min (x0 + 1, sw - 1);
  const float syf = clamp ((y + 0.5f) * fy - 0.5f, 0.0f, (float) (sh - 1));
  const int y0 = (int) syf, y1 = min (y0 + 1, sh - 1);
  const float ay = syf - (float) y0;
  __global const float *u0 = su + y0 * sw, *u1 = su + y1 * sw;
  __global const float *v0 = sv + y0 * sw, *v1 = sv + y1 * sw;
  const float ru0 = scale * (u0[x0] + ay * (u1[x0] - u0[x0]));
  const float ru1 = scale * (u0[x1] + ay * (u1[x1] - u0[x1]));
  const float rv0 = scale * (v0[x0] + ay * (v1[x0] - v0[x0]));
  const float rv1 = scale * (v0[x1] + ay * (v1[x1] - v0[x1]));
  const float ou = ru0 + ax * (ru1 - ru0), ov = rv0 + ax * (rv1 - rv0);
  const int k = y * dw + x;
  if (interleaved) {
    du[2 * k] = ou;
    du[2 * k + 1] = ov;
  } else {
    du[k] = ou;
    dv[k] = ov;
  }
}

/* Planes @u, @v into the interleaved field @uv. */
__kernel void
fv_dis_interleave (__global const float *u, __global const float *v, int n, __global float *uv)
{
  const int k = get_global_id (0);
  if (k >= n)
    return;
  uv[2 * k] = u[k];
  uv[2 * k + 1] = v[k];
}

/* ------------------------------------------------------------------ inverse search */

/* Per grid patch: the sums of Ix^2, Iy^2, IxIy, Ix, Iy (its Hessian and mean gradient,
 * fixed during its search). */
__kernel void
fv_dis_structure (__global const float *ix, __global const float *iy, int w, int st, int ws,
                  int hs, __global float *sxx, __global float *syy, __global float *sxy,
                  __global float *gx, __global float *gy)
{
  const int js = get_global_id (0), is = get_global_id (1);
  if (js >= ws || is >= hs)
    return;
  float xx = 0, yy = 0, xy = 0, x1 = 0, y1 = 0;
  for (int r = 0; r < FV_PSZ; r++) {
    __global const float *px = ix + (is * st + r) * w + js * st;
    __global const float *py = iy + (is * st + r) * w + js * st;
    for (int c = 0; c < FV_PSZ; c++) {
      xx += px[c] * px[c];
      yy += py[c] * py[c];
      xy += px[c] * py[c];
      x1 += px[c];
      y1 += py[c];
    }
  }
  const int k = is * ws + js;
  sxx[k] = xx;
  syy[k] = yy;
  sxy[k] = xy;
  gx[k] = x1;
  gy[k] = y1;
}

/* What the search knows of a level and of one patch on it. */
typedef struct {
  __global const float *t, *tx, *ty;  /* I0 and its gradients at the patch's top-left */
  int tstride;
  __global const float *e;            /* I1 with its border */
  int estride;
  float lo_i, hi_i, lo_j, hi_j;       /* clamps of the patch's top-left in I1ext */
  int i, j, b, mean_norm;
} Patch;

/* The sums over the patch displaced by (u, v) of d, d^2, d Ix, d Iy (d: bilinear I1 - I0). */
static float4
patch_sums (const Patch *pt, float u, float v, int grad)
{
  const float yi = clamp (pt->i + v + pt->b, pt->lo_i, pt->hi_i);
  const float xj = clamp (pt->j + u + pt->b, pt->lo_j, pt->hi_j);
  const int y0 = (int) yi, x0 = (int) xj;
  const float fy = yi - y0, fx = xj - x0;
  const float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx),
              w11 = fy * fx;
  float sd = 0, sdd = 0, sx = 0, sy = 0;
  for (int r = 0; r < FV_PSZ; r++) {
    __global const float *a = pt->e + (y0 + r) * pt->estride + x0, *bb = a + pt->estride;
    __global const float *t = pt->t + r * pt->tstride;
    __global const float *tx = pt->tx + r * pt->tstride, *ty = pt->ty + r * pt->tstride;
    for (int c = 0; c < FV_PSZ; c++) {
      const float d = w00 * a[c] + w01 * a[c + 1] + w10 * bb[c] + w11 * bb[c + 1] - t[c];
      sd += d;
      sdd += d * d;
      if (grad) {
        sx += d * tx[c];
        sy += d * ty[c];
      }
    }
  }
  return (float4) (sd, sdd, sx, sy);
}

static float
patch_error (const Patch *pt, float u, float v)
{
  const float4 s = patch_sums (pt, u, v, 0);
  return pt->mean_norm ? s.y - s.x * s.x / (float) (FV_PSZ * FV_PSZ) : s.y;
}

static Patch
patch_at (__global const float *i0, __global const float *ix, __global const float *iy,
          __global const float *i1ext, int w, int h, int b, int mean_norm, int i, int j)
{
  Patch pt;
  pt.tstride = w;
  pt.e = i1ext;
  pt.estride = w + 2 * b;
  pt.lo_i = (float) (b - FV_PSZ + 1);
  pt.hi_i = (float) (b + h - 1);
  pt.lo_j = (float) (b - FV_PSZ + 1);
  pt.hi_j = (float) (b + w - 1);
  pt.i = i;
  pt.j = j;
  pt.b = b;
  pt.mean_norm = mean_norm;
  pt.t = i0 + i * w + j;
  pt.tx = ix + i * w + j;
  pt.ty = iy + i * w + j;
  return pt;
}

/* @inner inverse compositional Gauss-Newton steps of patch @idx from its vector (the
 * Hessian is I0's, fixed); the result is kept unless it moved farther than a patch side
 * (a match far from where the search started is more likely wrong than right). */
static void
descend (const Patch *pt, int idx, int inner, __global const float *sxx,
         __global const float *syy, __global const float *sxy, __global const float *gx,
         __global const float *gy, __global float *sx, __global float *sy)
{
  const float n = (float) (FV_PSZ * FV_PSZ);
  const float mx = gx[idx] / n, my = gy[idx] / n;
  float xx = sxx[idx], yy = syy[idx], xy = sxy[idx];
  if (pt->mean_norm) {
    /* the Hessian of the mean-removed error: the gradients' covariance */
    xx -= n * mx * mx;
    yy -= n * my * my;
    xy -= n * mx * my;
  }
  float det = xx * yy - xy * xy;
  if (fabs (det) < 1e-3f)
    det = 1e-3f;
  const float h11 = yy / det, h12 = -xy / det, h22 = xx / det;
  float u = sx[idx], v = sy[idx], prev = INFINITY;
  for (int t = 0; t < inner; t++) {
    const float4 s = patch_sums (pt, u, v, 1);
    float bu = s.z, bv = s.w, e = s.y;
    if (pt->mean_norm) {
      bu -= s.x * mx;
      bv -= s.x * my;
      e -= s.x * s.x / n;
    }
    u -= h11 * bu + h12 * bv;
    v -= h12 * bu + h22 * bv;
    if (e >= prev)
      break;
    prev = e;
  }
  const float du = u - sx[idx], dv = v - sy[idx];
  if (du * du + dv * dv <= (float) (FV_PSZ * FV_PSZ)) {
    sx[idx] = u;
    sy[idx] = v;
  }
}

/* One sweep along each grid row (@cols 0) or column (@cols 1), a work item per row or
 * column, all in parallel (as OpenCV's OpenCL DIS): @init takes each patch's start from
 * the coarser scale's flow (@u0, @v0 at the patch centre); with @propagate a patch takes
 * the vector of the patch before it in the sweep (direction @dir) when that fits better;
 * then @inner descent steps. The host sweeps rows with descent and columns without: a
 * descent after a column's propagation too measured better on a shifted photo but worse
 * on Motorcycle. */
__kernel void
fv_dis_search (__global const float *i0, __global const float *ix, __global const float *iy,
               __global const float *i1ext, int w, int h, int b, int st, int ws, int hs,
               __global const float *sxx, __global const float *syy,
               __global const float *sxy, __global const float *gx,
               __global const float *gy, __global const float *u0,
               __global const float *v0, int cols, int init, int dir, int inner,
               int mean_norm, int propagate, __global float *sx,
               __global float *sy)
{
  const int line = get_global_id (0);
  const int len = cols ? hs : ws;
  if (line >= (cols ? ws : hs))
    return;
  const int step = cols ? ws : 1;
  for (int m = 0; m < len; m++) {
    const int pos = dir > 0 ? m : len - 1 - m;
    const int is = cols ? pos : line, js = cols ? line : pos;
    const int idx = is * ws + js;
    const Patch pt = patch_at (i0, ix, iy, i1ext, w, h, b, mean_norm, is * st, js * st);
    if (init) {
      const int c = (pt.i + FV_PSZ / 2) * w + pt.j + FV_PSZ / 2;
      sx[idx] = u0[c];
      sy[idx] = v0[c];
    }
    if (propagate && m > 0) {
      const int o = idx - dir * step;
      if (patch_error (&pt, sx[o], sy[o]) < patch_error (&pt, sx[idx], sy[idx])) {
        sx[idx] = sx[o];
        sy[idx] = sy[o];
      }
    }
    if (inner > 0)
      descend (&pt, idx, inner, sxx, syy, sxy, gx, gy, sx, sy);
  }
}

/* ------------------------------------------------------------------ densification */

/* Each pixel's flow: the average of the vectors of the patches covering it, weighted by
 * 1 / max(1, |I1(x + flow) - I0(x)|). */
__kernel void
fv_dis_densify (__global const float *i0, __global const float *i1, int w, int h, int st,
                int ws, int hs, __global const float *sx, __global const float *sy,
                __global float *u, __global float *v)
{
  const int j = get_global_id (0), i = get_global_id (1);
  if (j >= w || i >= h)
    return;
  int is0 = i - FV_PSZ + 1 <= 0 ? 0 : (i - FV_PSZ + st) / st;
  const int is1 = min (i / st, hs - 1);
  is0 = min (is0, is1);
  int js0 = j - FV_PSZ + 1 <= 0 ? 0 : (j - FV_PSZ + st) / st;
  const int js1 = min (j / st, ws - 1);
  js0 = min (js0, js1);
  const float t0 = i0[i * w + j];
  float su = 0, sv = 0, sw = 0;
  for (int is = is0; is <= is1; is++)
    for (int js = js0; js <= js1; js++) {
      const int k = is * ws + js;
      const float fu = sx[k], fv = sy[k];
      const float xm = clamp (j + fu, 0.0f, w - 1.001f), ym = clamp (i + fv, 0.0f, h - 1.001f);
      const int x0 = (int) xm, y0 = (int) ym;
      const float fx = xm - x0, fy = ym - y0;
      __global const float *r0 = i1 + y0 * w + x0, *r1 = r0 + w;
      const float top = r0[0] + fx * (r0[1] - r0[0]), bot = r1[0] + fx * (r1[1] - r1[0]);
      const float d = fabs (top + fy * (bot - top) - t0);
      const float c = d > 1.0f ? 1.0f / d : 1.0f;
      su += c * fu;
      sv += c * fv;
      sw += c;
    }
  u[i * w + j] = su / sw;
  v[i * w + j] = sv / sw;
}

/* ------------------------------------------------------------------ variational refinement */

/* Warped I1 (bilinear, clamped), the averaged image (into @avg) and I1w - I0 (into @iz). */
__kernel void
fv_dis_warp (__global const float *i0, __global const float *i1, __global const float *u,
             __global const float *v, int w, int h, __global float *avg, __global float *iz)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= w || y >= h)
    return;
  const int k = y * w + x;
  const float px = clamp ((float) x + u[k], 0.0f, (float) (w - 1));
  const float py = clamp ((float) y + v[k], 0.0f, (float) (h - 1));
  const int x0 = (int) px, y0 = (int) py;
  const int x1 = min (x0 + 1, w - 1), y1 = min (y0 + 1, h - 1);
  const float fx = px - (float) x0, fy = py - (float) y0;
  __global const float *r0 = i1 + y0 * w, *r1 = i1 + y1 * w;
  const float top = r0[x0] + fx * (r0[x1] - r0[x0]);
  const float bot = r1[x0] + fx * (r1[x1] - r1[x0]);
  const float wv = top + fy * (bot - top);
  avg[k] = 0.5f * (i0[k] + wv);
  iz[k] = wv - i0[k];
}

/* [-1 0 1] differences with a replicated border, along x and along y, of @src at (x, y). */
static float
diff_x (__global const float *src, int w, int x, int y)
{
  __global const float *s = src + y * w;
  return w == 1 ? 0.0f : s[min (x + 1, w - 1)] - s[max (x - 1, 0)];
}

static float
diff_y (__global const float *src, int w, int h, int x, int y)
{
  return src[min (y + 1, h - 1) * w + x] - src[max (y - 1, 0) * w + x];
}

/* The first derivatives of the averaged image and of I1w - I0. */
__kernel void
fv_dis_deriv1 (__global const float *avg, __global const float *iz, int w, int h,
               __global float *ix, __global float *iy, __global float *ixz,
               __global float *iyz)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= w || y >= h)
    return;
  const int k = y * w + x;
  ix[k] = diff_x (avg, w, x, y);
  iy[k] = diff_y (avg, w, h, x, y);
  ixz[k] = diff_x (iz, w, x, y);
  iyz[k] = diff_y (iz, w, h, x, y);
}

/* The second derivatives of the averaged image, from its first ones. */
__kernel void
fv_dis_deriv2 (__global const float *ix, __global const float *iy, int w, int h,
               __global float *ixx, __global float *ixy, __global float *iyy)
{
  const int x = get_global_id (0), y = get_global_id (1);
  if (x >= w || y >= h)
    return;
  const int k = y * w + x;
  ixx[k] = diff_x (ix, w, x, y);
  ixy[k] = diff_y (ix, w, h, x, y);
  iyy[k] = diff_y (iy, w, h, x, y);
}

/* The refinement's planes and constants, for the per-pixel steps below. */
typedef struct {
  __global const float *u, *v;
  __global float *ix, *iy, *iz, *ixx, *ixy, *iyy, *ixz, *iyz;
  __global float *a11, *a12, *a22, *b1, *b2, *wh, *wv, *du, *dv;
  int w, h;
  float delta2, gamma2, alpha2, om;
} Var;

/* The linearised data terms (brightness and gradient constancy, robust, normalised by the
 * image gradient) of pixel @k at the current increment (du, dv). */
static void
data_px (const Var *q, int k)
{
  const float gx = q->ix[k], gy = q->iy[k], z = q->iz[k], a = q->du[k], b = q->dv[k];
  const float norm = gx * gx + gy * gy + ZETA2;
  const float r = z + gx * a + gy * b;
  const float wb = q->delta2 * rsqrt (r * r / norm + EPS2) / norm;
  const float gxx = q->ixx[k], gxy = q->ixy[k], gyy = q->iyy[k], xz = q->ixz[k];
  const float yz = q->iyz[k];
  const float n1 = gxx * gxx + gxy * gxy + ZETA2, n2 = gyy * gyy + gxy * gxy + ZETA2;
  const float rx = xz + gxx * a + gxy * b, ry = yz + gxy * a + gyy * b;
  const float wg = q->gamma2 * rsqrt (rx * rx / n1 + ry * ry / n2 + EPS2);
  const float w1 = wg / n1, w2 = wg / n2;
  q->a11[k] = wb * gx * gx + w1 * gxx * gxx + w2 * gxy * gxy;
  q->a12[k] = wb * gx * gy + w1 * gxx * gxy + w2 * gxy * gyy;
  q->a22[k] = wb * gy * gy + w1 * gxy * gxy + w2 * gyy * gyy;
  q->b1[k] = -(wb * z * gx + w1 * gxx * xz + w2 * gxy * yz);
  q->b2[k] = -(wb * z * gy + w1 * gxy * xz + w2 * gyy * yz);
}

/* Smoothness weights at u + du (forward differences): wh for the edge to the right
 * neighbour, wv to the one below, 0 where there is none. */
static void
weights_px (const Var *q, int x, int y)
{
  const int w = q->w;
  const int k = y * w + x, kr = x + 1 < w ? k + 1 : k, dn = y + 1 < q->h ? w : 0;
  __global const float *u = q->u, *v = q->v, *du = q->du, *dv = q->dv;
  const float uk = u[k] + du[k], vk = v[k] + dv[k];
  const float ux = u[kr] + du[kr] - uk, vx = v[kr] + dv[kr] - vk;
  const float uy = u[k + dn] + du[k + dn] - uk, vy = v[k + dn] + dv[k + dn] - vk;
  const float c = q->alpha2 * rsqrt (ux * ux + vx * vx + uy * uy + vy * vy + EPS2);
  q->wh[k] = x + 1 < w ? c : 0.0f;
  q->wv[k] = dn ? c : 0.0f;
}

/* The pull of the base flow towards its neighbours into b1, b2; the neighbours' total
 * weight into the diagonal, which is then inverted. */
static void
system_px (const Var *q, int x, int y)
{
  const int w = q->w;
  const int k = y * w + x;
  const int kl = x > 0 ? k - 1 : k, ku = y > 0 ? k - w : k, kr = x + 1 < w ? k + 1 : k;
  const int kd = y + 1 < q->h ? k + w : k;
  __global const float *u = q->u, *v = q->v;
  const float cl = x > 0 ? q->wh[k - 1] : 0.0f, cu = y > 0 ? q->wv[k - w] : 0.0f;
  const float cr = q->wh[k], cd = q->wv[k];
  const float sum = cl + cu + cr + cd;
  q->b1[k] += cr * (u[kr] - u[k]) + cl * (u[kl] - u[k]) + cd * (u[kd] - u[k])
              + cu * (u[ku] - u[k]);
  q->b2[k] += cr * (v[kr] - v[k]) + cl * (v[kl] - v[k]) + cd * (v[kd] - v[k])
              + cu * (v[ku] - v[k]);
  const float d1 = q->a11[k] + sum, d2 = q->a22[k] + sum;
  q->a11[k] = 1.0f / (d1 > 1e-6f ? d1 : 1e-6f);
  q->a22[k] = 1.0f / (d2 > 1e-6f ? d2 : 1e-6f);
}

/* One SOR update of pixel (x, y). */
static void
sor_px (const Var *q, int x, int y)
{
  const int w = q->w;
  const int k = y * w + x;
  const int up = y > 0 ? w : 0, dn = y + 1 < q->h ? w : 0;
  const int kl = x > 0 ? k - 1 : k, kr = x + 1 < w ? k + 1 : k;
  __global float *du = q->du, *dv = q->dv;
  const float cl = x > 0 ? q->wh[k - 1] : 0.0f, cr = q->wh[k], cd = q->wv[k];
  const float cu = up ? q->wv[k - up] : 0.0f;
  const float nu = cl * du[kl] + cr * du[kr] + cu * du[k - up] + cd * du[k + dn];
  const float nv = cl * dv[kl] + cr * dv[kr] + cu * dv[k - up] + cd * dv[k + dn];
  float u0 = du[k], v0 = dv[k];
  float nd = (q->b1[k] + nu - q->a12[k] * v0) * q->a11[k];
  u0 += q->om * (nd - u0);
  nd = (q->b2[k] + nv - q->a12[k] * u0) * q->a22[k];
  v0 += q->om * (nd - v0);
  du[k] = u0;
  dv[k] = v0;
}

/* The kernels' common arguments: the planes in the order of the host's P_* and the
 * constants. */
#define VAR_ARGS                                                                           \
  __global const float *u, __global const float *v, __global float *ix, __global float *iy, \
    __global float *iz, __global float *ixx, __global float *ixy, __global float *iyy,     \
    __global float *ixz, __global float *iyz, __global float *a11, __global float *a12,    \
    __global float *a22, __global float *b1, __global float *b2, __global float *wh,       \
    __global float *wv, __global float *du, __global float *dv, int w, int h,              \
    float delta2, float gamma2, float alpha2, float om

#define VAR_INIT                                                                           \
  const Var q = { u, v, ix, iy, iz, ixx, ixy, iyy, ixz, iyz, a11, a12, a22, b1, b2, wh, wv, \
                  du, dv, w, h, delta2, gamma2, alpha2, om }

__kernel void
fv_dis_data (VAR_ARGS)
{
  VAR_INIT;
  const int k = get_global_id (0);
  if (k < w * h)
    data_px (&q, k);
}

__kernel void
fv_dis_weights (VAR_ARGS)
{
  VAR_INIT;
  const int x = get_global_id (0), y = get_global_id (1);
  if (x < w && y < h)
    weights_px (&q, x, y);
}

__kernel void
fv_dis_system (VAR_ARGS)
{
  VAR_INIT;
  const int x = get_global_id (0), y = get_global_id (1);
  if (x < w && y < h)
    system_px (&q, x, y);
}

/* Half an SOR sweep, red-black: the pixels with (x + y + @colour) even, which depend only
 * on the other colour, so every pixel of the launch is independent. Work item (i, y) is
 * the i-th such pixel of row y (the launch is half the width). */
__kernel void
fv_dis_sor (VAR_ARGS, int colour)
{
  VAR_INIT;
  const int y = get_global_id (1);
  const int x = 2 * (int) get_global_id (0) + ((y + colour) & 1);
  if (x < w && y < h)
    sor_px (&q, x, y);
}

/* u += du, v += dv. */
__kernel void
fv_dis_add (__global float *u, __global float *v, __global const float *du,
            __global const float *dv, int n)
{
  const int k = get_global_id (0);
  if (k >= n)
    return;
  u[k] += du[k];
  v[k] += dv[k];
}
