/* fovea — DIS dense optical flow on OpenCL (see dis_flow_gpu.h): the plan (pyramid sizes,
 * device buffers) on the host, every step a kernel of kernels/dis_flow.cl on the device's
 * in-order queue; the host waits only for the final read of the flow. */
#include "gpu/dis_flow_gpu.h"

#include "gpu/buffer.h"
#include "gpu/buffer_private.h"
#include "gpu/device_private.h"
#include "gpu/program.h"

#include <math.h>
#include <string.h>

#define PROGRAM "dis_flow.cl"

/* The refinement's fixed SOR settings: the CPU engine's (dis_flow.c's run()). */
#define SOR_ITERATIONS 4
#define SOR_OMEGA 1.6f

enum {
  K_HALF, K_BORDER, K_SOBEL, K_UPSAMPLE, K_INTERLEAVE, K_STRUCTURE, K_SEARCH, K_DENSIFY,
  K_WARP, K_DERIV1, K_DERIV2, K_DATA, K_WEIGHTS, K_SYSTEM, K_SOR, K_ADD, K_GRAY,
  K_COUNT
};

static const char *const kernel_names[K_COUNT] = {
  "fv_dis_half", "fv_dis_border", "fv_dis_sobel", "fv_dis_upsample", "fv_dis_interleave",
  "fv_dis_structure", "fv_dis_search", "fv_dis_densify", "fv_dis_warp", "fv_dis_deriv1",
  "fv_dis_deriv2", "fv_dis_data", "fv_dis_weights", "fv_dis_system", "fv_dis_sor",
  "fv_dis_add", "fv_dis_gray",
};

/* the refinement's planes (variational_refinement.c's, same names) */
enum {
  P_IX, P_IY, P_IZ, P_IXX, P_IXY, P_IYY, P_IXZ, P_IYZ,
  P_A11, P_A12, P_A22, P_B1, P_B2, P_WH, P_WV, P_DU, P_DV, P_COUNT
};

/* the sparse grid's planes */
enum { S_X, S_Y, S_XX, S_YY, S_XY, S_GX, S_GY, S_COUNT };

typedef struct {
  int w, h;
  FvGpuBuffer *i0, *i1;      /* the two frames at this level */
  FvGpuBuffer *i1ext;        /* i1 with a replicated border */
  FvGpuBuffer *ix, *iy;      /* Sobel gradients of i0 */
  FvGpuBuffer *u, *v;        /* the flow at this level */
} Level;

struct _FvGpuDisFlow {
  FvGpuDevice *dev;
  FvGpuDisParams p;
  cl_kernel k[K_COUNT];
  size_t local1;             /* work-group size of 1-D launches, and the width of 2-D
                              * ones (one row high) */
  int width, height;         /* the planned size (0: none) */
  int finest, coarsest, border;
  Level lv[FV_GPU_DIS_MAX_SCALES];
  FvGpuBuffer *sparse[S_COUNT];
  FvGpuBuffer *var[P_COUNT]; /* NULL without refinement */
  FvGpuBuffer *flow;         /* the interleaved result */
  gboolean have_prev;        /* push: every level's i0 holds the previous frame's pyramid */
  FvGpuBuffer *upload;       /* a discrete device's copy of a host frame's pixels (created
                              * at the first host frame, grown when a frame needs more);
                              * kept across plans, since the pixels do not depend on them */
  guint n_buffers;
};

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID, "gpu DIS flow: %s", what);
  return FALSE;
}

static gboolean
check_params (const FvGpuDisParams *p, GError **error)
{
  if (p == NULL)
    return invalid (error, "no parameters");
  if (p->finest_scale < 0 || p->finest_scale >= FV_GPU_DIS_MAX_SCALES
      || p->coarsest_scale >= FV_GPU_DIS_MAX_SCALES
      || (p->coarsest_scale >= 0 && p->coarsest_scale < p->finest_scale))
    return invalid (error, "finest_scale or coarsest_scale out of range");
  if (p->patch_size < 4 || p->patch_size > 32 || p->patch_stride < 1
      || p->patch_stride > p->patch_size)
    return invalid (error, "patch_size (4..32) or patch_stride (1..patch_size) out of range");
  if (p->grad_descent_iter < 0 || p->grad_descent_iter > 1000 || p->variational_iter < 0
      || p->variational_iter > 1000 || p->final_variational_iter < 0
      || p->final_variational_iter > 1000)
    return invalid (error, "an iteration count is out of range (0..1000)");
  if (!(p->alpha >= 0 && p->alpha < 1e6f) || !(p->gamma >= 0 && p->gamma < 1e6f)
      || !(p->delta >= 0 && p->delta < 1e6f))
    return invalid (error, "alpha, gamma or delta out of range");
  return TRUE;
}

