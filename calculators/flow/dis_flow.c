/* fovea — dense optical flow by DIS (see dis_flow.h).
 *
 * Layout: every plane is a row-major float array, intensities 0..255. The pyramid halves
 * the size per level by 2x2 averaging (OpenCV's INTER_AREA for a factor of 2). The second
 * frame gets a replicated border of `border` pixels per level so a patch can be read at any
 * clamped position without per-pixel bounds tests; the inner loops run over one patch row
 * of constant length, which gcc vectorises. */
#include "calculators/flow/dis_flow.h"

#include <math.h>
#include <string.h>

#include "calculators/flow/gray.h"
#include "calculators/image/image_gpu.h"
#include "calculators/flow/variational_refinement.h"
#include "gpu/dis_flow_gpu.h"
#include "models/cpu/thread_pool.h"
#include "graph/graph_error.h"

typedef struct {
  int w, h;
  float *i0, *i1;        /* the two frames at this level */
  float *i1ext;          /* i1 with the border, (w + 2b) x (h + 2b) */
  float *ix, *iy;        /* Sobel gradients of i0 */
  float *u, *v;          /* the flow at this level */
} Level;

struct _FvDisFlow {
  FvDisParams p;
  int width, height;     /* the planned size (0: none yet) */
  gboolean have_prev;    /* fv_dis_flow_push: level 0's i0 holds the previous frame */
  int finest, coarsest, border;
  Level lv[FV_DIS_MAX_SCALES];
  /* the sparse grid, sized for the finest level */
  float *sx, *sy, *sxx, *syy, *sxy, *gx, *gy;
  FvVariational *var;
  FvCpuPool *pool;       /* NULL: one thread */
  /* upsampling scratch: per-column index and weight, two blended rows (+1 padding) */
  int *col_x;
  float *col_a, *row_u, *row_v;
  FvGpuDisFlow *gpu;     /* non-NULL: the flow is computed on this OpenCL engine, from the
                          * frames themselves (it converts them to gray and keeps a pushed
                          * frame); nothing is planned here */
};

static const char *const preset_names[FV_DIS_PRESET_COUNT] = {
  "ultrafast", "fast", "medium", "accurate",
};

void
fv_dis_params_preset (FvDisParams *p, FvDisPreset preset)
{
  /* ultrafast and fast are OpenCV's DISOpticalFlow presets; medium trades OpenCV's patch
   * stride 3 and 5 refinement iterations for a stride of 5 and 4 iterations, and spends
   * the time saved on one refinement iteration at full resolution (on the Middlebury
   * Motorcycle pair: 2.43 px endpoint error against OpenCV medium's 2.53, in less CPU
   * time; see demos/bench/flow_vs_opencv.py); accurate searches at full resolution */
  *p = (FvDisParams) {
    .finest_scale = 2, .coarsest_scale = -1, .patch_size = 8, .patch_stride = 4,
    .grad_descent_iter = 16, .variational_iter = 5, .final_variational_iter = 0,
    .alpha = 20.0f, .gamma = 10.0f, .delta = 5.0f, .mean_normalization = TRUE,
    .spatial_propagation = TRUE, .threads = 0,
  };
  switch (preset) {
  case FV_DIS_PRESET_ULTRAFAST:
    p->grad_descent_iter = 12;
    p->variational_iter = 0;
    break;
  case FV_DIS_PRESET_FAST:
    /* 3 refinement iterations, not OpenCV's 5: 3.18 px EPE on Motorcycle against its 3.22,
     * for about 15% less CPU */
    p->variational_iter = 3;
    break;
  case FV_DIS_PRESET_MEDIUM:
    p->finest_scale = 1;
    p->patch_stride = 5;
    /* 12 descent and 3 refinement iterations (OpenCV: 25 and 5): on Motorcycle 2.46 px
     * against OpenCV's 2.53 (25 and 4 gave 2.48) in less time */
    p->grad_descent_iter = 12;
    p->variational_iter = 3;
    p->final_variational_iter = 1;
    break;
  case FV_DIS_PRESET_ACCURATE:
  default:
    p->finest_scale = 0;
    p->patch_stride = 3;
    p->grad_descent_iter = 25;
    break;
  }
}

gboolean
fv_dis_preset_from_name (const char *name, FvDisPreset *preset)
{
  for (int i = 0; i < FV_DIS_PRESET_COUNT; i++)
    if (name != NULL && g_ascii_strcasecmp (name, preset_names[i]) == 0) {
      *preset = (FvDisPreset) i;
      return TRUE;
    }
  return FALSE;
}

