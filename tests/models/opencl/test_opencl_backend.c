/* The "opencl" backend beyond the catalogued models: kernels and options the models do not
 * reach (align-corners resize, strided slices, broadcasts, odd channel counts) against the
 * reference backend; an op without an OpenCL kernel is a load error naming it; a run
 * allocates nothing on the host heap outside the OpenCL driver; FOVEA_OPENCL_FP16 stores
 * tensors as half, rounded as IEEE says. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gpu/buffer.h"
#include "models/catalog.h"
#include "models/interpreter.h"
#include "models/random_input.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* --- models built in memory ------------------------------------------------------------ */

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
set_i32 (FvModel *m, int t, int n, const int32_t *values)
{
  FvTensor *x = &m->tensors[t];
  x->name = g_strdup_printf ("t%d", t);
  x->dtype = FV_DTYPE_INT32;
  x->rank = 1;
  x->shape[0] = n;
  x->is_const = TRUE;
  x->data_bytes = fv_tensor_nbytes (x);
  x->data = fv_aligned_alloc0 (x->data_bytes);
  memcpy (x->data, values, x->data_bytes);
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

/* Runs @m on "opencl" and "ref" with the same random input; returns ||ocl - ref|| / ||ref||. */
static double
compare_with_ref (const FvModel *m)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvInterpreter) ocl = fv_interpreter_new (m, "opencl", NULL, &error);
  if (!ocl)
    fail_msg ("%s", error->message);
  g_autoptr (FvInterpreter) ref = fv_interpreter_new (m, "ref", NULL, &error);
  assert_non_null (ref);
  size_t n_in = fv_interpreter_input_bytes (ocl, 0) / sizeof (float);
  fv_random_input_fill (fv_interpreter_input (ocl, 0), n_in, 0);
  memcpy (fv_interpreter_input (ref, 0), fv_interpreter_input (ocl, 0), n_in * sizeof (float));
  assert_true (fv_interpreter_invoke (ocl, &error));
  assert_true (fv_interpreter_invoke (ref, &error));
  const float *a = fv_interpreter_output (ocl, 0), *b = fv_interpreter_output (ref, 0);
  size_t n = fv_interpreter_output_bytes (ocl, 0) / sizeof (float);
  double num = 0, den = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite (a[i]))
      return INFINITY;
    num += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
    den += (double) b[i] * b[i];
  }
  return den > 0 ? sqrt (num / den) : sqrt (num);
}

#define KERNEL_TOL 1e-5

static void
test_conv_variants (void **state)
{
  /* generic conv 5x5 s2 SAME with dilation 1 and 2; 1x1 with cout not a multiple of 4;
   * depthwise with a multiplier of 2 */
  struct { FvOpType type; int h, w, cin, cout, k, stride, dil; FvPadding pad; FvActivation act; } cases[] = {
    { FV_OP_CONV_2D, 9, 8, 5, 7, 5, 2, 1, FV_PADDING_SAME, FV_ACT_RELU6 },
    { FV_OP_CONV_2D, 9, 8, 3, 4, 3, 1, 2, FV_PADDING_VALID, FV_ACT_RELU_N1_TO_1 },
    { FV_OP_CONV_2D, 6, 5, 13, 6, 1, 1, 1, FV_PADDING_SAME, FV_ACT_NONE },
    { FV_OP_DEPTHWISE_CONV_2D, 7, 9, 3, 6, 3, 2, 1, FV_PADDING_SAME, FV_ACT_RELU },
  };
  g_autoptr (GRand) rng = g_rand_new_with_seed (7);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++) {
    g_autoptr (FvModel) m = model_new (4, 1);
    int32_t in_shape[4] = { 1, cases[c].h, cases[c].w, cases[c].cin };
    set_tensor (m, 0, 4, in_shape, FALSE, rng);
    gboolean dw = cases[c].type == FV_OP_DEPTHWISE_CONV_2D;
    int32_t f[4] = { dw ? 1 : cases[c].cout, cases[c].k, cases[c].k, dw ? cases[c].cout : cases[c].cin };
    set_tensor (m, 1, 4, f, TRUE, rng);
    int32_t b[1] = { cases[c].cout };
    set_tensor (m, 2, 1, b, TRUE, rng);
    int ke = (cases[c].k - 1) * cases[c].dil + 1, s = cases[c].stride;
    int oh = cases[c].pad == FV_PADDING_SAME ? (cases[c].h + s - 1) / s : (cases[c].h - ke) / s + 1;
    int ow = cases[c].pad == FV_PADDING_SAME ? (cases[c].w + s - 1) / s : (cases[c].w - ke) / s + 1;
    int32_t out_shape[4] = { 1, oh, ow, cases[c].cout };
    set_tensor (m, 3, 4, out_shape, FALSE, rng);
    int in[3] = { 0, 1, 2 };
    set_op (m, 0, cases[c].type, 3, in, 3);
    FvConvOptions *o = &m->ops[0].options.conv;
    o->padding = cases[c].pad;
    o->stride_h = o->stride_w = s;
    o->dilation_h = o->dilation_w = cases[c].dil;
    o->depth_multiplier = dw ? cases[c].cout / cases[c].cin : 1;
    o->activation = cases[c].act;
    set_io (m, 0, 3);
    double e = compare_with_ref (m);
    printf ("  conv case %u: rel L2 %.3g\n", c, e);
    assert_true (e <= KERNEL_TOL);
  }
}

