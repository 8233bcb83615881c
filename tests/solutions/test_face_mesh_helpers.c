/* The calculators written for the face mesh graphs, each run in a small graph:
 * NormRectsConverterCalculator (norm_rects <-> packet_vector of norm_rect) and
 * NormalizedRectVectorHasMinSizeCalculator (option, side packet, both list forms). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "graph/detection.h"
#include "graph/fovea-graph.h"
#include "graph/packet_vector.h"

static FvPacket *
make_rects (int n)
{
  FvNormRects *r = fv_norm_rects_new (n);
  for (int i = 0; i < n; i++)
    r->items[i] = (FvNormRect) { .x_center = 0.1f * (float) (i + 1), .y_center = 0.5f,
                                 .width = 0.2f, .height = 0.3f, .rotation = 0.25f * (float) i,
                                 .rect_id = i };
  return fv_packet_new_norm_rects (r);
}

/* rects -> vector -> rects gives the same list back, in order, at the same timestamps;
 * a timestamp without a list gives nothing. */
static void
test_converter_round_trip (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'rects' output_stream: 'vector' output_stream: 'back'\n"
    "node { calculator: 'NormRectsConverterCalculator' input_stream: 'NORM_RECTS:rects'\n"
    "       output_stream: 'VECTOR:vector' }\n"
    "node { calculator: 'NormRectsConverterCalculator' input_stream: 'VECTOR:vector'\n"
    "       output_stream: 'NORM_RECTS:back' }\n", NULL, &error);
  assert_non_null (g);
  FvPoller *pv = fv_graph_add_poller (g, "vector", &error);
  FvPoller *pb = fv_graph_add_poller (g, "back", &error);
  assert_true (fv_graph_start (g, &error));
  assert_true (fv_graph_add_packet (g, "rects", fv_packet_stamp (make_rects (3), 10), &error));
  assert_true (fv_graph_add_packet (g, "rects", fv_packet_stamp (make_rects (0), 20), &error));
  assert_true (fv_graph_close_all_inputs (g, &error));

  FvPacket *p;
  assert_true (fv_poller_next (pv, &p));
  assert_int_equal (fv_packet_timestamp (p), 10);
  const GPtrArray *v = fv_packet_get_vector (p);
  assert_int_equal (v->len, 3);
  const FvNormRect *r1 = fv_packet_get_norm_rect (g_ptr_array_index (v, 1));
  assert_non_null (r1);
  assert_float_equal (r1->x_center, 0.2f, 1e-7);
  assert_float_equal (r1->rotation, 0.25f, 1e-7);
  fv_packet_unref (p);
  assert_true (fv_poller_next (pv, &p));
  assert_int_equal (fv_packet_timestamp (p), 20);
  assert_int_equal (fv_packet_get_vector (p)->len, 0);
  fv_packet_unref (p);
  assert_false (fv_poller_next (pv, &p));

  assert_true (fv_poller_next (pb, &p));
  const FvNormRects *back = fv_packet_get_norm_rects (p);
  assert_int_equal (back->n, 3);
  for (int i = 0; i < 3; i++)
    {
      assert_float_equal (back->items[i].x_center, 0.1f * (float) (i + 1), 1e-7);
      assert_float_equal (back->items[i].height, 0.3f, 1e-7);
      assert_int_equal (back->items[i].rect_id, i);
    }
  fv_packet_unref (p);
  assert_true (fv_poller_next (pb, &p));
  assert_int_equal (fv_packet_get_norm_rects (p)->n, 0);
  fv_packet_unref (p);
  assert_false (fv_poller_next (pb, &p));
  assert_true (fv_graph_wait_until_done (g, &error));
  fv_graph_free (g);
}

/* A vector holding something other than a norm_rect stops the graph with an error. */
static void
test_converter_bad_element (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'vector' output_stream: 'rects'\n"
    "node { calculator: 'NormRectsConverterCalculator' input_stream: 'VECTOR:vector'\n"
    "       output_stream: 'NORM_RECTS:rects' }\n", NULL, &error);
  assert_non_null (g);
  assert_true (fv_graph_start (g, &error));
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  g_ptr_array_add (items, fv_packet_new_int (4));
  fv_graph_add_packet (g, "vector", fv_packet_stamp (fv_packet_new_vector (items), 0), NULL);
  fv_graph_close_all_inputs (g, NULL);
  assert_false (fv_graph_wait_until_done (g, &error));
  assert_non_null (strstr (error->message, "not a \"norm_rect\""));
  fv_graph_free (g);
}

/* A converter without a matching tag pair is refused when the graph is built. */
static void
test_converter_bad_ports (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'rects' output_stream: 'out'\n"
    "node { calculator: 'NormRectsConverterCalculator' input_stream: 'NORM_RECTS:rects'\n"
    "       output_stream: 'NORM_RECTS:out' }\n", NULL, &error);
  assert_null (g);
  assert_non_null (strstr (error->message, "VECTOR"));
}

