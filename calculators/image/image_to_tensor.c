/* fovea — fv_image_to_tensor(): MediaPipe's ImageToTensor geometry (GetRoi, PadRoi,
 * GetRotatedSubRectToRectTransformMatrix) and its one-pass bilinear resampling, plus the
 * LETTERBOX_PADDING / MATRIX packet helpers. See image_to_tensor.h for the conventions. */
#include "calculators/image/image_to_tensor.h"

#include <math.h>
#include <string.h>

/* The ROI in image pixels, as MediaPipe's RotatedRect. */
typedef struct {
  float cx, cy, w, h, rotation;
} PixelRoi;

static gboolean
check_args (const FvImage *image, const FvImageToTensorParams *p, GError **error)
{
  if (image == NULL || p == NULL) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "image to tensor: no %s", image == NULL ? "image" : "parameters");
    return FALSE;
  }
  if (fv_image_format_channels (image->format) == 0 || image->width < 1 || image->height < 1
      || image->data == NULL
      || image->stride < image->width * fv_image_format_channels (image->format)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "image to tensor: invalid image (%dx%d, format %d, stride %d)", image->width,
                 image->height, (int) image->format, image->stride);
    return FALSE;
  }
  if (p->width < 1 || p->height < 1 || p->width > FV_IMAGE_MAX_SIDE
      || p->height > FV_IMAGE_MAX_SIDE || (gint64) p->width * p->height * 3 > ((gint64) 1 << 28)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "image to tensor: output size %dx%d is not supported (each side 1..%d)",
                 p->width, p->height, FV_IMAGE_MAX_SIDE);
    return FALSE;
  }
  if (!isfinite (p->range_min) || !isfinite (p->range_max) || !(p->range_min < p->range_max)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "image to tensor: invalid output range [%g, %g] (min must be < max)",
                 (double) p->range_min, (double) p->range_max);
    return FALSE;
  }
  if (p->border != FV_BORDER_ZERO && p->border != FV_BORDER_REPLICATE
      && p->border != FV_BORDER_ZERO_GL) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "image to tensor: unknown border mode %d", (int) p->border);
    return FALSE;
  }
  return TRUE;
}

/* GetRoi + ValidateRoi: the norm rect in pixels, or the whole image. */
static gboolean
pixel_roi (const FvImage *image, const FvNormRect *roi, PixelRoi *r, GError **error)
{
  if (roi == NULL) {
    *r = (PixelRoi) { 0.5f * image->width, 0.5f * image->height, (float) image->width,
                      (float) image->height, 0.0f };
    return TRUE;
  }
  *r = (PixelRoi) { roi->x_center * image->width, roi->y_center * image->height,
                    roi->width * image->width, roi->height * image->height, roi->rotation };
  if (isnan (r->cx) || isnan (r->cy) || isnan (r->w) || isnan (r->h) || isnan (r->rotation)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "image to tensor: ROI contains NaN values");
    return FALSE;
  }
  if (!(r->w > 0) || !(r->h > 0) || !isfinite (r->w) || !isfinite (r->h) || !isfinite (r->cx)
      || !isfinite (r->cy) || !isfinite (r->rotation)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "image to tensor: ROI width and height must be > 0 and finite (got %gx%g)",
                 (double) roi->width, (double) roi->height);
    return FALSE;
  }
  return TRUE;
}

/* PadRoi: grows the ROI to the tensor's aspect ratio; padding as fractions of the output. */
static void
pad_roi (const FvImageToTensorParams *p, PixelRoi *r, float padding[4])
{
  memset (padding, 0, 4 * sizeof (float));
  if (!p->keep_aspect_ratio)
    return;
  const float tensor_aspect = (float) p->height / (float) p->width;
  const float roi_aspect = r->h / r->w;
  if (tensor_aspect > roi_aspect) {
    const float vertical = (1.0f - roi_aspect / tensor_aspect) / 2.0f;
    r->h = r->w * tensor_aspect;
    padding[1] = padding[3] = vertical;
  } else {
    const float horizontal = (1.0f - tensor_aspect / roi_aspect) / 2.0f;
    r->w = r->h / tensor_aspect;
    padding[0] = padding[2] = horizontal;
  }
}

/* GetRotatedSubRectToRectTransformMatrix (no flip): normalized tensor point -> normalized
 * image point; z is scaled like x by the ROI width. */
static void
roi_matrix (const PixelRoi *r, int image_w, int image_h, float m[16])
{
  const float a = r->w, b = r->h;
  const float c = cosf (r->rotation), d = sinf (r->rotation);
  const float e = r->cx, f = r->cy;
  const float g = 1.0f / (float) image_w, h = 1.0f / (float) image_h;
  const float rows[16] = {
    a * c * g, -b * d * g, 0.0f,  (-0.5f * a * c + 0.5f * b * d + e) * g,
    a * d * h, b * c * h,  0.0f,  (-0.5f * b * c - 0.5f * a * d + f) * h,
    0.0f,      0.0f,       a * g, 0.0f,
    0.0f,      0.0f,       0.0f,  1.0f,
  };
  memcpy (m, rows, sizeof rows);
}

/* Reads pixel (x, y) as RGB into rgb[3]; a tap outside the image reads 0 (ZERO) or the
 * nearest edge pixel (REPLICATE), as OpenCV's remap does per tap. */
