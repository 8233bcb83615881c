/* fovea — JPEG decoding and encoding with libjpeg(-turbo): baseline and progressive, gray,
 * YCbCr, CMYK / YCCK (Adobe-inverted or not), EXIF orientation from APP1; libjpeg's errors,
 * and its premature-end warning, turned into GErrors through longjmp. */
#include "calculators/image/image_io_private.h"

#include <setjmp.h>
#include <stdio.h>   /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/* A legitimate progressive JPEG has about ten scans; a hostile one can hold thousands of
 * tiny scans that each cost a pass over the whole coefficient buffer. */
#define MAX_PROGRESSIVE_SCANS 1000

typedef struct {
  struct jpeg_error_mgr pub;   /* first: libjpeg sees only this part */
  jmp_buf jump;
  gboolean truncated;
  char message[JMSG_LENGTH_MAX];
} JpegError;

/* Kept on the heap: the error path reads what libjpeg wrote here after the longjmp. */
typedef struct {
  struct jpeg_decompress_struct cinfo;
  struct jpeg_compress_struct cinfo_out;
  JpegError err;
  struct jpeg_progress_mgr progress;
  unsigned char *out_buffer;   /* jpeg_mem_dest's malloc'ed output */
  unsigned long out_size;
} JpegState;

static void
error_exit_cb (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;
  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

/* Warnings (level -1) are tolerated, as viewers do (extraneous bytes, a bad restart
 * marker), except the data ending early: libjpeg would pad the image with gray, and a
 * half-gray photo must not pass for a good one. */
static void
emit_message_cb (j_common_ptr cinfo, int level)
{
  JpegError *err = (JpegError *) cinfo->err;
  if (level >= 0)
    return;
  if (err->pub.msg_code == JWRN_JPEG_EOF) {
    err->truncated = TRUE;
    err->pub.format_message (cinfo, err->message);
    longjmp (err->jump, 1);
  }
  err->pub.num_warnings++;
}

static void
output_message_cb (j_common_ptr cinfo)
{
}

static void
progress_cb (j_common_ptr cinfo)
{
  if (!cinfo->is_decompressor)
    return;
  j_decompress_ptr d = (j_decompress_ptr) cinfo;
  if (d->input_scan_number > MAX_PROGRESSIVE_SCANS) {
    JpegError *err = (JpegError *) cinfo->err;
    g_snprintf (err->message, sizeof err->message, "more than %d scans",
                MAX_PROGRESSIVE_SCANS);
    longjmp (err->jump, 1);
  }
}

static void
install_error_handlers (JpegState *s, struct jpeg_error_mgr **slot)
{
  *slot = jpeg_std_error (&s->err.pub);
  s->err.pub.error_exit = error_exit_cb;
  s->err.pub.emit_message = emit_message_cb;
  s->err.pub.output_message = output_message_cb;
}

static int
exif_orientation_of (j_decompress_ptr cinfo)
{
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next)
    if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6
        && memcmp (m->data, "Exif\0\0", 6) == 0)
      return fv_exif_orientation (m->data, m->data_length);
  return 1;
}

/* round (v / 255) for v in 0..255^2; v / 255 is never exactly halfway. */
static guint8
div255_round (guint v)
{
  return (guint8) ((v + 127) / 255);
}

/* PIL's CMYK to RGB: each channel is the light both inks let through. An Adobe (Photoshop)
 * JPEG stores 255 - ink. */
static void
cmyk_row_to_rgb (const guint8 *cmyk, guint8 *rgb, int width, gboolean inverted)
{
  for (int x = 0; x < width; x++, cmyk += 4, rgb += 3) {
    guint k = inverted ? 255u - cmyk[3] : cmyk[3];
    for (int i = 0; i < 3; i++) {
      guint c = inverted ? 255u - cmyk[i] : cmyk[i];
      rgb[i] = div255_round ((255 - c) * (255 - k));
    }
  }
}