const char *
fv_dis_preset_name (FvDisPreset preset)
{
  return preset >= 0 && preset < FV_DIS_PRESET_COUNT ? preset_names[preset] : NULL;
}

gboolean
fv_dis_params_check (const FvDisParams *p, GError **error)
{
  const char *bad = NULL;
  if (p->finest_scale < 0 || p->finest_scale >= FV_DIS_MAX_SCALES)
    bad = "finest_scale";
  else if (p->coarsest_scale >= FV_DIS_MAX_SCALES
           || (p->coarsest_scale >= 0 && p->coarsest_scale < p->finest_scale))
    bad = "coarsest_scale";
  else if (p->patch_size < 4 || p->patch_size > 32)
    bad = "patch_size";
  else if (p->patch_stride < 1 || p->patch_stride > p->patch_size)
    bad = "patch_stride";
  else if (p->grad_descent_iter < 0 || p->grad_descent_iter > 1000)
    bad = "grad_descent_iter";
  else if (p->variational_iter < 0 || p->variational_iter > 1000
           || p->final_variational_iter < 0 || p->final_variational_iter > 1000)
    bad = "variational_iter";
  else if (p->threads < 0 || p->threads > 64)
    bad = "threads";
  else if (!(p->alpha >= 0 && p->alpha < 1e6f) || !(p->gamma >= 0 && p->gamma < 1e6f)
           || !(p->delta >= 0 && p->delta < 1e6f))
    bad = "alpha, gamma or delta";
  if (bad != NULL) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "DIS flow: %s is out of range (finest_scale %d, coarsest_scale %d, "
                 "patch_size %d, patch_stride %d, grad_descent_iter %d, variational_iter %d)",
                 bad, p->finest_scale, p->coarsest_scale, p->patch_size, p->patch_stride,
                 p->grad_descent_iter, p->variational_iter);
    return FALSE;
  }
  return TRUE;
}

FvDisFlow *
fv_dis_flow_new (const FvDisParams *params, GError **error)
{
  if (!fv_dis_params_check (params, error))
    return NULL;
  FvDisFlow *dis = g_new0 (FvDisFlow, 1);
  dis->p = *params;
  int threads = params->threads > 0 ? params->threads : MIN ((int) g_get_num_processors (), 8);
  if (threads > 1) {
    dis->pool = fv_cpu_pool_new (threads, error);
    if (dis->pool == NULL) {
      g_free (dis);
      return NULL;
    }
  }
  return dis;
}

FvGpuDisParams
fv_dis_params_to_gpu (const FvDisParams *params)
{
  return (FvGpuDisParams) {
    .finest_scale = params->finest_scale, .coarsest_scale = params->coarsest_scale,
    .patch_size = params->patch_size, .patch_stride = params->patch_stride,
    .grad_descent_iter = params->grad_descent_iter,
    .variational_iter = params->variational_iter,
    .final_variational_iter = params->final_variational_iter, .alpha = params->alpha,
    .gamma = params->gamma, .delta = params->delta,
    .mean_normalization = params->mean_normalization,
    .spatial_propagation = params->spatial_propagation,
  };
}

FvDisFlow *
fv_dis_flow_new_on_device (const FvDisParams *params, FvGpuDevice *dev, GError **error)
{
  if (!fv_dis_params_check (params, error))
    return NULL;
  const FvGpuDisParams gp = fv_dis_params_to_gpu (params);
  FvGpuDisFlow *gpu = fv_gpu_dis_flow_new (dev, &gp, error);
  if (gpu == NULL)
    return NULL;
  FvDisFlow *dis = g_new0 (FvDisFlow, 1);
  dis->p = *params;
  dis->gpu = gpu;
  return dis;
}

gboolean
fv_dis_flow_on_device (const FvDisFlow *dis)
{
  return dis->gpu != NULL;
}

static void
unplan (FvDisFlow *dis)
{
  for (int s = 0; s < FV_DIS_MAX_SCALES; s++) {
    Level *l = &dis->lv[s];
    g_free (l->i0);
    g_free (l->i1);
    g_free (l->i1ext);
    g_free (l->ix);
    g_free (l->iy);
    g_free (l->u);
    g_free (l->v);
    memset (l, 0, sizeof *l);
  }
  float **sparse[] = { &dis->sx, &dis->sy, &dis->sxx, &dis->syy, &dis->sxy, &dis->gx, &dis->gy };
  for (guint i = 0; i < G_N_ELEMENTS (sparse); i++)
    g_clear_pointer (sparse[i], g_free);
  g_clear_pointer (&dis->var, fv_variational_free);
  g_clear_pointer (&dis->col_x, g_free);
  g_clear_pointer (&dis->col_a, g_free);
  g_clear_pointer (&dis->row_u, g_free);
  g_clear_pointer (&dis->row_v, g_free);
  dis->width = dis->height = 0;
  dis->have_prev = FALSE;
}

