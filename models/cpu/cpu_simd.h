/* fovea — the portable vector types and the x86 ISA dispatch the "cpu" backend's kernels
 * share. Private to models/cpu/.
 *
 * Kernels are written with GCC/Clang generic vectors (8 floats): the register blocking is
 * then explicit and survives any optimisation level, and the compiler lowers the same C to
 * AVX2 (one ymm) or to SSE2 (two xmm) or to whatever the target has. Each kernel's body is
 * an always-inline function compiled twice: once under target("avx2,fma") and once
 * portable; fv_cpu_have_avx2() picks one at prepare. No fp-contraction is requested (ISO
 * C mode keeps mul and add separate), so the sums round exactly like the reference
 * kernels' scalar loops.
 */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* The vector helpers below are always inlined, so the ABI GCC warns about (how a 32-byte
 * vector is returned without AVX) is never used. Vector parameters, whose note no pragma
 * silences, are passed by pointer or through macros instead. */
#pragma GCC diagnostic ignored "-Wpsabi"

typedef float FvV8f __attribute__ ((vector_size (32)));
typedef int FvV8i __attribute__ ((vector_size (32)));
/* the same vector at 4-byte alignment: loads and stores through it may be unaligned */
typedef float FvV8fu __attribute__ ((vector_size (32), aligned (4)));

#if defined(__x86_64__) || defined(__i386__)
#define FV_CPU_X86 1
#define FV_CPU_TARGET_AVX2 __attribute__ ((target ("avx2,fma")))
#else
#define FV_CPU_X86 0
#endif

#define FV_CPU_INLINE static inline __attribute__ ((always_inline))

/* TRUE when this CPU runs the AVX2+FMA variants (and FOVEA_CPU_NO_AVX2 is unset, which
 * lets tests exercise the portable variants on any machine). */
gboolean fv_cpu_have_avx2 (void);

/* The clamp bounds equivalent to @act (see fv_v8_clamp). */
void fv_cpu_act_bounds (int act, float *lo, float *hi);

FV_CPU_INLINE FvV8f
fv_v8_load (const float *p)
{
  return *(const FvV8fu *) p;
}

#define fv_v8_store(p, v) (*(FvV8fu *) (p) = (v))

FV_CPU_INLINE FvV8f
fv_v8_splat (float x)
{
  /* GCC 12 assembles this lane by lane: keep it out of inner loops, where "scalar *
   * vector" broadcasts in one instruction */
  return (FvV8f) { x, x, x, x, x, x, x, x };
}

/* v < lo ? lo : (v > hi ? hi : v) lane by lane: fv_activate() with the activation given
 * as bounds (NONE = -inf..inf, RELU = 0..inf, RELU6 = 0..6, RELU_N1_TO_1 = -1..1); NaN
 * passes through as in the reference. */
FV_CPU_INLINE FvV8f
fv_v8_clamp (const FvV8f *x, float lo_s, float hi_s)
{
  /* the bounds are never -0, so adding them to zeros broadcasts them exactly */
  FvV8f v = *x, lo = lo_s + (FvV8f) { 0 }, hi = hi_s + (FvV8f) { 0 };
  FvV8i m = v < lo;
  v = (FvV8f) ((m & (FvV8i) lo) | (~m & (FvV8i) v));
  m = v > hi;
  return (FvV8f) ((m & (FvV8i) hi) | (~m & (FvV8i) v));
}

FV_CPU_INLINE float
fv_cpu_clamp (float v, float lo, float hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

G_END_DECLS