FvImage *
fv_image_decode_jpeg (const guint8 *data, gsize size, const char *name, int *orientation,
                      GError **error)
{
  *orientation = 1;
  g_autofree JpegState *s = g_new0 (JpegState, 1);
  j_decompress_ptr cinfo = &s->cinfo;
  /* Set between setjmp and a possible longjmp, so volatile: the error path frees them. */
  FvImage *volatile image = NULL;
  guint8 *volatile cmyk_row = NULL;

  install_error_handlers (s, &cinfo->err);
  if (setjmp (s->err.jump)) {
    jpeg_destroy_decompress (cinfo);
    g_free (cmyk_row);
    fv_image_free (image);
    if (s->err.truncated)
      g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_TRUNCATED,
                   "%s: JPEG is truncated (%" G_GSIZE_FORMAT " bytes)", name, size);
    else
      g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_CORRUPT,
                   "%s: not a valid JPEG: %s", name, s->err.message);
    return NULL;
  }
  jpeg_create_decompress (cinfo);
  s->progress.progress_monitor = progress_cb;
  cinfo->progress = &s->progress;
  jpeg_mem_src (cinfo, data, (unsigned long) size);
  jpeg_save_markers (cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header (cinfo, TRUE);
  if (!fv_image_io_check_size (cinfo->image_width, cinfo->image_height, name, error)) {
    jpeg_destroy_decompress (cinfo);
    return NULL;
  }
  *orientation = exif_orientation_of (cinfo);

  FvImageFormat format = FV_IMAGE_RGB24;
  gboolean cmyk = FALSE;
  switch (cinfo->jpeg_color_space) {
  case JCS_GRAYSCALE:
    cinfo->out_color_space = JCS_GRAYSCALE;
    format = FV_IMAGE_GRAY8;
    break;
  case JCS_CMYK:
  case JCS_YCCK:   /* libjpeg turns YCCK into CMYK but not into RGB */
    cinfo->out_color_space = JCS_CMYK;
    cmyk = TRUE;
    break;
  default:
    cinfo->out_color_space = JCS_RGB;
    break;
  }
  /* libjpeg's defaults, stated because PIL decodes with them too (fovea matches it exactly
   * on the test photos): exact integer IDCT, fancy (triangle) chroma upsampling. */
  cinfo->dct_method = JDCT_ISLOW;
  cinfo->do_fancy_upsampling = TRUE;
  jpeg_start_decompress (cinfo);

  int width = (int) cinfo->output_width, height = (int) cinfo->output_height;
  int expected_components = cmyk ? 4 : fv_image_format_channels (format);
  if (cinfo->output_components != expected_components) {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_CORRUPT,
                 "%s: JPEG decodes to %d components, expected %d", name,
                 cinfo->output_components, expected_components);
    jpeg_destroy_decompress (cinfo);
    return NULL;
  }
  FvImage *made = fv_image_new (format, width, height, error);
  if (!made) {
    jpeg_destroy_decompress (cinfo);
    return NULL;
  }
  image = made;
  guint8 *cmyk_buffer = cmyk ? g_malloc ((gsize) width * 4) : NULL;
  cmyk_row = cmyk_buffer;
  while (cinfo->output_scanline < cinfo->output_height) {
    int y = (int) cinfo->output_scanline;
    JSAMPROW row = cmyk_buffer ? cmyk_buffer : fv_image_row (made, y);
    if (jpeg_read_scanlines (cinfo, &row, 1) != 1) {
      /* Only a suspending data source returns no line; ours never suspends. */
      g_strlcpy (s->err.message, "the decoder returned no scanline", sizeof s->err.message);
      longjmp (s->err.jump, 1);
    }
    if (cmyk_buffer)
      cmyk_row_to_rgb (cmyk_buffer, fv_image_row (made, y), width, cinfo->saw_Adobe_marker);
  }
  /* Reads up to EOI, so that a file cut after its last scan is reported too. */
  jpeg_finish_decompress (cinfo);
  jpeg_destroy_decompress (cinfo);
  g_free (cmyk_buffer);
  return made;
}

/* The libjpeg part of fv_image_encode_jpeg, for a GRAY8 or RGB24 image; separate so that
 * no argument is changed after setjmp. */
static gboolean
encode_gray_or_rgb (const FvImage *image, int quality, GBytes **out, GError **error)
{
  g_autofree JpegState *s = g_new0 (JpegState, 1);
  j_compress_ptr cinfo = &s->cinfo_out;
  install_error_handlers (s, &cinfo->err);
  if (setjmp (s->err.jump)) {
    jpeg_destroy_compress (cinfo);
    free (s->out_buffer);
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID,
                 "JPEG encoder failed: %s", s->err.message);
    return FALSE;
  }
  jpeg_create_compress (cinfo);
  jpeg_mem_dest (cinfo, &s->out_buffer, &s->out_size);
  cinfo->image_width = (JDIMENSION) image->width;
  cinfo->image_height = (JDIMENSION) image->height;
  gboolean gray = image->format == FV_IMAGE_GRAY8;
  cinfo->input_components = gray ? 1 : 3;
  cinfo->in_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (cinfo);
  jpeg_set_quality (cinfo, quality, TRUE);
  jpeg_start_compress (cinfo, TRUE);
  while (cinfo->next_scanline < cinfo->image_height) {
    JSAMPROW row = fv_image_row (image, (int) cinfo->next_scanline);
    jpeg_write_scanlines (cinfo, &row, 1);
  }
  jpeg_finish_compress (cinfo);
  jpeg_destroy_compress (cinfo);
  *out = g_bytes_new (s->out_buffer, s->out_size);
  free (s->out_buffer);
  return TRUE;
}

gboolean
fv_image_encode_jpeg (const FvImage *image, int quality, GBytes **out, GError **error)
{
  g_return_val_if_fail (image != NULL && out != NULL, FALSE);
  if (quality < 1 || quality > 100) {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID,
                 "JPEG quality %d is not in 1..100", quality);
    return FALSE;
  }
  if (image->format == FV_IMAGE_GRAY8 || image->format == FV_IMAGE_RGB24)
    return encode_gray_or_rgb (image, quality, out, error);
  if (image->format != FV_IMAGE_RGBA32 && image->format != FV_IMAGE_BGRA32) {
    g_set_error (error, FV_IMAGE_IO_ERROR, FV_IMAGE_IO_ERROR_INVALID,
                 "cannot encode pixel format %d as JPEG", (int) image->format);
    return FALSE;
  }
  /* JPEG has no alpha: 4-channel images are written as RGB. */
  g_autoptr (FvImage) rgb = fv_image_convert (image, FV_IMAGE_RGB24, error);
  return rgb && encode_gray_or_rgb (rgb, quality, out, error);
}
