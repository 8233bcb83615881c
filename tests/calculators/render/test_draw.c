/* fovea tests — the drawing primitives (calculators/render/draw.c), checked pixel by pixel
 * on small images: lines crossing and outside the border, degenerate rectangles, discs and
 * rings at the corners, non-finite coordinates, blending, pixel formats, and a comparison
 * with a brute-force "is the pixel centre within the shape" oracle. Guard bytes around the
 * pixels check that nothing is ever written outside the image. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "calculators/render/draw.h"

static const FvColor WHITE = { 255, 255, 255, 255 };

/* An RGB24 image inside a buffer with guard rows above and below and padding at the end of
 * each row, all filled with 0xAB. */
typedef struct {
  guint8 *buffer;
  gsize size;
  FvImage *image;
} Guarded;

#define GUARD 0xAB

static Guarded
guarded_new (FvImageFormat format, int w, int h)
{
  int ch = fv_image_format_channels (format);
  int stride = w * ch + 5;
  Guarded g;
  g.size = (gsize) stride * (gsize) (h + 2);
  g.buffer = g_malloc (g.size);
  memset (g.buffer, GUARD, g.size);
  for (int y = 0; y < h; y++)
    memset (g.buffer + (gsize) (y + 1) * stride, 0, (gsize) w * ch);
  g.image = fv_image_wrap (format, w, h, stride, g.buffer + stride, NULL, NULL);
  return g;
}

static void
guarded_check_free (Guarded *g)
{
  const FvImage *im = g->image;
  int ch = fv_image_format_channels (im->format);
  for (gsize i = 0; i < g->size; i++)
    {
      gssize off = (gssize) i - im->stride;
      gboolean inside = off >= 0 && off / im->stride < im->height
                        && off % im->stride < (gssize) im->width * ch;
      if (!inside && g->buffer[i] != GUARD)
        fail_msg ("byte %" G_GSIZE_FORMAT " outside the pixels was written", i);
    }
  fv_image_free (g->image);
  g_free (g->buffer);
}

static gboolean
painted (const FvImage *im, int x, int y)
{
  const guint8 *p = fv_image_row (im, y) + x * fv_image_format_channels (im->format);
  return p[0] != 0;
}

/* rows of '#' (painted) and '.' (untouched) */
static void
assert_mask (const FvImage *im, const char *const *rows)
{
  for (int y = 0; y < im->height; y++)
    for (int x = 0; x < im->width; x++)
      if (painted (im, x, y) != (rows[y][x] == '#'))
        fail_msg ("pixel (%d, %d): expected %c", x, y, rows[y][x]);
}

static void
clear (FvImage *im)
{
  for (int y = 0; y < im->height; y++)
    memset (fv_image_row (im, y), 0, (gsize) im->width * fv_image_format_channels (im->format));
}

static void
test_lines (void **state)
{
  Guarded g = guarded_new (FV_IMAGE_RGB24, 8, 6);
  /* horizontal through row 2's centres, from far left to far right: row 2 only */
  fv_draw_line (g.image, -5, 2.5, 20, 2.5, 1, WHITE);
  /* the diagonal y = x from far outside to far outside: pixel centres at distance
   * |i - j| / sqrt 2 <= 0.5 means i == j */
  fv_draw_line (g.image, -10, -10, 30, 30, 1, WHITE);
  static const char *const expect[] = {
    "#.......",
    ".#......",
    "########",
    "...#....",
    "....#...",
    ".....#..",
  };
  assert_mask (g.image, expect);
  /* entirely outside, huge, and non-finite: nothing */
  clear (g.image);
  fv_draw_line (g.image, -5, -1, 20, -1.2, 1, WHITE);
  fv_draw_line (g.image, 9, 0, 9, 6, 1, WHITE);
  fv_draw_line (g.image, NAN, 1, 3, 3, 1, WHITE);
  fv_draw_line (g.image, 1, 1, 3, INFINITY, 1, WHITE);
  fv_draw_line (g.image, 1, 1, 3, 3, NAN, WHITE);
  static const char *const empty[] = {
    "........", "........", "........", "........", "........", "........",
  };
  assert_mask (g.image, empty);
  /* a very long, very thick line still only touches the image */
  fv_draw_line (g.image, -1e9, 3, 1e9, 3.1, 1e6, WHITE);
  static const char *const full[] = {
    "########", "########", "########", "########", "########", "########",
  };
  assert_mask (g.image, full);
  /* products of huge coordinates overflow: whatever is drawn stays inside (guards) */
  fv_draw_line (g.image, 1e300, -1e300, -1e300, 1e300, 3, WHITE);
  fv_draw_line (g.image, -1.7e308, 3, 1.7e308, 3, 1e308, WHITE);
  fv_draw_circle (g.image, 1e300, 1e300, 1e300, 1e300, WHITE);
  guarded_check_free (&g);
}

