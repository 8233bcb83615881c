/* The "cpu" backend's fast kernels against the reference kernels on one-op (and two-op)
 * models built in memory: randomized CONV_2D and DEPTHWISE_CONV_2D shapes (odd sizes,
 * stride 2 SAME on even and odd inputs, every activation, channel counts that are not
 * multiples of the kernels' blocks), with 1 and 3 threads, on the AVX2 and the portable
 * code paths. Tolerance: max |cpu - ref| <= 1e-5 * max |ref| + 1e-6 (the kernels add in
 * the reference order, so in practice the results are identical). The element-wise ops
 * (ADD, MUL, PRELU, RELU, RELU6, HARD_SWISH) and MAX_POOL_2D, which have fast paths too, are swept the
 * same way. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/interpreter.h"
#include "models/kernel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* --- building models in memory ------------------------------------------------------ */

static FvModel *
model_new (int n_tensors, int n_ops)
{
  FvModel *m = g_new0 (FvModel, 1);
  m->description = g_strdup ("");
  m->n_tensors = n_tensors;
  m->tensors = g_new0 (FvTensor, n_tensors);
  m->n_ops = n_ops;
  m->ops = g_new0 (FvOp, n_ops);
  return m;
}

static void
set_tensor (FvModel *m, int t, int rank, const int32_t *shape, gboolean is_const, GRand *rng)
{
  FvTensor *x = &m->tensors[t];
  x->name = g_strdup_printf ("t%d", t);
  x->dtype = FV_DTYPE_FLOAT32;
  x->rank = rank;
  memcpy (x->shape, shape, (size_t) rank * sizeof (int32_t));
  x->is_const = is_const;
  if (is_const) {
    x->data_bytes = fv_tensor_nbytes (x);
    x->data = fv_aligned_alloc0 (x->data_bytes);
    float *f = x->data;
    for (int64_t i = 0; i < fv_tensor_numel (x); i++)
      f[i] = (float) g_rand_double_range (rng, -1.0, 1.0);
  }
}

static void
set_op (FvModel *m, int o, FvOpType type, int n_in, const int *in, int out)
{
  FvOp *op = &m->ops[o];
  op->type = type;
  op->version = 1;
  op->n_inputs = n_in;
  op->inputs = g_memdup2 (in, (size_t) n_in * sizeof (int));
  op->n_outputs = 1;
  op->outputs = g_new (int, 1);
  op->outputs[0] = out;
}

static void
set_io (FvModel *m, int input, int output)
{
  m->n_inputs = 1;
  m->inputs = g_new (int, 1);
  m->inputs[0] = input;
  m->n_outputs = 1;
  m->outputs = g_new (int, 1);
  m->outputs[0] = output;
}

static int64_t
out_size (FvPadding pad, int64_t in, int64_t k, int64_t stride)
{
  return pad == FV_PADDING_SAME ? (in + stride - 1) / stride : (in - k) / stride + 1;
}

typedef struct {
  FvOpType type;           /* CONV_2D or DEPTHWISE_CONV_2D */
  int h, w, cin, cout, kh, kw, stride_h, stride_w, dil;
  FvPadding padding;
  FvActivation act;
  gboolean bias;
} ConvCase;

/* input (0) -> op -> output (3); filter (1), bias (2) constants */
static FvModel *
conv_model (const ConvCase *c, GRand *rng)
{
  FvModel *m = model_new (4, 1);
  int32_t in_shape[4] = { 1, c->h, c->w, c->cin };
  set_tensor (m, 0, 4, in_shape, FALSE, rng);
  if (c->type == FV_OP_CONV_2D) {
    int32_t f[4] = { c->cout, c->kh, c->kw, c->cin };
    set_tensor (m, 1, 4, f, TRUE, rng);
  } else {
    int32_t f[4] = { 1, c->kh, c->kw, c->cout };
    set_tensor (m, 1, 4, f, TRUE, rng);
  }
  int32_t b[1] = { c->cout };
  set_tensor (m, 2, 1, b, TRUE, rng);
  int64_t kh = (c->kh - 1) * c->dil + 1, kw = (c->kw - 1) * c->dil + 1;
  int32_t out_shape[4] = { 1, (int32_t) out_size (c->padding, c->h, kh, c->stride_h),
                           (int32_t) out_size (c->padding, c->w, kw, c->stride_w), c->cout };
  set_tensor (m, 3, 4, out_shape, FALSE, rng);
  int in[3] = { 0, 1, 2 };
  set_op (m, 0, c->type, c->bias ? 3 : 2, in, 3);
  FvConvOptions *o = &m->ops[0].options.conv;
  o->padding = c->padding;
  o->stride_h = c->stride_h;
  o->stride_w = c->stride_w;
  o->dilation_h = o->dilation_w = c->dil;
  o->depth_multiplier = c->type == FV_OP_CONV_2D ? 1 : c->cout / c->cin;
  o->activation = c->act;
  set_io (m, 0, 3);
  return m;
}

