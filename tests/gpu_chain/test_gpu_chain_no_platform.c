/* fovea tests — no OpenCL platform: device "opencl" is a clear error everywhere (the
 * calculators fail graph start, the CLI exits 1), "opencl,cpu" warns once and runs on the
 * CPU with the CPU's results. The ICD loader reads OCL_ICD_VENDORS at the first OpenCL call,
 * so main() points it at an empty directory first; the `fovea` binary (argv[1]) inherits
 * it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/image/image_io.h"
#include "tests/gpu_chain/chain_util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static const char *fovea_cli;

static void
test_calculators_no_platform (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FvImage) img = chain_noise_image (FV_IMAGE_RGBA32, 33, 21, 5);
  const char *opts = "output_tensor_float_range { min: -1 max: 1 }";
  float pad[4], mat[16];
  assert_null (chain_i2t ("opencl", img, NULL, 16, 16, opts, pad, mat, &error));
  assert_non_null (error);
  if (strstr (error->message, "no OpenCL platform") == NULL)
    fail_msg ("unexpected error: %s", error->message);
  g_clear_error (&error);

  g_autoptr (FvTensorList) cpu = chain_i2t ("cpu", img, NULL, 16, 16, opts, pad, mat, &error);
  g_autoptr (FvTensorList) fb = chain_i2t ("opencl,cpu", img, NULL, 16, 16, opts, pad, mat,
                                           &error);
  assert_non_null (cpu);
  assert_non_null (fb);
  assert_memory_equal (cpu->tensors[0].data, fb->tensors[0].data,
                       cpu->tensors[0].n * sizeof (float));

  /* the solution: ImageToTensor and Inference both refuse, then both fall back */
  g_autofree char *photo = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                             "mpl_grace_hopper.jpg", NULL);
  const char *cfg = "input_stream: 'IMAGE:image' output_stream: 'DETECTIONS:det' "
                    "node { calculator: 'FaceDetection' input_stream: 'IMAGE:image' "
                    "output_stream: 'DETECTIONS:det' }";
  g_unsetenv ("FOVEA_BACKEND");
  g_setenv ("FOVEA_DEVICE", "opencl", TRUE);
  FvGraph *g = fv_graph_new_from_string (cfg, NULL, &error);
  assert_non_null (g);
  assert_false (fv_graph_start (g, &error));
  assert_non_null (strstr (error->message, "no OpenCL platform"));
  g_clear_error (&error);
  fv_graph_free (g);

  g_setenv ("FOVEA_DEVICE", "opencl,cpu", TRUE);
  g = fv_graph_new_from_string (cfg, NULL, &error);
  assert_non_null (g);
  FvPoller *poller = fv_graph_add_poller (g, "det", &error);
  if (!fv_graph_start (g, &error))
    fail_msg ("%s", error->message);
  FvImage *image = fv_image_load (photo, FV_IMAGE_RGB24, &error);
  assert_non_null (image);
  assert_true (fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (image), 0),
                                    &error));
  fv_graph_close_all_inputs (g, NULL);
  assert_true (fv_graph_wait_until_done (g, &error));
  FvPacket *out = NULL;
  assert_true (fv_poller_next (poller, &out));
  assert_int_equal (fv_packet_get_detections (out)->n, 1);
  fv_packet_unref (out);
  fv_graph_free (g);
  g_unsetenv ("FOVEA_DEVICE");
}

/* Runs the CLI with @args; returns its exit status, stdout and stderr (transfer full). */
static int
run_cli (const char *const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) fovea_cli);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                     &wait_status, &error))
    fail_msg ("%s", error->message);
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

static void
test_cli_no_platform (void **state)
{
  g_autofree char *photo = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "images",
                                             "mpl_grace_hopper.jpg", NULL);
  g_unsetenv ("FOVEA_DEVICE");
  g_unsetenv ("FOVEA_BACKEND");
  char *out = NULL, *err = NULL;

  const char *plain[] = { "run", "face_detection", photo, "--json", "-", "--device", "opencl",
                          NULL };
  assert_int_equal (run_cli (plain, &out, &err), 1);
  if (strstr (err, "no OpenCL platform") == NULL)
    fail_msg ("stderr: %s", err);
  assert_null (strstr (out, "score"));
  g_free (out);
  g_free (err);

  const char *fallback[] = { "run", "face_detection", photo, "--json", "-", "--device",
                             "opencl,cpu", NULL };
  assert_int_equal (run_cli (fallback, &out, &err), 0);
  if (strstr (err, "warning") == NULL || strstr (err, "falling back to the CPU") == NULL)
    fail_msg ("stderr: %s", err);
  assert_non_null (strstr (out, "\"score\""));
  g_free (out);
  g_free (err);

  const char *model[] = { "model", "info", "face_detection_short_range", "--device", "opencl",
                          NULL };
  assert_int_equal (run_cli (model, &out, &err), 1);
  assert_non_null (strstr (err, "no OpenCL platform"));
  g_free (out);
  g_free (err);

  /* the dense flow: its device option refuses, and falls back when allowed */
  g_autofree char *fa = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "flow",
                                          "motorcycle_half_left.png", NULL);
  g_autofree char *fb = g_build_filename (g_getenv ("FOVEA_TEST_DATA"), "flow",
                                          "motorcycle_half_right.png", NULL);
  g_autofree char *tmp = g_dir_make_tmp ("fovea-flow-XXXXXX", NULL);
  g_autofree char *flo = g_build_filename (tmp, "out.flo", NULL);
  const char *flow[] = { "run", "optical_flow", fa, fb, "--flo", flo, "--set", "device=opencl",
                         NULL };
  assert_int_equal (run_cli (flow, &out, &err), 1);
  if (strstr (err, "no OpenCL platform") == NULL)
    fail_msg ("stderr: %s", err);
  assert_false (g_file_test (flo, G_FILE_TEST_EXISTS));
  g_free (out);
  g_free (err);
  const char *flow_fb[] = { "run", "optical_flow", fa, fb, "--flo", flo, "--set",
                            "device=opencl,cpu", NULL };
  assert_int_equal (run_cli (flow_fb, &out, &err), 0);
  if (strstr (err, "falling back to the CPU") == NULL)
    fail_msg ("stderr: %s", err);
  assert_true (g_file_test (flo, G_FILE_TEST_EXISTS));
  g_free (out);
  g_free (err);
  g_unlink (flo);
  g_rmdir (tmp);

  const char *bad[] = { "bench", "face_detection", photo, "--device", "vulkan", NULL };
  assert_int_equal (run_cli (bad, &out, &err), 2);
  assert_non_null (strstr (err, "unknown device"));
  g_free (out);
  g_free (err);
}

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;
  if (!chain_register_face_detection (&error)) {
    fprintf (stderr, "%s\n", error->message);
    return -1;
  }
  return 0;
}

static int
teardown (void **state)
{
  fv_subgraph_registry_clear ();
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc < 2) {
    fprintf (stderr, "usage: %s PATH-TO-fovea\n", argv[0]);
    return 1;
  }
  fovea_cli = argv[1];
  fv_test_gpu_setup ();
  g_autofree char *empty = g_build_filename (g_get_tmp_dir (), "fovea-no-vendors-XXXXXX", NULL);
  assert_non_null (g_mkdtemp (empty));
  g_setenv ("OCL_ICD_VENDORS", empty, TRUE);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_calculators_no_platform),
    cmocka_unit_test (test_cli_no_platform),
  };
  int failed = cmocka_run_group_tests (tests, setup, teardown);
  g_rmdir (empty);
  fv_test_gpu_teardown ();
  return failed;
}
