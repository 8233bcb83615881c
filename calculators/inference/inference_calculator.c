/* fovea — InferenceCalculator: runs a TFLite model on a list of tensors.
 *
 * Input:  TENSORS "tensors": one tensor per model input, in the model's input order. Shapes
 *         must match the model's (leading 1s aside); floats are copied into the model.
 * Output: TENSORS "tensors": one tensor per model output, shaped like the model's output
 *         (a scalar output becomes shape [1]).
 * Side packet: MODEL_PATH "string", optional: overrides the options' model.
 * Options (mediapipe.InferenceCalculatorOptions, plus fovea's own):
 *   model_path  MediaPipe's: a .tflite path. When no such file exists, its base name is
 *               looked up in the model catalog, so MediaPipe's graphs
 *               ("mediapipe/modules/face_detection/face_detection_short_range.tflite") run
 *               with the fetched models.
 *   model       fovea's: a catalog name ("face_detection_short_range") or a path.
 *   backend     fovea's: "cpu", "ref" or "opencl". Wins over `device`.
 *   device      fovea's: "cpu", "opencl", "opencl:P:D" or "opencl,cpu" (gpu/device_choice.h),
 *               mapped to the backend "cpu" or "opencl"; with "opencl,cpu" a model whose
 *               OpenCL device does not open runs on the CPU after a warning on stderr.
 *               Without `backend` and `device`: $FOVEA_BACKEND when set, else
 *               $FOVEA_DEVICE, else "cpu" (an empty `device` counts as unset). The opencl
 *               backend opens the device the option names ("opencl:0:1"), else the one of
 *               $FOVEA_DEVICE.
 *   delegate { xnnpack { num_threads } }: threads of the CPU backend (> 0; else its
 *               default). Other delegates are accepted and run on the CPU backend.
 * The model is loaded and prepared once in open(); a missing or unreadable model fails
 * graph start with the path and the reason. An absent input packet emits nothing.
 * Also registered as InferenceCalculatorCpu (MediaPipe's CPU variant's name).
 */
#include <string.h>

#include "gpu/device_choice.h"
#include "graph/calculator.h"
#include "graph/tensor_list.h"
#include "models/catalog.h"
#include "models/interpreter.h"

typedef struct {
  FvInterpreter *interp;
  char *model_name;   /* for messages: what the graph named */
  int in, out;        /* TENSORS ports */
} InferenceState;

static const char *
option_backend (const FvTpMessage *opts, GError **error)
{
  return fv_tp_get_string (opts, "backend", NULL, error);
}

static gboolean
inference_contract (FvContract *cc, GError **error)
{
  const FvTpMessage *opts = fv_contract_options (cc);
  GError *local = NULL;
  const char *model = fv_tp_get_string (opts, "model_path", NULL, &local);
  if (model == NULL && local == NULL)
    model = fv_tp_get_string (opts, "model", NULL, &local);
  const char *backend = local ? NULL : option_backend (opts, &local);
  const char *device = local ? NULL : fv_tp_get_string (opts, "device", NULL, &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  gboolean has_side = fv_contract_tag_count (cc, FV_PORT_SIDE_INPUT, "MODEL_PATH") > 0;
  if (model == NULL && !has_side) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "no model: set options { model_path: \"...\" } (or model: \"catalog_name\"), "
                 "or connect the MODEL_PATH side packet");
    return FALSE;
  }
  if (backend != NULL && fv_backend_find (backend) == NULL) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "unknown backend '%s' (known: %s)", backend,
                 fv_backend_known_names ());
    return FALSE;
  }
  FvDeviceRequest req;
  if (device != NULL && !fv_device_request_parse (device, &req, error))
    return FALSE;
  if (device != NULL)
    fv_device_request_clear (&req);
  fv_type_tensors ();   /* registers the payload type before the graph checks port types */
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "TENSORS", FV_TYPE_NAME_TENSORS, FALSE,
                                 error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "TENSORS", FV_TYPE_NAME_TENSORS, FALSE,
                                    error)
      || !fv_contract_set_tag_type (cc, FV_PORT_SIDE_INPUT, "MODEL_PATH", "string", TRUE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

/* The file to load for @model: the path itself when it exists, else the fetched catalog
 * model named by it or by its base name. transfer full, or NULL with @error. */
static char *
resolve_model (const char *model, GError **error)
{
  if (g_file_test (model, G_FILE_TEST_IS_REGULAR))
    return g_strdup (model);
  const FvCatalogEntry *entry = fv_catalog_find (model);
  if (entry == NULL) {
    g_autofree char *base = g_path_get_basename (model);
    entry = fv_catalog_find (base);
  }
  if (entry == NULL) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                 "model '%s' is neither a file nor a catalog model name", model);
    return NULL;
  }
  GError *local = NULL;
  char *path = fv_catalog_model_path (entry, &local);
  if (path == NULL) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                 "model '%s': %s", model, local->message);   /* it says how to fetch */
    g_error_free (local);
  }
  return path;
}

