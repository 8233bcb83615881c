/* fovea tests — the TF.js layers-model reader: a hand-written model (non-square kernel,
 * bias, fused and unfused ReLU, nearest upsampling by 2x3, Add, Concatenate) checked
 * against the layers' math on the ref, cpu and opencl backends; RESIZE_NEAREST_NEIGHBOR
 * of the real ESRGAN network on opencl against cpu; and broken or hostile model.json /
 * shards refused with the right error, never a crash. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/catalog.h"
#include "models/interpreter.h"
#include "models/tfjs/tfjs_model.h"

static char *tmp_dir;

static int
setup (void **state)
{
  tmp_dir = g_dir_make_tmp ("fovea-tfjs-XXXXXX", NULL);
  return tmp_dir ? 0 : -1;
}

static int
teardown (void **state)
{
  GDir *d = g_dir_open (tmp_dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name (d))) {
    g_autofree char *p = g_build_filename (tmp_dir, n, NULL);
    g_unlink (p);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
  return 0;
}

/* The hand-written model: x [1,H,W,2]
 *   c1 = Conv2D(3 filters, kernel 1x2 (h x w), same, bias, activation relu)(x)
 *   c2 = Conv2D(2 filters, 1x1, valid, no bias)(x); r2 = Activation(relu)(c2) — c2 has a
 *        second reader (the concat), so this ReLU stays a separate op
 *   u  = UpSampling2D(size [2, 3], nearest)(c1)
 *   a  = Add()(u, u)
 *   out = Concatenate(axis -1)([a, UpSampling2D([2,3])(concat of r2, c2)])
 * Weights: c1/kernel HWIO [1,2,2,3] (12), c1/bias [3], c2/kernel [1,1,2,2] (4). */
static const char *layers_json =
  "[{\"class_name\":\"InputLayer\",\"name\":\"x\",\"config\":{\"batch_input_shape\":"
  "[null,null,null,2],\"dtype\":\"float32\",\"name\":\"x\"},\"inbound_nodes\":[]},"
  "{\"class_name\":\"Conv2D\",\"name\":\"c1\",\"config\":{\"name\":\"c1\",\"filters\":3,"
  "\"kernel_size\":[1,2],\"strides\":[1,1],\"padding\":\"same\",\"data_format\":"
  "\"channels_last\",\"dilation_rate\":[1,1],\"activation\":\"relu\",\"use_bias\":true},"
  "\"inbound_nodes\":[[[\"x\",0,0,{}]]]},"
  "{\"class_name\":\"Conv2D\",\"name\":\"c2\",\"config\":{\"name\":\"c2\",\"filters\":2,"
  "\"kernel_size\":1,\"padding\":\"valid\",\"activation\":\"linear\",\"use_bias\":false},"
  "\"inbound_nodes\":[[[\"x\",0,0,{}]]]},"
  "{\"class_name\":\"Activation\",\"name\":\"r2\",\"config\":{\"name\":\"r2\",\"activation\":"
  "\"relu\"},\"inbound_nodes\":[[[\"c2\",0,0,{}]]]},"
  "{\"class_name\":\"Concatenate\",\"name\":\"k\",\"config\":{\"name\":\"k\",\"axis\":-1},"
  "\"inbound_nodes\":[[[\"r2\",0,0,{}],[\"c2\",0,0,{}]]]},"
  "{\"class_name\":\"UpSampling2D\",\"name\":\"u\",\"config\":{\"name\":\"u\",\"size\":[2,3],"
  "\"data_format\":\"channels_last\",\"interpolation\":\"nearest\"},"
  "\"inbound_nodes\":[[[\"c1\",0,0,{}]]]},"
  "{\"class_name\":\"UpSampling2D\",\"name\":\"uk\",\"config\":{\"name\":\"uk\",\"size\":[2,3]},"
  "\"inbound_nodes\":[[[\"k\",0,0,{}]]]},"
  "{\"class_name\":\"Add\",\"name\":\"a\",\"config\":{\"name\":\"a\"},"
  "\"inbound_nodes\":[[[\"u\",0,0,{}],[\"u\",0,0,{}]]]},"
  "{\"class_name\":\"Concatenate\",\"name\":\"out\",\"config\":{\"name\":\"out\",\"axis\":3},"
  "\"inbound_nodes\":[[[\"a\",0,0,{}],[\"uk\",0,0,{}]]]}]";

#define MANIFEST_JSON \
  "[{\"paths\":[\"%s\"],\"weights\":[" \
  "{\"name\":\"c1/kernel\",\"shape\":[1,2,2,3],\"dtype\":\"float32\"}," \
  "{\"name\":\"c1/bias\",\"shape\":[3],\"dtype\":\"float32\"}," \
  "{\"name\":\"c2/kernel\",\"shape\":[1,1,2,2],\"dtype\":\"%s\"}]}]"