void
fv_dis_flow_free (FvDisFlow *dis)
{
  if (dis == NULL)
    return;
  unplan (dis);
  if (dis->pool != NULL)
    fv_cpu_pool_free (dis->pool);
  fv_gpu_dis_flow_free (dis->gpu);
  g_free (dis);
}

/* Buffers for frames of @w x @h. */
static gboolean
plan (FvDisFlow *dis, int w, int h, GError **error)
{
  const FvDisParams *p = &dis->p;
  unplan (dis);
  if (w < p->patch_size || h < p->patch_size) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "DIS flow: frames of %dx%d are smaller than a patch (%dx%d)", w, h,
                 p->patch_size, p->patch_size);
    return FALSE;
  }
  if (dis->gpu != NULL) {
    /* the device plans its own buffers, and reads the frames in place */
    dis->width = w;
    dis->height = h;
    return TRUE;
  }
  int finest, coarsest;
  fv_gpu_dis_choose_scales (w, h, p->patch_size, p->finest_scale, p->coarsest_scale, &finest,
                            &coarsest);
  dis->finest = finest;
  dis->coarsest = coarsest;
  dis->border = MAX (16, p->patch_size);
  const int b = dis->border;
  for (int s = 0; s <= coarsest; s++) {
    Level *l = &dis->lv[s];
    l->w = s == 0 ? w : dis->lv[s - 1].w / 2;
    l->h = s == 0 ? h : dis->lv[s - 1].h / 2;
    gsize n = (gsize) l->w * (gsize) l->h;
    l->i0 = g_new (float, n);
    l->i1 = g_new (float, n);
    if (s == 0 && finest > 0 && p->final_variational_iter > 0) {
      /* the upsampled flow, refined at full resolution */
      l->u = g_new (float, n);
      l->v = g_new (float, n);
    }
    if (s >= finest) {
      l->i1ext = g_new (float, (gsize) (l->w + 2 * b) * (gsize) (l->h + 2 * b));
      l->ix = g_new (float, n);
      l->iy = g_new (float, n);
      l->u = g_new (float, n);
      l->v = g_new (float, n);
    }
  }
  const Level *f = &dis->lv[finest];
  gsize ns = (gsize) (1 + (f->w - p->patch_size) / p->patch_stride)
             * (gsize) (1 + (f->h - p->patch_size) / p->patch_stride);
  float **sparse[] = { &dis->sx, &dis->sy, &dis->sxx, &dis->syy, &dis->sxy, &dis->gx, &dis->gy };
  for (guint i = 0; i < G_N_ELEMENTS (sparse); i++)
    *sparse[i] = g_new (float, ns);
  if (p->variational_iter > 0 || (finest > 0 && p->final_variational_iter > 0))
    dis->var = fv_variational_new (w, h);
  dis->col_x = g_new (int, w);
  dis->col_a = g_new (float, w);
  dis->row_u = g_new (float, w + 1);
  dis->row_v = g_new (float, w + 1);
  dis->width = w;
  dis->height = h;
  return TRUE;
}

/* ------------------------------------------------------------------ image planes */

static void
make_border (const float *src, int w, int h, int b, float *dst)
{
  const int we = w + 2 * b;
  for (int y = 0; y < h + 2 * b; y++) {
    const float *s = src + (gsize) CLAMP (y - b, 0, h - 1) * w;
    float *d = dst + (gsize) y * we;
    for (int x = 0; x < b; x++)
      d[x] = s[0];
    memcpy (d + b, s, (gsize) w * sizeof (float));
    for (int x = w + b; x < we; x++)
      d[x] = s[w - 1];
  }
}

/* 3x3 Sobel (unnormalised, as OpenCV's spatialGradient), replicated border. */
static void
sobel (const float *src, int w, int h, float *gx, float *gy)
{
  for (int y = 0; y < h; y++) {
    const float *a = src + (gsize) MAX (y - 1, 0) * w;
    const float *m = src + (gsize) y * w;
    const float *c = src + (gsize) MIN (y + 1, h - 1) * w;
    float *ox = gx + (gsize) y * w, *oy = gy + (gsize) y * w;
    for (int x = 0; x < w; x++) {
      int l = MAX (x - 1, 0), r = MIN (x + 1, w - 1);
      ox[x] = (a[r] - a[l]) + 2.0f * (m[r] - m[l]) + (c[r] - c[l]);
      oy[x] = (c[l] - a[l]) + 2.0f * (c[x] - a[x]) + (c[r] - a[r]);
    }
  }
}