static void
test_thick_line_and_point (void **state)
{
  Guarded g = guarded_new (FV_IMAGE_RGB24, 7, 5);
  /* vertical, thickness 3, along x = 3.5 from y = 1.5 to 3.5: columns 2..4, and the round
   * caps of radius 1.5 reach rows 0 and 4 only at the centre column (distance 1 <= 1.5,
   * corner pixels at sqrt 2 = 1.41 too) */
  fv_draw_line (g.image, 3.5, 1.5, 3.5, 3.5, 3, WHITE);
  /* a zero-length segment is a disc: at (0.5, 4.5), radius 0.5 -> that pixel only */
  fv_draw_line (g.image, 0.5, 4.5, 0.5, 4.5, 1, WHITE);
  static const char *const expect[] = {
    "..###..",
    "..###..",
    "..###..",
    "..###..",
    "#.###..",
  };
  assert_mask (g.image, expect);
  guarded_check_free (&g);
}

static void
test_rects (void **state)
{
  Guarded g = guarded_new (FV_IMAGE_RGB24, 10, 9);
  /* outline of (2.5, 2.5)-(7.5, 6.5), thickness 1: bands of half-width 0.5 on the edges */
  fv_draw_rect (g.image, 7.5, 6.5, 2.5, 2.5, 1, WHITE);   /* corners in any order */
  /* degenerate: zero width -> a vertical line at x = 0.5, rows 1..3 (y 1.5..3.5) */
  fv_draw_rect (g.image, 0.5, 1.5, 0.5, 3.5, 1, WHITE);
  /* degenerate and half outside: a point at the bottom-right corner */
  fv_draw_rect (g.image, 9.5, 8.5, 9.5, 8.5, 1, WHITE);
  static const char *const expect[] = {
    "..........",
    "#.........",
    "#.######..",
    "#.#....#..",
    "..#....#..",
    "..#....#..",
    "..######..",
    "..........",
    ".........#",
  };
  assert_mask (g.image, expect);
  /* a rectangle far outside, and one covering everything with huge thickness */
  clear (g.image);
  fv_draw_rect (g.image, -50, -50, -20, -10, 4, WHITE);
  fv_draw_fill_rect (g.image, 20, 1, 30, 5, WHITE);
  for (int y = 0; y < 9; y++)
    for (int x = 0; x < 10; x++)
      assert_false (painted (g.image, x, y));
  fv_draw_rect (g.image, -1e12, -1e12, 1e12, 1e12, 1e13, WHITE);
  for (int y = 0; y < 9; y++)
    for (int x = 0; x < 10; x++)
      assert_true (painted (g.image, x, y));
  guarded_check_free (&g);
}

static void
test_discs_at_corners (void **state)
{
  Guarded g = guarded_new (FV_IMAGE_RGB24, 6, 6);
  /* radius 2 at the top-left corner: centres (0.5, 0.5) 0.71, (1.5, 0.5) 1.58 in;
   * (1.5, 1.5) 2.12 and (2.5, 0.5) 2.55 out. Same at the bottom-right corner (6, 6). */
  fv_draw_disc (g.image, 0, 0, 2, WHITE);
  fv_draw_disc (g.image, 6, 6, 2, WHITE);
  /* a tiny disc paints the pixel holding its centre; one outside paints nothing */
  fv_draw_disc (g.image, 3.9, 2.1, 0.1, WHITE);
  fv_draw_disc (g.image, -0.1, 3, 0.2, WHITE);
  fv_draw_disc (g.image, 3, 3, NAN, WHITE);
  static const char *const expect[] = {
    "##....",
    "#.....",
    "...#..",
    "......",
    ".....#",
    "....##",
  };
  assert_mask (g.image, expect);
  guarded_check_free (&g);
}

static void
test_ring (void **state)
{
  Guarded g = guarded_new (FV_IMAGE_RGB24, 11, 11);
  /* radius 4 thickness 1 around (5.5, 5.5): pixels whose centre is at distance 3.5..4.5 */
  fv_draw_circle (g.image, 5.5, 5.5, 4, 1, WHITE);
  static const char *const expect[] = {
    "...........",
    "...#####...",
    "..##...##..",
    ".##.....##.",
    ".#.......#.",
    ".#.......#.",
    ".#.......#.",
    ".##.....##.",
    "..##...##..",
    "...#####...",
    "...........",
  };
  assert_mask (g.image, expect);
  /* a ring centred on a corner, larger than the image: only its visible arc */
  clear (g.image);
  fv_draw_circle (g.image, 0, 0, 12, 2, WHITE);
  for (int y = 0; y < 11; y++)
    for (int x = 0; x < 11; x++)
      {
        double d = hypot (x + 0.5, y + 0.5);
        assert_int_equal (painted (g.image, x, y), d >= 11 && d <= 13);
      }
  guarded_check_free (&g);
}

