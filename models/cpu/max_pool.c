/* fovea — MAX_POOL_2D on the "cpu" backend (see max_pool.h). */
#include "models/cpu/max_pool.h"

#include "models/cpu/cpu_geometry.h"
#include "models/cpu/cpu_simd.h"
#include "models/kernel.h"

#include <float.h>

gboolean
fv_cpu_max_pool_init (FvCpuMaxPool *mp, const FvModel *model, const FvOp *op)
{
  const FvPoolOptions *o = &op->options.pool;
  const FvTensor *in = fv_op_input (model, op, 0);
  memset (mp, 0, sizeof *mp);
  if (!in || in->rank != 4)
    return FALSE;
  mp->n = in->shape[0];
  mp->h = in->shape[1];
  mp->w = in->shape[2];
  mp->c = in->shape[3];
  mp->stride_h = o->stride_h;
  mp->stride_w = o->stride_w;
  mp->filter_h = o->filter_h;
  mp->filter_w = o->filter_w;
  if (!fv_cpu_out_size (o->padding, mp->h, mp->filter_h, mp->stride_h, &mp->oh, &mp->pad_t) ||
      !fv_cpu_out_size (o->padding, mp->w, mp->filter_w, mp->stride_w, &mp->ow, &mp->pad_l))
    return FALSE;
  fv_cpu_act_bounds (o->activation, &mp->lo, &mp->hi);
  mp->avx2 = fv_cpu_have_avx2 ();
  return TRUE;
}

int64_t
fv_cpu_max_pool_n_rows (const FvCpuMaxPool *mp)
{
  return mp->n * mp->oh;
}

FV_CPU_INLINE void
pool_body (const FvCpuMaxPool *mp, const float *in, float *out, int task, int n_tasks)
{
  const int64_t C = mp->c;
  int64_t r0, r1;
  fv_cpu_task_range (mp->n * mp->oh, task, n_tasks, &r0, &r1);
  for (int64_t row = r0; row < r1; row++) {
    int64_t b = row / mp->oh, oy = row % mp->oh;
    int64_t y0 = oy * mp->stride_h - mp->pad_t;
    int64_t iy0 = MAX (y0, 0), iy1 = MIN (y0 + mp->filter_h, mp->h);
    for (int64_t ox = 0; ox < mp->ow; ox++) {
      int64_t x0 = ox * mp->stride_w - mp->pad_l;
      int64_t ix0 = MAX (x0, 0), ix1 = MIN (x0 + mp->filter_w, mp->w);
      float *dst = out + (row * mp->ow + ox) * C;
      int64_t c = 0;
      for (; c + 8 <= C; c += 8) {
        FvV8f m = fv_v8_splat (-FLT_MAX);
        for (int64_t iy = iy0; iy < iy1; iy++)
          for (int64_t ix = ix0; ix < ix1; ix++) {
            FvV8f s = fv_v8_load (in + ((b * mp->h + iy) * mp->w + ix) * C + c);
            FvV8i take = m < s;
            m = (FvV8f) ((take & (FvV8i) s) | (~take & (FvV8i) m));
          }
        fv_v8_store (dst + c, fv_v8_clamp (&m, mp->lo, mp->hi));
      }
      for (; c < C; c++) {
        float m = -FLT_MAX;
        for (int64_t iy = iy0; iy < iy1; iy++)
          for (int64_t ix = ix0; ix < ix1; ix++) {
            float s = in[((b * mp->h + iy) * mp->w + ix) * C + c];
            if (m < s)
              m = s;
          }
        dst[c] = fv_cpu_clamp (m, mp->lo, mp->hi);
      }
    }
  }
}

#if FV_CPU_X86
FV_CPU_TARGET_AVX2 static void
pool_avx2 (const FvCpuMaxPool *mp, const float *in, float *out, int task, int n_tasks)
{
  pool_body (mp, in, out, task, n_tasks);
}
#endif

static void
pool_portable (const FvCpuMaxPool *mp, const float *in, float *out, int task, int n_tasks)
{
  pool_body (mp, in, out, task, n_tasks);
}

void
fv_cpu_max_pool_run (const FvCpuMaxPool *mp, const float *in, float *out, int task,
                     int n_tasks)
{
#if FV_CPU_X86
  if (mp->avx2) {
    pool_avx2 (mp, in, out, task, n_tasks);
    return;
  }
#endif
  pool_portable (mp, in, out, task, n_tasks);
}
