/* fovea tests — the optical_flow and feature_tracks solutions (OpticalFlowCalculator,
 * FeatureTracksCalculator) in a graph: frames of a photo shifted by a known amount, the
 * first frame giving no flow (on the CPU and on OpenCL), the tracks' ids and ages carried along, and bad options
 * refused when the graph is built. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gpu/device.h"
#include "graph/flow_field.h"
#include "graph/fovea-graph.h"
#include "graph/solutions/solutions.h"
#include "graph/tracks.h"
#include "tests/calculators/flow/flow_test_util.h"

static gboolean
collect (FvPacket *packet, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, fv_packet_ref (packet));
  return TRUE;
}

/* Runs solution @name with @set on 3 frames, each shifted by (1.5, -0.75) from the last;
 * returns the packets of @out. */
static GPtrArray *
run (const char *name, char **set, const char *out)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (fv_solutions_register (&error));
  g_autofree char *text = fv_solution_graph_text (fv_solution_find (name), set, &error);
  g_assert_no_error (error);
  FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
  g_assert_no_error (error);
  GPtrArray *got = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  g_assert_true (fv_graph_observe (g, out, collect, got, &error));
  g_assert_true (fv_graph_start (g, &error));
  g_autoptr (FvImage) base = flow_test_photo ("mpl_grace_hopper.jpg", 150, 180, 200, 150);
  for (int k = 0; k < 3; k++) {
    FlowTransform t = { flow_shift, flow_unshift, { 1.5 * k, -0.75 * k } };
    FvImage *f = flow_test_warp (base, &t);
    g_assert_true (fv_graph_add_packet (g, "image", fv_packet_stamp (fv_packet_new_image (f), k),
                                        &error));
  }
  g_assert_true (fv_graph_wait_until_done (g, &error));
  fv_graph_free (g);
  return got;
}

/* The optical_flow solution with @set finds each frame's shift. */
static void
check_optical_flow (char **set)
{
  g_autoptr (GPtrArray) got = run ("optical_flow", set, "flow");
  /* no flow at the first frame; one per frame after it, stamped with it */
  assert_int_equal (got->len, 2);
  for (guint i = 0; i < got->len; i++) {
    FvPacket *p = g_ptr_array_index (got, i);
    assert_int_equal (fv_packet_timestamp (p), i + 1);
    const FvFlowField *f = fv_packet_get_flow_field (p);
    assert_non_null (f);
    assert_int_equal (f->width, 200);
    double su = 0, sv = 0;
    int n = 0;
    for (int y = 20; y < 130; y++)
      for (int x = 20; x < 180; x++, n++) {
        su += fv_flow_field_at (f, x, y)[0];
        sv += fv_flow_field_at (f, x, y)[1];
      }
    assert_true (fabs (su / n - 1.5) < 0.1 && fabs (sv / n + 0.75) < 0.1);
  }
}

static void
test_optical_flow (void **state)
{
  char *set[] = { (char *) "preset=fast", (char *) "threads=2", NULL };
  check_optical_flow (set);
}

/* The same on OpenCL (gpu/dis_flow_gpu.h); skipped without an OpenCL platform. */
static void
test_optical_flow_opencl (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGpuDevice *dev = fv_gpu_device_open ("opencl", &error);
  if (dev == NULL) {
    printf ("no OpenCL device (%s): skipped\n", error->message);
    skip ();
  }
  fv_gpu_device_unref (dev);
  char *set[] = { (char *) "preset=fast", (char *) "device=opencl", NULL };
  check_optical_flow (set);
}

static void
test_feature_tracks (void **state)
{
  char *set[] = { (char *) "max_points=60", NULL };
  g_autoptr (GPtrArray) got = run ("feature_tracks", set, "tracks");
  assert_int_equal (got->len, 3);
  const FvTracks *first = fv_packet_get_tracks (g_ptr_array_index (got, 0));
  assert_true (first->n > 30 && first->n <= 60);
  for (int k = 1; k < 3; k++) {
    const FvTracks *t = fv_packet_get_tracks (g_ptr_array_index (got, k));
    int old = 0, close = 0;
    for (int i = 0; i < t->n; i++) {
      const FvTrack *p = &t->items[i];
      if (p->age != k)
        continue;
      old++;
      assert_true (p->id < first->n);
      /* the frames' borders are replicated, not moved: points whose window reaches them
       * may go wrong */
      if (p->prev_x < 12 || p->prev_y < 12 || p->prev_x > 188 || p->prev_y > 138) {
        old--;
        continue;
      }
      close += fabsf (p->x - p->prev_x - 1.5f) < 0.15f && fabsf (p->y - p->prev_y + 0.75f) < 0.15f;
    }
    printf ("frame %d: %d tracks from frame 0 away from the border (of %d), %d within 0.15 px\n",
            k, old, first->n, close);
    assert_true (old >= first->n / 2);
    assert_true (close >= old * 95 / 100);
  }
}

static void
test_bad_options (void **state)
{
  g_autoptr (GError) error = NULL;
  const char *bad[] = {
    "node { calculator: \"OpticalFlowCalculator\" input_stream: \"IMAGE:a\" output_stream: \"FLOW:b\"\n"
    "  options { preset: \"slow\" } }",
    "node { calculator: \"OpticalFlowCalculator\" input_stream: \"IMAGE:a\" output_stream: \"FLOW:b\"\n"
    "  options { patch_size: 100 } }",
    "node { calculator: \"OpticalFlowCalculator\" input_stream: \"IMAGE:a\" output_stream: \"FLOW:b\"\n"
    "  options { device: \"vulkan\" } }",
    "node { calculator: \"FeatureTracksCalculator\" input_stream: \"IMAGE:a\" output_stream: \"TRACKS:b\"\n"
    "  options { max_points: 0 } }",
    "node { calculator: \"FeatureTracksCalculator\" input_stream: \"IMAGE:a\" output_stream: \"TRACKS:b\"\n"
    "  options { window_radius: 1 } }",
    "node { calculator: \"BoxTrackerCalculator\" input_stream: \"IMAGE:a\" output_stream: \"DETECTIONS:b\"\n"
    "  options { max_points: 3 } }",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *text = g_strconcat ("input_stream: \"a\"\n", bad[i], NULL);
    FvGraph *g = fv_graph_new_from_string (text, NULL, &error);
    assert_null (g);
    assert_non_null (error);
    g_clear_error (&error);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_optical_flow),
    cmocka_unit_test (test_optical_flow_opencl),
    cmocka_unit_test (test_feature_tracks),
    cmocka_unit_test (test_bad_options),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
