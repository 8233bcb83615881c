/* fovea tests — the pose skeleton copied from MediaPipe's pose_connections.py: a
 * transcription error would break its shape. 35 distinct edges over the 33 landmarks, every
 * landmark used; three pieces (the eyes and ears 0..8, the mouth 9-10, the body 11..32);
 * and left-right symmetric: mirroring each index (1..3 <-> 4..6, 7 <-> 8, 9 <-> 10, and
 * 11 + 2k <-> 12 + 2k) maps the edge set onto itself. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "calculators/render/pose_connections.h"

#define N FV_POSE_LANDMARKS

static int
mirror (int i)
{
  if (i == 0)
    return 0;
  if (i <= 6)
    return i <= 3 ? i + 3 : i - 3;
  return i % 2 ? i + 1 : i - 1;   /* 7 <-> 8, 9 <-> 10, 11 <-> 12, ... */
}

static int
find (int *parent, int i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

static void
test_pose_skeleton (void **state)
{
  gboolean edge[N][N] = { { FALSE } };
  int degree[N] = { 0 }, parent[N];
  for (int i = 0; i < N; i++)
    parent[i] = i;
  for (int k = 0; k < FV_POSE_CONNECTIONS_LEN; k++)
    {
      int a = fv_pose_connections[k].a, b = fv_pose_connections[k].b;
      assert_true (a < N && b < N && a != b);
      assert_false (edge[a][b]);   /* no duplicates */
      edge[a][b] = edge[b][a] = TRUE;
      degree[a]++, degree[b]++;
      parent[find (parent, a)] = find (parent, b);
    }
  int pieces = 0;
  for (int i = 0; i < N; i++)
    {
      assert_true (degree[i] > 0);
      pieces += find (parent, i) == i;
    }
  assert_int_equal (pieces, 3);
  assert_int_equal (find (parent, 0), find (parent, 8));
  assert_int_equal (find (parent, 11), find (parent, 32));
  assert_int_not_equal (find (parent, 0), find (parent, 9));
  for (int a = 0; a < N; a++)
    for (int b = 0; b < N; b++)
      assert_int_equal (edge[a][b], edge[mirror (a)][mirror (b)]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_pose_skeleton),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