static void
test_binary_broadcasts (void **state)
{
  /* [2,3,4,5] with [4,1] (middle broadcast), [5], [1] */
  int32_t a[4] = { 2, 3, 4, 5 };
  int32_t bs[3][2] = { { 4, 1 }, { 5, 0 }, { 1, 0 } };
  int brank[3] = { 2, 1, 1 };
  FvOpType types[3] = { FV_OP_MUL, FV_OP_ADD, FV_OP_PRELU };
  g_autoptr (GRand) rng = g_rand_new_with_seed (3);
  for (int c = 0; c < 3; c++) {
    g_autoptr (FvModel) m = model_new (3, 1);
    set_tensor (m, 0, 4, a, FALSE, rng);
    set_tensor (m, 1, brank[c], bs[c], TRUE, rng);
    set_tensor (m, 2, 4, a, FALSE, rng);
    int in[2] = { 0, 1 };
    set_op (m, 0, types[c], 2, in, 2);
    m->ops[0].options.elementwise.activation = c == 1 ? FV_ACT_RELU : FV_ACT_NONE;
    set_io (m, 0, 2);
    double e = compare_with_ref (m);
    printf ("  binary case %d: rel L2 %.3g\n", c, e);
    assert_true (e <= KERNEL_TOL);
  }
}

static void
test_resize_align_corners (void **state)
{
  for (int variant = 0; variant < 3; variant++) {
    g_autoptr (GRand) rng = g_rand_new_with_seed (5);
    g_autoptr (FvModel) m = model_new (3, 1);
    int32_t in_shape[4] = { 1, 5, 7, 3 }, out_shape[4] = { 1, 9, 4, 3 };
    set_tensor (m, 0, 4, in_shape, FALSE, rng);
    int32_t size[2] = { 9, 4 };
    set_i32 (m, 1, 2, size);
    set_tensor (m, 2, 4, out_shape, FALSE, rng);
    int in[2] = { 0, 1 };
    set_op (m, 0, FV_OP_RESIZE_BILINEAR, 2, in, 2);
    m->ops[0].options.resize.align_corners = variant == 1;
    m->ops[0].options.resize.half_pixel_centers = variant == 2;
    set_io (m, 0, 2);
    double e = compare_with_ref (m);
    printf ("  resize variant %d: rel L2 %.3g\n", variant, e);
    assert_true (e <= KERNEL_TOL);
  }
}

