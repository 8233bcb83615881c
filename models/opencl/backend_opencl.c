/* fovea — the OpenCL model backend: per-op kernel launches bound at prepare over one
 * planned activation buffer (see backend_opencl.h). */
#include "models/opencl/backend_opencl.h"

#include "gpu/buffer.h"
#include "gpu/program.h"
#include "models/kernel.h"
#include "models/memory_planner.h"

#include <string.h>

/* The programs of gpu/kernels/ops/ a state builds, each once, after the storage.cl prelude. */
static const char *const program_files[] = {
  "conv2d.cl", "custom.cl", "elementwise.cl", "fully_connected.cl", "layout.cl", "pool.cl",
  "storage.cl",
};
#define N_PROGRAMS G_N_ELEMENTS (program_files)

/* One kernel launch with every argument already set. */
typedef struct {
  cl_kernel kernel;
  cl_uint dim;
  size_t global[2];
} OclLaunch;

struct _FvBackendState {
  const FvModel *model;
  FvGpuDevice *dev;
  FvMemoryPlan *plan;         /* offsets in bytes of fv_store_t elements (2 each in fp16) */
  FvGpuBuffer *arena;         /* the planned activations, then (fp16) the float32 I/O copies */
  size_t arena_bytes;
  size_t *io_offsets;         /* fp16: [n_tensors] byte offset of each model input / output's
                                 float32 copy, else FV_PLAN_NONE; NULL in float32 */
  size_t elem;                /* bytes per stored element: 4, or 2 in fp16 */
  gboolean fp16;
  cl_program programs[N_PROGRAMS];   /* transfer none: the device's program cache owns them */
  void *host;                 /* unified: the arena's mapped host view, NULL while the device
                                 has it; discrete: the host mirror (host_mirror) */
  gboolean discrete;          /* device memory not shared with the host: the arena lives on
                                 the device, inputs / outputs move by counted copies */
  gboolean preserve;          /* every tensor readable after a run (discrete: all read back) */
  void *host_mirror;          /* discrete: arena_bytes of host memory the caller sees */
  FvGpuBuffer **consts;       /* [n_tensors]: device copy of each float constant an op reads */
  GPtrArray *op_buffers;      /* FvGpuBuffer: per-op tables (landmark subsets) */
  GArray *launches;           /* OclLaunch, in op order */
  gboolean has_fp64;
};

/* Sets a kernel's arguments in order, keeping the first failure. */
typedef struct {
  cl_kernel k;
  cl_uint i;
  cl_int status;
} ArgList;

static void
arg (ArgList *a, size_t size, const void *value)
{
  if (a->status == CL_SUCCESS)
    a->status = clSetKernelArg (a->k, a->i, size, value);
  a->i++;
}

static void
arg_int (ArgList *a, int v)
{
  cl_int x = v;
  arg (a, sizeof x, &x);
}

static void
arg_float (ArgList *a, float v)
{
  cl_float x = v;
  arg (a, sizeof x, &x);
}

static void
arg_int8 (ArgList *a, const int v[8])
{
  cl_int8 x;
  for (int i = 0; i < 8; i++)
    x.s[i] = v[i];
  arg (a, sizeof x, &x);
}

static void
arg_mem (ArgList *a, cl_mem m)
{
  arg (a, sizeof m, &m);
}

/* A tensor operand: its buffer and its offset in elements (constants start at 0). The
 * tensor's presence was checked by fv_model_validate; absent optional inputs never reach
 * here. */
static void
arg_tensor (ArgList *a, FvBackendState *s, int t)
{
  if (s->model->tensors[t].is_const) {
    arg_mem (a, s->consts[t]->mem);
    arg_int (a, 0);
  } else {
    arg_mem (a, s->arena->mem);
    arg_int (a, (int) (s->plan->offsets[t] / s->elem));
  }
}

/* An optional operand (bias): the buffer, the offset and a has-it flag; a missing one
 * binds the output buffer, which the kernel then never reads. */
static void
arg_optional (ArgList *a, FvBackendState *s, const FvOp *op, int i)
{
  if (i < op->n_inputs && op->inputs[i] >= 0) {
    arg_tensor (a, s, op->inputs[i]);
    arg_int (a, 1);
  } else {
    arg_mem (a, s->arena->mem);
    arg_int (a, 0);
    arg_int (a, 0);
  }
}

/* ops/@file built after the ops/storage.cl prelude, with the storage mode's options; each
 * program is built once per state (and once per device: the device caches it too). */
static cl_program
program_get (FvBackendState *s, const char *file, GError **error)
{
  guint p = 0;
  while (p < N_PROGRAMS && !g_str_equal (program_files[p], file))
    p++;
  if (p < N_PROGRAMS && s->programs[p])
    return s->programs[p];
  g_autofree char *path = g_strdup_printf ("ops/%s", file);
  const char *prelude = fv_gpu_kernel_source ("ops/storage.cl");
  const char *body = fv_gpu_kernel_source (path);
  if (p == N_PROGRAMS || !prelude || !body) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_INVALID, "kernel file %s is not embedded", path);
    return NULL;
  }
  /* storage.cl is the prelude itself; the #line keeps compiler logs in the file's numbers */
  g_autofree char *text = g_str_equal (file, "storage.cl")
    ? g_strdup (prelude) : g_strdup_printf ("%s\n#line 1\n%s", prelude, body);
  g_autofree char *options = g_strstrip (g_strjoin (" ", s->fp16 ? "-DFV_STORAGE_HALF" : "",
                                                    s->has_fp64 && g_str_equal (file, "pool.cl")
                                                    ? "-DFV_HAVE_FP64" : "", NULL));
  s->programs[p] = fv_gpu_program_get_source (s->dev, text, options, error);
  if (!s->programs[p])
    g_prefix_error (error, "%s: ", path);
  return s->programs[p];
}