/* Bilinear upsampling of a flow field (planes @su, @sv of @sw x @sh) to @dw x @dh (pixel
 * centres aligned, as OpenCV's resize), times @scale, into planes @du, @dv, or interleaved
 * into @duv when @du is NULL. Separable: each output row blends two source rows (a
 * vectorised pass), then samples that row through per-column indices and weights
 * (dis->col_*, dis->row_*: planned for the widest level). */
static void
upsample (FvDisFlow *dis, const float *su, const float *sv, int sw, int sh, float *du,
          float *dv, float *duv, int dw, int dh, float scale)
{
  const float fx = (float) sw / dw, fy = (float) sh / dh;
  int *x0s = dis->col_x;
  float *axs = dis->col_a;
  for (int x = 0; x < dw; x++) {
    float sx = CLAMP ((x + 0.5f) * fx - 0.5f, 0.0f, (float) (sw - 1));
    x0s[x] = MIN ((int) sx, sw - 2 < 0 ? 0 : sw - 2);
    axs[x] = sw > 1 ? sx - (float) x0s[x] : 0.0f;
  }
  float *ru = dis->row_u, *rv = dis->row_v;
  /* a padding column so x0 + 1 is always readable */
  ru[sw] = rv[sw] = 0.0f;
  for (int y = 0; y < dh; y++) {
    float sy = CLAMP ((y + 0.5f) * fy - 0.5f, 0.0f, (float) (sh - 1));
    int y0 = (int) sy, y1 = MIN (y0 + 1, sh - 1);
    const float ay = sy - y0;
    const float *u0 = su + (gsize) y0 * sw, *u1 = su + (gsize) y1 * sw;
    const float *v0 = sv + (gsize) y0 * sw, *v1 = sv + (gsize) y1 * sw;
    for (int x = 0; x < sw; x++) {
      ru[x] = scale * (u0[x] + ay * (u1[x] - u0[x]));
      rv[x] = scale * (v0[x] + ay * (v1[x] - v0[x]));
    }
    if (du != NULL) {
      float *ou = du + (gsize) y * dw, *ov = dv + (gsize) y * dw;
      for (int x = 0; x < dw; x++) {
        const int i = x0s[x];
        const float a = axs[x];
        ou[x] = ru[i] + a * (ru[i + 1] - ru[i]);
        ov[x] = rv[i] + a * (rv[i + 1] - rv[i]);
      }
    } else {
      float *o = duv + (gsize) y * dw * 2;
      for (int x = 0; x < dw; x++) {
        const int i = x0s[x];
        const float a = axs[x];
        o[2 * x] = ru[i] + a * (ru[i + 1] - ru[i]);
        o[2 * x + 1] = rv[i] + a * (rv[i + 1] - rv[i]);
      }
    }
  }
}

/* ------------------------------------------------------------------ inverse search */

/* Sums over each grid patch of Ix^2, Iy^2, IxIy, Ix, Iy (the patch's Hessian and mean
 * gradient, fixed during its search). */
static void
structure_tensor (FvDisFlow *dis, const Level *l, int ws, int hs)
{
  const int psz = dis->p.patch_size, st = dis->p.patch_stride;
  for (int is = 0; is < hs; is++)
    for (int js = 0; js < ws; js++) {
      float xx = 0, yy = 0, xy = 0, x1 = 0, y1 = 0;
      for (int r = 0; r < psz; r++) {
        const float *px = l->ix + (gsize) (is * st + r) * l->w + js * st;
        const float *py = l->iy + (gsize) (is * st + r) * l->w + js * st;
        for (int c = 0; c < psz; c++) {
          xx += px[c] * px[c];
          yy += py[c] * py[c];
          xy += px[c] * py[c];
          x1 += px[c];
          y1 += py[c];
        }
      }
      gsize k = (gsize) is * ws + js;
      dis->sxx[k] = xx;
      dis->syy[k] = yy;
      dis->sxy[k] = xy;
      dis->gx[k] = x1;
      dis->gy[k] = y1;
    }
}

typedef struct {
  const float *t;      /* I0 at the patch's top-left */
  const float *tx, *ty;/* its gradients */
  int tstride;
  const float *e;      /* I1ext */
  int estride;
  float lo_i, hi_i, lo_j, hi_j;   /* clamps of the patch's top-left in I1ext */
  int i, j;            /* the patch's top-left in I0 */
  int psz, b;
  gboolean mean_norm;
} Patch;

/* The sums over the patch displaced by (u, v) of d, d^2, d Ix and d Iy, where d is the
 * bilinearly sampled I1 minus I0. */