static void
test_strided_slice_mean_pad (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (9);
  /* [1,6,7,4] -> slice begin [0,1,-1,0] end [1,6,0,4] strides [1,2,-2,1] with end_mask on
   * axis 2 -> MEAN over [1] without keep_dims -> PAD */
  g_autoptr (FvModel) m = model_new (11, 3);
  int32_t in_shape[4] = { 1, 6, 7, 4 };
  set_tensor (m, 0, 4, in_shape, FALSE, rng);
  int32_t begin[4] = { 0, 1, -1, 0 }, end[4] = { 1, 6, 0, 4 }, strides[4] = { 1, 2, -2, 1 };
  set_i32 (m, 1, 4, begin);
  set_i32 (m, 2, 4, end);
  set_i32 (m, 3, 4, strides);
  int32_t sl_shape[4] = { 1, 3, 4, 4 };
  set_tensor (m, 4, 4, sl_shape, FALSE, rng);
  int in0[4] = { 0, 1, 2, 3 };
  set_op (m, 0, FV_OP_STRIDED_SLICE, 4, in0, 4);
  m->ops[0].options.strided_slice.end_mask = 1 << 2;
  int32_t axes[1] = { 1 };
  set_i32 (m, 5, 1, axes);
  int32_t mean_shape[3] = { 1, 4, 4 };
  set_tensor (m, 6, 3, mean_shape, FALSE, rng);
  int in1[2] = { 4, 5 };
  set_op (m, 1, FV_OP_MEAN, 2, in1, 6);
  int32_t pads[6] = { 0, 0, 1, 2, 3, 0 };
  FvTensor *p = &m->tensors[7];
  set_i32 (m, 7, 6, pads);
  p->rank = 2;
  p->shape[0] = 3;
  p->shape[1] = 2;
  int32_t pad_shape[3] = { 1, 7, 7 };
  set_tensor (m, 8, 3, pad_shape, FALSE, rng);
  int in2[2] = { 6, 7 };
  set_op (m, 2, FV_OP_PAD, 2, in2, 8);
  set_io (m, 0, 8);
  m->tensors[9].name = g_strdup ("unused");
  m->tensors[10].name = g_strdup ("unused");
  double e = compare_with_ref (m);
  printf ("  slice/mean/pad: rel L2 %.3g\n", e);
  assert_true (e <= KERNEL_TOL);
}

/* --- a deliberately unsupported op ----------------------------------------------------- */

static void
test_unsupported_op_is_a_load_error (void **state)
{
  /* DEQUANTIZE is folded at load in real models; left in the graph it has no OpenCL
   * kernel, and the backend must say so rather than run it on the CPU */
  g_autoptr (GRand) rng = g_rand_new_with_seed (1);
  g_autoptr (FvModel) m = model_new (2, 1);
  int32_t shape[2] = { 1, 8 };
  set_tensor (m, 0, 2, shape, FALSE, rng);
  set_tensor (m, 1, 2, shape, FALSE, rng);
  int in[1] = { 0 };
  set_op (m, 0, FV_OP_DEQUANTIZE, 1, in, 1);
  set_io (m, 0, 1);
  g_autoptr (GError) error = NULL;
  FvInterpreter *it = fv_interpreter_new (m, "opencl", NULL, &error);
  assert_null (it);
  assert_non_null (error);
  printf ("  error: %s\n", error->message);
  assert_true (g_error_matches (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED));
  assert_non_null (strstr (error->message, "DEQUANTIZE"));
  assert_non_null (strstr (error->message, "opencl"));
}

/* FOVEA_OPENCL_FP16=1: activations and weights are stored as IEEE half (round to nearest
 * even), arithmetic stays float, the host still reads and writes float32. RELU on values
 * whose half roundings are known by hand shows every step: exact halves pass unchanged,
 * 0.1 becomes 0.0999755859375 (the nearest half), 3.14159 becomes 3.140625, 1e-8 is below
 * the smallest subnormal (5.96e-8) and becomes 0, 70000 is past the largest half (65504)
 * and becomes infinity. The arena is half the float32 one plus the float32 copies of the
 * input and the output. */
static void
test_fp16_option (void **state)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (1);
  g_autoptr (FvModel) m = model_new (2, 1);
  int32_t shape[2] = { 1, 8 };
  set_tensor (m, 0, 2, shape, FALSE, rng);
  set_tensor (m, 1, 2, shape, FALSE, rng);
  int in[1] = { 0 };
  set_op (m, 0, FV_OP_RELU, 1, in, 1);
  set_io (m, 0, 1);
  const float x[8] = { 1.0f, -2.0f, 0.1f, 65504.0f, 70000.0f, 1e-8f, 3.14159f, -0.5f };
  const float want[8] = { 1.0f, 0.0f, 0.0999755859375f, 65504.0f, INFINITY, 0.0f, 3.140625f,
                          0.0f };

  g_autoptr (GError) error = NULL;
  g_autoptr (FvInterpreter) f32 = fv_interpreter_new (m, "opencl", NULL, &error);
  if (!f32)
    fail_msg ("%s", error->message);
  g_setenv ("FOVEA_OPENCL_FP16", "1", TRUE);
  g_autoptr (FvInterpreter) f16 = fv_interpreter_new (m, "opencl", NULL, &error);
  g_unsetenv ("FOVEA_OPENCL_FP16");
  if (!f16)
    fail_msg ("%s", error->message);
  memcpy (fv_interpreter_input (f16, 0), x, sizeof x);
  memcpy (fv_interpreter_input (f32, 0), x, sizeof x);
  assert_true (fv_interpreter_invoke (f16, &error));
  assert_true (fv_interpreter_invoke (f32, &error));
  const float *y16 = fv_interpreter_output (f16, 0), *y32 = fv_interpreter_output (f32, 0);
  for (int i = 0; i < 8; i++) {
    printf ("  relu(%g): float32 %g, float16 storage %g (want %g)\n", x[i], y32[i], y16[i],
            want[i]);
    assert_true (y16[i] == want[i]);
    assert_true (y32[i] == fmaxf (x[i], 0.0f));
  }
  /* the input stays float32 as the caller wrote it: the half copy is the backend's */
  assert_memory_equal (fv_interpreter_input (f16, 0), x, sizeof x);
  printf ("  arena: float32 %zu bytes, float16 storage %zu bytes\n",
          fv_interpreter_arena_bytes (f32), fv_interpreter_arena_bytes (f16));
  assert_true (fv_interpreter_arena_bytes (f16) > 0);
}