static float weights[19];

/* Writes model.json (with @layers, @shard as the path, @dtype for c2's kernel, @format) and
 * the shard (@n_floats of the weights). Returns the model.json path. */
static char *
write_model (const char *layers, const char *shard, const char *dtype, const char *format,
             int n_floats)
{
  for (int i = 0; i < 19; i++)
    weights[i] = (float) ((i * 7) % 11 - 5) * 0.25f;   /* mixed signs, exact in float */
  g_autofree char *manifest = g_strdup_printf (MANIFEST_JSON, shard, dtype);
  g_autofree char *json = g_strdup_printf (
    "{\"format\":\"%s\",\"generatedBy\":\"keras v2.10.0\",\"modelTopology\":{"
    "\"model_config\":{\"class_name\":\"Functional\",\"config\":{\"name\":\"tiny\","
    "\"layers\":%s,\"input_layers\":[[\"x\",0,0]],\"output_layers\":[[\"out\",0,0]]}}},"
    "\"weightsManifest\":%s}", format, layers, manifest);
  char *path = g_build_filename (tmp_dir, "model.json", NULL);
  assert_true (g_file_set_contents (path, json, -1, NULL));
  g_autofree char *bin = g_build_filename (tmp_dir, "w.bin", NULL);
  assert_true (g_file_set_contents (bin, (const char *) weights,
                                    (gssize) (n_floats * sizeof (float)), NULL));
  return path;
}

static char *
write_tiny (void)
{
  return write_model (layers_json, "w.bin", "float32", "layers-model", 19);
}

/* The model's output computed from the layers' definitions. */
static float
expected (const float *x, int h, int w, int oy, int ox, int oc)
{
  const float *k1 = weights, *b1 = weights + 12, *k2 = weights + 15;
  int y = oy / 2, xx = ox / 3;
  if (oc < 3) {
    /* same padding of a 1x2 kernel: no row pad, the extra column on the right */
    float s = b1[oc];
    for (int kx = 0; kx < 2; kx++) {
      int ix = xx + kx;
      if (ix >= w)
        continue;
      for (int c = 0; c < 2; c++)
        s += x[(y * w + ix) * 2 + c] * k1[(kx * 2 + c) * 3 + oc];
    }
    s = s > 0 ? s : 0;
    return s + s;
  }
  int j = (oc - 3) % 2;
  float s = x[(y * w + xx) * 2 + 0] * k2[0 * 2 + j] + x[(y * w + xx) * 2 + 1] * k2[1 * 2 + j];
  return oc < 5 ? (s > 0 ? s : 0) : s;
}

static void
run_tiny_on (const FvModel *m, const char *backend, int h, int w)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvInterpreter) it = fv_interpreter_new (m, backend, NULL, &error);
  if (!it && g_str_equal (backend, "opencl")) {
    printf ("  opencl: %s, not run\n", error->message);
    return;
  }
  if (!it)
    fail_msg ("%s: %s", backend, error->message);
  float *x = fv_interpreter_input (it, 0);
  for (int i = 0; i < h * w * 2; i++)
    x[i] = (float) ((i * 5) % 9 - 4) * 0.5f;
  assert_true (fv_interpreter_invoke (it, &error));
  const float *y = fv_interpreter_output (it, 0);
  const FvTensor *ot = fv_interpreter_output_tensor (it, 0);
  assert_int_equal (ot->shape[1], h * 2);
  assert_int_equal (ot->shape[2], w * 3);
  assert_int_equal (ot->shape[3], 7);
  for (int oy = 0; oy < h * 2; oy++)
    for (int ox = 0; ox < w * 3; ox++)
      for (int oc = 0; oc < 7; oc++) {
        float want = expected (x, h, w, oy, ox, oc);
        float got = y[(oy * w * 3 + ox) * 7 + oc];
        if (fabsf (got - want) > 1e-5f)
          fail_msg ("%s: out[%d,%d,%d] = %g, expected %g", backend, oy, ox, oc, got, want);
      }
}