static inline void
patch_sums_n (const Patch *pt, float u, float v, gboolean grad, float out[4], const int psz)
{
  float yi = CLAMP (pt->i + v + pt->b, pt->lo_i, pt->hi_i);
  float xj = CLAMP (pt->j + u + pt->b, pt->lo_j, pt->hi_j);
  int y0 = (int) yi, x0 = (int) xj;
  float fy = yi - y0, fx = xj - x0;
  float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
  float sd = 0, sdd = 0, sx = 0, sy = 0;
  for (int r = 0; r < psz; r++) {
    const float *a = pt->e + (gsize) (y0 + r) * pt->estride + x0, *bb = a + pt->estride;
    const float *t = pt->t + (gsize) r * pt->tstride;
    const float *tx = pt->tx + (gsize) r * pt->tstride, *ty = pt->ty + (gsize) r * pt->tstride;
    if (grad) {
      for (int c = 0; c < psz; c++) {
        float d = w00 * a[c] + w01 * a[c + 1] + w10 * bb[c] + w11 * bb[c + 1] - t[c];
        sd += d;
        sdd += d * d;
        sx += d * tx[c];
        sy += d * ty[c];
      }
    } else {
      for (int c = 0; c < psz; c++) {
        float d = w00 * a[c] + w01 * a[c + 1] + w10 * bb[c] + w11 * bb[c + 1] - t[c];
        sd += d;
        sdd += d * d;
      }
    }
  }
  out[0] = sd;
  out[1] = sdd;
  out[2] = sx;
  out[3] = sy;
}

/* Four lanes of floats (GCC's generic vectors, lowered to SSE / NEON / scalar code). */
typedef float V4 __attribute__ ((vector_size (16)));

static inline V4
load4 (const float *p)
{
  V4 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static inline float
sum4 (V4 v)
{
  return (v[0] + v[1]) + (v[2] + v[3]);
}

/* patch_sums_n for 8x8 patches, four columns per lane: gcc does not vectorise the
 * reductions of the scalar loop (that would reorder the float sums), so the lanes are
 * explicit. */
static inline void
patch_sums_8 (const Patch *pt, float u, float v, gboolean grad, float out[4])
{
  float yi = CLAMP (pt->i + v + pt->b, pt->lo_i, pt->hi_i);
  float xj = CLAMP (pt->j + u + pt->b, pt->lo_j, pt->hi_j);
  int y0 = (int) yi, x0 = (int) xj;
  float fy = yi - y0, fx = xj - x0;
  const float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx),
              w11 = fy * fx;
  V4 sd = { 0 }, sdd = { 0 }, sx = { 0 }, sy = { 0 };
  for (int r = 0; r < 8; r++) {
    const float *a = pt->e + (gsize) (y0 + r) * pt->estride + x0, *bb = a + pt->estride;
    const float *t = pt->t + (gsize) r * pt->tstride;
    for (int h = 0; h < 8; h += 4) {
      V4 d = w00 * load4 (a + h) + w01 * load4 (a + h + 1) + w10 * load4 (bb + h)
             + w11 * load4 (bb + h + 1) - load4 (t + h);
      sd += d;
      sdd += d * d;
      if (grad) {
        sx += d * load4 (pt->tx + (gsize) r * pt->tstride + h);
        sy += d * load4 (pt->ty + (gsize) r * pt->tstride + h);
      }
    }
  }
  out[0] = sum4 (sd);
  out[1] = sum4 (sdd);
  out[2] = sum4 (sx);
  out[3] = sum4 (sy);
}

static inline void
patch_sums (const Patch *pt, float u, float v, gboolean grad, float out[4])
{
  if (pt->psz == 8)
    patch_sums_8 (pt, u, v, grad, out);
  else
    patch_sums_n (pt, u, v, grad, out, pt->psz);
}

/* The patch's error at (u, v): SSD, or with mean normalisation the SSD of the
 * mean-removed difference. */
static inline float
patch_error (const Patch *pt, float u, float v)
{
  float s[4];
  patch_sums (pt, u, v, FALSE, s);
  return pt->mean_norm ? s[1] - s[0] * s[0] / (float) (pt->psz * pt->psz) : s[1];
}

/* The inverse search of the grid rows [@is_begin, @is_end): a band of its own, so bands
 * can run in parallel (vectors propagate within a band only, as in OpenCV, which keeps the
 * result independent of the number of threads). */
