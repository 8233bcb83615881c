/* fovea tests — LandmarksRefinementCalculator in small graphs: explicit refinement specs
 * on synthetic lists, the built-in attention face mesh specs (478 points), and the
 * configuration errors MediaPipe checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lmk_test_util.h"

#define EPS 1e-4f

static void
check_xz (const FvLandmark *l, float x, float y, float z)
{
  assert_float_equal (l->x, x, EPS);
  assert_float_equal (l->y, y, EPS);
  assert_float_equal (l->z, z, EPS);
  assert_float_equal (l->visibility, 0, 0);
}

static void
test_refinement_synthetic (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'a' input_stream: 'b' input_stream: 'c'\n"
    "node { calculator: 'LandmarksRefinementCalculator'\n"
    "  input_stream: 'LANDMARKS:0:a' input_stream: 'LANDMARKS:1:b' input_stream: 'LANDMARKS:2:c'\n"
    "  output_stream: 'REFINED_LANDMARKS:out'\n"
    "  options { [mediapipe.LandmarksRefinementCalculatorOptions.ext] {\n"
    "    refinement { indexes_mapping: [0, 1, 2, 3] z_refinement { copy {} } }\n"
    "    refinement { indexes_mapping: [3, 4] z_refinement { none {} } }\n"
    "    refinement { indexes_mapping: [5]\n"
    "      z_refinement { assign_average { indexes_for_average: [0, 3] } } } } } }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  const float a[8] = { 0, 0, 1, 1, 2, 2, 3, 3 }, b[4] = { 30, 30, 40, 40 }, c[2] = { 50, 50 };
  lmk_add (g, "a", lmk_landmarks_packet (a, 4, 10), 0);    /* z 10 .. 13 */
  lmk_add (g, "b", lmk_landmarks_packet (b, 2, 100), 0);
  lmk_add (g, "c", lmk_landmarks_packet (c, 1, 999), 0);
  /* timestamp 1 lacks c: no refinement */
  lmk_add (g, "a", lmk_landmarks_packet (a, 4, 10), 1);
  lmk_add (g, "b", lmk_landmarks_packet (b, 2, 100), 1);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  assert_int_equal (res->len, 1);
  const FvLandmarks *l = fv_packet_get_landmarks (res->pdata[0]);
  assert_int_equal (l->n, 6);
  check_xz (&l->items[0], 0, 0, 10);
  check_xz (&l->items[2], 2, 2, 12);
  check_xz (&l->items[3], 30, 30, 13);   /* xy from b, z kept (none) */
  check_xz (&l->items[4], 40, 40, 0);    /* nothing set its z */
  check_xz (&l->items[5], 50, 50, 11.5f);   /* mean of z[0] = 10 and z[3] = 13 */
  fv_graph_free (g);
}

static FvPacket *
offset_list (int n, float x0, gboolean z_is_index)
{
  FvLandmarks *l = fv_landmarks_new (n);
  for (int i = 0; i < n; i++)
    {
      l->items[i].x = x0 + (float) i;
      l->items[i].z = z_is_index ? (float) i : -1.0f;
    }
  return fv_packet_new_landmarks (l);
}

static void
test_refinement_attention_mesh (void **state)
{
  FvGraph *g = lmk_graph (
    "input_stream: 'mesh' input_stream: 'lips' input_stream: 'le' input_stream: 're'\n"
    "input_stream: 'li' input_stream: 'ri'\n"
    "node { calculator: 'LandmarksRefinementCalculator'\n"
    "  input_stream: 'LANDMARKS:0:mesh' input_stream: 'LANDMARKS:1:lips'\n"
    "  input_stream: 'LANDMARKS:2:le' input_stream: 'LANDMARKS:3:re'\n"
    "  input_stream: 'LANDMARKS:4:li' input_stream: 'LANDMARKS:5:ri'\n"
    "  output_stream: 'REFINED_LANDMARKS:out' }\n");
  FvPoller *out = fv_graph_add_poller (g, "out", NULL);
  assert_true (fv_graph_start (g, NULL));
  /* x tells which list and which entry a point came from; mesh z = its index */
  lmk_add (g, "mesh", offset_list (468, 0, TRUE), 0);
  lmk_add (g, "lips", offset_list (80, 1000, FALSE), 0);
  lmk_add (g, "le", offset_list (71, 2000, FALSE), 0);
  lmk_add (g, "re", offset_list (71, 3000, FALSE), 0);
  lmk_add (g, "li", offset_list (5, 4000, FALSE), 0);
  lmk_add (g, "ri", offset_list (5, 5000, FALSE), 0);
  g_autoptr (GPtrArray) res = lmk_finish (g, out, TRUE, NULL);
  assert_int_equal (res->len, 1);
  const FvLandmarks *l = fv_packet_get_landmarks (res->pdata[0]);
  assert_int_equal (l->n, 478);
  check_xz (&l->items[1], 1, 0, 1);          /* mesh only */
  check_xz (&l->items[61], 1000, 0, 61);     /* lips[0] = 61 (lower outer), z from the mesh */
  check_xz (&l->items[0], 1015, 0, 0);       /* lips[15] = 0 (upper outer) */
  check_xz (&l->items[407], 1079, 0, 407);   /* the last lips point */
  check_xz (&l->items[33], 2000, 0, 33);     /* left eye [0] */
  check_xz (&l->items[193], 2070, 0, 193);   /* left eye [70] */
  check_xz (&l->items[263], 3000, 0, 263);   /* right eye [0] */
  check_xz (&l->items[417], 3070, 0, 417);
  /* irises: z = mean mesh z of the eye's 16 contour points:
   * left 33+7+163+144+145+153+154+155+133+246+161+160+159+158+157+173 = 2301 -> 143.8125,
   * right 263+249+390+373+374+380+381+382+362+466+388+387+386+385+384+398 = 5948 -> 371.75 */
  check_xz (&l->items[468], 4000, 0, 143.8125f);
  check_xz (&l->items[472], 4004, 0, 143.8125f);
  check_xz (&l->items[473], 5000, 0, 371.75f);
  check_xz (&l->items[477], 5004, 0, 371.75f);
  fv_graph_free (g);
}