/* --- comparing backends -------------------------------------------------------------- */

static double
max_abs_diff (const float *a, const float *b, size_t n, double *absmax)
{
  double d = 0;
  *absmax = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite (a[i]) || !isfinite (b[i]))
      return INFINITY;
    d = fmax (d, fabs ((double) a[i] - b[i]));
    *absmax = fmax (*absmax, fabs (b[i]));
  }
  return d;
}

/* Runs @m on "ref" and on "cpu" with @n_threads from the same random input and checks the
 * output; returns the max difference. */
static double
check_model (const FvModel *m, int n_threads, const char *what)
{
  g_autoptr (GError) error = NULL;
  FvBackendOptions opts = { .n_threads = n_threads };
  g_autoptr (FvInterpreter) ref = fv_interpreter_new (m, "ref", NULL, &error);
  if (!ref)
    fail_msg ("%s: ref: %s", what, error->message);
  g_autoptr (FvInterpreter) cpu = fv_interpreter_new (m, "cpu", &opts, &error);
  if (!cpu)
    fail_msg ("%s: cpu: %s", what, error->message);
  assert_string_equal (fv_interpreter_backend_name (cpu), "cpu");
  size_t n_in = fv_interpreter_input_bytes (ref, 0) / sizeof (float);
  GRand *rng = g_rand_new_with_seed ((guint32) n_in);
  float *a = fv_interpreter_input (ref, 0), *b = fv_interpreter_input (cpu, 0);
  for (size_t i = 0; i < n_in; i++)
    a[i] = b[i] = (float) g_rand_double_range (rng, -8.0, 8.0);
  g_rand_free (rng);
  assert_true (fv_interpreter_invoke (ref, &error));
  assert_true (fv_interpreter_invoke (cpu, &error));
  size_t n_out = fv_interpreter_output_bytes (ref, 0) / sizeof (float);
  double absmax;
  double d = max_abs_diff (fv_interpreter_output (cpu, 0), fv_interpreter_output (ref, 0),
                           n_out, &absmax);
  if (!(d <= 1e-5 * absmax + 1e-6))
    fail_msg ("%s, %d threads: max |cpu - ref| = %g (max |ref| %g)", what, n_threads, d,
              absmax);
  return d;
}

static const FvActivation acts[] = { FV_ACT_NONE, FV_ACT_RELU, FV_ACT_RELU6,
                                     FV_ACT_RELU_N1_TO_1 };

static char *
case_str (const ConvCase *c)
{
  return g_strdup_printf ("%s %dx%dx%d -> %d, %dx%d s%dx%d d%d %s act %d%s",
                          fv_op_type_name (c->type), c->h, c->w, c->cin, c->cout, c->kh, c->kw,
                          c->stride_h, c->stride_w, c->dil,
                          c->padding == FV_PADDING_SAME ? "SAME" : "VALID", c->act,
                          c->bias ? "" : " no bias");
}

static void
run_case (const ConvCase *c, GRand *rng, double *worst)
{
  g_autofree char *what = case_str (c);
  g_autoptr (FvModel) m = conv_model (c, rng);
  int threads[2] = { 1, 3 };
  for (int t = 0; t < 2; t++)
    *worst = fmax (*worst, check_model (m, threads[t], what));
}

/* --- tests --------------------------------------------------------------------------- */

static void
sweep_conv (GRand *rng, int n_cases)
{
  static const int ks[] = { 1, 1, 1, 2, 3, 5 };
  double worst = 0;
  for (int i = 0; i < n_cases; i++) {
    ConvCase c = { FV_OP_CONV_2D };
    c.kh = c.kw = ks[g_rand_int_range (rng, 0, G_N_ELEMENTS (ks))];
    if (g_rand_int_range (rng, 0, 6) == 0)
      c.kw = ks[g_rand_int_range (rng, 0, G_N_ELEMENTS (ks))];
    c.stride_h = c.stride_w = g_rand_int_range (rng, 1, 4);
    c.dil = g_rand_int_range (rng, 0, 8) == 0 ? 2 : 1;
    c.padding = g_rand_boolean (rng) ? FV_PADDING_SAME : FV_PADDING_VALID;
    int kh = (c.kh - 1) * c.dil + 1, kw = (c.kw - 1) * c.dil + 1;
    c.h = g_rand_int_range (rng, MAX (kh, 1), 14);
    c.w = g_rand_int_range (rng, MAX (kw, 1), 14);
    c.cin = g_rand_int_range (rng, 1, 40);
    c.cout = g_rand_int_range (rng, 1, 70);
    c.act = acts[i % 4];
    c.bias = i % 5 != 0;
    run_case (&c, rng, &worst);
  }
  printf ("  %d random CONV_2D cases: worst max |cpu - ref| %g\n", n_cases, worst);
}