/* A discrete GPU's path, taken on PoCL with FOVEA_OPENCL_DISCRETE=1: the arena lives in
 * device memory and a run moves exactly the inputs in and the outputs out, through the
 * counted copies; outputs equal the unified path's bit for bit (same kernels, same data).
 * With preserve_all_tensors the whole arena comes back, so intermediate tensors read the
 * same as on the unified path. */
static FvInterpreter *
open_model (FvModel *model, gboolean discrete, gboolean preserve)
{
  g_autoptr (GError) error = NULL;
  if (discrete)
    g_setenv ("FOVEA_OPENCL_DISCRETE", "1", TRUE);
  FvBackendOptions opts = { .preserve_all_tensors = preserve };
  FvInterpreter *it = fv_interpreter_new (model, "opencl", &opts, &error);
  g_unsetenv ("FOVEA_OPENCL_DISCRETE");
  if (!it)
    fail_msg ("%s", error->message);
  fv_random_input_fill (fv_interpreter_input (it, 0), fv_interpreter_input_bytes (it, 0) / 4, 0);
  return it;
}

static void
test_discrete_device_copies (void **state)
{
  g_autoptr (GError) error = NULL;
  const FvCatalogEntry *e = fv_catalog_find ("face_detection_short_range");
  assert_non_null (e);
  g_autofree char *path = fv_catalog_model_path (e, &error);
  if (!path)
    fail_msg ("%s (run `fovea models fetch` first)", error->message);
  g_autoptr (FvModel) model = fv_model_load_file (path, &error);
  assert_non_null (model);

  for (int preserve = 0; preserve < 2; preserve++) {
    g_autoptr (FvInterpreter) uni = open_model (model, FALSE, preserve);
    g_autoptr (FvInterpreter) dis = open_model (model, TRUE, preserve);
    fv_gpu_reset_bytes_copied ();
    assert_true (fv_interpreter_invoke (uni, &error));
    assert_int_equal (fv_gpu_bytes_copied (), 0);
    guint64 in_bytes = fv_interpreter_input_bytes (dis, 0), out_bytes = 0;
    for (int o = 0; o < fv_interpreter_n_outputs (dis); o++)
      out_bytes += fv_interpreter_output_bytes (dis, o);
    for (int run = 0; run < 2; run++) {
      fv_gpu_reset_bytes_copied ();
      if (!fv_interpreter_invoke (dis, &error))
        fail_msg ("%s", error->message);
      guint64 copied = fv_gpu_bytes_copied ();
      printf ("  discrete%s: %" G_GUINT64_FORMAT " bytes copied per run (input %" G_GUINT64_FORMAT
              ", outputs %" G_GUINT64_FORMAT ", arena %zu)\n", preserve ? ", all tensors" : "",
              copied, in_bytes, out_bytes, fv_interpreter_arena_bytes (dis));
      if (preserve)
        assert_int_equal (copied, in_bytes + fv_interpreter_arena_bytes (dis));
      else
        assert_int_equal (copied, in_bytes + out_bytes);
    }
    for (int o = 0; o < fv_interpreter_n_outputs (dis); o++)
      assert_memory_equal (fv_interpreter_output (dis, o), fv_interpreter_output (uni, o),
                           fv_interpreter_output_bytes (dis, o));
    /* an intermediate tensor: readable with preserve_all_tensors, else not */
    int mid = model->ops[model->n_ops / 2].outputs[0];
    const float *a = fv_interpreter_tensor (dis, mid), *b = fv_interpreter_tensor (uni, mid);
    if (preserve) {
      assert_non_null (a);
      assert_non_null (b);
      assert_memory_equal (a, b, fv_tensor_nbytes (&model->tensors[mid]));
    } else {
      assert_null (a);
    }
  }
}

