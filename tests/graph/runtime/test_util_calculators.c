/* fovea tests — the generic calculators (gate, cloner, constant side packets, begin/end
 * loop), side packets and subgraphs running end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "test_calcs.h"

static int
setup (void **state)
{
  test_calcs_register ();
  return 0;
}

static void
add (FvGraph *g, const char *stream, FvPacket *p, gint64 ts)
{
  GError *err = NULL;
  if (!fv_graph_add_packet (g, stream, fv_packet_stamp (p, ts), &err))
    fail_msg ("add_packet: %s", err->message);
}

static void
test_gate_stream (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in' input_stream: 'allow'\n"
    "node { calculator: 'GateCalculator' input_stream: 'in' input_stream: 'ALLOW:allow'\n"
    "       output_stream: 'gated' }\n"
    "node { calculator: 'PassThroughCalculator' input_stream: 'in' input_stream: 'gated'\n"
    "       output_stream: 'all' output_stream: 'out' }\n");
  assert_non_null (g);
  Collector *c = collector_new (), *all = collector_new ();
  assert_true (collector_observe (g, "out", c));
  assert_true (collector_observe (g, "all", all));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 10; i++)
    {
      add (g, "in", fv_packet_new_int (i), i);
      if (i != 7)   /* no control packet at 7: gated out (empty_packets_as_allow false) */
        add (g, "allow", fv_packet_new_bool (i % 3 == 0), i);
    }
  assert_true (fv_graph_wait_until_done (g, NULL));
  gint64 expect[] = { 0, 3, 6, 9 };
  assert_int_equal (c->values->len, 4);
  for (guint i = 0; i < 4; i++)
    assert_int_equal (g_array_index (c->values, gint64, i), expect[i]);
  assert_int_equal (all->values->len, 10);
  collector_free (c);
  collector_free (all);
  fv_graph_free (g);
}

static void
test_gate_side_packet_from_constant (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\n"
    "node { calculator: 'ConstantSidePacketCalculator' output_side_packet: 'PACKET:0:flag'\n"
    "       output_side_packet: 'PACKET:1:name'\n"
    "       options { [mediapipe.ConstantSidePacketCalculatorOptions.ext] {\n"
    "         packet { bool_value: true } packet { string_value: 'x' } } } }\n"
    "node { calculator: 'GateCalculator' input_stream: 'in' input_side_packet: 'DISALLOW:flag'\n"
    "       output_stream: 'out' }\n");
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "out", c));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 5; i++)
    add (g, "in", fv_packet_new_int (i), i);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (c->values->len, 0);
  collector_free (c);
  fv_graph_free (g);

  /* the same gate, the flag given by the caller */
  GHashTable *side = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) fv_packet_unref);
  g_hash_table_insert (side, "flag", fv_packet_new_bool (TRUE));
  GError *err = NULL;
  g = fv_graph_new_from_string (
    "input_stream: 'in'\n"
    "node { calculator: 'GateCalculator' input_stream: 'in' input_side_packet: 'ALLOW:flag'\n"
    "       output_stream: 'out' }\n", side, &err);
  assert_non_null (g);
  c = collector_new ();
  assert_true (collector_observe (g, "out", c));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 5; i++)
    add (g, "in", fv_packet_new_int (i), i);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (c->values->len, 5);
  collector_free (c);
  fv_graph_free (g);

  /* a side packet of the wrong type is refused at validation */
  g_hash_table_insert (side, "flag", fv_packet_new_int (1));
  g = fv_graph_new_from_string (
    "input_stream: 'in'\n"
    "node { calculator: 'GateCalculator' input_stream: 'in' input_side_packet: 'ALLOW:flag'\n"
    "       output_stream: 'out' }\n", side, &err);
  assert_null (g);
  assert_int_equal (err->code, FV_GRAPH_ERROR_TYPE);
  g_clear_error (&err);
  g_hash_table_unref (side);
}