static void
test_conv_random (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (1234);
  sweep_conv (rng, 120);
}

/* The portable (non-AVX2) build of the same kernels. */
static void
test_conv_portable (void **state)
{
  g_setenv ("FOVEA_CPU_NO_AVX2", "1", TRUE);
  g_autoptr (GRand) rng = g_rand_new_with_seed (99);
  sweep_conv (rng, 30);
  g_unsetenv ("FOVEA_CPU_NO_AVX2");
}

/* Shapes the models use, where the blocking matters: big 1x1 GEMMs with tails in both
 * pixels and channels, stride-2 SAME stems on even and odd inputs, one-pixel heads. */
static void
test_conv_model_shapes (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (7);
  const ConvCase cases[] = {
    { FV_OP_CONV_2D, 24, 24, 48, 96, 1, 1, 1, 1, 1, FV_PADDING_VALID, FV_ACT_RELU6, TRUE },
    { FV_OP_CONV_2D, 13, 11, 67, 33, 1, 1, 1, 1, 1, FV_PADDING_SAME, FV_ACT_NONE, TRUE },
    { FV_OP_CONV_2D, 1, 1, 300, 70, 1, 1, 1, 1, 1, FV_PADDING_VALID, FV_ACT_RELU, TRUE },
    { FV_OP_CONV_2D, 32, 32, 3, 24, 5, 5, 2, 2, 1, FV_PADDING_SAME, FV_ACT_NONE, TRUE },
    { FV_OP_CONV_2D, 33, 31, 3, 16, 3, 3, 2, 2, 1, FV_PADDING_SAME, FV_ACT_RELU6, TRUE },
    { FV_OP_CONV_2D, 3, 3, 32, 21, 3, 3, 3, 3, 1, FV_PADDING_VALID, FV_ACT_NONE, TRUE },
    { FV_OP_CONV_2D, 2, 2, 40, 17, 2, 2, 2, 2, 1, FV_PADDING_VALID, FV_ACT_NONE, FALSE },
    { FV_OP_CONV_2D, 9, 9, 16, 8, 2, 2, 1, 1, 1, FV_PADDING_VALID, FV_ACT_RELU, TRUE },
  };
  double worst = 0;
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    run_case (&cases[i], rng, &worst);
  printf ("  model-like CONV_2D shapes: worst max |cpu - ref| %g\n", worst);
}

static void
test_depthwise_random (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (4321);
  double worst = 0;
  for (int i = 0; i < 100; i++) {
    if (i == 80)
      g_setenv ("FOVEA_CPU_NO_AVX2", "1", TRUE);
    ConvCase c = { FV_OP_DEPTHWISE_CONV_2D };
    c.kh = c.kw = g_rand_boolean (rng) ? 3 : 5;
    if (g_rand_int_range (rng, 0, 6) == 0)
      c.kw = g_rand_int_range (rng, 1, 4);
    c.stride_h = c.stride_w = g_rand_int_range (rng, 1, 3);
    c.dil = g_rand_int_range (rng, 0, 8) == 0 ? 2 : 1;
    c.padding = g_rand_boolean (rng) ? FV_PADDING_SAME : FV_PADDING_VALID;
    int kh = (c.kh - 1) * c.dil + 1, kw = (c.kw - 1) * c.dil + 1;
    c.h = g_rand_int_range (rng, kh, 16);
    c.w = g_rand_int_range (rng, kw, 16);
    /* every tail: 32-, 8- and 1-channel blocks */
    c.cin = c.cout = g_rand_int_range (rng, 1, 80);
    /* a depth multiplier of 2 takes the reference fallback */
    if (i % 10 == 9)
      c.cout = 2 * c.cin;
    c.act = acts[i % 4];
    c.bias = i % 7 != 0;
    run_case (&c, rng, &worst);
  }
  g_unsetenv ("FOVEA_CPU_NO_AVX2");
  printf ("  100 random DEPTHWISE_CONV_2D cases: worst max |cpu - ref| %g\n", worst);
}