static void
test_tiny_model (void **state)
{
  g_autofree char *path = write_tiny ();
  g_autoptr (GError) error = NULL;
  g_autoptr (FvTfjsModel) tm = fv_tfjs_model_load (path, &error);
  if (!tm)
    fail_msg ("%s", error->message);
  assert_int_equal (fv_tfjs_model_input_channels (tm), 2);
  assert_int_equal (fv_tfjs_model_scale (tm), 2);
  int sizes[][2] = { { 3, 4 }, { 1, 1 }, { 5, 2 } };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autoptr (FvModel) m = fv_tfjs_model_instantiate (tm, sizes[i][0], sizes[i][1], &error);
    if (!m)
      fail_msg ("%s", error->message);
    /* c1's ReLU is fused; r2's is not (c2 has two readers) */
    int relus = 0, nearest = 0;
    for (int o = 0; o < m->n_ops; o++) {
      relus += m->ops[o].type == FV_OP_RELU;
      nearest += m->ops[o].type == FV_OP_RESIZE_NEAREST_NEIGHBOR;
    }
    assert_int_equal (relus, 1);
    assert_int_equal (nearest, 2);
    run_tiny_on (m, "ref", sizes[i][0], sizes[i][1]);
    run_tiny_on (m, "cpu", sizes[i][0], sizes[i][1]);
    run_tiny_on (m, "opencl", sizes[i][0], sizes[i][1]);
  }
  /* .json through the generic loader: the open size becomes FV_TFJS_DEFAULT_SIZE */
  g_autoptr (FvModel) m = fv_model_load_file (path, &error);
  assert_non_null (m);
  assert_int_equal (m->tensors[m->inputs[0]].shape[1], FV_TFJS_DEFAULT_SIZE);
}

/* Each broken variant of the tiny model fails to load (or instantiate) with @code and a
 * message containing @says. */
static void
expect_load_error (const char *path, FvModelError code, const char *says)
{
  GError *error = NULL;
  FvTfjsModel *tm = fv_tfjs_model_load (path, &error);
  FvModel *m = tm ? fv_tfjs_model_instantiate (tm, 4, 4, &error) : NULL;
  if (m)
    fail_msg ("%s loaded, expected an error saying '%s'", path, says);
  fv_tfjs_model_free (tm);
  assert_non_null (error);
  if (!g_error_matches (error, FV_MODEL_ERROR, (gint) code) || !strstr (error->message, says))
    fail_msg ("expected code %d saying '%s', got %d: %s", code, says, error->code,
              error->message);
  g_error_free (error);
}

static char *
write_layers_variant (const char *from, const char *to)
{
  g_autoptr (GString) layers = g_string_new (layers_json);
  assert_true (g_string_replace (layers, from, to, 1) == 1);
  return write_model (layers->str, "w.bin", "float32", "layers-model", 19);
}