/* The backend name for the options (NULL: the backend layer's default, $FOVEA_BACKEND);
 * @req receives the device request behind it (zeroed when the backend was named). */
static gboolean
choose_backend (const FvTpMessage *opts, FvDeviceRequest *req, const char **backend,
                GError **error)
{
  *req = (FvDeviceRequest) { 0 };
  *backend = option_backend (opts, NULL);
  const char *device = fv_tp_get_string (opts, "device", NULL, NULL);
  if (device != NULL && *device == '\0')
    device = NULL;   /* a solution's default "": as if unset */
  if (*backend != NULL || (device == NULL && g_getenv ("FOVEA_BACKEND") != NULL))
    return TRUE;
  if (!fv_device_request_parse (device, req, error))
    return FALSE;
  *backend = req->opencl ? "opencl" : "cpu";
  return TRUE;
}

static gboolean
inference_open (FvCalculatorContext *ctx, GError **error)
{
  InferenceState *st = fv_context_state (ctx);
  const FvTpMessage *opts = fv_context_options (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "TENSORS", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "TENSORS", 0);

  const char *model = fv_tp_get_string (opts, "model_path", NULL, NULL);
  if (model == NULL)
    model = fv_tp_get_string (opts, "model", NULL, NULL);
  int side = fv_context_port (ctx, FV_PORT_SIDE_INPUT, "MODEL_PATH", 0);
  if (side >= 0) {
    const char *s = fv_packet_get_string (fv_context_side_input (ctx, (guint) side));
    if (s == NULL || *s == '\0') {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "the MODEL_PATH side packet is empty");
      return FALSE;
    }
    model = s;
  }
  g_autofree char *path = resolve_model (model, error);
  if (path == NULL)
    return FALSE;

  FvBackendOptions bopts = { 0 };
  const FvTpMessage *xnnpack = fv_tp_get_message (fv_tp_get_message (opts, "delegate"), "xnnpack");
  gint64 threads = fv_tp_get_int (xnnpack, "num_threads", -1, NULL);
  bopts.n_threads = threads > 0 && threads <= 1024 ? (int) threads : 0;
  GError *local = NULL;
  FvDeviceRequest req = { 0 };
  const char *backend = NULL;
  if (!choose_backend (opts, &req, &backend, error))
    return FALSE;
  if (req.opencl && req.word != NULL && g_ascii_strcasecmp (req.word, "opencl") != 0)
    bopts.device = req.word;   /* "opencl:P:D": that device, whatever $FOVEA_DEVICE says */
  st->interp = fv_interpreter_new_from_file (path, backend, &bopts, &local);
  if (st->interp == NULL && req.opencl && req.fallback_cpu
      && (g_error_matches (local, FV_GPU_ERROR, FV_GPU_ERROR_NO_PLATFORM)
          || g_error_matches (local, FV_GPU_ERROR, FV_GPU_ERROR_NO_DEVICE))) {
    fv_device_warn_fallback ("InferenceCalculator", local);
    g_clear_error (&local);
    st->interp = fv_interpreter_new_from_file (path, "cpu", &bopts, &local);
  }
  fv_device_request_clear (&req);
  if (st->interp == NULL) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR, "cannot load model '%s' (%s): %s",
                 model, path, local->message);
    g_error_free (local);
    return FALSE;
  }
  const FvModel *m = fv_interpreter_model (st->interp);
  for (int i = 0; i < m->n_inputs + m->n_outputs; i++) {
    gboolean is_in = i < m->n_inputs;
    const FvTensor *t = is_in ? fv_interpreter_input_tensor (st->interp, i)
                              : fv_interpreter_output_tensor (st->interp, i - m->n_inputs);
    if (t->dtype != FV_DTYPE_FLOAT32) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "model '%s': %s %d is %s; only float32 model inputs and outputs are "
                   "supported", model, is_in ? "input" : "output",
                   is_in ? i : i - m->n_inputs, fv_dtype_name (t->dtype));
      return FALSE;
    }
  }
  st->model_name = g_strdup (model);
  return TRUE;
}