/* Appends a launch of @kernel_name from @program; returns it for its arguments. */
static gboolean
launch_append (FvBackendState *s, const char *program, const char *kernel_name, size_t g0,
               size_t g1, ArgList *a, GError **error)
{
  cl_program prog = program_get (s, program, error);
  if (!prog)
    return FALSE;
  cl_int st;
  cl_kernel k = clCreateKernel (prog, kernel_name, &st);
  if (!k) {
    fv_gpu_set_cl_error (error, "clCreateKernel", st);
    g_prefix_error (error, "kernel %s of ops/%s: ", kernel_name, program);
    return FALSE;
  }
  OclLaunch l = { k, g1 ? 2 : 1, { MAX (g0, 1), MAX (g1, 1) } };
  g_array_append_val (s->launches, l);
  *a = (ArgList) { k, 0, CL_SUCCESS };
  return TRUE;
}

/* Appends a launch of @kernel_name for @op and returns its argument list. */
static gboolean
launch_new (FvBackendState *s, const FvOp *op, const char *program, const char *kernel_name,
            size_t g0, size_t g1, ArgList *a, GError **error)
{
  if (launch_append (s, program, kernel_name, g0, g1, a, error))
    return TRUE;
  g_prefix_error (error, "%s (op %d): ", fv_op_type_name (op->type), (int) (op - s->model->ops));
  return FALSE;
}

static gboolean
args_done (const ArgList *a, FvBackendState *s, const FvOp *op, GError **error)
{
  if (a->status == CL_SUCCESS)
    return TRUE;
  fv_gpu_set_cl_error (error, "clSetKernelArg", a->status);
  g_prefix_error (error, "%s (op %d), argument %u: ", fv_op_type_name (op->type),
                  (int) (op - s->model->ops), a->i);
  return FALSE;
}

/* TF's SAME / VALID output size and leading pad of one axis (as models/ops/ops_util.c). */
static void
out_size (FvPadding padding, int in, int k, int stride, int *out, int *pad_before)
{
  if (padding == FV_PADDING_SAME) {
    int o = (in + stride - 1) / stride;
    int total = (o - 1) * stride + k - in;
    *out = o;
    *pad_before = total > 0 ? total / 2 : 0;
  } else {
    *out = (in - k) / stride + 1;
    *pad_before = 0;
  }
}

static const FvTensor *
in_t (FvBackendState *s, const FvOp *op, int i)
{
  return &s->model->tensors[op->inputs[i]];
}

static const FvTensor *
out_t (FvBackendState *s, const FvOp *op)
{
  return &s->model->tensors[op->outputs[0]];
}

static int
numel (const FvTensor *t)
{
  return (int) fv_tensor_numel (t);
}

/* @t's shape padded to 8 axes with leading 1s. */
static void
shape8 (const FvTensor *t, int shape[8])
{
  for (int d = 0; d < 8; d++)
    shape[d] = 1;
  for (int d = 0; d < t->rank; d++)
    shape[8 - t->rank + d] = t->shape[d];
}

