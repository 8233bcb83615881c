/* fovea tests — device=opencl through the calculators, and the zero-copy chained run.
 *
 * 1. ImageToTensorCalculator with device "opencl" gives the CPU path's tensor (within 1e-5)
 *    for every pixel format, rotated / letterboxed ROIs and both border modes.
 * 2. The chained run: the face_detection solution with FOVEA_DEVICE=opencl (ImageToTensor
 *    and Inference both on OpenCL) on a photo, frame after frame. fv_gpu_bytes_copied() is
 *    reset after graph start (the weights are uploaded at model load) and must stay 0
 *    across the frames on a unified-memory device (PoCL is one); the detections must match
 *    the CPU run's.
 *
 * What "0 bytes" covers: the counter counts every host<->device and device<->device copy
 * fovea makes (fv_gpu_copy / fv_gpu_write / fv_gpu_read) plus the frames a non-unified
 * device pulls over the bus (gpu/image_to_tensor_gpu.c counts those). On a unified device:
 *  - the frame is read in place by the preprocessing kernel (CL_MEM_USE_HOST_PTR view);
 *  - the kernel writes the model input tensor straight into the "tensors" payload's host
 *    memory (wrapped the same way; map/unmap only synchronise);
 *  - InferenceCalculator then memcpy()s that tensor into the opencl backend's activation
 *    arena (host-mapped, CL_MEM_USE_HOST_PTR) and the outputs out of it: these are two
 *    host-side memcpy's inside one memory, not host<->device transfers, so they are not
 *    counted (the ImageToTensor kernel does not yet write into the backend's arena directly:
 *    the two calculators hold separate OpenCL contexts);
 *  - post-processing (anchors decoding, NMS) runs on the CPU on the mapped outputs.
 * On a discrete GPU the same run counts, exactly: the frame upload (counted in gpu/), the
 * tensor read back in ImageToTensorCalculator, the model input written into the backend's
 * device arena and the outputs read back (fv_gpu_write / fv_gpu_read);
 * test_chain_discrete_copies takes those paths on PoCL and checks every byte.
 * Evidence that the calculators really run on OpenCL under FOVEA_DEVICE: a device index
 * that does not exist makes graph start fail (test_chain_uses_the_device). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "gpu/buffer.h"
#include "gpu/device.h"
#include "tests/gpu_chain/chain_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static float
max_diff (const FvTensorList *a, const FvTensorList *b)
{
  assert_int_equal (a->tensors[0].n, b->tensors[0].n);
  float m = 0;
  for (gsize i = 0; i < a->tensors[0].n; i++)
    m = fmaxf (m, fabsf (a->tensors[0].data[i] - b->tensors[0].data[i]));
  return m;
}

static void
compare_i2t (const FvImage *img, const FvNormRect *rect, int w, int h, const char *opts)
{
  g_autoptr (GError) error = NULL;
  float pad_c[4] = { 0 }, pad_g[4] = { 0 }, mat_c[16] = { 0 }, mat_g[16] = { 0 };
  g_autoptr (FvTensorList) cpu = chain_i2t ("cpu", img, rect, w, h, opts, pad_c, mat_c, &error);
  if (cpu == NULL)
    fail_msg ("cpu: %s", error ? error->message : "no output");
  g_autoptr (FvTensorList) gpu = chain_i2t ("opencl", img, rect, w, h, opts, pad_g, mat_g,
                                            &error);
  if (gpu == NULL)
    fail_msg ("opencl: %s", error ? error->message : "no output");
  float d = max_diff (cpu, gpu);
  if (d > 1e-5f)
    fail_msg ("%s %dx%d -> %dx%d [%s]: max |cpu - opencl| = %g", fv_image_format_name (img->format),
              img->width, img->height, w, h, opts, d);
  for (int i = 0; i < 4; i++)
    assert_float_equal (pad_c[i], pad_g[i], 1e-6);
  for (int i = 0; i < 16; i++)
    assert_float_equal (mat_c[i], mat_g[i], 1e-6);
}

static void
test_i2t_opencl_matches_cpu (void **state)
{
  const FvImageFormat formats[] = { FV_IMAGE_RGBA32, FV_IMAGE_RGB24, FV_IMAGE_BGRA32,
                                    FV_IMAGE_GRAY8 };
  const FvNormRect rotated = { .x_center = 0.45f, .y_center = 0.55f, .width = 0.7f,
                               .height = 0.5f, .rotation = 0.6f };
  const FvNormRect outside = { .x_center = 0.9f, .y_center = 0.1f, .width = 0.6f,
                               .height = 0.8f, .rotation = -2.0f };
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
    g_autoptr (FvImage) img = chain_noise_image (formats[f], 97, 61, 7u + f);
    compare_i2t (img, NULL, 32, 48, "output_tensor_float_range { min: -1 max: 1 }");
    compare_i2t (img, &rotated, 40, 40,
                 "keep_aspect_ratio: true output_tensor_float_range { min: 0 max: 1 } "
                 "border_mode: BORDER_ZERO");
    compare_i2t (img, &outside, 24, 16,
                 "keep_aspect_ratio: true output_tensor_float_range { min: -1 max: 1 } "
                 "border_mode: BORDER_REPLICATE");
  }
}

/* chain_run_face_detection on @image as an RGBA frame; fails the test on an error. */
static FvDetections *
run_face_detection (const FvImage *image, int frames, guint64 *copied)
{
  g_autoptr (GError) error = NULL;
  FvImage *copy = fv_image_convert (image, FV_IMAGE_RGBA32, &error);
  assert_non_null (copy);
  FvPacket *frame = fv_packet_new_image (copy);
  FvDetections *d = chain_run_face_detection (frame, frames, copied, &error);
  fv_packet_unref (frame);
  if (d == NULL)
    fail_msg ("%s", error->message);
  return d;
}