static void
inverse_search_band (FvDisFlow *dis, const Level *l, int ws, int is_begin, int is_end)
{
  const FvDisParams *p = &dis->p;
  const int psz = p->patch_size, st = p->patch_stride, b = dis->border;
  const float n = (float) (psz * psz);
  Patch pt = {
    .tstride = l->w, .e = l->i1ext, .estride = l->w + 2 * b,
    .lo_i = (float) (b - psz + 1), .hi_i = (float) (b + l->h - 1),
    .lo_j = (float) (b - psz + 1), .hi_j = (float) (b + l->w - 1),
    .psz = psz, .b = b, .mean_norm = p->mean_normalization,
  };
  /* with propagation: a forward then a backward sweep, sharing the iterations */
  const int passes = p->spatial_propagation ? 2 : 1;
  const int inner = p->grad_descent_iter / passes;
  const int rows = is_end - is_begin;
  float *sx = dis->sx, *sy = dis->sy;
  for (int pass = 0; pass < passes; pass++) {
    const int dir = pass == 0 ? 1 : -1;
    for (int k = 0; k < rows; k++) {
      const int is = dir > 0 ? is_begin + k : is_end - 1 - k;
      for (int m = 0; m < ws; m++) {
        const int js = dir > 0 ? m : ws - 1 - m;
        const gsize idx = (gsize) is * ws + js;
        pt.i = is * st;
        pt.j = js * st;
        pt.t = l->i0 + (gsize) pt.i * l->w + pt.j;
        pt.tx = l->ix + (gsize) pt.i * l->w + pt.j;
        pt.ty = l->iy + (gsize) pt.i * l->w + pt.j;
        if (pass == 0) {
          /* the coarser scale's flow at the patch centre */
          gsize c = (gsize) (pt.i + psz / 2) * l->w + pt.j + psz / 2;
          sx[idx] = l->u[c];
          sy[idx] = l->v[c];
        }
        if (p->spatial_propagation) {
          float best = patch_error (&pt, sx[idx], sy[idx]);
          if (m > 0) {
            gsize o = idx - dir;
            float e = patch_error (&pt, sx[o], sy[o]);
            if (e < best) {
              best = e;
              sx[idx] = sx[o];
              sy[idx] = sy[o];
            }
          }
          if (k > 0) {
            gsize o = dir > 0 ? idx - (gsize) ws : idx + (gsize) ws;
            float e = patch_error (&pt, sx[o], sy[o]);
            if (e < best) {
              sx[idx] = sx[o];
              sy[idx] = sy[o];
            }
          }
        }
        /* inverse compositional Gauss-Newton: the Hessian is I0's, fixed */
        const float mx = dis->gx[idx] / n, my = dis->gy[idx] / n;
        float xx = dis->sxx[idx], yy = dis->syy[idx], xy = dis->sxy[idx];
        if (pt.mean_norm) {
          /* the Hessian of the mean-removed error: the gradients' covariance */
          xx -= n * mx * mx;
          yy -= n * my * my;
          xy -= n * mx * my;
        }
        float det = xx * yy - xy * xy;
        if (fabsf (det) < 1e-3f)
          det = 1e-3f;
        const float h11 = yy / det, h12 = -xy / det, h22 = xx / det;
        float u = sx[idx], v = sy[idx], prev = INFINITY;
        for (int t = 0; t < inner; t++) {
          float s[4];
          patch_sums (&pt, u, v, TRUE, s);
          float bu = s[2], bv = s[3], e = s[1];
          if (pt.mean_norm) {
            bu -= s[0] * mx;
            bv -= s[0] * my;
            e -= s[0] * s[0] / n;
          }
          u -= h11 * bu + h12 * bv;
          v -= h12 * bu + h22 * bv;
          if (e >= prev)
            break;
          prev = e;
        }
        /* a match far from where the search started is more likely wrong than right */
        float du = u - sx[idx], dv = v - sy[idx];
        if (du * du + dv * dv <= (float) (psz * psz)) {
          sx[idx] = u;
          sy[idx] = v;
        }
      }
    }
  }
}

static void
inverse_search (FvDisFlow *dis, const Level *l, int ws, int hs)
{
  inverse_search_band (dis, l, ws, 0, hs);
}

/* ------------------------------------------------------------------ densification */

typedef struct {
  FvDisFlow *dis;
  Level *l;
  int ws, hs;
} DensifyJob;