FvGpuDisFlow *
fv_gpu_dis_flow_new (FvGpuDevice *dev, const FvGpuDisParams *params, GError **error)
{
  if (dev == NULL) {
    invalid (error, "no device");
    return NULL;
  }
  if (!check_params (params, error))
    return NULL;
  FvGpuDisFlow *dis = g_new0 (FvGpuDisFlow, 1);
  dis->dev = fv_gpu_device_ref (dev);
  dis->p = *params;
  g_autofree char *options = g_strdup_printf ("-DFV_PSZ=%d", params->patch_size);
  size_t group = G_MAXSIZE;
  for (int i = 0; i < K_COUNT; i++) {
    dis->k[i] = fv_gpu_kernel_new (dev, PROGRAM, kernel_names[i], options, error);
    if (dis->k[i] == NULL) {
      fv_gpu_dis_flow_free (dis);
      return NULL;
    }
    size_t g = 0;
    clGetKernelWorkGroupInfo (dis->k[i], dev->id, CL_KERNEL_WORK_GROUP_SIZE, sizeof g, &g,
                              NULL);
    group = MIN (group, g);
  }
  /* fixed work-group sizes (globals rounded up; kernels skip the excess): drivers such as
   * PoCL specialise and recompile a kernel for each work-group size they pick. 2-D groups
   * are 64 x 1: on PoCL a third faster than 8 x 8 (medium on Motorcycle 38-42 ms against
   * 53), since it vectorises along x; on GPUs a row is coalesced memory. */
  dis->local1 = group >= 64 ? 64 : 1;
  return dis;
}

static void
unplan (FvGpuDisFlow *dis)
{
  for (int s = 0; s < FV_GPU_DIS_MAX_SCALES; s++) {
    Level *l = &dis->lv[s];
    FvGpuBuffer **bufs[] = { &l->i0, &l->i1, &l->i1ext, &l->ix, &l->iy, &l->u, &l->v };
    for (guint i = 0; i < G_N_ELEMENTS (bufs); i++)
      g_clear_pointer (bufs[i], fv_gpu_buffer_free);
    memset (l, 0, sizeof *l);
  }
  for (int i = 0; i < S_COUNT; i++)
    g_clear_pointer (&dis->sparse[i], fv_gpu_buffer_free);
  for (int i = 0; i < P_COUNT; i++)
    g_clear_pointer (&dis->var[i], fv_gpu_buffer_free);
  g_clear_pointer (&dis->flow, fv_gpu_buffer_free);
  dis->width = dis->height = 0;
  dis->have_prev = FALSE;
}

void
fv_gpu_dis_flow_free (FvGpuDisFlow *dis)
{
  if (dis == NULL)
    return;
  unplan (dis);
  g_clear_pointer (&dis->upload, fv_gpu_buffer_free);
  for (int i = 0; i < K_COUNT; i++)
    if (dis->k[i] != NULL)
      clReleaseKernel (dis->k[i]);
  fv_gpu_device_unref (dis->dev);
  g_free (dis);
}

guint
fv_gpu_dis_flow_n_buffers_created (const FvGpuDisFlow *dis)
{
  return dis->n_buffers;
}

/* A device buffer of @n floats into *@out; FALSE + @error when it cannot be created. */
static gboolean
new_plane (FvGpuDisFlow *dis, gsize n, FvGpuBuffer **out, GError **error)
{
  *out = fv_gpu_buffer_new (dis->dev, n * sizeof (float), error);
  if (*out == NULL)
    return FALSE;
  dis->n_buffers++;
  return TRUE;
}

void
fv_gpu_dis_choose_scales (int w, int h, int patch_size, int finest_scale, int coarsest_scale,
                          int *finest, int *coarsest)
{
  int f = finest_scale;
  while (f > 0 && (MIN (w, h) >> f) < patch_size)
    f--;
  int c = coarsest_scale;
  if (c < 0) {
    int a = (int) (log2 (MAX (w, h) / (4.0 * patch_size)) + 0.5);
    int b = (int) log2 ((double) MIN (w, h) / patch_size);
    c = MIN (a, b);
  }
  c = CLAMP (c, f, FV_GPU_DIS_MAX_SCALES - 1);
  while (c > f && (MIN (w, h) >> c) < patch_size)
    c--;
  *finest = f;
  *coarsest = c;
}