static void
test_chain_zero_copy (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                            "mpl_grace_hopper.jpg", NULL);
  g_autoptr (FvImage) image = fv_image_load (path, FV_IMAGE_RGB24, &error);
  if (image == NULL)
    fail_msg ("%s", error->message);

  g_unsetenv ("FOVEA_BACKEND");
  g_setenv ("FOVEA_DEVICE", "cpu", TRUE);
  guint64 copied_cpu = 0, copied_gpu = 0;
  FvDetections *cpu = run_face_detection (image, 1, &copied_cpu);
  assert_int_equal (copied_cpu, 0);

  g_setenv ("FOVEA_DEVICE", "opencl", TRUE);
  FvGpuDevice *dev = fv_gpu_device_open (NULL, &error);
  if (dev == NULL)
    fail_msg ("%s", error->message);
  const gboolean unified = fv_gpu_device_unified_memory (dev);
  printf ("device: %s, unified memory: %s\n", fv_gpu_device_name (dev), unified ? "yes" : "no");
  fv_gpu_device_unref (dev);
  FvDetections *gpu = run_face_detection (image, 3, &copied_gpu);
  printf ("bytes copied host<->device over 3 frames: %" G_GUINT64_FORMAT "\n", copied_gpu);
  if (unified)
    assert_int_equal (copied_gpu, 0);
  else
    assert_true (copied_gpu > 0);   /* a discrete device's copies are counted */

  assert_int_equal (cpu->n, gpu->n);
  assert_true (chain_detections_diff (cpu, gpu) <= 1e-3);
  fv_detections_free (cpu);
  fv_detections_free (gpu);
  g_unsetenv ("FOVEA_DEVICE");
}

/* The same chained run on a discrete GPU's paths (FOVEA_OPENCL_DISCRETE=1 on PoCL): every
 * byte that crosses is one of the copies a discrete device needs, and each is counted:
 * per frame, the frame pulled over the bus (its pixels, stride * (h - 1) + row), the
 * input tensor read back by ImageToTensor and written into the model's device arena by
 * Inference (128x128x3 floats each way), and the two output tensors read back (896x16 and
 * 896x1 floats). The detections are the unified run's. */