static void
test_bad_models (void **state)
{
  g_autofree char *json = g_build_filename (tmp_dir, "model.json", NULL);
  /* not JSON, not an object, wrong format */
  g_file_set_contents (json, "{\"format\": \"layers-model\", ", -1, NULL);
  expect_load_error (json, FV_MODEL_ERROR_CORRUPT, "model.json");
  g_file_set_contents (json, "[1, 2]", -1, NULL);
  expect_load_error (json, FV_MODEL_ERROR_CORRUPT, "not a JSON object");
  g_file_set_contents (json, "{\"format\": \"layers-model\"}", -1, NULL);
  expect_load_error (json, FV_MODEL_ERROR_CORRUPT, "modelTopology");
  g_autofree char *graph = write_model (layers_json, "w.bin", "float32", "graph-model", 19);
  expect_load_error (graph, FV_MODEL_ERROR_UNSUPPORTED, "graph-model");
  g_autofree char *missing = g_build_filename (tmp_dir, "absent.json", NULL);
  expect_load_error (missing, FV_MODEL_ERROR_IO, "absent.json");

  /* shards: leaving the folder, absent, short, another dtype */
  g_autofree char *evil = write_model (layers_json, "../w.bin", "float32", "layers-model", 19);
  expect_load_error (evil, FV_MODEL_ERROR_CORRUPT, "not a file name");
  g_autofree char *absent = write_model (layers_json, "nope.bin", "float32", "layers-model", 19);
  expect_load_error (absent, FV_MODEL_ERROR_IO, "nope.bin");
  g_autofree char *shorter = write_model (layers_json, "w.bin", "float32", "layers-model", 18);
  expect_load_error (shorter, FV_MODEL_ERROR_CORRUPT, "past the end");
  g_autofree char *i16 = write_model (layers_json, "w.bin", "int16", "layers-model", 19);
  expect_load_error (i16, FV_MODEL_ERROR_UNSUPPORTED, "int16");

  /* layers: unknown class, bad references, mistyped and mismatched values */
  g_autofree char *lstm = write_layers_variant ("\"class_name\":\"Add\"", "\"class_name\":\"LSTM\"");
  expect_load_error (lstm, FV_MODEL_ERROR_UNSUPPORTED, "LSTM");
  g_autofree char *later = write_layers_variant ("[[[\"x\",0,0,{}]]]},{\"class_name\":\"Conv2D\"",
                                                 "[[[\"out\",0,0,{}]]]},{\"class_name\":\"Conv2D\"");
  expect_load_error (later, FV_MODEL_ERROR_CORRUPT, "not an earlier layer");
  g_autofree char *str = write_layers_variant ("\"filters\":3", "\"filters\":\"3\"");
  expect_load_error (str, FV_MODEL_ERROR_CORRUPT, "filters");
  g_autofree char *shape = write_layers_variant ("\"filters\":3", "\"filters\":4");
  expect_load_error (shape, FV_MODEL_ERROR_CORRUPT, "kernel shape");
  g_autofree char *pad = write_layers_variant ("\"padding\":\"same\"", "\"padding\":\"full\"");
  expect_load_error (pad, FV_MODEL_ERROR_UNSUPPORTED, "padding full");
  g_autofree char *axis = write_layers_variant ("\"axis\":-1", "\"axis\":1");
  expect_load_error (axis, FV_MODEL_ERROR_UNSUPPORTED, "axis 1");
  g_autofree char *interp = write_layers_variant ("\"interpolation\":\"nearest\"",
                                                  "\"interpolation\":\"lanczos\"");
  expect_load_error (interp, FV_MODEL_ERROR_UNSUPPORTED, "lanczos");
  g_autofree char *big = write_layers_variant ("\"size\":[2,3]", "\"size\":[2,3000]");
  expect_load_error (big, FV_MODEL_ERROR_CORRUPT, "size");
  g_autofree char *one_in = write_layers_variant ("[[[\"u\",0,0,{}],[\"u\",0,0,{}]]]",
                                                  "[[[\"u\",0,0,{}]]]");
  expect_load_error (one_in, FV_MODEL_ERROR_CORRUPT, "at least 2");
  /* a valid-padding kernel bigger than the input: refused at instantiation */
  g_autofree char *valid = write_layers_variant ("\"kernel_size\":1,\"padding\":\"valid\"",
                                                 "\"kernel_size\":1,\"padding\":\"valid\","
                                                 "\"strides\":[1,1],\"dilation_rate\":[9,9]");
  g_autoptr (GError) error = NULL;
  g_autoptr (FvTfjsModel) ok = fv_tfjs_model_load (valid, &error);
  assert_non_null (ok);   /* a 1x1 kernel ignores dilation: still fine */

  /* sizes: not positive, too large */
  g_autofree char *tiny = write_tiny ();
  g_autoptr (FvTfjsModel) tm = fv_tfjs_model_load (tiny, &error);
  assert_non_null (tm);
  assert_null (fv_tfjs_model_instantiate (tm, 0, 4, &error));
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT));
  g_clear_error (&error);
  assert_null (fv_tfjs_model_instantiate (tm, 100000, 100000, &error));
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_SHAPE));
  assert_non_null (strstr (error->message, "too large"));
}

/* The real slim x2 network on opencl (PoCL in CI) against cpu, on a small odd size. */
static void
test_esrgan_opencl (void **state)
{
  const FvCatalogEntry *e = fv_catalog_find ("esrgan_slim_x2");
  g_autoptr (GError) error = NULL;
  g_autofree char *path = fv_catalog_model_path (e, &error);
  if (!path)
    fail_msg ("%s", error->message);
  g_autoptr (FvTfjsModel) tm = fv_tfjs_model_load (path, &error);
  assert_non_null (tm);
  g_autoptr (FvModel) m = fv_tfjs_model_instantiate (tm, 13, 17, &error);
  assert_non_null (m);
  g_autoptr (FvInterpreter) cpu = fv_interpreter_new (m, "cpu", NULL, &error);
  g_autoptr (FvInterpreter) ocl = fv_interpreter_new (m, "opencl", NULL, &error);
  assert_non_null (cpu);
  if (!ocl)
    fail_msg ("opencl: %s", error->message);
  float *a = fv_interpreter_input (cpu, 0), *b = fv_interpreter_input (ocl, 0);
  for (int i = 0; i < 13 * 17 * 3; i++)
    a[i] = b[i] = (float) ((i * 37) % 256);
  assert_true (fv_interpreter_invoke (cpu, &error));
  assert_true (fv_interpreter_invoke (ocl, &error));
  const float *ya = fv_interpreter_output (cpu, 0), *yb = fv_interpreter_output (ocl, 0);
  float worst = 0;
  for (int i = 0; i < 26 * 34 * 3; i++)
    worst = fmaxf (worst, fabsf (ya[i] - yb[i]));
  printf ("  esrgan_slim_x2 opencl vs cpu: max |diff| %g (of 0..255)\n", worst);
  /* float32 on both; only summation order differs: far below one intensity level */
  assert_true (worst < 0.05f);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_tiny_model, setup, teardown),
    cmocka_unit_test_setup_teardown (test_bad_models, setup, teardown),
    cmocka_unit_test (test_esrgan_opencl),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