/* Device buffers for frames of @w x @h. */
static gboolean
plan (FvGpuDisFlow *dis, int w, int h, GError **error)
{
  const FvGpuDisParams *p = &dis->p;
  unplan (dis);
  if (w < p->patch_size || h < p->patch_size) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID,
                 "gpu DIS flow: frames of %dx%d are smaller than a patch (%dx%d)", w, h,
                 p->patch_size, p->patch_size);
    return FALSE;
  }
  int finest, coarsest;
  fv_gpu_dis_choose_scales (w, h, p->patch_size, p->finest_scale, p->coarsest_scale, &finest,
                            &coarsest);
  dis->finest = finest;
  dis->coarsest = coarsest;
  dis->border = MAX (16, p->patch_size);
  const int b = dis->border;
  const gboolean final_refine = finest > 0 && p->final_variational_iter > 0;
  gboolean ok = TRUE;
  for (int s = 0; s <= coarsest && ok; s++) {
    Level *l = &dis->lv[s];
    l->w = s == 0 ? w : dis->lv[s - 1].w / 2;
    l->h = s == 0 ? h : dis->lv[s - 1].h / 2;
    const gsize n = (gsize) l->w * (gsize) l->h;
    ok = new_plane (dis, n, &l->i0, error) && new_plane (dis, n, &l->i1, error);
    if (ok && (s >= finest || (s == 0 && final_refine)))
      ok = new_plane (dis, n, &l->u, error) && new_plane (dis, n, &l->v, error);
    if (ok && s >= finest)
      ok = new_plane (dis, (gsize) (l->w + 2 * b) * (gsize) (l->h + 2 * b), &l->i1ext, error)
           && new_plane (dis, n, &l->ix, error) && new_plane (dis, n, &l->iy, error);
  }
  if (ok) {
    /* the finest level has the largest grid */
    const Level *f = &dis->lv[finest];
    const gsize ns = (gsize) (1 + (f->w - p->patch_size) / p->patch_stride)
                     * (gsize) (1 + (f->h - p->patch_size) / p->patch_stride);
    for (int i = 0; i < S_COUNT && ok; i++)
      ok = new_plane (dis, ns, &dis->sparse[i], error);
  }
  if (ok && (p->variational_iter > 0 || final_refine)) {
    /* the largest level refined */
    const Level *r = final_refine ? &dis->lv[0] : &dis->lv[finest];
    for (int i = 0; i < P_COUNT && ok; i++)
      ok = new_plane (dis, (gsize) r->w * (gsize) r->h, &dis->var[i], error);
  }
  if (ok)
    ok = new_plane (dis, (gsize) w * (gsize) h * 2, &dis->flow, error);
  if (!ok) {
    unplan (dis);
    return FALSE;
  }
  dis->width = w;
  dis->height = h;
  return TRUE;
}

/* ------------------------------------------------------------------ launches */

/* A kernel's arguments, set in order; the first failure is kept. */
typedef struct {
  cl_kernel k;
  cl_uint i;
  cl_int status;
} Args;

static void
arg (Args *a, size_t size, const void *value)
{
  cl_int st = clSetKernelArg (a->k, a->i++, size, value);
  if (a->status == CL_SUCCESS)
    a->status = st;
}

static void
arg_buf (Args *a, const FvGpuBuffer *b)
{
  arg (a, sizeof (cl_mem), &b->mem);
}

static void
arg_int (Args *a, int v)
{
  arg (a, sizeof (int), &v);
}

static void
arg_float (Args *a, float v)
{
  arg (a, sizeof (float), &v);
}

