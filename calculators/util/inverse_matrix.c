/* fovea — InverseMatrixCalculator: the inverse of a 4x4 matrix (MediaPipe's
 * calculators/util/inverse_matrix_calculator); the pose graph inverts ImageToTensor's
 * tensor-to-image MATRIX to warp the ROI's segmentation back onto the image.
 *
 * Inputs:  MATRIX: 16 floats, row-major ("tensors" of one [16] tensor, as ImageToTensor
 *          sends it, or a "packet_vector" of floats)
 * Outputs: MATRIX ("tensors", one [16] tensor): the inverse
 * No options. A singular matrix (or one with non-finite values) is an error; a timestamp
 * without a matrix emits nothing.
 */
#include <math.h>
#include <string.h>

#include "calculators/image/image_to_tensor.h"
#include "graph/calculator.h"
#include "graph/tensor_list.h"

/* Gauss-Jordan with partial pivoting, in double. FALSE when singular. */
static gboolean
invert4 (const float m[16], float out[16])
{
  double a[4][8];
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 8; c++)
      a[r][c] = c < 4 ? m[r * 4 + c] : (c - 4 == r);
  for (int c = 0; c < 4; c++)
    {
      int p = c;
      for (int r = c + 1; r < 4; r++)
        if (fabs (a[r][c]) > fabs (a[p][c]))
          p = r;
      if (!(fabs (a[p][c]) > 1e-12))
        return FALSE;
      if (p != c)
        for (int k = 0; k < 8; k++)
          {
            double t = a[c][k];
            a[c][k] = a[p][k];
            a[p][k] = t;
          }
      double d = a[c][c];
      for (int k = 0; k < 8; k++)
        a[c][k] /= d;
      for (int r = 0; r < 4; r++)
        if (r != c)
          {
            double f = a[r][c];
            for (int k = 0; k < 8; k++)
              a[r][k] -= f * a[c][k];
          }
    }
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++)
      {
        out[r * 4 + c] = (float) a[r][c + 4];
        if (!isfinite (out[r * 4 + c]))
          return FALSE;
      }
  return TRUE;
}

static gboolean
inverse_contract (FvContract *cc, GError **error)
{
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "MATRIX", "any", FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "MATRIX",
                                    fv_type_name (fv_type_tensors ()), FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
inverse_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *p = fv_context_input (ctx, 0);
  if (p == NULL)
    return FV_PROCESS_OK;
  float m[16], inv[16];
  if (!fv_packet_read_floats (p, m, 16, "MATRIX", error))
    return FV_PROCESS_ERROR;
  if (!invert4 (m, inv))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the matrix is singular (or not finite): no inverse");
      return FV_PROCESS_ERROR;
    }
  fv_context_output (ctx, 0, fv_packet_new_matrix (inv));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass inverse_matrix_calculator = {
  .name = "InverseMatrixCalculator",
  .contract = inverse_contract,
  .process = inverse_process,
};
FV_REGISTER_CALCULATOR (inverse_matrix_calculator)