static void
test_chain_discrete_copies (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                            "mpl_grace_hopper.jpg", NULL);
  g_autoptr (FvImage) image = fv_image_load (path, FV_IMAGE_RGB24, &error);
  if (image == NULL)
    fail_msg ("%s", error->message);
  g_unsetenv ("FOVEA_BACKEND");
  g_setenv ("FOVEA_DEVICE", "opencl", TRUE);
  guint64 copied_uni = 0, copied_dis = 0;
  FvDetections *uni = run_face_detection (image, 1, &copied_uni);
  assert_int_equal (copied_uni, 0);
  g_setenv ("FOVEA_OPENCL_DISCRETE", "1", TRUE);
  const int frames = 3;
  FvDetections *dis = run_face_detection (image, frames, &copied_dis);
  g_unsetenv ("FOVEA_OPENCL_DISCRETE");
  g_unsetenv ("FOVEA_DEVICE");

  g_autoptr (FvImage) rgba = fv_image_convert (image, FV_IMAGE_RGBA32, &error);
  assert_non_null (rgba);
  const guint64 frame = (guint64) rgba->stride * (guint64) (rgba->height - 1)
                        + (guint64) rgba->width * 4;
  const guint64 tensor = 128 * 128 * 3 * sizeof (float);
  const guint64 outputs = (896 * 16 + 896) * sizeof (float);
  printf ("discrete paths: %" G_GUINT64_FORMAT " bytes over %d frames = %d x (frame %"
          G_GUINT64_FORMAT " + tensor %" G_GUINT64_FORMAT " x 2 + outputs %" G_GUINT64_FORMAT
          ")\n", copied_dis, frames, frames, frame, tensor, outputs);
  assert_int_equal (copied_dis, frames * (frame + 2 * tensor + outputs));
  assert_int_equal (uni->n, dis->n);
  assert_true (chain_detections_diff (uni, dis) <= 1e-6);
  fv_detections_free (uni);
  fv_detections_free (dis);
}

static void
test_chain_uses_the_device (void **state)
{
  /* a device that does not exist: both calculators must try it, and say so */
  g_autoptr (GError) error = NULL;
  g_unsetenv ("FOVEA_BACKEND");
  g_setenv ("FOVEA_DEVICE", "opencl:0:99", TRUE);
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'IMAGE:image' output_stream: 'DETECTIONS:det' "
    "node { calculator: 'FaceDetection' input_stream: 'IMAGE:image' "
    "output_stream: 'DETECTIONS:det' }", NULL, &error);
  assert_non_null (g);
  assert_false (fv_graph_start (g, &error));
  assert_non_null (error);
  if (strstr (error->message, "no OpenCL device 99") == NULL)
    fail_msg ("unexpected error: %s", error->message);
  fv_graph_free (g);
  g_clear_error (&error);

  /* the option beats the environment: ImageToTensor alone, on an absent device */
  g_setenv ("FOVEA_DEVICE", "opencl", TRUE);
  g_autoptr (FvImage) img = chain_noise_image (FV_IMAGE_RGB24, 8, 8, 1);
  float pad[4], mat[16];
  assert_null (chain_i2t ("opencl:0:99", img, NULL, 4, 4,
                          "output_tensor_float_range { min: 0 max: 1 }", pad, mat, &error));
  assert_non_null (error);
  assert_non_null (strstr (error->message, "no OpenCL device 99"));
  g_clear_error (&error);
  /* a misspelt device is refused when the graph is built */
  assert_null (chain_i2t ("openlc", img, NULL, 4, 4,
                          "output_tensor_float_range { min: 0 max: 1 }", pad, mat, &error));
  assert_non_null (error);
  assert_non_null (strstr (error->message, "unknown device"));
  g_unsetenv ("FOVEA_DEVICE");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_i2t_opencl_matches_cpu),
    cmocka_unit_test (test_chain_zero_copy),
    cmocka_unit_test (test_chain_discrete_copies),
    cmocka_unit_test (test_chain_uses_the_device),
  };
  return cmocka_run_group_tests (tests, chain_group_setup, chain_group_teardown);
}
