/* fovea — run a model: a loaded FvModel bound to a backend.
 *
 * Typical use:
 *   FvInterpreter *it = fv_interpreter_new_from_file ("face_landmark.tflite", NULL, NULL, &err);
 *   memcpy (fv_interpreter_input (it, 0), pixels, fv_interpreter_input_bytes (it, 0));
 *   fv_interpreter_invoke (it, &err);
 *   const float *landmarks = fv_interpreter_output (it, 0);
 *
 * All memory is allocated by fv_interpreter_new*(); fv_interpreter_invoke() allocates
 * nothing. Input and output buffers stay valid (and inputs keep their values) until the
 * interpreter is freed. An interpreter is not thread-safe: one invoke at a time.
 */
#pragma once

#include "models/backend.h"
#include "models/model.h"

G_BEGIN_DECLS

typedef struct _FvInterpreter FvInterpreter;

/* @model: transfer none, must outlive the interpreter. @backend: a name for
 * fv_backend_find() (NULL = default). @options may be NULL. */
FvInterpreter *fv_interpreter_new (const FvModel *model, const char *backend,
                                   const FvBackendOptions *options, GError **error);
/* Loads @path with fv_model_load_file(); the interpreter owns that model. */
FvInterpreter *fv_interpreter_new_from_file (const char *path, const char *backend,
                                             const FvBackendOptions *options, GError **error);
void fv_interpreter_free (FvInterpreter *interp);

const FvModel *fv_interpreter_model (const FvInterpreter *interp);
const char *fv_interpreter_backend_name (const FvInterpreter *interp);
int fv_interpreter_n_inputs (const FvInterpreter *interp);
int fv_interpreter_n_outputs (const FvInterpreter *interp);
const FvTensor *fv_interpreter_input_tensor (const FvInterpreter *interp, int i);
const FvTensor *fv_interpreter_output_tensor (const FvInterpreter *interp, int i);
/* Host memory of input / output @i (transfer none; NULL if @i is out of range). */
float *fv_interpreter_input (FvInterpreter *interp, int i);
const float *fv_interpreter_output (FvInterpreter *interp, int i);
size_t fv_interpreter_input_bytes (const FvInterpreter *interp, int i);
size_t fv_interpreter_output_bytes (const FvInterpreter *interp, int i);
/* Any tensor by its model index: constants always; activations only for inputs, outputs,
 * or when the interpreter was made with preserve_all_tensors. NULL otherwise. */
const float *fv_interpreter_tensor (FvInterpreter *interp, int tensor);

gboolean fv_interpreter_invoke (FvInterpreter *interp, GError **error);
size_t fv_interpreter_arena_bytes (const FvInterpreter *interp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvInterpreter, fv_interpreter_free)

G_END_DECLS
