/* fovea tests — the hand skeleton copied from MediaPipe's hands_connections.py: a
 * transcription error would show up in its shape. The 21 connections must form a tree
 * over the 21 landmarks plus one cycle, the palm (0-5-9-13-17-0); each finger is a chain
 * of three bones from its base (1, 5, 9, 13, 17) to its tip (4, 8, 12, 16, 20). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/render/hand_connections.h"

static gboolean
connected (guint a, guint b)
{
  for (guint i = 0; i < FV_HAND_CONNECTIONS_LEN; i++)
    {
      FvConnection c = fv_hand_connections[i];
      if ((c.a == a && c.b == b) || (c.a == b && c.b == a))
        return TRUE;
    }
  return FALSE;
}

static void
test_hand_skeleton (void **state)
{
  int degree[FV_HAND_LANDMARKS] = { 0 };
  for (guint i = 0; i < FV_HAND_CONNECTIONS_LEN; i++)
    {
      FvConnection c = fv_hand_connections[i];
      assert_true (c.a < FV_HAND_LANDMARKS && c.b < FV_HAND_LANDMARKS && c.a != c.b);
      for (guint k = 0; k < i; k++)   /* no bone twice */
        assert_false ((fv_hand_connections[k].a == c.a && fv_hand_connections[k].b == c.b)
                      || (fv_hand_connections[k].a == c.b && fv_hand_connections[k].b == c.a));
      degree[c.a]++, degree[c.b]++;
    }
  /* the palm cycle */
  const guint palm[6] = { 0, 5, 9, 13, 17, 0 };
  for (int i = 0; i < 5; i++)
    assert_true (connected (palm[i], palm[i + 1]));
  /* the thumb hangs off the wrist, the fingers off their MCPs */
  assert_true (connected (0, 1));
  for (guint base = 1; base <= 17; base += 4)
    for (guint j = 0; j < 3; j++)
      assert_true (connected (base + j, base + j + 1));
  for (guint tip = 4; tip <= 20; tip += 4)
    assert_int_equal (degree[tip], 1);
  assert_int_equal (degree[0], 3);   /* thumb CMC, index MCP, pinky MCP */
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_hand_skeleton),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
