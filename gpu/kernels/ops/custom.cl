/* fovea — MediaPipe's face-mesh attention ops for the OpenCL model backend:
 * Landmarks2TransformMatrix, TransformTensorBilinear and TransformLandmarks, with the
 * reference kernels' float expressions (models/ops/custom/). */

/* no fused multiply-adds: sampling positions must round as the reference's do */
#pragma OPENCL FP_CONTRACT OFF

static void
fv_mat4_mul_right (float a[16], const float b[16])
{
  float r[16];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      float sum = 0.f;
      for (int k = 0; k < 4; k++)
        sum += a[i * 4 + k] * b[k * 4 + j];
      r[i * 4 + j] = sum;
    }
  for (int i = 0; i < 16; i++)
    a[i] = r[i];
}

/* A single work item: a 4x4 matrix from a few hundred landmarks is not worth splitting. */
__kernel void
landmarks_to_matrix (__global const fv_store_t *lb, int lo, __global fv_store_t *yb, int yo,
                     __global const int *subset, int n_subset, int left_idx, int right_idx,
                     float target_rotation, int output_w, int output_h, float scale_x,
                     float scale_y)
{
  if (get_global_id (0) != 0)
    return;
  __global const fv_store_t *lm = lb + lo;
  __global const fv_store_t *left = lm + 3 * left_idx;
  __global const fv_store_t *right = lm + 3 * right_idx;
  float r = target_rotation - atan2 (FV_LD (right, 1) - FV_LD (left, 1),
                                    FV_LD (right, 0) - FV_LD (left, 0));
  float cr = cos (r), sr = sin (r);
  float min_x = 0.f, min_y = 0.f, max_x = 0.f, max_y = 0.f;
  for (int i = 0; i < n_subset; i++) {
    __global const fv_store_t *p = lm + 3 * subset[i];
    float px = FV_LD (p, 0), py = FV_LD (p, 1);
    float x = cr * px - sr * py;
    float y = sr * px + cr * py;
    if (i == 0 || x < min_x) min_x = x;
    if (i == 0 || x > max_x) max_x = x;
    if (i == 0 || y < min_y) min_y = y;
    if (i == 0 || y > max_y) max_y = y;
  }
  float crop_w = max_x - min_x, crop_h = max_y - min_y;
  float mid_x = (min_x + max_x) / 2.f, mid_y = (min_y + max_y) / 2.f;
  float ci = cos (-r), si = sin (-r);
  float crop_x = ci * mid_x - si * mid_y;
  float crop_y = si * mid_x + ci * mid_y;
  float sx = scale_x * crop_w / (float) output_w;
  float sy = scale_y * crop_h / (float) output_h;
  float half_w = (float) (output_w / 2) + (output_w % 2 ? 0.5f : 0.f);
  float half_h = (float) (output_h / 2) + (output_h % 2 ? 0.5f : 0.f);
  float m[16] = { 1, 0, 0, 0,  0, 1, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  float shift_to_crop[16] = { 1, 0, 0, crop_x,  0, 1, 0, crop_y,  0, 0, 1, 0,  0, 0, 0, 1 };
  float rotate[16] = { ci, -si, 0, 0,  si, ci, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  float scale[16] = { sx, 0, 0, 0,  0, sy, 0, 0,  0, 0, 1, 0,  0, 0, 0, 1 };
  float shift_from_out[16] = { 1, 0, 0, -half_w,  0, 1, 0, -half_h,  0, 0, 1, 0,  0, 0, 0, 1 };
  fv_mat4_mul_right (m, shift_to_crop);
  fv_mat4_mul_right (m, rotate);
  fv_mat4_mul_right (m, scale);
  fv_mat4_mul_right (m, shift_from_out);
  for (int i = 0; i < 16; i++)
    FV_ST (yb, yo + i, m[i]);
}

static float
fv_pixel (__global const fv_store_t *x, int h, int w, int c, int iy, int ix, int ch)
{
  if (iy < 0 || ix < 0 || iy >= h || ix >= w)
    return 0.f;
  return FV_LD (x, (iy * w + ix) * c + ch);
}

/* One work item per output element; samples outside the input give 0. */
__kernel void
transform_tensor_bilinear (__global const fv_store_t *xb, int xo, __global const fv_store_t *mb, int mo,
                           __global fv_store_t *yb, int yo, int in_h, int in_w, int c, int out_h,
                           int out_w, int total)
{
  int i = get_global_id (0);
  if (i >= total)
    return;
  int ch = i % c;
  int pix = i / c;
  int ox = pix % out_w;
  int oy = pix / out_w;
  __global const fv_store_t *mat = mb + mo;
  float a0 = FV_LD (mat, 0), a1 = FV_LD (mat, 1), a2 = FV_LD (mat, 2), a3 = FV_LD (mat, 3);
  float b0 = FV_LD (mat, 4), b1 = FV_LD (mat, 5), b2 = FV_LD (mat, 6), b3 = FV_LD (mat, 7);
  a3 += a0 * 0.5f + a1 * 0.5f - 0.5f;
  b3 += b0 * 0.5f + b1 * 0.5f - 0.5f;
  /* dot4 (a, ox, oy, 0, 1) term by term, as the reference sums it */
  float sx = a0 * (float) ox + a1 * (float) oy + a2 * 0.f + a3 * 1.f;
  float sy = b0 * (float) ox + b1 * (float) oy + b2 * 0.f + b3 * 1.f;
  bool inside = sx >= 0.f && sx <= (float) (in_w - 1) && sy >= 0.f && sy <= (float) (in_h - 1);
  if (!inside) {
    FV_ST (yb, yo + i, 0.f);
    return;
  }
  int x0 = (int) floor (sx), y0 = (int) floor (sy);
  float fx = sx - (float) x0, fy = sy - (float) y0;
  __global const fv_store_t *x = xb + xo;
  float q00 = fv_pixel (x, in_h, in_w, c, y0, x0, ch);
  float q01 = fv_pixel (x, in_h, in_w, c, y0, x0 + 1, ch);
  float q10 = fv_pixel (x, in_h, in_w, c, y0 + 1, x0, ch);
  float q11 = fv_pixel (x, in_h, in_w, c, y0 + 1, x0 + 1, ch);
  float upper = (1.f - fx) * q00 + fx * q01;
  float lower = (1.f - fx) * q10 + fx * q11;
  FV_ST (yb, yo + i, fy * lower + (1.f - fy) * upper);
}

/* Points [n, d] (d = 2 or 3) through the 4x4 matrix; z is kept. */
__kernel void
transform_landmarks (__global const fv_store_t *pb, int po, __global const fv_store_t *mb, int mo,
                     __global fv_store_t *yb, int yo, int d, int n)
{
  int i = get_global_id (0);
  if (i >= n)
    return;
  __global const fv_store_t *mat = mb + mo;
  __global const fv_store_t *in = pb + po + i * d;
  __global fv_store_t *out = yb + yo + i * d;
  float x = FV_LD (in, 0), y = FV_LD (in, 1);
  float r0 = FV_LD (mat, 0) * x + FV_LD (mat, 1) * y + FV_LD (mat, 2) * 0.f + FV_LD (mat, 3) * 1.f;
  float r1 = FV_LD (mat, 4) * x + FV_LD (mat, 5) * y + FV_LD (mat, 6) * 0.f + FV_LD (mat, 7) * 1.f;
  FV_ST (out, 0, r0);
  FV_ST (out, 1, r1);
  if (d == 3)
    FV_ST (out, 2, FV_LD (in, 2));
}