/* conv -> depthwise -> conv: consecutive ops on the pool read what the previous op wrote. */
static void
test_chain (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (5);
  FvModel *m = model_new (10, 3);
  int32_t s0[4] = { 1, 20, 18, 8 }, f1[4] = { 24, 3, 3, 8 }, b24[1] = { 24 };
  int32_t s1[4] = { 1, 10, 9, 24 }, f2[4] = { 1, 5, 5, 24 };
  int32_t s2[4] = { 1, 10, 9, 24 }, f3[4] = { 20, 1, 1, 24 }, b20[1] = { 20 };
  int32_t s3[4] = { 1, 10, 9, 20 };
  set_tensor (m, 0, 4, s0, FALSE, rng);
  set_tensor (m, 1, 4, f1, TRUE, rng);
  set_tensor (m, 2, 1, b24, TRUE, rng);
  set_tensor (m, 3, 4, s1, FALSE, rng);
  set_tensor (m, 4, 4, f2, TRUE, rng);
  set_tensor (m, 5, 1, b24, TRUE, rng);
  set_tensor (m, 6, 4, s2, FALSE, rng);
  set_tensor (m, 7, 4, f3, TRUE, rng);
  set_tensor (m, 8, 1, b20, TRUE, rng);
  set_tensor (m, 9, 4, s3, FALSE, rng);
  int in0[3] = { 0, 1, 2 }, in1[3] = { 3, 4, 5 }, in2[3] = { 6, 7, 8 };
  set_op (m, 0, FV_OP_CONV_2D, 3, in0, 3);
  set_op (m, 1, FV_OP_DEPTHWISE_CONV_2D, 3, in1, 6);
  set_op (m, 2, FV_OP_CONV_2D, 3, in2, 9);
  for (int o = 0; o < 3; o++) {
    FvConvOptions *opt = &m->ops[o].options.conv;
    opt->padding = FV_PADDING_SAME;
    opt->stride_h = opt->stride_w = o == 0 ? 2 : 1;
    opt->dilation_h = opt->dilation_w = 1;
    opt->depth_multiplier = 1;
    opt->activation = o == 1 ? FV_ACT_RELU6 : FV_ACT_NONE;
  }
  set_io (m, 0, 9);
  for (int t = 1; t <= 4; t++)
    check_model (m, t, "conv -> depthwise -> conv");
  fv_model_free (m);
}

/* out = op (a, b): input a (0) full shape, b (1) a constant of @b_shape (or the graph's
 * second operand order swapped), output (2). */
static FvModel *
binary_model (FvOpType type, int rank, const int32_t *shape, int b_rank, const int32_t *b_shape,
              gboolean swap, FvActivation act, GRand *rng)
{
  FvModel *m = model_new (3, 1);
  set_tensor (m, 0, rank, shape, FALSE, rng);
  set_tensor (m, 1, b_rank, b_shape, TRUE, rng);
  set_tensor (m, 2, rank, shape, FALSE, rng);
  int in[2] = { swap ? 1 : 0, swap ? 0 : 1 };
  set_op (m, 0, type, 2, in, 2);
  m->ops[0].options.elementwise.activation = act;
  set_io (m, 0, 2);
  return m;
}