/* "[1,128,128,3]" into buf. */
static const char *
shape_str (char *buf, gsize size, int rank, const gint32 *shape)
{
  gsize len = (gsize) g_snprintf (buf, size, "[");
  for (int d = 0; d < rank && len < size; d++)
    len += (gsize) g_snprintf (buf + len, size - len, d ? ",%d" : "%d", (int) shape[d]);
  if (len < size)
    g_snprintf (buf + len, size - len, "]");
  return buf;
}

/* Equal shapes, ignoring leading 1s (a [128,128,3] tensor feeds a [1,128,128,3] input). */
static gboolean
same_shape (int ra, const gint32 *a, int rb, const gint32 *b)
{
  while (ra > 0 && a[0] == 1)
    a++, ra--;
  while (rb > 0 && b[0] == 1)
    b++, rb--;
  if (ra != rb)
    return FALSE;
  for (int d = 0; d < ra; d++)
    if (a[d] != b[d])
      return FALSE;
  return TRUE;
}

static FvProcessStatus
inference_process (FvCalculatorContext *ctx, GError **error)
{
  InferenceState *st = fv_context_state (ctx);
  const FvTensorList *in = fv_packet_get_tensors (fv_context_input (ctx, (guint) st->in));
  if (in == NULL)
    return FV_PROCESS_OK;
  const int n_in = fv_interpreter_n_inputs (st->interp);
  if (in->n != n_in) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "model '%s' takes %d input tensor%s, got %d", st->model_name, n_in,
                 n_in == 1 ? "" : "s", in->n);
    return FV_PROCESS_ERROR;
  }
  for (int i = 0; i < n_in; i++) {
    const FvTensor *t = fv_interpreter_input_tensor (st->interp, i);
    const FvTensorBuffer *b = &in->tensors[i];
    if (!same_shape (t->rank, t->shape, b->rank, b->shape)) {
      char want[96], got[96];
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "model '%s' input %d has shape %s, got a tensor of shape %s", st->model_name,
                   i, shape_str (want, sizeof want, t->rank, t->shape),
                   shape_str (got, sizeof got, b->rank, b->shape));
      return FV_PROCESS_ERROR;
    }
    memcpy (fv_interpreter_input (st->interp, i), b->data, b->n * sizeof (float));
  }
  if (!fv_interpreter_invoke (st->interp, error))
    return FV_PROCESS_ERROR;

  const int n_out = fv_interpreter_n_outputs (st->interp);
  g_autoptr (FvTensorList) out = fv_tensor_list_new (n_out);
  for (int i = 0; i < n_out; i++) {
    const FvTensor *t = fv_interpreter_output_tensor (st->interp, i);
    const gint32 scalar = 1;
    if (!fv_tensor_list_alloc (out, i, t->rank > 0 ? t->rank : 1,
                               t->rank > 0 ? t->shape : &scalar, error))
      return FV_PROCESS_ERROR;
    memcpy (out->tensors[i].data, fv_interpreter_output (st->interp, i),
            out->tensors[i].n * sizeof (float));
  }
  fv_context_output (ctx, (guint) st->out, fv_packet_new_tensors (g_steal_pointer (&out)));
  return FV_PROCESS_OK;
}

static void
inference_destroy_state (gpointer state)
{
  InferenceState *st = state;
  fv_interpreter_free (st->interp);
  g_free (st->model_name);
}

static const FvCalculatorClass inference_calculator = {
  .name = "InferenceCalculator",
  .state_size = sizeof (InferenceState),
  .contract = inference_contract,
  .open = inference_open,
  .process = inference_process,
  .destroy_state = inference_destroy_state,
};
FV_REGISTER_CALCULATOR (inference_calculator)

static const FvCalculatorClass inference_calculator_cpu = {
  .name = "InferenceCalculatorCpu",
  .state_size = sizeof (InferenceState),
  .contract = inference_contract,
  .open = inference_open,
  .process = inference_process,
  .destroy_state = inference_destroy_state,
};
FV_REGISTER_CALCULATOR (inference_calculator_cpu)