static gboolean
bind_conv (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvConvOptions *o = &op->options.conv;
  const FvTensor *x = in_t (s, op, 0), *f = in_t (s, op, 1), *y = out_t (s, op);
  gboolean depthwise = op->type == FV_OP_DEPTHWISE_CONV_2D;
  int n = x->shape[0], h = x->shape[1], w = x->shape[2], cin = x->shape[3];
  int kh = f->shape[1], kw = f->shape[2];
  int cout = depthwise ? f->shape[3] : f->shape[0];
  int oh, ow, pad_t, pad_l;
  out_size (o->padding, h, (kh - 1) * o->dilation_h + 1, o->stride_h, &oh, &pad_t);
  out_size (o->padding, w, (kw - 1) * o->dilation_w + 1, o->stride_w, &ow, &pad_l);
  ArgList a;
  if (!depthwise && kh == 1 && kw == 1 && o->stride_h == 1 && o->stride_w == 1) {
    int pixels = n * h * w;
    if (!launch_new (s, op, "conv2d.cl", "conv2d_1x1", (size_t) (cout + 3) / 4, pixels, &a,
                     error))
      return FALSE;
    arg_tensor (&a, s, op->inputs[0]);
    arg_tensor (&a, s, op->inputs[1]);
    arg_optional (&a, s, op, 2);
    arg_tensor (&a, s, op->outputs[0]);
    arg_int (&a, pixels);
    arg_int (&a, cin);
    arg_int (&a, cout);
    arg_int (&a, o->activation);
    return args_done (&a, s, op, error);
  }
  if (!launch_new (s, op, "conv2d.cl", depthwise ? "depthwise_conv2d" : "conv2d_generic",
                   numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->inputs[1]);
  arg_optional (&a, s, op, 2);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, h);
  arg_int (&a, w);
  arg_int (&a, cin);
  arg_int (&a, oh);
  arg_int (&a, ow);
  arg_int (&a, cout);
  if (depthwise)
    arg_int (&a, cout / cin);
  arg_int (&a, kh);
  arg_int (&a, kw);
  arg_int (&a, o->stride_h);
  arg_int (&a, o->stride_w);
  arg_int (&a, o->dilation_h);
  arg_int (&a, o->dilation_w);
  arg_int (&a, pad_t);
  arg_int (&a, pad_l);
  arg_int (&a, o->activation);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

static gboolean
bind_transpose_conv (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvTransposeConvOptions *o = &op->options.transpose_conv;
  const FvTensor *x = in_t (s, op, 0), *wt = in_t (s, op, 1), *y = out_t (s, op);
  int in_h = x->shape[1], in_w = x->shape[2], kh = wt->shape[1], kw = wt->shape[2];
  /* MediaPipe's padding rule (models/ops/custom/convolution_2d_transpose_bias.c) */
  int pad_h = o->padding == FV_PADDING_SAME ? kh - (in_h - 1) % o->stride_h - 1 : 0;
  int pad_w = o->padding == FV_PADDING_SAME ? kw - (in_w - 1) % o->stride_w - 1 : 0;
  ArgList a;
  if (!launch_new (s, op, "conv2d.cl", "transpose_conv_bias", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->inputs[1]);
  arg_tensor (&a, s, op->inputs[2]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, in_h);
  arg_int (&a, in_w);
  arg_int (&a, x->shape[3]);
  arg_int (&a, y->shape[1]);
  arg_int (&a, y->shape[2]);
  arg_int (&a, wt->shape[0]);
  arg_int (&a, kh);
  arg_int (&a, kw);
  arg_int (&a, o->stride_h);
  arg_int (&a, o->stride_w);
  arg_int (&a, MAX (pad_h, 0) / 2);
  arg_int (&a, MAX (pad_w, 0) / 2);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

/* ADD, MUL, PRELU: numpy broadcasting as models/ops/ops_util.c aligns the operands. */
static gboolean
bind_binary (FvBackendState *s, const FvOp *op, int code, FvActivation act, GError **error)
{
  const FvTensor *ta = in_t (s, op, 0), *tb = in_t (s, op, 1), *y = out_t (s, op);
  ArgList a;
  if (fv_tensor_same_shape (ta, tb)) {
    if (!launch_new (s, op, "elementwise.cl", "binary_flat", numel (y), 0, &a, error))
      return FALSE;
    arg_tensor (&a, s, op->inputs[0]);
    arg_tensor (&a, s, op->inputs[1]);
    arg_tensor (&a, s, op->outputs[0]);
    arg_int (&a, code);
    arg_int (&a, act);
    arg_int (&a, numel (y));
    return args_done (&a, s, op, error);
  }
  int sa[8], sb[8], shape[8], as8[8], bs8[8];
  shape8 (ta, as8);
  shape8 (tb, bs8);
  int stride_a = 1, stride_b = 1;
  for (int d = 7; d >= 0; d--) {
    shape[d] = MAX (as8[d], bs8[d]);
    sa[d] = as8[d] == 1 ? 0 : stride_a;
    sb[d] = bs8[d] == 1 ? 0 : stride_b;
    stride_a *= as8[d];
    stride_b *= bs8[d];
  }
  if (!launch_new (s, op, "elementwise.cl", "binary", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->inputs[1]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int8 (&a, shape);
  arg_int8 (&a, sa);
  arg_int8 (&a, sb);
  arg_int (&a, code);
  arg_int (&a, act);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

static gboolean
bind_unary (FvBackendState *s, const FvOp *op, int code, GError **error)
{
  const FvTensor *y = out_t (s, op);
  ArgList a;
  if (!launch_new (s, op, "elementwise.cl", "unary", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, code);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

static gboolean
bind_pool (FvBackendState *s, const FvOp *op, gboolean is_max, GError **error)
{
  const FvPoolOptions *o = &op->options.pool;
  const FvTensor *x = in_t (s, op, 0), *y = out_t (s, op);
  int oh, ow, pad_t, pad_l;
  out_size (o->padding, x->shape[1], o->filter_h, o->stride_h, &oh, &pad_t);
  out_size (o->padding, x->shape[2], o->filter_w, o->stride_w, &ow, &pad_l);
  ArgList a;
  if (!launch_new (s, op, "pool.cl", "pool2d", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, x->shape[1]);
  arg_int (&a, x->shape[2]);
  arg_int (&a, x->shape[3]);
  arg_int (&a, oh);
  arg_int (&a, ow);
  arg_int (&a, o->filter_h);
  arg_int (&a, o->filter_w);
  arg_int (&a, o->stride_h);
  arg_int (&a, o->stride_w);
  arg_int (&a, pad_t);
  arg_int (&a, pad_l);
  arg_int (&a, is_max);
  arg_int (&a, o->activation);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

static gboolean
bind_mean (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvTensor *x = in_t (s, op, 0), *axes = in_t (s, op, 1), *y = out_t (s, op);
  const int32_t *ax = axes->data;
  int shape[8], stride[8], reduced = 0, n_red = 1;
  shape8 (x, shape);
  for (int d = 7, st = 1; d >= 0; d--) {
    stride[d] = st;
    st *= shape[d];
  }
  for (int i = 0; i < numel (axes); i++) {
    int d = ax[i] < 0 ? ax[i] + x->rank : ax[i];
    reduced |= 1 << (8 - x->rank + d);
  }
  for (int d = 0; d < 8; d++)
    if ((reduced >> d) & 1)
      n_red *= shape[d];
  ArgList a;
  if (!launch_new (s, op, "pool.cl", "mean", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int8 (&a, shape);
  arg_int8 (&a, stride);
  arg_int (&a, reduced);
  arg_int (&a, n_red);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

static gboolean
bind_pad (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvTensor *x = in_t (s, op, 0), *y = out_t (s, op);
  const int32_t *p = in_t (s, op, 1)->data;
  int is[8], os[8], before[8] = { 0 };
  shape8 (x, is);
  shape8 (y, os);
  for (int d = 0; d < x->rank; d++)
    before[8 - x->rank + d] = p[2 * d];
  ArgList a;
  if (!launch_new (s, op, "layout.cl", "pad", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int8 (&a, is);
  arg_int8 (&a, os);
  arg_int8 (&a, before);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

/* One launch per input, each writing its columns of the output rows. */
static gboolean
bind_concat (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvConcatOptions *o = &op->options.concat;
  const FvTensor *y = out_t (s, op);
  int axis = o->axis < 0 ? o->axis + y->rank : o->axis;
  int inner = 1;
  for (int d = axis + 1; d < y->rank; d++)
    inner *= y->shape[d];
  int out_chunk = y->shape[axis] * inner, at = 0;
  for (int i = 0; i < op->n_inputs; i++) {
    const FvTensor *x = in_t (s, op, i);
    int chunk = x->shape[axis] * inner;
    ArgList a;
    if (!launch_new (s, op, "layout.cl", "concat_part", numel (x), 0, &a, error))
      return FALSE;
    arg_tensor (&a, s, op->inputs[i]);
    arg_tensor (&a, s, op->outputs[0]);
    arg_int (&a, chunk);
    arg_int (&a, out_chunk);
    arg_int (&a, at);
    arg_int (&a, o->activation);
    arg_int (&a, numel (x));
    if (!args_done (&a, s, op, error))
      return FALSE;
    at += chunk;
  }
  return TRUE;
}

static gboolean
bind_depth_to_space (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvTensor *x = in_t (s, op, 0), *y = out_t (s, op);
  ArgList a;
  if (!launch_new (s, op, "layout.cl", "depth_to_space", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, x->shape[1]);
  arg_int (&a, x->shape[2]);
  arg_int (&a, x->shape[3]);
  arg_int (&a, op->options.depth_to_space.block_size);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

/* STRIDED_SLICE: begin / end / strides resolved as models/ops/strided_slice.c does, into
 * a start, step and count per input axis. */
static gboolean
bind_strided_slice (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvStridedSliceOptions *o = &op->options.strided_slice;
  const FvTensor *x = in_t (s, op, 0), *y = out_t (s, op);
  const int32_t *begin = in_t (s, op, 1)->data;
  const int32_t *end = in_t (s, op, 2)->data;
  const int32_t *strides = in_t (s, op, 3)->data;
  int n = numel (in_t (s, op, 1));
  int size[8], step[8], first = 0, in_stride = 1;
  for (int d = 0; d < 8; d++)
    size[d] = 1, step[d] = 0;
  for (int d = x->rank - 1; d >= 0; d--) {
    int dim = x->shape[d], start = 0, st = 1, count = dim;
    if (d < n) {
      st = strides[d];
      gboolean shrink = (o->shrink_axis_mask >> d) & 1;
      int64_t b = begin[d];
      if ((o->begin_mask >> d) & 1)
        b = st > 0 ? G_MININT32 : G_MAXINT32;
      if (b < 0)
        b += dim;
      start = st > 0 ? (int) CLAMP (b, 0, dim) : (int) CLAMP (b, -1, dim - 1);
      int64_t stop;
      if (shrink) {
        stop = start + 1;
      } else {
        stop = end[d];
        if (o->offset)
          stop += begin[d];
        if ((o->end_mask >> d) & 1)
          stop = st > 0 ? G_MAXINT32 : G_MININT32;
        if (stop < 0)
          stop += dim;
        stop = st > 0 ? CLAMP (stop, 0, dim) : CLAMP (stop, -1, dim - 1);
      }
      int64_t len = stop - start;
      int64_t c = len / st + ((len % st) != 0 ? 1 : 0);
      count = (int) MAX (c, 0);
    }
    size[8 - x->rank + d] = count;
    step[8 - x->rank + d] = st * in_stride;
    first += start * in_stride;
    in_stride *= dim;
  }
  ArgList a;
  if (!launch_new (s, op, "layout.cl", "strided_slice", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int8 (&a, size);
  arg_int8 (&a, step);
  arg_int (&a, first);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

/* RESIZE_BILINEAR, or RESIZE_NEAREST_NEIGHBOR when @nearest */
static gboolean
bind_resize (FvBackendState *s, const FvOp *op, gboolean nearest, GError **error)
{
  const FvResizeOptions *o = &op->options.resize;
  const FvTensor *x = in_t (s, op, 0), *y = out_t (s, op);
  int h = x->shape[1], w = x->shape[2], oh = y->shape[1], ow = y->shape[2];
  float scale_y = (float) h / (float) oh, scale_x = (float) w / (float) ow;
  if (o->align_corners && oh > 1)
    scale_y = (float) (h - 1) / (float) (oh - 1);
  if (o->align_corners && ow > 1)
    scale_x = (float) (w - 1) / (float) (ow - 1);
  ArgList a;
  if (!launch_new (s, op, "layout.cl", nearest ? "resize_nearest" : "resize_bilinear",
                   numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, h);
  arg_int (&a, w);
  arg_int (&a, x->shape[3]);
  arg_int (&a, oh);
  arg_int (&a, ow);
  arg_float (&a, scale_y);
  arg_float (&a, scale_x);
  if (nearest)
    arg_int (&a, o->align_corners);
  arg_int (&a, o->half_pixel_centers);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

static gboolean
bind_fully_connected (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvTensor *wt = in_t (s, op, 1), *y = out_t (s, op);
  ArgList a;
  if (!launch_new (s, op, "fully_connected.cl", "fully_connected", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->inputs[1]);
  arg_optional (&a, s, op, 2);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, wt->shape[0]);
  arg_int (&a, wt->shape[1]);
  arg_int (&a, op->options.fully_connected.activation);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

static gboolean
bind_landmarks_to_matrix (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvLandmarksToMatrixOptions *o = &op->options.landmarks_to_matrix;
  gsize bytes = (gsize) o->n_subset_idxs * sizeof (int32_t);
  FvGpuBuffer *subset = fv_gpu_buffer_new (s->dev, bytes, error);
  if (!subset)
    return FALSE;
  g_ptr_array_add (s->op_buffers, subset);
  if (!fv_gpu_write (subset, 0, o->subset_idxs, bytes, error))
    return FALSE;
  ArgList a;
  if (!launch_new (s, op, "custom.cl", "landmarks_to_matrix", 1, 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_mem (&a, subset->mem);
  arg_int (&a, o->n_subset_idxs);
  arg_int (&a, o->left_rotation_idx);
  arg_int (&a, o->right_rotation_idx);
  arg_float (&a, o->target_rotation_radians);
  arg_int (&a, o->output_width);
  arg_int (&a, o->output_height);
  arg_float (&a, o->scale_x);
  arg_float (&a, o->scale_y);
  return args_done (&a, s, op, error);
}

static gboolean
bind_transform_tensor (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvTensor *x = in_t (s, op, 0), *y = out_t (s, op);
  ArgList a;
  if (!launch_new (s, op, "custom.cl", "transform_tensor_bilinear", numel (y), 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->inputs[1]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, x->shape[1]);
  arg_int (&a, x->shape[2]);
  arg_int (&a, x->shape[3]);
  arg_int (&a, y->shape[1]);
  arg_int (&a, y->shape[2]);
  arg_int (&a, numel (y));
  return args_done (&a, s, op, error);
}

static gboolean
bind_transform_landmarks (FvBackendState *s, const FvOp *op, GError **error)
{
  const FvTensor *p = in_t (s, op, 0);
  ArgList a;
  if (!launch_new (s, op, "custom.cl", "transform_landmarks", p->shape[1], 0, &a, error))
    return FALSE;
  arg_tensor (&a, s, op->inputs[0]);
  arg_tensor (&a, s, op->inputs[1]);
  arg_tensor (&a, s, op->outputs[0]);
  arg_int (&a, p->shape[2]);
  arg_int (&a, p->shape[1]);
  return args_done (&a, s, op, error);
}

static gboolean
bind_op (FvBackendState *s, const FvOp *op, GError **error)
{
  switch (op->type) {
  case FV_OP_CONV_2D:
  case FV_OP_DEPTHWISE_CONV_2D:
    return bind_conv (s, op, error);
  case FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS:
    return bind_transpose_conv (s, op, error);
  case FV_OP_ADD:
    return bind_binary (s, op, 0, op->options.elementwise.activation, error);
  case FV_OP_MUL:
    return bind_binary (s, op, 1, op->options.elementwise.activation, error);
  case FV_OP_PRELU:
    return bind_binary (s, op, 2, FV_ACT_NONE, error);
  case FV_OP_RELU:
    return bind_unary (s, op, 0, error);
  case FV_OP_RELU6:
    return bind_unary (s, op, 1, error);
  case FV_OP_LOGISTIC:
    return bind_unary (s, op, 2, error);
  case FV_OP_HARD_SWISH:
    return bind_unary (s, op, 3, error);
  case FV_OP_RESHAPE:
    /* a copy: the planner gives input and output their own bytes */
    return bind_unary (s, op, 4, error);
  case FV_OP_MAX_POOL_2D:
    return bind_pool (s, op, TRUE, error);
  case FV_OP_AVERAGE_POOL_2D:
    return bind_pool (s, op, FALSE, error);
  case FV_OP_MEAN:
    return bind_mean (s, op, error);
  case FV_OP_PAD:
    return bind_pad (s, op, error);
  case FV_OP_CONCATENATION:
    return bind_concat (s, op, error);
  case FV_OP_DEPTH_TO_SPACE:
    return bind_depth_to_space (s, op, error);
  case FV_OP_STRIDED_SLICE:
    return bind_strided_slice (s, op, error);
  case FV_OP_RESIZE_BILINEAR:
    return bind_resize (s, op, FALSE, error);
  case FV_OP_RESIZE_NEAREST_NEIGHBOR:
    return bind_resize (s, op, TRUE, error);
  case FV_OP_FULLY_CONNECTED:
    return bind_fully_connected (s, op, error);
  case FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX:
    return bind_landmarks_to_matrix (s, op, error);
  case FV_OP_TRANSFORM_TENSOR_BILINEAR:
    return bind_transform_tensor (s, op, error);
  case FV_OP_TRANSFORM_LANDMARKS:
    return bind_transform_landmarks (s, op, error);
  default:
    /* DEQUANTIZE / DENSIFY are folded at load; anything else has no OpenCL kernel */
    return fv_op_error (error, s->model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "the opencl backend has no kernel for this op");
  }
}

/* The ops bind_op() has kernels for. */
static gboolean
supported (FvOpType type)
{
  switch (type) {
  case FV_OP_CONV_2D: case FV_OP_DEPTHWISE_CONV_2D: case FV_OP_CONVOLUTION_2D_TRANSPOSE_BIAS:
  case FV_OP_ADD: case FV_OP_MUL: case FV_OP_PRELU: case FV_OP_RELU: case FV_OP_RELU6:
  case FV_OP_LOGISTIC: case FV_OP_HARD_SWISH: case FV_OP_RESHAPE: case FV_OP_MAX_POOL_2D:
  case FV_OP_AVERAGE_POOL_2D: case FV_OP_MEAN: case FV_OP_PAD: case FV_OP_CONCATENATION:
  case FV_OP_DEPTH_TO_SPACE: case FV_OP_STRIDED_SLICE: case FV_OP_RESIZE_BILINEAR:
  case FV_OP_RESIZE_NEAREST_NEIGHBOR:
  case FV_OP_FULLY_CONNECTED: case FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX:
  case FV_OP_TRANSFORM_TENSOR_BILINEAR: case FV_OP_TRANSFORM_LANDMARKS:
    return TRUE;
  default:
    return FALSE;
  }
}

/* Every operand must be float32 and every index must fit the kernels' int arithmetic. */
static gboolean
check_operands (FvBackendState *s, const FvOp *op, GError **error)
{
  for (int side = 0; side < 2; side++) {
    int n = side ? op->n_outputs : op->n_inputs;
    const int *idx = side ? op->outputs : op->inputs;
    for (int i = 0; i < n; i++) {
      if (idx[i] < 0)
        continue;
      const FvTensor *t = &s->model->tensors[idx[i]];
      if (fv_tensor_numel (t) > G_MAXINT / 4)
        return fv_op_error (error, s->model, op, FV_MODEL_ERROR_UNSUPPORTED,
                            "tensor '%s' is too large for the opencl kernels", t->name);
      /* INT32 parameters (paddings, sizes, axes, shapes) are read on the host at prepare */
      if (t->dtype != FV_DTYPE_FLOAT32 && !(t->is_const && t->dtype == FV_DTYPE_INT32))
        return fv_op_error (error, s->model, op, FV_MODEL_ERROR_UNSUPPORTED,
                            "the opencl backend runs float32 only; tensor '%s' is %s", t->name,
                            fv_dtype_name (t->dtype));
    }
  }
  return TRUE;
}

/* IEEE binary16 of @f, rounded to nearest even as vstore_half_rte rounds: overflow gives
 * infinity, tiny values become subnormals or zero. */
static uint16_t
float_to_half (float f)
{
  uint32_t x;
  memcpy (&x, &f, sizeof x);
  uint32_t sign = (x >> 16) & 0x8000, exp = (x >> 23) & 0xff, man = x & 0x7fffff;
  if (exp == 0xff)
    return (uint16_t) (sign | 0x7c00 | (man ? 0x200 : 0));
  int e = (int) exp - 127 + 15;
  if (e >= 31)
    return (uint16_t) (sign | 0x7c00);
  uint32_t h, rem, halfway;
  if (e <= 0) {
    if (e < -10)
      return (uint16_t) sign;
    /* subnormal: the 24-bit significand scaled to units of 2^-24 */
    int shift = 14 - e;
    man |= 0x800000;
    h = man >> shift;
    rem = man & ((1u << shift) - 1);
    halfway = 1u << (shift - 1);
  } else {
    h = ((uint32_t) e << 10) | (man >> 13);
    rem = man & 0x1fff;
    halfway = 0x1000;
  }
  /* a carry out of the significand steps the exponent, up to infinity, as it should */
  if (rem > halfway || (rem == halfway && (h & 1)))
    h++;
  return (uint16_t) (sign | h);
}

/* Uploads the float constants @op reads, each once for the whole model (as half in fp16). */
static gboolean
upload_constants (FvBackendState *s, const FvOp *op, GError **error)
{
  for (int i = 0; i < op->n_inputs; i++) {
    int t = op->inputs[i];
    if (t < 0 || s->consts[t])
      continue;
    const FvTensor *c = &s->model->tensors[t];
    if (!c->is_const || c->dtype != FV_DTYPE_FLOAT32)
      continue;
    size_t n = (size_t) fv_tensor_numel (c), bytes = n * s->elem;
    g_autofree uint16_t *halves = NULL;
    const void *data = c->data;
    if (s->fp16) {
      const float *f = c->data;
      halves = g_new (uint16_t, MAX (n, 1));
      for (size_t k = 0; k < n; k++)
        halves[k] = float_to_half (f[k]);
      data = halves;
    }
    s->consts[t] = fv_gpu_buffer_new (s->dev, MAX (bytes, sizeof (float)), error);
    if (!s->consts[t] || !fv_gpu_write (s->consts[t], 0, data, bytes, error)) {
      g_prefix_error (error, "constant '%s': ", c->name);
      return FALSE;
    }
  }
  return TRUE;
}

/* fp16: the launches that convert the float32 inputs the host wrote into the arena's half
 * tensors (@inputs), or the half outputs into their float32 copies; none in float32. */
static gboolean
bind_boundary (FvBackendState *s, gboolean inputs, GError **error)
{
  if (!s->fp16)
    return TRUE;
  const FvModel *m = s->model;
  for (int i = 0; i < (inputs ? m->n_inputs : m->n_outputs); i++) {
    int t = inputs ? m->inputs[i] : m->outputs[i];
    if (t < 0 || s->io_offsets[t] == FV_PLAN_NONE || s->plan->offsets[t] == FV_PLAN_NONE)
      continue;
    int n = numel (&m->tensors[t]), io = (int) (s->io_offsets[t] / sizeof (float));
    ArgList a;
    if (!launch_append (s, "storage.cl", inputs ? "store_from_float" : "store_to_float", n, 0,
                        &a, error))
      return FALSE;
    arg_mem (&a, s->arena->mem);
    arg_int (&a, inputs ? io : (int) (s->plan->offsets[t] / s->elem));
    arg_mem (&a, s->arena->mem);
    arg_int (&a, inputs ? (int) (s->plan->offsets[t] / s->elem) : io);
    arg_int (&a, n);
    if (a.status != CL_SUCCESS) {
      fv_gpu_set_cl_error (error, "clSetKernelArg", a.status);
      g_prefix_error (error, "model %s '%s': ", inputs ? "input" : "output", m->tensors[t].name);
      return FALSE;
    }
  }
  return TRUE;
}

static void ocl_free (FvBackendState *s);

static FvBackendState *
ocl_prepare (const FvModel *model, const FvBackendOptions *options, GError **error)
{
  const char *fp16 = g_getenv ("FOVEA_OPENCL_FP16");
  gboolean want_fp16 = fp16 && *fp16 && !g_str_equal (fp16, "0");
  FvBackendState *s = g_new0 (FvBackendState, 1);
  s->model = model;
  s->launches = g_array_new (FALSE, FALSE, sizeof (OclLaunch));
  s->op_buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_gpu_buffer_free);
  s->consts = g_new0 (FvGpuBuffer *, model->n_tensors);
  s->dev = fv_gpu_device_open (options ? options->device : NULL, error);
  if (!s->dev)
    goto fail;
  s->fp16 = want_fp16;
  s->elem = want_fp16 ? 2 : sizeof (float);
  s->has_fp64 = fv_gpu_device_has_fp64 (s->dev);

  /* the kernels trust every shape, so each op passes its reference kernel's checks first
   * (a model built in memory has not been through fv_model_validate) */
  for (int o = 0; o < model->n_ops; o++) {
    const FvOp *op = &model->ops[o];
    if (!supported (op->type)) {
      fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                   "the opencl backend has no kernel for this op");
      goto fail;
    }
    const FvKernel *k = fv_ref_kernel (op->type);
    if (!k || !k->prepare (model, op, error) || !check_operands (s, op, error))
      goto fail;
  }

  gboolean preserve = options && options->preserve_all_tensors;
  s->preserve = preserve;
  s->discrete = !fv_gpu_device_unified_memory (s->dev);
  if (!s->fp16) {
    s->plan = fv_memory_plan_new (model, 64, preserve);
    s->arena_bytes = s->plan->arena_bytes;
  } else {
    /* the float32 plan at half scale: every size halves, so the same packing holds with
     * every offset halved (planned at 128-byte alignment to keep 64 after halving) */
    s->plan = fv_memory_plan_new (model, 128, preserve);
    for (int t = 0; t < model->n_tensors; t++)
      if (s->plan->offsets[t] != FV_PLAN_NONE)
        s->plan->offsets[t] /= 2;
    s->plan->arena_bytes /= 2;
    /* then the float32 copies of the model's inputs and outputs, which the host sees */
    s->arena_bytes = s->plan->arena_bytes;
    s->io_offsets = g_new (size_t, model->n_tensors);
    for (int t = 0; t < model->n_tensors; t++)
      s->io_offsets[t] = FV_PLAN_NONE;
    for (int side = 0; side < 2; side++)
      for (int i = 0; i < (side ? model->n_outputs : model->n_inputs); i++) {
        int t = side ? model->outputs[i] : model->inputs[i];
        if (t < 0 || model->tensors[t].is_const || s->io_offsets[t] != FV_PLAN_NONE)
          continue;
        s->io_offsets[t] = s->arena_bytes;
        s->arena_bytes += (fv_tensor_nbytes (&model->tensors[t]) + 63) & ~(size_t) 63;
      }
  }
  /* unified memory: one host-visible arena, zero-copy. A discrete device: the arena in
   * device memory, and a host mirror that only inputs and outputs cross, by counted copies
   * (mapping a host-visible arena would make the driver move all of it, every run) */
  s->arena = s->discrete ? fv_gpu_buffer_new (s->dev, MAX (s->arena_bytes, 64), error)
                         : fv_gpu_buffer_new_host (s->dev, MAX (s->arena_bytes, 64), error);
  if (!s->arena) {
    g_prefix_error (error, "activation arena of %zu bytes: ", s->arena_bytes);
    goto fail;
  }
  if (!bind_boundary (s, TRUE, error))
    goto fail;
  for (int o = 0; o < model->n_ops; o++)
    if (!upload_constants (s, &model->ops[o], error) || !bind_op (s, &model->ops[o], error))
      goto fail;
  if (!bind_boundary (s, FALSE, error))
    goto fail;
  if (s->discrete) {
    s->host = s->host_mirror = g_aligned_alloc0 (1, MAX (s->arena_bytes, 64), 64);
    return s;
  }
  s->host = fv_gpu_buffer_map (s->arena, TRUE, error);
  if (!s->host)
    goto fail;
  return s;

fail:
  ocl_free (s);
  return NULL;
}

/* Byte offset in the arena of the float32 bytes the host sees for tensor @t (a model input
 * or output), or FV_PLAN_NONE. */
static size_t
host_offset (FvBackendState *s, int t)
{
  if (t < 0 || s->model->tensors[t].is_const || s->plan->offsets[t] == FV_PLAN_NONE)
    return FV_PLAN_NONE;
  return s->fp16 ? s->io_offsets[t] : s->plan->offsets[t];
}

/* Discrete device: the inputs from the host mirror to the device, or (@inputs FALSE) the
 * outputs back, each through the counted copies; with preserve_all_tensors the whole arena
 * comes back, so every intermediate tensor is readable as on the CPU. */
static gboolean
move_boundary (FvBackendState *s, gboolean inputs, GError **error)
{
  const FvModel *m = s->model;
  if (!inputs && s->preserve)
    return fv_gpu_read (s->arena, 0, s->host_mirror, s->arena_bytes, error);
  for (int i = 0; i < (inputs ? m->n_inputs : m->n_outputs); i++) {
    int t = inputs ? m->inputs[i] : m->outputs[i];
    size_t off = host_offset (s, t);
    if (off == FV_PLAN_NONE)
      continue;
    size_t n = fv_tensor_nbytes (&m->tensors[t]);
    guint8 *h = (guint8 *) s->host_mirror + off;
    if (!(inputs ? fv_gpu_write (s->arena, off, h, n, error)
                 : fv_gpu_read (s->arena, off, h, n, error))) {
      g_prefix_error (error, "model %s '%s': ", inputs ? "input" : "output", m->tensors[t].name);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
ocl_run_discrete (FvBackendState *s, GError **error)
{
  if (!move_boundary (s, TRUE, error))
    return FALSE;
  cl_command_queue q = fv_gpu_device_queue (s->dev);
  for (guint i = 0; i < s->launches->len; i++) {
    const OclLaunch *l = &g_array_index (s->launches, OclLaunch, i);
    cl_int st = clEnqueueNDRangeKernel (q, l->kernel, l->dim, NULL, l->global, NULL, 0, NULL,
                                        NULL);
    if (st != CL_SUCCESS) {
      clFinish (q);
      return fv_gpu_set_cl_error (error, "clEnqueueNDRangeKernel", st);
    }
  }
  /* the blocking reads wait for every op: the queue is in order */
  return move_boundary (s, FALSE, error);
}

static gboolean
ocl_run (FvBackendState *s, GError **error)
{
  if (s->discrete)
    return ocl_run_discrete (s, error);
  cl_command_queue q = fv_gpu_device_queue (s->dev);
  void *before = s->host;
  if (s->host) {
    if (!fv_gpu_buffer_unmap (s->arena, s->host, error))
      return FALSE;
    s->host = NULL;
  }
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < s->launches->len; i++) {
    const OclLaunch *l = &g_array_index (s->launches, OclLaunch, i);
    cl_int st = clEnqueueNDRangeKernel (q, l->kernel, l->dim, NULL, l->global, NULL, 0, NULL,
                                        NULL);
    if (st != CL_SUCCESS)
      ok = fv_gpu_set_cl_error (error, "clEnqueueNDRangeKernel", st);
  }
  /* the blocking map waits for every op (the queue is in order) and gives the arena back
   * to the host, also after a failure, so inputs stay writable */
  s->host = fv_gpu_buffer_map (s->arena, TRUE, ok ? error : NULL);
  if (!s->host)
    return FALSE;
  if (before && s->host != before) {
    g_set_error (error, FV_GPU_ERROR, FV_GPU_ERROR_CL,
                 "clEnqueueMapBuffer moved the arena's host view; tensor pointers would dangle");
    return FALSE;
  }
  return ok;
}

static float *
ocl_tensor_data (FvBackendState *s, int t)
{
  if (!s->host || t < 0 || t >= s->model->n_tensors || s->model->tensors[t].is_const ||
      s->plan->offsets[t] == FV_PLAN_NONE)
    return NULL;
  if (s->discrete && !s->preserve) {
    /* only the inputs and outputs cross to the mirror */
    gboolean io = FALSE;
    for (int i = 0; i < s->model->n_inputs; i++)
      io |= s->model->inputs[i] == t;
    for (int i = 0; i < s->model->n_outputs; i++)
      io |= s->model->outputs[i] == t;
    if (!io)
      return NULL;
  }
  if (s->fp16)
    /* only the inputs and outputs have float32 bytes; the others are half */
    return s->io_offsets[t] == FV_PLAN_NONE ? NULL
      : (float *) ((guint8 *) s->host + s->io_offsets[t]);
  return (float *) ((guint8 *) s->host + s->plan->offsets[t]);
}

static size_t
ocl_arena_bytes (FvBackendState *s)
{
  return s->arena_bytes;
}

static void
ocl_free (FvBackendState *s)
{
  if (!s)
    return;
  if (s->dev)
    clFinish (fv_gpu_device_queue (s->dev));
  for (guint i = 0; i < s->launches->len; i++)
    clReleaseKernel (g_array_index (s->launches, OclLaunch, i).kernel);
  g_array_free (s->launches, TRUE);
  if (s->host && !s->discrete)
    fv_gpu_buffer_unmap (s->arena, s->host, NULL);
  g_aligned_free (s->host_mirror);
  fv_gpu_buffer_free (s->arena);
  g_ptr_array_free (s->op_buffers, TRUE);
  for (int t = 0; t < s->model->n_tensors; t++)
    fv_gpu_buffer_free (s->consts[t]);
  g_free (s->consts);
  g_free (s->io_offsets);
  if (s->plan)
    fv_memory_plan_free (s->plan);
  fv_gpu_device_unref (s->dev);
  g_free (s);
}

static const FvBackend opencl_backend = {
  .name = "opencl",
  .prepare = ocl_prepare,
  .run = ocl_run,
  .tensor_data = ocl_tensor_data,
  .arena_bytes = ocl_arena_bytes,
  .free = ocl_free,
};

const FvBackend *
fv_backend_opencl (void)
{
  return &opencl_backend;
}