static void
test_elementwise (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (11);
  const FvOpType types[] = { FV_OP_ADD, FV_OP_MUL, FV_OP_PRELU };
  int n_cases = 0;
  for (int i = 0; i < 60; i++) {
    if (i == 45)
      g_setenv ("FOVEA_CPU_NO_AVX2", "1", TRUE);
    FvOpType type = types[i % 3];
    int32_t c = g_rand_int_range (rng, 1, 40);
    int32_t shape[4] = { 1, g_rand_int_range (rng, 1, 30), g_rand_int_range (rng, 1, 30), c };
    /* b: the same shape, a scalar, one value per channel, or a broadcast only the
     * reference handles (per row) */
    int layout = (i / 3) % 4;
    int32_t b_shape[4] = { 1, shape[1], shape[2], c };
    int b_rank = 4;
    if (layout == 1)
      b_rank = 1, b_shape[0] = 1;
    else if (layout == 2)
      b_rank = 3, b_shape[0] = 1, b_shape[1] = 1, b_shape[2] = c;
    else if (layout == 3)
      b_shape[2] = 1;
    gboolean swap = type != FV_OP_PRELU && i % 2 == 1;
    FvActivation act = type == FV_OP_PRELU ? FV_ACT_NONE : acts[(i / 2) % 4];
    g_autoptr (FvModel) m = binary_model (type, 4, shape, b_rank, b_shape, swap, act, rng);
    g_autofree char *what = g_strdup_printf ("%s %dx%dx%d layout %d%s act %d",
                                             fv_op_type_name (type), shape[1], shape[2], c,
                                             layout, swap ? " swapped" : "", act);
    check_model (m, 1, what);
    check_model (m, 3, what);
    n_cases++;
  }
  /* RELU, RELU6, HARD_SWISH */
  const FvOpType unary[] = { FV_OP_RELU, FV_OP_RELU6, FV_OP_HARD_SWISH };
  for (int i = 0; i < 6; i++) {
    int32_t shape[2] = { 1, 1000 + 37 * i };
    FvModel *m = model_new (2, 1);
    set_tensor (m, 0, 2, shape, FALSE, rng);
    set_tensor (m, 1, 2, shape, FALSE, rng);
    int in[1] = { 0 };
    set_op (m, 0, unary[i % 3], 1, in, 1);
    set_io (m, 0, 1);
    check_model (m, 1 + i % 2, fv_op_type_name (unary[i % 3]));
    fv_model_free (m);
  }
  g_unsetenv ("FOVEA_CPU_NO_AVX2");
  printf ("  %d ADD / MUL / PRELU cases, 6 RELU / RELU6 / HARD_SWISH cases\n", n_cases);
}

static void
test_max_pool (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (13);
  for (int i = 0; i < 40; i++) {
    if (i == 30)
      g_setenv ("FOVEA_CPU_NO_AVX2", "1", TRUE);
    int f = g_rand_int_range (rng, 1, 4), stride = g_rand_int_range (rng, 1, 3);
    FvPadding pad = i % 2 ? FV_PADDING_SAME : FV_PADDING_VALID;
    int32_t in_shape[4] = { 1, g_rand_int_range (rng, f, 20), g_rand_int_range (rng, f, 20),
                            g_rand_int_range (rng, 1, 40) };
    int32_t out_shape[4] = { 1, (int32_t) out_size (pad, in_shape[1], f, stride),
                             (int32_t) out_size (pad, in_shape[2], f, stride), in_shape[3] };
    FvModel *m = model_new (2, 1);
    set_tensor (m, 0, 4, in_shape, FALSE, rng);
    set_tensor (m, 1, 4, out_shape, FALSE, rng);
    int in[1] = { 0 };
    set_op (m, 0, FV_OP_MAX_POOL_2D, 1, in, 1);
    FvPoolOptions *o = &m->ops[0].options.pool;
    o->padding = pad;
    o->stride_h = o->stride_w = stride;
    o->filter_h = o->filter_w = f;
    o->activation = acts[i % 4];
    set_io (m, 0, 1);
    g_autofree char *what = g_strdup_printf ("MAX_POOL_2D %dx%dx%d f%d s%d %s act %d",
                                             in_shape[1], in_shape[2], in_shape[3], f, stride,
                                             pad == FV_PADDING_SAME ? "SAME" : "VALID",
                                             o->activation);
    check_model (m, 1, what);
    check_model (m, 2, what);
    fv_model_free (m);
  }
  g_unsetenv ("FOVEA_CPU_NO_AVX2");
}

/* A model the reference prepare rejects is rejected by "cpu" with the same kind of error,
 * before anything is packed. */
static void
test_rejects_bad_model (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (3);
  ConvCase c = { FV_OP_CONV_2D, 8, 8, 4, 6, 3, 3, 1, 1, 1, FV_PADDING_SAME, FV_ACT_NONE, TRUE };
  g_autoptr (FvModel) m = conv_model (&c, rng);
  m->tensors[3].shape[1] = 7;   /* output height disagrees with SAME padding */
  g_autoptr (GError) error = NULL;
  FvBackendOptions opts = { .n_threads = 2 };
  FvInterpreter *it = fv_interpreter_new (m, "cpu", &opts, &error);
  assert_null (it);
  assert_non_null (error);
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_SHAPE));
  assert_non_null (strstr (error->message, "CONV_2D"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_conv_random),
    cmocka_unit_test (test_conv_portable),
    cmocka_unit_test (test_conv_model_shapes),
    cmocka_unit_test (test_depthwise_random),
    cmocka_unit_test (test_elementwise),
    cmocka_unit_test (test_max_pool),
    cmocka_unit_test (test_chain),
    cmocka_unit_test (test_rejects_bad_model),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