static void
test_packet_cloner (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'data' input_stream: 'tick'\n"
    "node { calculator: 'PacketClonerCalculator' input_stream: 'data' input_stream: 'TICK:tick'\n"
    "       output_stream: 'cloned' }\n");
  assert_non_null (g);
  FvPoller *p = fv_graph_add_poller (g, "cloned", NULL);
  assert_true (fv_graph_start (g, NULL));
  add (g, "tick", fv_packet_new_int (0), 5);        /* nothing seen yet: bound only */
  add (g, "data", fv_packet_new_int (42), 10);
  assert_true (fv_graph_wait_until_idle (g, NULL));
  add (g, "tick", fv_packet_new_int (0), 20);
  add (g, "tick", fv_packet_new_int (0), 30);
  assert_true (fv_graph_wait_until_done (g, NULL));
  FvPacket *packet;
  gint64 ts[] = { 20, 30 };
  for (guint i = 0; i < 2; i++)
    {
      assert_true (fv_poller_next (p, &packet));
      assert_int_equal (fv_packet_get_int (packet), 42);
      assert_int_equal (fv_packet_timestamp (packet), ts[i]);
      fv_packet_unref (packet);
    }
  assert_false (fv_poller_next (p, &packet));
  fv_graph_free (g);
}

static void
test_begin_end_loop (void **state)
{
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'vec'\n"
    "node { calculator: 'BeginLoopCalculator' input_stream: 'ITERABLE:vec'\n"
    "       output_stream: 'ITEM:item' output_stream: 'BATCH_END:end' }\n"
    "node { calculator: 'TestDoubleCalculator' input_stream: 'item' output_stream: 'doubled' }\n"
    "node { calculator: 'EndLoopCalculator' input_stream: 'ITEM:doubled'\n"
    "       input_stream: 'BATCH_END:end' output_stream: 'ITERABLE:result' }\n");
  assert_non_null (g);
  FvPoller *p = fv_graph_add_poller (g, "result", NULL);
  assert_true (fv_graph_start (g, NULL));
  for (gint64 frame = 0; frame < 4; frame++)
    {
      GPtrArray *items = g_ptr_array_new ();
      for (gint64 k = 0; k < frame; k++)   /* frame 0 is an empty vector */
        g_ptr_array_add (items, fv_packet_new_int (frame * 10 + k));
      add (g, "vec", fv_packet_new_vector (items), 1000 * (frame + 1));
    }
  assert_true (fv_graph_wait_until_done (g, NULL));
  FvPacket *packet;
  for (gint64 frame = 1; frame < 4; frame++)
    {
      assert_true (fv_poller_next (p, &packet));
      assert_int_equal (fv_packet_timestamp (packet), 1000 * (frame + 1));
      const GPtrArray *v = fv_packet_get_vector (packet);
      assert_non_null (v);
      assert_int_equal (v->len, frame);
      for (guint k = 0; k < v->len; k++)
        assert_int_equal (fv_packet_get_int (g_ptr_array_index (v, k)), 2 * (frame * 10 + k));
      fv_packet_unref (packet);
    }
  assert_false (fv_poller_next (p, &packet));
  fv_graph_free (g);
}

static void
test_subgraph_end_to_end (void **state)
{
  GError *err = NULL;
  gboolean ok = fv_subgraph_register_text (
    "type: 'TestQuadrupleSubgraph'\n"
    "input_stream: 'IN:x' output_stream: 'OUT:y'\n"
    "node { calculator: 'TestDoubleCalculator' input_stream: 'x' output_stream: 'mid' }\n"
    "node { calculator: 'TestDoubleCalculator' input_stream: 'mid' output_stream: 'y' }\n",
    "quad.pbtxt", &err);
  if (!ok)
    fail_msg ("register: %s", err->message);
  FvGraph *g = graph_from_string_or_fail (
    "input_stream: 'in'\n"
    "node { calculator: 'TestQuadrupleSubgraph' input_stream: 'IN:in' output_stream: 'OUT:q' }\n"
    "node { calculator: 'TestQuadrupleSubgraph' input_stream: 'IN:q' output_stream: 'OUT:out' }\n");
  assert_non_null (g);
  Collector *c = collector_new ();
  assert_true (collector_observe (g, "out", c));
  assert_true (fv_graph_start (g, NULL));
  for (gint64 i = 0; i < 50; i++)
    add (g, "in", fv_packet_new_int (i), i);
  assert_true (fv_graph_wait_until_done (g, NULL));
  assert_int_equal (c->values->len, 50);
  for (guint i = 0; i < 50; i++)
    assert_int_equal (g_array_index (c->values, gint64, i), 16 * (gint64) i);
  collector_free (c);
  fv_graph_free (g);
  fv_subgraph_unregister ("TestQuadrupleSubgraph");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_gate_stream),
    cmocka_unit_test (test_gate_side_packet_from_constant),
    cmocka_unit_test (test_packet_cloner),
    cmocka_unit_test (test_begin_end_loop),
    cmocka_unit_test (test_subgraph_end_to_end),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
