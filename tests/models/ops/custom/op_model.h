/* fovea tests — one-op FvModels built in memory for the custom-op kernel tests.
 *
 * The model's tensors are the op's inputs (tensor i = input i) followed by its outputs,
 * all FLOAT32 activations (no data held by the model). The caller sets op options
 * through test_op (model) and frees the model with fv_model_free().
 */
#pragma once

#include "models/kernel.h"

typedef struct {
  int rank;
  int32_t dims[FV_MAX_DIMS];
} TestShape;

/* transfer full */
FvModel *test_op_model_new (FvOpType type, int version, int n_inputs, const TestShape *inputs,
                            int n_outputs, const TestShape *outputs);

/* transfer none: the model's only op */
FvOp *test_op (FvModel *model);

/* Runs the registered reference kernel's prepare(); on success fills every output buffer
 * with NaN (so an element the kernel forgets to write shows) and runs it as @n_tasks
 * slices, in reverse order. Buffers are transfer none and must hold each tensor's
 * elements. */
gboolean test_op_model_run (const FvModel *model, const float *const *inputs,
                            float *const *outputs, int n_tasks, GError **error);

/* prepare() only */
gboolean test_op_model_prepare (const FvModel *model, GError **error);

/* TRUE when |got[i] - want[i]| <= tol for all i (NaN never is); prints the first element
 * that is not. */
gboolean test_floats_close (const float *got, const float *want, size_t n, float tol);

/* TRUE when @error is a FV_MODEL_ERROR with @code whose message contains @needle. */
gboolean test_error_is (const GError *error, int code, const char *needle);
