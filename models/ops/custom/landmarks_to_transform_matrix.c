/* fovea — reference kernel for MediaPipe's Landmarks2TransformMatrix custom op, version 2.
 *
 * Input:   landmarks [1,N,3] FLOAT32 (x, y, z per landmark; z is ignored).
 * Options: FvLandmarksToMatrixOptions {left_rotation_idx, right_rotation_idx,
 *          target_rotation_radians, output_width, output_height, scale_x, scale_y,
 *          subset_idxs}. MediaPipe reads subset_idxs as pairs and repeats the last index
 *          when the count is odd; either way every listed landmark is a point of the box,
 *          so the flat list is used as a set of points.
 * Output:  [1,4,4] FLOAT32, row-major: the matrix taking a pixel of the
 *          output_width x output_height crop to landmark coordinates.
 *
 *   r       = target_rotation_radians - atan2(right.y - left.y, right.x - left.x)
 *   R(a)    = [[cos a, -sin a], [sin a, cos a]]
 *   box     = bounding box of R(r) * p over the subset points p (the crop's own frame)
 *   w, h    = box width, height
 *   (cx,cy) = R(-r) * box centre (back in landmark coordinates)
 *   M       = T(cx, cy) * R(-r) * S(scale_x * w / output_width, scale_y * h / output_height)
 *             * T(-output_width / 2, -output_height / 2)
 * where T and S are 4x4 translation / scale matrices and R(-r) is embedded in the
 * top-left 2x2 block of a 4x4 identity.
 */
#include "models/ops/custom/custom_kernels.h"

#include <math.h>
#include <string.h>

static gboolean
check_index (const FvModel *model, const FvOp *op, int idx, int n, const char *what,
             GError **error)
{
  if (idx < 0 || idx >= n)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                        "%s %d is outside the %d landmarks of the input", what, idx, n);
  return TRUE;
}

static gboolean
prepare (const FvModel *model, const FvOp *op, GError **error)
{
  if (!fv_op_check_arity (model, op, 1, 1, 1, error))
    return FALSE;
  const FvTensor *in = fv_op_input (model, op, 0);
  const FvTensor *out = fv_op_output (model, op, 0);
  if (!fv_op_check_dtype (model, op, in, FV_DTYPE_FLOAT32, "input", error)
      || !fv_op_check_dtype (model, op, out, FV_DTYPE_FLOAT32, "output", error)
      || !fv_op_check_rank (model, op, in, 3, "input", error))
    return FALSE;
  /* MediaPipe reads landmarks with a fixed stride of 3 floats. */
  const int64_t in_dims[3] = { 1, in->shape[1], 3 };
  const int64_t out_dims[3] = { 1, 4, 4 };
  if (!fv_custom_check_shape (model, op, in, 3, in_dims, "input", error)
      || !fv_custom_check_shape (model, op, out, 3, out_dims, "output", error))
    return FALSE;

  const FvLandmarksToMatrixOptions *o = &op->options.landmarks_to_matrix;
  const int n = in->shape[1];
  if (!check_index (model, op, o->left_rotation_idx, n, "left_rotation_idx", error)
      || !check_index (model, op, o->right_rotation_idx, n, "right_rotation_idx", error))
    return FALSE;
  if (o->n_subset_idxs < 1 || !o->subset_idxs)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED, "subset_idxs is empty");
  for (int i = 0; i < o->n_subset_idxs; i++) {
    if (o->subset_idxs[i] < 0 || o->subset_idxs[i] >= n)
      return fv_op_error (error, model, op, FV_MODEL_ERROR_SHAPE,
                          "subset_idxs[%d] = %d is outside the %d landmarks of the input", i,
                          o->subset_idxs[i], n);
  }
  if (o->output_width < 1 || o->output_height < 1)
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "output size %dx%d must be at least 1x1", o->output_width,
                        o->output_height);
  if (!(o->scale_x > 0.f) || !(o->scale_y > 0.f) || !isfinite (o->scale_x)
      || !isfinite (o->scale_y) || !isfinite (o->target_rotation_radians))
    return fv_op_error (error, model, op, FV_MODEL_ERROR_UNSUPPORTED,
                        "scale %g x %g must be finite and positive and target rotation %g "
                        "finite", o->scale_x, o->scale_y, o->target_rotation_radians);
  return TRUE;
}

/* a = a * b for row-major 4x4 matrices */
static void
mat4_mul_right (float a[16], const float b[16])
{
  float r[16];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      float sum = 0.f;
      for (int k = 0; k < 4; k++)
        sum += a[i * 4 + k] * b[k * 4 + j];
      r[i * 4 + j] = sum;
    }
  memcpy (a, r, sizeof r);
}

static void
run (const FvKernelCtx *ctx)
{
  if (ctx->task != 0)
    return;
  const FvLandmarksToMatrixOptions *o = &ctx->op->options.landmarks_to_matrix;
  const float *lm = ctx->inputs[0];
  float *out = ctx->outputs[0];

  const float *left = lm + 3 * o->left_rotation_idx;
  const float *right = lm + 3 * o->right_rotation_idx;
  const float r = o->target_rotation_radians - atan2f (right[1] - left[1], right[0] - left[0]);
  const float cr = cosf (r), sr = sinf (r);

  /* Bounding box in the frame rotated by R(r), where the crop is axis-aligned. */
  float min_x = 0.f, min_y = 0.f, max_x = 0.f, max_y = 0.f;
  for (int i = 0; i < o->n_subset_idxs; i++) {
    const float *p = lm + 3 * o->subset_idxs[i];
    const float x = cr * p[0] - sr * p[1];
    const float y = sr * p[0] + cr * p[1];
    if (i == 0 || x < min_x) min_x = x;
    if (i == 0 || x > max_x) max_x = x;
    if (i == 0 || y < min_y) min_y = y;
    if (i == 0 || y > max_y) max_y = y;
  }
  const float crop_w = max_x - min_x, crop_h = max_y - min_y;
  const float mid_x = (min_x + max_x) / 2.f, mid_y = (min_y + max_y) / 2.f;
  /* R(-r) = [[cos r, sin r], [-sin r, cos r]] takes the centre back to landmark space. */
  const float ci = cosf (-r), si = sinf (-r);
  const float crop_x = ci * mid_x - si * mid_y;
  const float crop_y = si * mid_x + ci * mid_y;

  const float sx = o->scale_x * crop_w / (float) o->output_width;
  const float sy = o->scale_y * crop_h / (float) o->output_height;
  const float half_w = (float) (o->output_width / 2.0), half_h = (float) (o->output_height / 2.0);

  float m[16] = { 1, 0, 0, 0,  0, 1, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  const float shift_to_crop[16] = { 1, 0, 0, crop_x,  0, 1, 0, crop_y,  0, 0, 1, 0,  0, 0, 0, 1 };
  const float rotate[16] = { ci, -si, 0, 0,  si, ci, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  const float scale[16] = { sx, 0, 0, 0,  0, sy, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  const float shift_from_out[16] = { 1, 0, 0, -half_w,  0, 1, 0, -half_h,  0, 0, 1, 0,  0, 0, 0, 1 };
  mat4_mul_right (m, shift_to_crop);
  mat4_mul_right (m, rotate);
  mat4_mul_right (m, scale);
  mat4_mul_right (m, shift_from_out);
  memcpy (out, m, sizeof m);
}

const FvKernel fv_ref_kernel_landmarks_to_transform_matrix = {
  .type = FV_OP_LANDMARKS_TO_TRANSFORM_MATRIX,
  .prepare = prepare,
  .run = run,
};