static void
densify_rows (void *arg, int task, int n_tasks, int thread)
{
  const DensifyJob *job = arg;
  FvDisFlow *dis = job->dis;
  Level *l = job->l;
  const int ws = job->ws, hs = job->hs;
  const int psz = dis->p.patch_size, st = dis->p.patch_stride, w = l->w, h = l->h;
  const int first = (int) ((gint64) h * task / n_tasks);
  const int last = (int) ((gint64) h * (task + 1) / n_tasks);
  const float *sx = dis->sx, *sy = dis->sy;
  for (int i = first; i < last; i++) {
    /* the grid rows whose patches cover row i (the last one for rows past the grid) */
    int is0 = i - psz + 1 <= 0 ? 0 : (i - psz + st) / st;
    int is1 = MIN (i / st, hs - 1);
    is0 = MIN (is0, is1);
    const float *t0 = l->i0 + (gsize) i * w;
    for (int j = 0; j < w; j++) {
      int js0 = j - psz + 1 <= 0 ? 0 : (j - psz + st) / st;
      int js1 = MIN (j / st, ws - 1);
      js0 = MIN (js0, js1);
      float su = 0, sv = 0, sw = 0;
      for (int is = is0; is <= is1; is++)
        for (int js = js0; js <= js1; js++) {
          gsize k = (gsize) is * ws + js;
          float u = sx[k], v = sy[k];
          float xm = CLAMP (j + u, 0.0f, w - 1.001f), ym = CLAMP (i + v, 0.0f, h - 1.001f);
          int x0 = (int) xm, y0 = (int) ym;
          float fx = xm - x0, fy = ym - y0;
          const float *r0 = l->i1 + (gsize) y0 * w + x0, *r1 = r0 + w;
          float top = r0[0] + fx * (r0[1] - r0[0]), bot = r1[0] + fx * (r1[1] - r1[0]);
          float d = fabsf (top + fy * (bot - top) - t0[j]);
          float c = d > 1.0f ? 1.0f / d : 1.0f;
          su += c * u;
          sv += c * v;
          sw += c;
        }
      l->u[(gsize) i * w + j] = su / sw;
      l->v[(gsize) i * w + j] = sv / sw;
    }
  }
}

static void
densify (FvDisFlow *dis, Level *l, int ws, int hs)
{
  DensifyJob job = { dis, l, ws, hs };
  /* a small level on the calling thread: waking the pool costs more than it saves */
  if (dis->pool == NULL || l->h < 8 || (gint64) l->w * l->h < 40000)
    densify_rows (&job, 0, 1, 0);
  else
    fv_cpu_pool_run (dis->pool, densify_rows, &job,
                     MIN (l->h, 4 * fv_cpu_pool_n_threads (dis->pool)));
}

/* ------------------------------------------------------------------ the whole */

/* The flow of the frames already in level 0 into @out. */
static void
run_cpu (FvDisFlow *dis, FvFlowField *out)
{
  const FvDisParams *p = &dis->p;
  const int b = dis->border;
  for (int s = 1; s <= dis->coarsest; s++) {
    Level *l = &dis->lv[s], *up = &dis->lv[s - 1];
    fv_flow_gray_half (up->i0, up->w, l->i0, l->w, l->h);
    fv_flow_gray_half (up->i1, up->w, l->i1, l->w, l->h);
  }
  Level *top = &dis->lv[dis->coarsest];
  memset (top->u, 0, (gsize) top->w * top->h * sizeof (float));
  memset (top->v, 0, (gsize) top->w * top->h * sizeof (float));
  /* 4 SOR sweeps per refinement iteration, not OpenCV's 5: Motorcycle's EPE stays below
   * OpenCV's (fast 3.185, medium 2.458 px) for a fifth less of the refinement's time */
  const FvVariationalParams vp = {
    .fixed_point_iterations = p->variational_iter, .sor_iterations = 4, .omega = 1.6f,
    .alpha = p->alpha, .gamma = p->gamma, .delta = p->delta, .pool = dis->pool,
  };
  for (int s = dis->coarsest; s >= dis->finest; s--) {
    Level *l = &dis->lv[s];
    make_border (l->i1, l->w, l->h, b, l->i1ext);
    sobel (l->i0, l->w, l->h, l->ix, l->iy);
    const int ws = 1 + (l->w - p->patch_size) / p->patch_stride;
    const int hs = 1 + (l->h - p->patch_size) / p->patch_stride;
    structure_tensor (dis, l, ws, hs);
    inverse_search (dis, l, ws, hs);
    densify (dis, l, ws, hs);
    if (dis->var != NULL)
      fv_variational_refine (dis->var, &vp, l->i0, l->i1, l->w, l->h, l->u, l->v);
    if (s > dis->finest) {
      Level *f = &dis->lv[s - 1];
      upsample (dis, l->u, l->v, l->w, l->h, f->u, f->v, NULL, f->w, f->h, 2.0f);
    }
  }
  const Level *f = &dis->lv[dis->finest];
  const float scale = (float) (1 << dis->finest);
  Level *full = &dis->lv[0];
  if (dis->finest > 0 && p->final_variational_iter > 0) {
    upsample (dis, f->u, f->v, f->w, f->h, full->u, full->v, NULL, full->w, full->h, scale);
    FvVariationalParams fp = vp;
    fp.fixed_point_iterations = p->final_variational_iter;
    fv_variational_refine (dis->var, &fp, full->i0, full->i1, full->w, full->h, full->u,
                           full->v);
    const gsize n = (gsize) full->w * full->h;
    for (gsize k = 0; k < n; k++) {
      out->data[2 * k] = full->u[k];
      out->data[2 * k + 1] = full->v[k];
    }
    return;
  }
  upsample (dis, f->u, f->v, f->w, f->h, NULL, NULL, out->data, out->width, out->height,
            scale);
}