/* min_size 2 from the options: lists of 1, 2 and 3 rects -> false, true, true; a
 * packet_vector counts its elements the same way. */
static void
test_has_min_size_option (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'rects' input_stream: 'vector' output_stream: 'a' output_stream: 'b'\n"
    "node { calculator: 'NormalizedRectVectorHasMinSizeCalculator'\n"
    "  input_stream: 'ITERABLE:rects' output_stream: 'a'\n"
    "  options { [mediapipe.CollectionHasMinSizeCalculatorOptions.ext] { min_size: 2 } } }\n"
    "node { calculator: 'NormalizedRectVectorHasMinSizeCalculator'\n"
    "  input_stream: 'ITERABLE:vector' output_stream: 'b'\n"
    "  options { [mediapipe.CollectionHasMinSizeCalculatorOptions.ext] { min_size: 2 } } }\n",
    NULL, &error);
  assert_non_null (g);
  FvPoller *pa = fv_graph_add_poller (g, "a", &error);
  FvPoller *pb = fv_graph_add_poller (g, "b", &error);
  assert_true (fv_graph_start (g, &error));
  for (int n = 1; n <= 3; n++)
    {
      assert_true (fv_graph_add_packet (g, "rects", fv_packet_stamp (make_rects (n), n), &error));
      GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
      for (int i = 0; i < n; i++)
        g_ptr_array_add (items, fv_packet_new_int (i));
      assert_true (fv_graph_add_packet (g, "vector",
                                        fv_packet_stamp (fv_packet_new_vector (items), n), &error));
    }
  assert_true (fv_graph_close_all_inputs (g, &error));
  const gboolean expected[] = { FALSE, TRUE, TRUE };
  FvPoller *pollers[] = { pa, pb };
  for (int k = 0; k < 2; k++)
    {
      FvPacket *p;
      for (int n = 1; n <= 3; n++)
        {
          assert_true (fv_poller_next (pollers[k], &p));
          assert_int_equal (fv_packet_timestamp (p), n);
          assert_int_equal (fv_packet_get_bool (p), expected[n - 1]);
          fv_packet_unref (p);
        }
      assert_false (fv_poller_next (pollers[k], &p));
    }
  assert_true (fv_graph_wait_until_done (g, &error));
  fv_graph_free (g);
}

/* The side packet (3) overrides the option (1): 2 rects are not enough. */
static void
test_has_min_size_side_packet (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) sides = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) fv_packet_unref);
  g_hash_table_insert (sides, "num_faces", fv_packet_new_int (3));
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'rects' output_stream: 'a' input_side_packet: 'num_faces'\n"
    "node { calculator: 'NormalizedRectVectorHasMinSizeCalculator'\n"
    "  input_stream: 'ITERABLE:rects' input_side_packet: 'num_faces' output_stream: 'a'\n"
    "  options { [mediapipe.CollectionHasMinSizeCalculatorOptions.ext] { min_size: 1 } } }\n",
    sides, &error);
  if (g == NULL)
    fail_msg ("%s", error->message);
  FvPoller *pa = fv_graph_add_poller (g, "a", &error);
  assert_true (fv_graph_start (g, &error));
  assert_true (fv_graph_add_packet (g, "rects", fv_packet_stamp (make_rects (2), 0), &error));
  assert_true (fv_graph_add_packet (g, "rects", fv_packet_stamp (make_rects (3), 1), &error));
  assert_true (fv_graph_close_all_inputs (g, &error));
  FvPacket *p;
  assert_true (fv_poller_next (pa, &p));
  assert_false (fv_packet_get_bool (p));
  fv_packet_unref (p);
  assert_true (fv_poller_next (pa, &p));
  assert_true (fv_packet_get_bool (p));
  fv_packet_unref (p);
  assert_true (fv_graph_wait_until_done (g, &error));
  fv_graph_free (g);
}

/* A negative min_size is refused when the graph is built. */
static void
test_has_min_size_negative (void **state)
{
  g_autoptr (GError) error = NULL;
  FvGraph *g = fv_graph_new_from_string (
    "input_stream: 'rects' output_stream: 'a'\n"
    "node { calculator: 'NormalizedRectVectorHasMinSizeCalculator'\n"
    "  input_stream: 'ITERABLE:rects' output_stream: 'a'\n"
    "  options { [mediapipe.CollectionHasMinSizeCalculatorOptions.ext] { min_size: -1 } } }\n",
    NULL, &error);
  assert_null (g);
  assert_non_null (strstr (error->message, "min_size"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_converter_round_trip),
    cmocka_unit_test (test_converter_bad_element),
    cmocka_unit_test (test_converter_bad_ports),
    cmocka_unit_test (test_has_min_size_option),
    cmocka_unit_test (test_has_min_size_side_packet),
    cmocka_unit_test (test_has_min_size_negative),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
