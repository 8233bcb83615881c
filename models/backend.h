/* fovea — the backend interface: how a model is executed on a device.
 *
 * A backend is a small vtable in the style of ggml's: prepare() takes a loaded FvModel,
 * checks that it has a kernel for every op, packs or uploads the weights and plans the
 * activation arena — all the work and all the allocation happen here, once. run() then
 * executes the ops in order and allocates nothing. The reference backend (plain C
 * kernels, the oracle) is "ref"; an optimised CPU backend and the OpenCL backend register
 * beside it and are tested against it.
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef struct {
  gboolean preserve_all_tensors;  /* give every tensor its own bytes, so intermediate tensors
                                     can be read after a run (debugging, golden checks) */
  int n_threads;                  /* 0 = backend default */
  const char *device;             /* opencl: the device spec ("opencl", "opencl:P:D"; see
                                     gpu/device.h); NULL: $FOVEA_DEVICE, else the best one.
                                     transfer none, read during prepare only */
} FvBackendOptions;

typedef struct _FvBackendState FvBackendState;   /* a backend's per-model state */

typedef struct {
  const char *name;
  /* Returns the state for @model (transfer full), or NULL with @error set. @model must
   * outlive the state. */
  FvBackendState *(*prepare) (const FvModel *model, const FvBackendOptions *options,
                              GError **error);
  /* Runs every op once. Allocates nothing. */
  gboolean (*run) (FvBackendState *state, GError **error);
  /* Host-visible memory of a non-constant tensor (inputs, outputs; any tensor when
   * preserve_all_tensors), or NULL when it has none. */
  float *(*tensor_data) (FvBackendState *state, int tensor);
  size_t (*arena_bytes) (FvBackendState *state);
  void (*free) (FvBackendState *state);
} FvBackend;

/* The backends built into this library: "cpu" (optimised, multi-threaded; the default),
 * "ref" (reference kernels, the oracle) and "opencl" (OpenCL device, see gpu/device.h). Returns NULL for an unknown name. NULL or ""
 * selects $FOVEA_BACKEND if set, else "cpu". */
const FvBackend *fv_backend_find (const char *name);
/* The names fv_backend_find() knows, for messages: "cpu, ref, opencl". */
const char *fv_backend_known_names (void);
const FvBackend *fv_backend_ref (void);

G_END_DECLS