static gboolean
check_out (const FvFlowField *out, int w, int h, GError **error)
{
  if (out == NULL || out->width != w || out->height != h) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "DIS flow: the output field is %dx%d, the frames %dx%d",
                 out ? out->width : 0, out ? out->height : 0, w, h);
    return FALSE;
  }
  return TRUE;
}

gboolean
fv_dis_flow_calc_gray (FvDisFlow *dis, const float *prev, const float *next, int w, int h,
                       FvFlowField *out, GError **error)
{
  if (!check_out (out, w, h, error))
    return FALSE;
  if ((w != dis->width || h != dis->height) && !plan (dis, w, h, error))
    return FALSE;
  if (dis->gpu != NULL)
    return fv_gpu_dis_flow_calc (dis->gpu, prev, next, w, h, out->data, error);
  memcpy (dis->lv[0].i0, prev, (gsize) w * h * sizeof (float));
  memcpy (dis->lv[0].i1, next, (gsize) w * h * sizeof (float));
  dis->have_prev = FALSE;
  run_cpu (dis, out);
  return TRUE;
}

gboolean
fv_dis_flow_calc (FvDisFlow *dis, const FvImage *prev, const FvImage *next, FvFlowField *out,
                  GError **error)
{
  if (prev == NULL || next == NULL || prev->data == NULL || next->data == NULL
      || prev->width != next->width || prev->height != next->height
      || prev->format >= FV_IMAGE_FORMAT_COUNT || next->format >= FV_IMAGE_FORMAT_COUNT) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "DIS flow: the two frames must be images of one size (%dx%d and %dx%d)",
                 prev ? prev->width : 0, prev ? prev->height : 0, next ? next->width : 0,
                 next ? next->height : 0);
    return FALSE;
  }
  const int w = prev->width, h = prev->height;
  if (!check_out (out, w, h, error))
    return FALSE;
  if ((w != dis->width || h != dis->height) && !plan (dis, w, h, error))
    return FALSE;
  if (dis->gpu != NULL) {
    /* the device converts the frames to gray itself, reading them in place */
    const FvGpuImage a = fv_image_to_gpu (prev), b = fv_image_to_gpu (next);
    return fv_gpu_dis_flow_calc_image (dis->gpu, &a, &b, out->data, error);
  }
  fv_flow_gray (prev, dis->lv[0].i0);
  fv_flow_gray (next, dis->lv[0].i1);
  dis->have_prev = FALSE;
  run_cpu (dis, out);
  return TRUE;
}

gboolean
fv_dis_flow_push (FvDisFlow *dis, const FvImage *frame, FvFlowField *out, gboolean *computed,
                  GError **error)
{
  *computed = FALSE;
  if (frame == NULL || frame->data == NULL || frame->format >= FV_IMAGE_FORMAT_COUNT) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "DIS flow: no frame");
    return FALSE;
  }
  const int w = frame->width, h = frame->height;
  if (w != dis->width || h != dis->height) {
    if (!plan (dis, w, h, error))
      return FALSE;
  }
  if (dis->gpu != NULL) {
    /* the device keeps the previous frame's gray plane and pyramid */
    if (fv_gpu_dis_flow_has_previous (dis->gpu, w, h) && !check_out (out, w, h, error))
      return FALSE;
    const FvGpuImage im = fv_image_to_gpu (frame);
    return fv_gpu_dis_flow_push (dis->gpu, &im, out != NULL ? out->data : NULL, computed,
                                 error);
  }
  Level *l0 = &dis->lv[0];
  if (!dis->have_prev) {
    fv_flow_gray (frame, l0->i0);
    dis->have_prev = TRUE;
    return TRUE;
  }
  if (!check_out (out, w, h, error))
    return FALSE;
  fv_flow_gray (frame, l0->i1);
  run_cpu (dis, out);
  /* this frame is the next call's previous one */
  float *t = l0->i0;
  l0->i0 = l0->i1;
  l0->i1 = t;
  *computed = TRUE;
  return TRUE;
}
