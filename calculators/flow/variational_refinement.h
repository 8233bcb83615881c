/* fovea — variational refinement of a dense flow field (the last step of DIS at each
 * scale, after Brox et al. 2004 as used by Kroeger et al. 2016): a few fixed-point
 * iterations, each an SOR solve of the linearised energy
 *   delta * Psi(brightness constancy) + gamma * Psi(gradient constancy)
 *   + alpha * Psi(|grad u|^2 + |grad v|^2),   Psi(s^2) = sqrt(s^2 + eps^2),
 * with both data terms normalised by the image gradient (so the weights are independent of
 * the intensity scale). Used by dis_flow.c; exposed for its tests. */
#pragma once

#include <glib.h>

#include "models/cpu/thread_pool.h"

G_BEGIN_DECLS

typedef struct {
  int fixed_point_iterations;   /* outer iterations (0: nothing is done) */
  int sor_iterations;           /* inner SOR sweeps per outer iteration */
  float omega;                  /* SOR relaxation, 1.6 */
  float alpha, gamma, delta;    /* smoothness, gradient and brightness constancy weights */
  FvCpuPool *pool;              /* threads to share the rows with (NULL: the caller's only);
                                 * the result does not depend on it */
} FvVariationalParams;

typedef struct _FvVariational FvVariational;

/* Workspace for fields up to @max_width x @max_height (planned once, reused by every
 * call). transfer full. */
FvVariational *fv_variational_new (int max_width, int max_height);
void fv_variational_free (FvVariational *var);

/* Refines the flow (@u, @v: planes of @w x @h floats, updated in place) from the gray planes
 * @i0 and @i1 (intensities 0..255, @w x @h, rows @w floats apart). @w x @h must fit the
 * workspace. */
void fv_variational_refine (FvVariational *var, const FvVariationalParams *params,
                            const float *i0, const float *i1, int w, int h, float *u,
                            float *v);

G_END_DECLS