static inline void
fetch_rgb (const FvImage *image, FvBorderMode border, int x, int y, double rgb[3])
{
  if (x < 0 || y < 0 || x >= image->width || y >= image->height) {
    if (border == FV_BORDER_ZERO) {
      rgb[0] = rgb[1] = rgb[2] = 0.0;
      return;
    }
    x = CLAMP (x, 0, image->width - 1);
    y = CLAMP (y, 0, image->height - 1);
  }
  const guint8 *row = fv_image_row (image, y);
  switch (image->format) {
  case FV_IMAGE_GRAY8:
    rgb[0] = rgb[1] = rgb[2] = row[x];
    break;
  case FV_IMAGE_RGB24:
    rgb[0] = row[3 * x], rgb[1] = row[3 * x + 1], rgb[2] = row[3 * x + 2];
    break;
  case FV_IMAGE_RGBA32:
    rgb[0] = row[4 * x], rgb[1] = row[4 * x + 1], rgb[2] = row[4 * x + 2];
    break;
  case FV_IMAGE_BGRA32:
  default:
    rgb[0] = row[4 * x + 2], rgb[1] = row[4 * x + 1], rgb[2] = row[4 * x];
    break;
  }
}

gboolean
fv_image_to_tensor (const FvImage *image, const FvNormRect *roi, const FvImageToTensorParams *p,
                    float *out, float letterbox[4], float matrix[16], GError **error)
{
  PixelRoi r;
  float padding[4];
  if (!check_args (image, p, error) || !pixel_roi (image, roi, &r, error))
    return FALSE;
  pad_roi (p, &r, padding);
  if (letterbox != NULL)
    memcpy (letterbox, padding, sizeof padding);
  if (matrix != NULL)
    roi_matrix (&r, image->width, image->height, matrix);
  if (out == NULL)
    return TRUE;

  /* Tensor pixel centre (x+0.5, y+0.5) -> offset (u, v) from the ROI centre in the ROI's
   * own axes -> rotated into the image; minus 0.5 turns the image position into
   * pixel-centre index coordinates for the bilinear taps. Double arithmetic makes a
   * whole-image stretch reproduce the model oracle's float64 recipe bit for bit. */
  const double c = cos ((double) r.rotation), s = sin ((double) r.rotation);
  const double scale = ((double) p->range_max - p->range_min) / 255.0;
  const gboolean zero_gl = p->border == FV_BORDER_ZERO_GL;
  const FvBorderMode taps = zero_gl ? FV_BORDER_REPLICATE : p->border;
  float *o = out;
  for (int y = 0; y < p->height; y++) {
    const double v = ((y + 0.5) / p->height - 0.5) * r.h;
    for (int x = 0; x < p->width; x++) {
      const double u = ((x + 0.5) / p->width - 0.5) * r.w;
      const double sx = r.cx + u * c - v * s - 0.5;
      const double sy = r.cy + u * s + v * c - 0.5;
      if (zero_gl && (sx < -0.5 || sy < -0.5 || sx > image->width - 0.5
                      || sy > image->height - 0.5)) {
        o[0] = o[1] = o[2] = p->range_min;
        o += 3;
        continue;
      }
      const double fx0 = floor (sx), fy0 = floor (sy);
      const double ax = sx - fx0, ay = sy - fy0;
      /* taps far outside the image all read the border: clamp before the int cast */
      const int x0 = (int) CLAMP (fx0, -2.0, (double) image->width + 1);
      const int y0 = (int) CLAMP (fy0, -2.0, (double) image->height + 1);
      double p00[3], p01[3], p10[3], p11[3];
      fetch_rgb (image, taps, x0, y0, p00);
      fetch_rgb (image, taps, x0 + 1, y0, p01);
      fetch_rgb (image, taps, x0, y0 + 1, p10);
      fetch_rgb (image, taps, x0 + 1, y0 + 1, p11);
      for (int k = 0; k < 3; k++) {
        const double top = p00[k] * (1.0 - ax) + p01[k] * ax;
        const double bottom = p10[k] * (1.0 - ax) + p11[k] * ax;
        const double value = top * (1.0 - ay) + bottom * ay;
        *o++ = (float) (p->range_min + value * scale);
      }
    }
  }
  return TRUE;
}

/* A "tensors" packet with one rank-1 tensor holding @n floats. */
static FvPacket *
float_array_packet (const float *values, gint32 n)
{
  FvTensorList *list = fv_tensor_list_new (1);
  if (!fv_tensor_list_alloc (list, 0, 1, &n, NULL)) {
    fv_tensor_list_free (list);
    return NULL;
  }
  memcpy (list->tensors[0].data, values, (size_t) n * sizeof (float));
  return fv_packet_new_tensors (list);
}

static const float *
float_array_get (const FvPacket *packet, gsize n)
{
  const FvTensorList *list = fv_packet_get_tensors (packet);
  if (list == NULL || list->n != 1 || list->tensors[0].n != n)
    return NULL;
  return list->tensors[0].data;
}

FvPacket *
fv_packet_new_letterbox_padding (const float padding[4])
{
  return float_array_packet (padding, 4);
}

const float *
fv_packet_get_letterbox_padding (const FvPacket *packet)
{
  return float_array_get (packet, 4);
}

FvPacket *
fv_packet_new_matrix (const float matrix[16])
{
  return float_array_packet (matrix, 16);
}

const float *
fv_packet_get_matrix (const FvPacket *packet)
{
  return float_array_get (packet, 16);
}