/* brute force: the distance from a point to a segment */
static double
segment_distance (double px, double py, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  t = fmax (0, fmin (1, t));
  return hypot (px - ax - t * dx, py - ay - t * dy);
}

static void
test_lines_match_oracle (void **state)
{
  GRand *rand = g_rand_new_with_seed (1234);
  Guarded g = guarded_new (FV_IMAGE_RGB24, 23, 17);
  for (int n = 0; n < 300; n++)
    {
      clear (g.image);
      double ax = g_rand_double_range (rand, -10, 33), ay = g_rand_double_range (rand, -10, 27);
      double bx = g_rand_double_range (rand, -10, 33), by = g_rand_double_range (rand, -10, 27);
      double t = g_rand_double_range (rand, 1, 6);
      fv_draw_line (g.image, ax, ay, bx, by, t, WHITE);
      for (int y = 0; y < 17; y++)
        for (int x = 0; x < 23; x++)
          {
            gboolean in = segment_distance (x + 0.5, y + 0.5, ax, ay, bx, by) <= t / 2;
            if (painted (g.image, x, y) != in)
              fail_msg ("line %d (%g,%g)-(%g,%g) t %g: pixel (%d, %d) should be %s", n, ax, ay,
                        bx, by, t, x, y, in ? "painted" : "untouched");
          }
    }
  guarded_check_free (&g);
  g_rand_free (rand);
}

static void
test_blend_and_formats (void **state)
{
  /* alpha 128 over black: (255 * 128 + 127) / 255 = 128 per channel */
  Guarded g = guarded_new (FV_IMAGE_RGBA32, 3, 2);
  fv_draw_pixel (g.image, 1, 1, (FvColor) { 255, 0, 255, 128 });
  const guint8 *p = fv_image_row (g.image, 1) + 4;
  assert_int_equal (p[0], 128);
  assert_int_equal (p[1], 0);
  assert_int_equal (p[2], 128);
  assert_int_equal (p[3], 128);   /* coverage composited over a transparent pixel */
  fv_draw_pixel (g.image, 3, 0, WHITE);    /* outside: ignored */
  fv_draw_pixel (g.image, -1, 0, WHITE);
  guarded_check_free (&g);

  g = guarded_new (FV_IMAGE_BGRA32, 2, 1);
  fv_draw_pixel (g.image, 0, 0, (FvColor) { 10, 20, 30, 255 });
  p = fv_image_row (g.image, 0);
  assert_int_equal (p[0], 30);
  assert_int_equal (p[1], 20);
  assert_int_equal (p[2], 10);
  assert_int_equal (p[3], 255);
  guarded_check_free (&g);

  g = guarded_new (FV_IMAGE_GRAY8, 2, 1);
  /* luma of pure green: (38470 * 255 + 32768) >> 16 = 150 */
  fv_draw_pixel (g.image, 1, 0, (FvColor) { 0, 255, 0, 255 });
  assert_int_equal (fv_image_row (g.image, 0)[1], 150);
  assert_int_equal (fv_image_row (g.image, 0)[0], 0);
  guarded_check_free (&g);
}

static void
test_rotated_rect (void **state)
{
  Guarded g = guarded_new (FV_IMAGE_RGB24, 9, 9);
  /* a 6 x 4 rect around (4.5, 4.5) turned a quarter: 4 wide and 6 high on screen, so its
   * edges run along x = 2.5 and 6.5, y = 1.5 and 7.5 */
  fv_draw_rotated_rect (g.image, 4.5, 4.5, 6, 4, G_PI_2, 1, WHITE);
  static const char *const expect[] = {
    ".........",
    "..#####..",
    "..#...#..",
    "..#...#..",
    "..#...#..",
    "..#...#..",
    "..#...#..",
    "..#####..",
    ".........",
  };
  assert_mask (g.image, expect);
  guarded_check_free (&g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_lines),
    cmocka_unit_test (test_thick_line_and_point),
    cmocka_unit_test (test_rects),
    cmocka_unit_test (test_discs_at_corners),
    cmocka_unit_test (test_ring),
    cmocka_unit_test (test_lines_match_oracle),
    cmocka_unit_test (test_blend_and_formats),
    cmocka_unit_test (test_rotated_rect),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