static void
test_refinement_errors (void **state)
{
  g_autofree char *gap = lmk_graph_error (
    "input_stream: 'a' node { calculator: 'LandmarksRefinementCalculator'\n"
    " input_stream: 'LANDMARKS:0:a' output_stream: 'REFINED_LANDMARKS:out'\n"
    " options { [mediapipe.LandmarksRefinementCalculatorOptions.ext] {\n"
    "  refinement { indexes_mapping: [0, 2] z_refinement { copy {} } } } } }");
  assert_non_null (strstr (gap, "1 indexes are missing"));
  g_autofree char *count = lmk_graph_error (
    "input_stream: 'a' node { calculator: 'LandmarksRefinementCalculator'\n"
    " input_stream: 'LANDMARKS:0:a' output_stream: 'REFINED_LANDMARKS:out'\n"
    " options { [mediapipe.LandmarksRefinementCalculatorOptions.ext] {\n"
    "  refinement { indexes_mapping: [0] z_refinement { copy {} } }\n"
    "  refinement { indexes_mapping: [1] z_refinement { copy {} } } } } }");
  assert_non_null (strstr (count, "2 refinements while 1 LANDMARKS"));
  g_autofree char *z = lmk_graph_error (
    "input_stream: 'a' node { calculator: 'LandmarksRefinementCalculator'\n"
    " input_stream: 'LANDMARKS:0:a' output_stream: 'REFINED_LANDMARKS:out'\n"
    " options { [mediapipe.LandmarksRefinementCalculatorOptions.ext] {\n"
    "  refinement { indexes_mapping: [0] z_refinement { copy {} none {} } } } } }");
  assert_non_null (strstr (z, "exactly one z_refinement"));
  /* the built-in specs need six inputs */
  g_autofree char *preset = lmk_graph_error (
    "input_stream: 'a' node { calculator: 'LandmarksRefinementCalculator'\n"
    " input_stream: 'LANDMARKS:0:a' output_stream: 'REFINED_LANDMARKS:out' }");
  assert_non_null (strstr (preset, "6 refinements"));

  /* a list whose size differs from its mapping fails the run */
  FvGraph *g = lmk_graph (
    "input_stream: 'a' node { calculator: 'LandmarksRefinementCalculator'\n"
    " input_stream: 'LANDMARKS:0:a' output_stream: 'REFINED_LANDMARKS:out'\n"
    " options { [mediapipe.LandmarksRefinementCalculatorOptions.ext] {\n"
    "  refinement { indexes_mapping: [1, 0] z_refinement { copy {} } } } } }");
  assert_true (fv_graph_start (g, NULL));
  const float xy[6] = { 0 };
  lmk_add (g, "a", lmk_landmarks_packet (xy, 3, 0), 0);
  g_autofree char *msg = NULL;
  g_autoptr (GPtrArray) none = lmk_finish (g, NULL, FALSE, &msg);
  assert_non_null (strstr (msg, "has 3 landmarks while its indexes_mapping has 2"));
  fv_graph_free (g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_refinement_synthetic),
    cmocka_unit_test (test_refinement_attention_mesh),
    cmocka_unit_test (test_refinement_errors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
