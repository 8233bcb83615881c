/* fovea — an FvModel bound to a backend's prepared state. */
#include "models/interpreter.h"

struct _FvInterpreter {
  const FvModel *model;
  FvModel *owned_model;
  const FvBackend *backend;
  FvBackendState *state;
};

FvInterpreter *
fv_interpreter_new (const FvModel *model, const char *backend, const FvBackendOptions *options,
                    GError **error)
{
  const FvBackend *b = fv_backend_find (backend);
  if (!b) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT,
                 "unknown backend '%s' (known: %s)", backend,
                 fv_backend_known_names ());
    return NULL;
  }
  FvBackendOptions defaults = { 0 };
  FvBackendState *state = b->prepare (model, options ? options : &defaults, error);
  if (!state)
    return NULL;
  FvInterpreter *interp = g_new0 (FvInterpreter, 1);
  interp->model = model;
  interp->backend = b;
  interp->state = state;
  return interp;
}

FvInterpreter *
fv_interpreter_new_from_file (const char *path, const char *backend,
                              const FvBackendOptions *options, GError **error)
{
  FvModel *model = fv_model_load_file (path, error);
  if (!model)
    return NULL;
  FvInterpreter *interp = fv_interpreter_new (model, backend, options, error);
  if (!interp) {
    fv_model_free (model);
    return NULL;
  }
  interp->owned_model = model;
  return interp;
}

void
fv_interpreter_free (FvInterpreter *interp)
{
  if (!interp)
    return;
  interp->backend->free (interp->state);
  fv_model_free (interp->owned_model);
  g_free (interp);
}

const FvModel *
fv_interpreter_model (const FvInterpreter *interp)
{
  return interp->model;
}

const char *
fv_interpreter_backend_name (const FvInterpreter *interp)
{
  return interp->backend->name;
}

int
fv_interpreter_n_inputs (const FvInterpreter *interp)
{
  return interp->model->n_inputs;
}

int
fv_interpreter_n_outputs (const FvInterpreter *interp)
{
  return interp->model->n_outputs;
}

const FvTensor *
fv_interpreter_input_tensor (const FvInterpreter *interp, int i)
{
  if (i < 0 || i >= interp->model->n_inputs)
    return NULL;
  return &interp->model->tensors[interp->model->inputs[i]];
}

const FvTensor *
fv_interpreter_output_tensor (const FvInterpreter *interp, int i)
{
  if (i < 0 || i >= interp->model->n_outputs)
    return NULL;
  return &interp->model->tensors[interp->model->outputs[i]];
}

float *
fv_interpreter_input (FvInterpreter *interp, int i)
{
  if (i < 0 || i >= interp->model->n_inputs)
    return NULL;
  return interp->backend->tensor_data (interp->state, interp->model->inputs[i]);
}

const float *
fv_interpreter_output (FvInterpreter *interp, int i)
{
  if (i < 0 || i >= interp->model->n_outputs)
    return NULL;
  int t = interp->model->outputs[i];
  if (interp->model->tensors[t].is_const)
    return interp->model->tensors[t].data;
  return interp->backend->tensor_data (interp->state, t);
}

size_t
fv_interpreter_input_bytes (const FvInterpreter *interp, int i)
{
  const FvTensor *t = fv_interpreter_input_tensor (interp, i);
  return t ? fv_tensor_nbytes (t) : 0;
}

size_t
fv_interpreter_output_bytes (const FvInterpreter *interp, int i)
{
  const FvTensor *t = fv_interpreter_output_tensor (interp, i);
  return t ? fv_tensor_nbytes (t) : 0;
}

const float *
fv_interpreter_tensor (FvInterpreter *interp, int tensor)
{
  if (tensor < 0 || tensor >= interp->model->n_tensors)
    return NULL;
  if (interp->model->tensors[tensor].is_const)
    return interp->model->tensors[tensor].data;
  return interp->backend->tensor_data (interp->state, tensor);
}

gboolean
fv_interpreter_invoke (FvInterpreter *interp, GError **error)
{
  return interp->backend->run (interp->state, error);
}

size_t
fv_interpreter_arena_bytes (const FvInterpreter *interp)
{
  return interp->backend->arena_bytes (interp->state);
}