/* --- counting heap allocations ----------------------------------------------------------
 * Under ASan its allocator reports every malloc to a hook. PoCL allocates a command and an
 * event per enqueued kernel, which fovea cannot avoid; an allocation is charged to fovea
 * only when no frame of its stack lies in the OpenCL stack (ICD loader, PoCL, LLVM). */
static volatile int counting;
static volatile long n_ours, n_driver;
static __thread int in_hook;

static gboolean
frame_in_driver (void *pc)
{
  Dl_info info;
  if (!dladdr (pc, &info) || !info.dli_fname)
    return TRUE;   /* JIT-compiled kernel code: the driver's */
  return strstr (info.dli_fname, "libOpenCL") || strstr (info.dli_fname, "pocl")
    || strstr (info.dli_fname, "LLVM") || strstr (info.dli_fname, "hwloc");
}

static G_GNUC_UNUSED void
classify_allocation (void)
{
  if (!counting || in_hook)
    return;
  in_hook = 1;
  void *frames[64];
  int n = backtrace (frames, G_N_ELEMENTS (frames));
  gboolean driver = FALSE;
  for (int i = 0; i < n && !driver; i++)
    driver = frame_in_driver (frames[i]);
  if (driver)
    n_driver++;
  else
    n_ours++;
  in_hook = 0;
}

#if defined(__SANITIZE_ADDRESS__)
int __sanitizer_install_malloc_and_free_hooks (void (*malloc_hook) (const volatile void *, size_t),
                                               void (*free_hook) (const volatile void *));
static void
on_malloc (const volatile void *p, size_t size)
{
  classify_allocation ();
}
static void
on_free (const volatile void *p)
{
}
static gboolean
install_alloc_counter (void)
{
  return __sanitizer_install_malloc_and_free_hooks (on_malloc, on_free) != 0;
}
#else
static gboolean
install_alloc_counter (void)
{
  return FALSE;
}
#endif

static void
test_run_allocates_nothing (void **state)
{
  if (!install_alloc_counter ()) {
    printf ("  built without AddressSanitizer: no allocation hook, skipped\n");
    skip ();
  }
  g_autoptr (GError) error = NULL;
  const FvCatalogEntry *e = fv_catalog_find ("face_detection_short_range");
  assert_non_null (e);
  g_autofree char *path = fv_catalog_model_path (e, &error);
  if (!path)
    fail_msg ("%s (run `fovea models fetch` first)", error->message);
  g_autoptr (FvInterpreter) it = fv_interpreter_new_from_file (path, "opencl", NULL, &error);
  if (!it)
    fail_msg ("%s", error->message);
  float *in = fv_interpreter_input (it, 0);
  const float *out = fv_interpreter_output (it, 0);
  fv_random_input_fill (in, fv_interpreter_input_bytes (it, 0) / 4, 0);
  assert_true (fv_interpreter_invoke (it, &error));
  void *warm[4];
  backtrace (warm, 4);   /* loads the unwinder outside the count */

  /* the counter works: an allocation of ours made while counting is seen as ours */
  counting = 1;
  void *probe = g_malloc (64);
  counting = 0;
  g_free (probe);
  assert_true (n_ours >= 1);

  n_ours = n_driver = 0;
  counting = 1;
  gboolean ok = TRUE;
  for (int i = 0; i < 3; i++)
    ok &= fv_interpreter_invoke (it, NULL);
  counting = 0;
  assert_true (ok);
  printf ("  3 runs: %ld allocations by fovea, %ld inside the OpenCL driver\n", n_ours, n_driver);
  assert_int_equal (n_ours, 0);
  /* the host views stay where they were: callers may keep them across runs */
  assert_ptr_equal (in, fv_interpreter_input (it, 0));
  assert_ptr_equal (out, fv_interpreter_output (it, 0));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_conv_variants),
    cmocka_unit_test (test_binary_broadcasts),
    cmocka_unit_test (test_resize_align_corners),
    cmocka_unit_test (test_strided_slice_mean_pad),
    cmocka_unit_test (test_unsupported_op_is_a_load_error),
    cmocka_unit_test (test_fp16_option),
    cmocka_unit_test (test_discrete_device_copies),
    cmocka_unit_test (test_run_allocates_nothing),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
