/* fovea tests — the face mesh connection lists copied from MediaPipe's
 * face_mesh_connections.py: a transcription error would show up in the mesh's topology.
 * The tesselation must be a consistently oriented surface over the 468 points whose border
 * is exactly the face oval, the inner lips and the two eyes taken from FACEMESH_CONTOURS
 * (two lists that were copied independently), with the Euler characteristic of a disc with
 * three holes (V - E + F = 468 - 1322 + 852 = -2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "calculators/render/face_mesh_connections.h"

#define N 468

static guint
key (guint a, guint b)
{
  return MIN (a, b) * N + MAX (a, b);
}

static void
test_tesselation_topology (void **state)
{
  /* uses[a][b]: directed edge count */
  static guint8 directed[N][N];
  static guint8 undirected[N * N];
  memset (directed, 0, sizeof directed);
  memset (undirected, 0, sizeof undirected);
  gboolean vertex[N] = { 0 };
  for (guint i = 0; i < FV_FACEMESH_TESSELATION_EDGES; i++)
    {
      FvConnection e;
      assert_true (fv_facemesh_tesselation_edge (i, &e));
      assert_true (e.a < N && e.b < N && e.a != e.b);
      directed[e.a][e.b]++;
      undirected[key (e.a, e.b)]++;
      vertex[e.a] = vertex[e.b] = TRUE;
    }
  FvConnection e;
  assert_false (fv_facemesh_tesselation_edge (FV_FACEMESH_TESSELATION_EDGES, &e));
  /* the Python list begins (127, 34), (34, 139), (139, 127) and ends (255, 339) */
  fv_facemesh_tesselation_edge (0, &e);
  assert_int_equal (e.a, 127);
  assert_int_equal (e.b, 34);
  fv_facemesh_tesselation_edge (2, &e);
  assert_int_equal (e.a, 139);
  assert_int_equal (e.b, 127);
  fv_facemesh_tesselation_edge (FV_FACEMESH_TESSELATION_EDGES - 1, &e);
  assert_int_equal (e.a, 255);
  assert_int_equal (e.b, 339);

  int v = 0, edges = 0, border = 0;
  for (int i = 0; i < N; i++)
    v += vertex[i];
  for (int a = 0; a < N; a++)
    for (int b = a + 1; b < N; b++)
      {
        int n = undirected[key ((guint) a, (guint) b)];
        if (n == 0)
          continue;
        edges++;
        assert_true (n <= 2);
        if (n == 1)
          border++;
        else   /* an inner edge: once each way */
          assert_true (directed[a][b] == 1 && directed[b][a] == 1);
      }
  assert_int_equal (v, 468);
  assert_int_equal (edges, 1322);
  assert_int_equal (v - edges + FV_FACEMESH_TESSELATION_TRIANGLES, -2);
  /* the border: face oval [88, 124), inner lips [20, 40), left eye [40, 56), right eye
   * [64, 80) of FACEMESH_CONTOURS */
  const guint ranges[4][2] = { { 88, 124 }, { 20, 40 }, { 40, 56 }, { 64, 80 } };
  int from_contours = 0;
  for (int r = 0; r < 4; r++)
    for (guint i = ranges[r][0]; i < ranges[r][1]; i++)
      {
        FvConnection c = fv_facemesh_contours[i];
        assert_int_equal (undirected[key (c.a, c.b)], 1);
        from_contours++;
      }
  assert_int_equal (from_contours, border);
  assert_int_equal (border, 36 + 20 + 16 + 16);
}

static void
test_contours_and_irises (void **state)
{
  for (guint i = 0; i < FV_FACEMESH_CONTOURS_LEN; i++)
    assert_true (fv_facemesh_contours[i].a < N && fv_facemesh_contours[i].b < N);
  /* the face oval closes: (10, 338) ... (109, 10) */
  assert_int_equal (fv_facemesh_contours[88].a, 10);
  assert_int_equal (fv_facemesh_contours[123].b, 10);
  /* left iris 474 -> 475 -> 476 -> 477 -> 474, right iris 469 .. 472 */
  for (guint i = 0; i < FV_FACEMESH_IRISES_LEN; i++)
    {
      guint base = i < 4 ? 474 : 469;
      assert_int_equal (fv_facemesh_irises[i].a, base + i % 4);
      assert_int_equal (fv_facemesh_irises[i].b, base + (i + 1) % 4);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tesselation_topology),
    cmocka_unit_test (test_contours_and_irises),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