/* Enqueues the kernel of @a over @gx x @gy items (@gy 0: one-dimensional). */
static gboolean
launch (FvGpuDisFlow *dis, const Args *a, int gx, int gy, GError **error)
{
  if (a->status != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clSetKernelArg (DIS flow)", a->status);
  cl_int st;
  if (gy == 0) {
    const size_t l = dis->local1;
    const size_t g = ((size_t) gx + l - 1) / l * l;
    st = clEnqueueNDRangeKernel (dis->dev->queue, a->k, 1, NULL, &g, &l, 0, NULL, NULL);
  } else {
    const size_t l = dis->local1;
    const size_t local[2] = { l, 1 };
    const size_t global[2] = { ((size_t) gx + l - 1) / l * l, (size_t) gy };
    st = clEnqueueNDRangeKernel (dis->dev->queue, a->k, 2, NULL, global, local, 0, NULL, NULL);
  }
  if (st != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clEnqueueNDRangeKernel (DIS flow)", st);
  return TRUE;
}

/* The search kernels run one work item per grid row or column, each a long sequential
 * sweep: small groups, so that a few dozen rows still spread over every compute unit. */
static gboolean
launch_sweep (FvGpuDisFlow *dis, const Args *a, int n, GError **error)
{
  if (a->status != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clSetKernelArg (DIS flow)", a->status);
  const size_t l = 1, g = (size_t) n;
  cl_int st = clEnqueueNDRangeKernel (dis->dev->queue, a->k, 1, NULL, &g, &l, 0, NULL, NULL);
  if (st != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clEnqueueNDRangeKernel (DIS flow)", st);
  return TRUE;
}

static gboolean
fill_zero (FvGpuDisFlow *dis, FvGpuBuffer *b, gsize n, GError **error)
{
  const float zero = 0.0f;
  cl_int st = clEnqueueFillBuffer (dis->dev->queue, b->mem, &zero, sizeof zero, 0,
                                   n * sizeof (float), 0, NULL, NULL);
  if (st != CL_SUCCESS)
    return fv_gpu_set_cl_error (error, "clEnqueueFillBuffer (DIS flow)", st);
  return TRUE;
}

#define ARGS(dis, id) { (dis)->k[id], 0, CL_SUCCESS }

/* ------------------------------------------------------------------ steps */

static gboolean
half (FvGpuDisFlow *dis, const FvGpuBuffer *src, int sw, FvGpuBuffer *dst, int dw, int dh,
      GError **error)
{
  Args a = ARGS (dis, K_HALF);
  arg_buf (&a, src);
  arg_int (&a, sw);
  arg_buf (&a, dst);
  arg_int (&a, dw);
  arg_int (&a, dh);
  return launch (dis, &a, dw, dh, error);
}

/* Bilinear upsampling of @l's flow to @dw x @dh times @scale: into planes @du, @dv, or
 * interleaved into @du when @dv is NULL. */
static gboolean
upsample (FvGpuDisFlow *dis, const Level *l, FvGpuBuffer *du, FvGpuBuffer *dv, int dw, int dh,
          float scale, GError **error)
{
  Args a = ARGS (dis, K_UPSAMPLE);
  arg_buf (&a, l->u);
  arg_buf (&a, l->v);
  arg_int (&a, l->w);
  arg_int (&a, l->h);
  arg_buf (&a, du);
  arg_buf (&a, dv != NULL ? dv : du);
  arg_int (&a, dw);
  arg_int (&a, dh);
  /* the same float ratios as the CPU's upsample() */
  arg_float (&a, (float) l->w / dw);
  arg_float (&a, (float) l->h / dh);
  arg_float (&a, scale);
  arg_int (&a, dv == NULL);
  return launch (dis, &a, dw, dh, error);
}

/* Sobel, border, structure tensor, inverse search and densification of level @l. */
static gboolean
search (FvGpuDisFlow *dis, Level *l, GError **error)
{
  const FvGpuDisParams *p = &dis->p;
  const int b = dis->border, st = p->patch_stride;
  const int ws = 1 + (l->w - p->patch_size) / st, hs = 1 + (l->h - p->patch_size) / st;
  FvGpuBuffer **S = dis->sparse;
  Args a = ARGS (dis, K_BORDER);
  arg_buf (&a, l->i1);
  arg_int (&a, l->w);
  arg_int (&a, l->h);
  arg_int (&a, b);
  arg_buf (&a, l->i1ext);
  if (!launch (dis, &a, l->w + 2 * b, l->h + 2 * b, error))
    return FALSE;
  a = (Args) ARGS (dis, K_SOBEL);
  arg_buf (&a, l->i0);
  arg_int (&a, l->w);
  arg_int (&a, l->h);
  arg_buf (&a, l->ix);
  arg_buf (&a, l->iy);
  if (!launch (dis, &a, l->w, l->h, error))
    return FALSE;
  a = (Args) ARGS (dis, K_STRUCTURE);
  arg_buf (&a, l->ix);
  arg_buf (&a, l->iy);
  arg_int (&a, l->w);
  arg_int (&a, st);
  arg_int (&a, ws);
  arg_int (&a, hs);
  for (int i = S_XX; i <= S_GY; i++)
    arg_buf (&a, S[i]);
  if (!launch (dis, &a, ws, hs, error))
    return FALSE;

  /* with propagation: forward (rows, then columns), then backward (rows, then columns), the
   * descent iterations shared by the two row sweeps as the CPU shares them by its two
   * passes. Ending with the backward rows instead (so the last vectors are all refined
   * ones) measured worse on Motorcycle (medium 1.507 px against 1.488): the column sweep's
   * candidates come from refined neighbours, which is what matters. Columns only
   * propagate (a descent after a column's propagation too: 1.513 px). */
  const gboolean prop = p->spatial_propagation;
  const int passes = prop ? 2 : 1;
  const int inner = p->grad_descent_iter / passes;
  for (int pass = 0; pass < passes; pass++) {
    const int dir = pass == 0 ? 1 : -1;
    for (int cols = 0; cols < 2; cols++) {
      if (cols && !prop)
        continue;
      a = (Args) ARGS (dis, K_SEARCH);
      arg_buf (&a, l->i0);
      arg_buf (&a, l->ix);
      arg_buf (&a, l->iy);
      arg_buf (&a, l->i1ext);
      arg_int (&a, l->w);
      arg_int (&a, l->h);
      arg_int (&a, b);
      arg_int (&a, st);
      arg_int (&a, ws);
      arg_int (&a, hs);
      for (int i = S_XX; i <= S_GY; i++)
        arg_buf (&a, S[i]);
      arg_buf (&a, l->u);
      arg_buf (&a, l->v);
      arg_int (&a, cols);
      arg_int (&a, pass == 0 && !cols);
      arg_int (&a, dir);
      arg_int (&a, cols ? 0 : inner);
      arg_int (&a, p->mean_normalization ? 1 : 0);
      arg_int (&a, prop ? 1 : 0);
      arg_buf (&a, S[S_X]);
      arg_buf (&a, S[S_Y]);
      if (!launch_sweep (dis, &a, cols ? ws : hs, error))
        return FALSE;
    }
  }

  a = (Args) ARGS (dis, K_DENSIFY);
  arg_buf (&a, l->i0);
  arg_buf (&a, l->i1);
  arg_int (&a, l->w);
  arg_int (&a, l->h);
  arg_int (&a, st);
  arg_int (&a, ws);
  arg_int (&a, hs);
  arg_buf (&a, S[S_X]);
  arg_buf (&a, S[S_Y]);
  arg_buf (&a, l->u);
  arg_buf (&a, l->v);
  return launch (dis, &a, l->w, l->h, error);
}

/* The arguments every refinement step kernel takes first (VAR_ARGS of dis_flow.cl). */
static void
var_args (FvGpuDisFlow *dis, Args *a, FvGpuBuffer *u, FvGpuBuffer *v, int w, int h)
{
  const FvGpuDisParams *p = &dis->p;
  arg_buf (a, u);
  arg_buf (a, v);
  for (int i = 0; i < P_COUNT; i++)
    arg_buf (a, dis->var[i]);
  arg_int (a, w);
  arg_int (a, h);
  arg_float (a, p->delta / 2);
  arg_float (a, p->gamma / 2);
  arg_float (a, p->alpha / 2);
  arg_float (a, SOR_OMEGA);
}

/* Variational refinement of @u, @v (planes of @l's size) by @iterations fixed-point
 * iterations: the steps of fv_variational_refine, each a kernel. */
static gboolean
refine (FvGpuDisFlow *dis, const Level *l, FvGpuBuffer *u, FvGpuBuffer *v, int iterations,
        GError **error)
{
  if (iterations <= 0)
    return TRUE;
  FvGpuBuffer **P = dis->var;
  const int w = l->w, h = l->h, n = w * h;
  Args a = ARGS (dis, K_WARP);
  arg_buf (&a, l->i0);
  arg_buf (&a, l->i1);
  arg_buf (&a, u);
  arg_buf (&a, v);
  arg_int (&a, w);
  arg_int (&a, h);
  arg_buf (&a, P[P_IXX]);   /* the averaged image, for now */
  arg_buf (&a, P[P_IZ]);
  if (!launch (dis, &a, w, h, error))
    return FALSE;
  /* derivatives of the averaged image (in IXX until IX and IY are taken) and of I1w - I0 */
  a = (Args) ARGS (dis, K_DERIV1);
  arg_buf (&a, P[P_IXX]);
  arg_buf (&a, P[P_IZ]);
  arg_int (&a, w);
  arg_int (&a, h);
  arg_buf (&a, P[P_IX]);
  arg_buf (&a, P[P_IY]);
  arg_buf (&a, P[P_IXZ]);
  arg_buf (&a, P[P_IYZ]);
  if (!launch (dis, &a, w, h, error))
    return FALSE;
  a = (Args) ARGS (dis, K_DERIV2);
  arg_buf (&a, P[P_IX]);
  arg_buf (&a, P[P_IY]);
  arg_int (&a, w);
  arg_int (&a, h);
  arg_buf (&a, P[P_IXX]);
  arg_buf (&a, P[P_IXY]);
  arg_buf (&a, P[P_IYY]);
  if (!launch (dis, &a, w, h, error) || !fill_zero (dis, P[P_DU], (gsize) n, error)
      || !fill_zero (dis, P[P_DV], (gsize) n, error))
    return FALSE;
  for (int it = 0; it < iterations; it++) {
    const int ids[] = { K_DATA, K_WEIGHTS, K_SYSTEM };
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++) {
      a = (Args) ARGS (dis, ids[i]);
      var_args (dis, &a, u, v, w, h);
      if (!launch (dis, &a, ids[i] == K_DATA ? n : w, ids[i] == K_DATA ? 0 : h, error))
        return FALSE;
    }
    for (int sor = 0; sor < 2 * SOR_ITERATIONS; sor++) {
      a = (Args) ARGS (dis, K_SOR);
      var_args (dis, &a, u, v, w, h);
      arg_int (&a, sor & 1);
      /* one item per pixel of the colour: half a row, rounded up */
      if (!launch (dis, &a, (w + 1) / 2, h, error))
        return FALSE;
    }
  }
  a = (Args) ARGS (dis, K_ADD);
  arg_buf (&a, u);
  arg_buf (&a, v);
  arg_buf (&a, P[P_DU]);
  arg_buf (&a, P[P_DV]);
  arg_int (&a, n);
  return launch (dis, &a, n, 0, error);
}

/* The pyramid of level 0's i0 (@second FALSE) or i1 (TRUE) (enqueued). */
static gboolean
pyramid (FvGpuDisFlow *dis, gboolean second, GError **error)
{
  for (int s = 1; s <= dis->coarsest; s++) {
    Level *l = &dis->lv[s], *up = &dis->lv[s - 1];
    if (!half (dis, second ? up->i1 : up->i0, up->w, second ? l->i1 : l->i0, l->w, l->h,
               error))
      return FALSE;
  }
  return TRUE;
}

/* The flow of the frames already in level 0 into dis->flow (enqueued, not waited for);
 * @i0_pyramid: the levels above 0 already hold i0's pyramid (a pushed previous frame). */
static gboolean
run (FvGpuDisFlow *dis, gboolean i0_pyramid, GError **error)
{
  const FvGpuDisParams *p = &dis->p;
  if ((!i0_pyramid && !pyramid (dis, FALSE, error)) || !pyramid (dis, TRUE, error))
    return FALSE;
  Level *top = &dis->lv[dis->coarsest];
  const gsize ntop = (gsize) top->w * (gsize) top->h;
  if (!fill_zero (dis, top->u, ntop, error) || !fill_zero (dis, top->v, ntop, error))
    return FALSE;
  for (int s = dis->coarsest; s >= dis->finest; s--) {
    Level *l = &dis->lv[s];
    if (!search (dis, l, error) || !refine (dis, l, l->u, l->v, p->variational_iter, error))
      return FALSE;
    if (s > dis->finest) {
      Level *f = &dis->lv[s - 1];
      if (!upsample (dis, l, f->u, f->v, f->w, f->h, 2.0f, error))
        return FALSE;
    }
  }
  const Level *f = &dis->lv[dis->finest];
  const float scale = (float) (1 << dis->finest);
  Level *full = &dis->lv[0];
  if (dis->finest > 0 && p->final_variational_iter > 0) {
    if (!upsample (dis, f, full->u, full->v, full->w, full->h, scale, error)
        || !refine (dis, full, full->u, full->v, p->final_variational_iter, error))
      return FALSE;
    const int n = full->w * full->h;
    Args a = ARGS (dis, K_INTERLEAVE);
    arg_buf (&a, full->u);
    arg_buf (&a, full->v);
    arg_int (&a, n);
    arg_buf (&a, dis->flow);
    return launch (dis, &a, n, 0, error);
  }
  return upsample (dis, f, dis->flow, NULL, dis->width, dis->height, scale, error);
}

/* ------------------------------------------------------------------ frames */

/* The bytes of @im the gray kernel reads: from pixel (0, 0) to the end of the last row's
 * pixels (a view's last row may end before its stride does). 0 when @im is invalid. */
static gsize
image_span (const FvGpuImage *im)
{
  const int ch = fv_gpu_pixel_channels (im->format);
  if (ch == 0 || im->width < 1 || im->height < 1 || (gint64) im->width * im->height > (1 << 28)
      || im->stride < im->width * ch)
    return 0;
  return (gsize) im->stride * (gsize) (im->height - 1) + (gsize) im->width * (gsize) ch;
}

static gboolean
check_image (const FvGpuImage *im, GError **error)
{
  if (im == NULL || (im->data == NULL && im->buffer == NULL))
    return invalid (error, "no frame");
  const gsize span = image_span (im);
  if (span == 0)
    return invalid (error, "invalid frame (format, size or stride)");
  if (im->buffer != NULL && im->buffer->size < span)
    return invalid (error, "the frame's buffer is smaller than the frame");
  return TRUE;
}

/* The pixels of @im where the device can read them, into *@mem: its device buffer as is; on
 * a unified-memory device the host pixels wrapped in place (CL_MEM_USE_HOST_PTR: no copy;
 * *@wrapped is then set, and the caller releases it once the queue has finished with it,
 * since the host memory is the caller's again on return); on a discrete device the pixels
 * written into dis->upload (one counted copy of the frame). A wrap rather than an upload
 * also on discrete devices would make the driver allocate and copy behind our back at
 * every frame; an upload into one kept buffer allocates nothing. */
static gboolean
frame_mem (FvGpuDisFlow *dis, const FvGpuImage *im, cl_mem *mem, cl_mem *wrapped,
           GError **error)
{
  *wrapped = NULL;
  const gsize span = image_span (im);
  if (im->buffer != NULL) {
    if (im->buffer->dev->context != dis->dev->context)
      return invalid (error, "the frame's buffer belongs to another device");
    *mem = im->buffer->mem;
    return TRUE;
  }
  if (dis->dev->unified_memory) {
    cl_int status = CL_SUCCESS;
    /* the cast drops const only for the API: the buffer is CL_MEM_READ_ONLY */
    *wrapped = clCreateBuffer (dis->dev->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, span,
                               (void *) im->data, &status);
    if (*wrapped == NULL)
      return fv_gpu_set_cl_error (error, "clCreateBuffer (wrapping the frame)", status);
    *mem = *wrapped;
    return TRUE;
  }
  if (dis->upload == NULL || dis->upload->size < span) {
    g_clear_pointer (&dis->upload, fv_gpu_buffer_free);
    dis->upload = fv_gpu_buffer_new (dis->dev, span, error);
    if (dis->upload == NULL)
      return FALSE;
    dis->n_buffers++;
  }
  *mem = dis->upload->mem;
  /* blocking, and behind the gray kernel of an earlier frame on the in-order queue, so one
   * upload buffer serves both frames of a pair */
  return fv_gpu_write (dis->upload, 0, im->data, span, error);
}

/* @im's gray plane into @dst (its size planned); *@wrapped as frame_mem's. */
static gboolean
gray (FvGpuDisFlow *dis, const FvGpuImage *im, FvGpuBuffer *dst, cl_mem *wrapped,
      GError **error)
{
  cl_mem mem;
  if (!frame_mem (dis, im, &mem, wrapped, error))
    return FALSE;
  Args a = ARGS (dis, K_GRAY);
  arg (&a, sizeof (cl_mem), &mem);
  arg_int (&a, im->width);
  arg_int (&a, im->height);
  arg_int (&a, im->stride);
  arg_int (&a, (int) im->format);
  arg_buf (&a, dst);
  return launch (dis, &a, im->width, im->height, error);
}

/* Ends a call on frames: waits for the queue when host memory was wrapped (the kernels must
 * be done with it before it is the caller's again), releases the wraps, and after a
 * failure plans afresh next time (work may be left queued on the buffers). */
static gboolean
finish (FvGpuDisFlow *dis, gboolean ok, cl_mem *wrapped, int n_wrapped, GError **error)
{
  gboolean any = FALSE;
  for (int i = 0; i < n_wrapped; i++)
    any = any || wrapped[i] != NULL;
  if (any || !ok) {
    cl_int st = clFinish (dis->dev->queue);
    if (ok && st != CL_SUCCESS)
      ok = fv_gpu_set_cl_error (error, "clFinish (DIS flow)", st);
  }
  for (int i = 0; i < n_wrapped; i++)
    if (wrapped[i] != NULL)
      clReleaseMemObject (wrapped[i]);
  if (!ok)
    unplan (dis);
  return ok;
}

gboolean
fv_gpu_dis_flow_calc (FvGpuDisFlow *dis, const float *prev, const float *next, int width,
                      int height, float *flow, GError **error)
{
  if (dis == NULL || prev == NULL || next == NULL || flow == NULL)
    return invalid (error, "no engine, frame or output");
  if (width < 1 || height < 1 || (gint64) width * height > (1 << 28))
    return invalid (error, "frame size out of range");
  if ((width != dis->width || height != dis->height) && !plan (dis, width, height, error))
    return FALSE;
  dis->have_prev = FALSE;  /* i0 is overwritten */
  const gsize n = (gsize) width * (gsize) height;
  gboolean ok = fv_gpu_write (dis->lv[0].i0, 0, prev, n * sizeof (float), error)
                && fv_gpu_write (dis->lv[0].i1, 0, next, n * sizeof (float), error)
                && run (dis, FALSE, error)
                && fv_gpu_read (dis->flow, 0, flow, 2 * n * sizeof (float), error);
  return finish (dis, ok, NULL, 0, error);
}

static gboolean
prepare (FvGpuDisFlow *dis, const FvGpuImage *im, GError **error)
{
  if (dis == NULL)
    return invalid (error, "no engine");
  if (!check_image (im, error))
    return FALSE;
  if ((im->width != dis->width || im->height != dis->height)
      && !plan (dis, im->width, im->height, error))
    return FALSE;
  return TRUE;
}

gboolean
fv_gpu_dis_flow_calc_image (FvGpuDisFlow *dis, const FvGpuImage *prev, const FvGpuImage *next,
                            float *flow, GError **error)
{
  if (flow == NULL)
    return invalid (error, "no output");
  if (prev == NULL || next == NULL || prev->width != next->width
      || prev->height != next->height)
    return invalid (error, "the two frames must be of one size");
  if (!check_image (next, error) || !prepare (dis, prev, error))
    return FALSE;
  dis->have_prev = FALSE;  /* i0 is overwritten */
  const gsize n = (gsize) dis->width * (gsize) dis->height;
  cl_mem wrapped[2] = { NULL, NULL };
  gboolean ok = gray (dis, prev, dis->lv[0].i0, &wrapped[0], error)
                && gray (dis, next, dis->lv[0].i1, &wrapped[1], error)
                && run (dis, FALSE, error)
                && fv_gpu_read (dis->flow, 0, flow, 2 * n * sizeof (float), error);
  return finish (dis, ok, wrapped, 2, error);
}

gboolean
fv_gpu_dis_flow_push (FvGpuDisFlow *dis, const FvGpuImage *frame, float *flow,
                      gboolean *computed, GError **error)
{
  if (computed != NULL)
    *computed = FALSE;
  if (!prepare (dis, frame, error))
    return FALSE;
  cl_mem wrapped = NULL;
  gboolean ok;
  if (!dis->have_prev) {
    /* the first frame of its size: its plane and pyramid become the previous frame's */
    ok = gray (dis, frame, dis->lv[0].i0, &wrapped, error) && pyramid (dis, FALSE, error);
    if (!finish (dis, ok, &wrapped, 1, error))
      return FALSE;
    dis->have_prev = TRUE;
    return TRUE;
  }
  if (flow == NULL)
    return invalid (error, "no output");
  const gsize n = (gsize) dis->width * (gsize) dis->height;
  ok = gray (dis, frame, dis->lv[0].i1, &wrapped, error) && run (dis, TRUE, error)
       && fv_gpu_read (dis->flow, 0, flow, 2 * n * sizeof (float), error);
  if (!finish (dis, ok, &wrapped, 1, error))
    return FALSE;
  /* this frame, with the pyramid run() built of it, is the next call's previous one: swap
   * the planes rather than copy them */
  for (int s = 0; s <= dis->coarsest; s++) {
    FvGpuBuffer *t = dis->lv[s].i0;
    dis->lv[s].i0 = dis->lv[s].i1;
    dis->lv[s].i1 = t;
  }
  if (computed != NULL)
    *computed = TRUE;
  return TRUE;
}

gboolean
fv_gpu_dis_flow_has_previous (const FvGpuDisFlow *dis, int width, int height)
{
  return dis->have_prev && width == dis->width && height == dis->height;
}

gboolean
fv_gpu_dis_flow_gray (FvGpuDisFlow *dis, const FvGpuImage *image, float *gray_plane,
                      GError **error)
{
  if (gray_plane == NULL)
    return invalid (error, "no output");
  if (!prepare (dis, image, error))
    return FALSE;
  /* i1 is scratch between calls: a pushed previous frame (in i0) survives this */
  cl_mem wrapped = NULL;
  const gsize n = (gsize) dis->width * (gsize) dis->height;
  gboolean ok = gray (dis, image, dis->lv[0].i1, &wrapped, error)
                && fv_gpu_read (dis->lv[0].i1, 0, gray_plane, n * sizeof (float), error);
  return finish (dis, ok, &wrapped, 1, error);
}
