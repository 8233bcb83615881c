/* fovea tests — the `foveaoverlay` element (plugins/gstfoveaoverlay.c) through GstHarness.
 *
 * Each frame is 64x48 in a buffer laid out with a GstVideoMeta: padding around every plane
 * (rows longer than the picture, rows above and below) and guard bytes before and after,
 * all filled with 0xA5, so a write outside the picture shows (ASan checks the rest). The
 * picture is a flat dark gray; the metas are a face ROI with keypoints, an ROI partly
 * outside the frame, one far outside, one of another type, and a landmarks meta, with NaN,
 * infinite and huge coordinates mixed in. The checks: box edges, keypoints and landmarks in
 * their colours (exactly for RGB formats, within 1 for Y, U and V), far pixels unchanged,
 * no byte outside the picture changed, buffers without metas bit-identical, the properties,
 * the face mesh contours of a 468-point object, the hand and body skeletons of 21- and
 * 33-point objects, and the tint of a mask meta (of another size than the frame, with NaN
 * and out-of-range values). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "calculators/render/face_mesh_connections.h"
#include "plugins/fovea_mask_meta.h"
#include "plugins/fovea_meta.h"

#define W 64
#define H 48
#define GUARD 256
#define CANARY 0xA5
#define BG 40          /* the picture's gray (RGB), or its Y */

typedef struct {
  guint8 r, g, b;
} Rgb;

static const Rgb GREEN = { 0, 255, 0 };       /* default color */
static const Rgb RED = { 255, 48, 48 };       /* default landmark-color */

/* A frame pushed through the element and what came out. */
typedef struct {
  GstVideoInfo info;      /* the padded layout (offsets, strides) */
  guint8 *raw;            /* the whole allocation: guard, planes, guard */
  gsize raw_size;
  guint8 *before;         /* a copy of raw before the push */
  GstBuffer *out;         /* the output buffer (holds raw) */
} Frame;

static GstVideoFormat
format_of (const char *name)
{
  return gst_video_format_from_string (name);
}

static gboolean
is_rgb (GstVideoFormat f)
{
  return f == GST_VIDEO_FORMAT_RGBA || f == GST_VIDEO_FORMAT_RGBx || f == GST_VIDEO_FORMAT_BGRA
      || f == GST_VIDEO_FORMAT_BGRx;
}

/* The bytes of plane @p at row @y that belong to the picture. */
static gsize
plane_row_bytes (const GstVideoInfo *info, guint p)
{
  for (guint c = 0; c < GST_VIDEO_INFO_N_COMPONENTS (info); c++)
    if (GST_VIDEO_INFO_COMP_PLANE (info, c) == p)
      return (gsize) GST_VIDEO_INFO_COMP_WIDTH (info, c) * GST_VIDEO_INFO_COMP_PSTRIDE (info, c);
  return 0;
}

static int
plane_rows (const GstVideoInfo *info, guint p)
{
  for (guint c = 0; c < GST_VIDEO_INFO_N_COMPONENTS (info); c++)
    if (GST_VIDEO_INFO_COMP_PLANE (info, c) == p)
      return GST_VIDEO_INFO_COMP_HEIGHT (info, c);
  return 0;
}

/* TRUE when byte @i of raw is a picture byte. */
static gboolean
is_picture_byte (const Frame *f, gsize i)
{
  if (i < GUARD)
    return FALSE;
  gsize o = i - GUARD;
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&f->info); p++) {
    gsize off = GST_VIDEO_INFO_PLANE_OFFSET (&f->info, p);
    gsize stride = GST_VIDEO_INFO_PLANE_STRIDE (&f->info, p);
    if (o < off)
      continue;
    gsize row = (o - off) / stride, col = (o - off) % stride;
    if (row < (gsize) plane_rows (&f->info, p) && col < plane_row_bytes (&f->info, p))
      return TRUE;
  }
  return FALSE;
}

static guint8 *
pixel (const Frame *f, guint8 *base, guint p, int x, int y)
{
  return base + GUARD + GST_VIDEO_INFO_PLANE_OFFSET (&f->info, p)
      + (gsize) y * GST_VIDEO_INFO_PLANE_STRIDE (&f->info, p)
      + (gsize) x * GST_VIDEO_INFO_COMP_PSTRIDE (&f->info, p == 0 ? 0 : p);
}

/* A new buffer in @format: canary everywhere, the flat picture, a GstVideoMeta. */
static GstBuffer *
frame_new_buffer_sized (Frame *f, GstVideoFormat format, int width, int height)
{
  memset (f, 0, sizeof (*f));
  gst_video_info_set_format (&f->info, format, width, height);
  GstVideoAlignment align;
  gst_video_alignment_reset (&align);
  align.padding_top = 2;
  align.padding_bottom = 4;
  align.padding_left = 4;
  align.padding_right = 12;
  assert_true (gst_video_info_align (&f->info, &align));
  f->raw_size = GST_VIDEO_INFO_SIZE (&f->info) + 2 * GUARD;
  f->raw = g_malloc (f->raw_size);
  memset (f->raw, CANARY, f->raw_size);
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&f->info); p++)
    for (int y = 0; y < plane_rows (&f->info, p); y++) {
      guint8 *row = pixel (f, f->raw, p, 0, y);
      gsize n = plane_row_bytes (&f->info, p);
      for (gsize i = 0; i < n; i++)
        row[i] = is_rgb (format) ? ((i % 4) == 3 ? 255 : BG) : (p == 0 ? BG : 128);
    }
  GstBuffer *buf = gst_buffer_new_wrapped_full (0, f->raw, f->raw_size, GUARD,
      GST_VIDEO_INFO_SIZE (&f->info), f->raw, g_free);
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE, format, width, height,
      GST_VIDEO_INFO_N_PLANES (&f->info), f->info.offset, f->info.stride);
  return buf;
}

static GstBuffer *
frame_new_buffer (Frame *f, GstVideoFormat format)
{
  return frame_new_buffer_sized (f, format, W, H);
}

/* Pushes @buf through @h; the output must be the same memory, written in place. */
static void
frame_run (Frame *f, GstHarness *h, GstBuffer *buf)
{
  f->before = g_memdup2 (f->raw, f->raw_size);
  assert_int_equal (gst_harness_push (h, buf), GST_FLOW_OK);
  f->out = gst_harness_pull (h);
  assert_non_null (f->out);
  GstMapInfo map;
  assert_true (gst_buffer_map (f->out, &map, GST_MAP_READ));
  assert_ptr_equal (map.data, f->raw + GUARD);
  gst_buffer_unmap (f->out, &map);
  /* nothing outside the picture changed */
  for (gsize i = 0; i < f->raw_size; i++)
    if (!is_picture_byte (f, i) && f->raw[i] != CANARY) {
      print_error ("byte %zu outside the picture changed\n", i);
      fail ();
    }
}

static void
frame_clear (Frame *f)
{
  gst_clear_buffer (&f->out);
  g_clear_pointer (&f->before, g_free);
}

static GstHarness *
harness_new_sized (const char *format, int width, int height)
{
  GstHarness *h = gst_harness_new ("foveaoverlay");
  assert_non_null (h);
  char *caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,framerate=30/1",
      format, width, height);
  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  return h;
}

static GstHarness *
harness_new (const char *format)
{
  return harness_new_sized (format, W, H);
}

/* BT.601 video range, as the element documents it. */
static int
luma (Rgb c)
{
  return (int) lround (16 + (65.738 * c.r + 129.057 * c.g + 25.064 * c.b) / 256);
}

static int
chroma_u (Rgb c)
{
  return (int) lround (128 + (-37.945 * c.r - 74.494 * c.g + 112.439 * c.b) / 256);
}

static int
chroma_v (Rgb c)
{
  return (int) lround (128 + (112.439 * c.r - 94.154 * c.g - 18.285 * c.b) / 256);
}

static void
assert_near (int got, int want, const char *what, int x, int y)
{
  if (abs (got - want) > 1) {
    print_error ("%s at (%d, %d): %d, expected %d\n", what, x, y, got, want);
    fail ();
  }
}

/* Frame pixel (x, y) has colour @c (RGB exactly; YUV within 1, chroma for I420 only). */
static void
assert_color (const Frame *f, int x, int y, Rgb c)
{
  GstVideoFormat fmt = GST_VIDEO_INFO_FORMAT (&f->info);
  const guint8 *p = pixel (f, f->raw, 0, x, y);
  if (is_rgb (fmt)) {
    gboolean bgr = fmt == GST_VIDEO_FORMAT_BGRA || fmt == GST_VIDEO_FORMAT_BGRx;
    Rgb got = bgr ? (Rgb) { p[2], p[1], p[0] } : (Rgb) { p[0], p[1], p[2] };
    if (got.r != c.r || got.g != c.g || got.b != c.b) {
      print_error ("%s (%d, %d): %d,%d,%d, expected %d,%d,%d\n",
          gst_video_format_to_string (fmt), x, y, got.r, got.g, got.b, c.r, c.g, c.b);
      fail ();
    }
    if (fmt == GST_VIDEO_FORMAT_RGBA || fmt == GST_VIDEO_FORMAT_BGRA)
      assert_int_equal (p[3], 255);
    return;
  }
  assert_near (p[0], luma (c), "Y", x, y);
  if (fmt == GST_VIDEO_FORMAT_I420) {
    assert_near (*pixel (f, f->raw, 1, x / 2, y / 2), chroma_u (c), "U", x, y);
    assert_near (*pixel (f, f->raw, 2, x / 2, y / 2), chroma_v (c), "V", x, y);
  }
}

/* Frame pixel (x, y) unchanged in every plane. */
static void
assert_unchanged (const Frame *f, int x, int y)
{
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&f->info); p++) {
    int px = p == 0 ? x : x / 2, py = p == 0 ? y : y / 2;
    gsize bpp = GST_VIDEO_INFO_COMP_PSTRIDE (&f->info, p == 0 ? 0 : p);
    if (memcmp (pixel (f, f->raw, p, px, py), pixel (f, f->before, p, px, py), bpp) != 0) {
      print_error ("%s (%d, %d) plane %u changed\n",
          gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&f->info)), x, y, p);
      fail ();
    }
  }
}

static GstStructure *
fovea_param_with_keypoints (const double *kp, guint n)
{
  GstStructure *s = gst_structure_new_empty (FV_GST_ROI_PARAM_NAME);
  GValue arr = G_VALUE_INIT;
  g_value_init (&arr, GST_TYPE_ARRAY);
  for (guint i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_TYPE_DOUBLE);
    g_value_set_double (&v, kp[i]);
    gst_value_array_append_and_take_value (&arr, &v);
  }
  gst_structure_take_value (s, "keypoints", &arr);
  gst_structure_set (s, "score", G_TYPE_DOUBLE, 0.9, NULL);
  return s;
}

/* The test scene (see the top comment). Marks, in pixels of the 64x48 frame:
 *   face box (10, 8, 30, 24): columns 10 and 39, rows 8 and 31; keypoint disc at (54.4, 6);
 *   partly outside box (50, 40, ...): column 50 and row 40; "hand" box (20, 38, 6, 6);
 *   landmark dot at (6.4, 40.8). */
static void
add_scene_rois (GstBuffer *buf)
{
  const double kp[] = { 0.85, 0.125, NAN, 0.5, INFINITY, -INFINITY, 1e300, -1e300, 0.5, NAN,
    0.3 /* odd one out: ignored */ };
  GstVideoRegionOfInterestMeta *roi =
      gst_buffer_add_video_region_of_interest_meta (buf, "face", 10, 8, 30, 24);
  gst_video_region_of_interest_meta_add_param (roi,
      fovea_param_with_keypoints (kp, G_N_ELEMENTS (kp)));
  roi = gst_buffer_add_video_region_of_interest_meta (buf, "face", 50, 40, 100, 100);
  gst_video_region_of_interest_meta_add_param (roi, fovea_param_with_keypoints (kp + 2, 6));
  gst_buffer_add_video_region_of_interest_meta (buf, "face", G_MAXUINT - 5, G_MAXUINT - 5,
      G_MAXUINT, G_MAXUINT);
  gst_buffer_add_video_region_of_interest_meta (buf, "hand", 20, 38, 6, 6);
}

static void
add_scene (GstBuffer *buf)
{
  add_scene_rois (buf);
  const guint n_points[] = { 5, 0, 1 };
  const float xyz[] = {
    0.1f, 0.85f, 0.0f,
    NAN, 0.5f, 0.0f,
    1e30f, -1e30f, 0.0f,
    INFINITY, INFINITY, NAN,
    -0.5f, 2.0f, 0.0f,
    /* object 2 */
    NAN, NAN, NAN,
  };
  fv_gst_buffer_add_landmarks_meta (buf, "face", 3, n_points, xyz, NULL);
}

/* The scene's ROIs, and a landmarks meta whose second object is a 478-point face mesh
 * scattered over and past the frame's borders (x, y in -0.25 .. 1.25). */
static void
add_scene_with_mesh (GstBuffer *buf)
{
  add_scene_rois (buf);
  const guint n_points[] = { 5, 478 };
  float *xyz = g_new0 (float, 3 * (5 + 478));
  GRand *rand = g_rand_new_with_seed (7);
  for (guint i = 0; i < 3 * (5 + 478); i++)
    xyz[i] = (float) g_rand_double_range (rand, -0.25, 1.25);
  g_rand_free (rand);
  fv_gst_buffer_add_landmarks_meta (buf, "face", 2, n_points, xyz, NULL);
  g_free (xyz);
  const float mask[] = { 1, NAN, 0.5f, -1, INFINITY, 0.25f };
  fv_gst_buffer_add_mask_meta_from_data (buf, "person", 3, 2, mask);
}

static const char *const FORMATS[] = { "RGBA", "RGBx", "BGRA", "BGRx", "I420", "NV12" };

static void
test_draws_in_every_format (void **state)
{
  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (FORMATS); i++) {
    GstHarness *h = harness_new (FORMATS[i]);
    Frame f;
    GstBuffer *buf = frame_new_buffer (&f, format_of (FORMATS[i]));
    add_scene (buf);
    frame_run (&f, h, buf);

    /* the face box's four edges, the partly outside box, the "hand" box */
    assert_color (&f, 10, 20, GREEN);
    assert_color (&f, 39, 20, GREEN);
    assert_color (&f, 25, 8, GREEN);
    assert_color (&f, 25, 31, GREEN);
    assert_color (&f, 50, 44, GREEN);
    assert_color (&f, 60, 40, GREEN);
    assert_color (&f, 20, 41, GREEN);
    /* the keypoint and the landmark */
    assert_color (&f, 54, 5, GREEN);
    assert_color (&f, 6, 40, RED);
    /* far from every mark: inside the face box, corners, between marks */
    assert_unchanged (&f, 25, 20);
    assert_unchanged (&f, 2, 2);
    assert_unchanged (&f, 46, 20);
    assert_unchanged (&f, 32, 45);
    assert_unchanged (&f, 63, 20);
    /* NV12: luma only, its chroma plane is left alone */
    if (GST_VIDEO_INFO_FORMAT (&f.info) == GST_VIDEO_FORMAT_NV12)
      for (int y = 0; y < H / 2; y++)
        assert_memory_equal (pixel (&f, f.raw, 1, 0, y), pixel (&f, f.before, 1, 0, y), W);
    frame_clear (&f);
    gst_harness_teardown (h);
  }
}

static void
test_no_metas_bit_identical (void **state)
{
  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (FORMATS); i++) {
    GstHarness *h = harness_new (FORMATS[i]);
    Frame f;
    GstBuffer *buf = frame_new_buffer (&f, format_of (FORMATS[i]));
    frame_run (&f, h, buf);
    assert_memory_equal (f.raw, f.before, f.raw_size);
    frame_clear (&f);
    gst_harness_teardown (h);
  }
}

/* Runs the scene in RGBA with the properties given as name, value pairs (gboolean / guint). */
static void
run_with (Frame *f, GstHarness **h, const char *first, ...)
{
  *h = harness_new ("RGBA");
  va_list args;
  va_start (args, first);
  g_object_set_valist (G_OBJECT ((*h)->element), first, args);
  va_end (args);
  GstBuffer *buf = frame_new_buffer (f, GST_VIDEO_FORMAT_RGBA);
  add_scene (buf);
  frame_run (f, *h, buf);
}

static void
test_properties (void **state)
{
  (void) state;
  GstHarness *h;
  Frame f;

  /* defaults, as documented */
  h = harness_new ("RGBA");
  gboolean boxes, keypoints, landmarks;
  guint color, landmark_color;
  g_object_get (h->element, "draw-boxes", &boxes, "draw-keypoints", &keypoints,
      "draw-landmarks", &landmarks, "color", &color, "landmark-color", &landmark_color, NULL);
  assert_true (boxes && keypoints && landmarks);
  assert_int_equal (color, 0xff00ff00);
  assert_int_equal (landmark_color, 0xffff3030);
  gst_harness_teardown (h);

  run_with (&f, &h, "draw-boxes", FALSE, NULL);
  assert_unchanged (&f, 10, 20);
  assert_unchanged (&f, 50, 44);
  assert_color (&f, 54, 5, GREEN);
  assert_color (&f, 6, 40, RED);
  frame_clear (&f);
  gst_harness_teardown (h);

  run_with (&f, &h, "draw-keypoints", FALSE, NULL);
  assert_color (&f, 10, 20, GREEN);
  assert_unchanged (&f, 54, 5);
  assert_color (&f, 6, 40, RED);
  frame_clear (&f);
  gst_harness_teardown (h);

  run_with (&f, &h, "draw-landmarks", FALSE, NULL);
  assert_color (&f, 10, 20, GREEN);
  assert_color (&f, 54, 5, GREEN);
  assert_unchanged (&f, 6, 40);
  frame_clear (&f);
  gst_harness_teardown (h);

  run_with (&f, &h, "draw-boxes", FALSE, "draw-keypoints", FALSE, "draw-landmarks", FALSE,
      NULL);
  assert_memory_equal (f.raw, f.before, f.raw_size);
  frame_clear (&f);
  gst_harness_teardown (h);

  run_with (&f, &h, "color", 0xff2040c0u, "landmark-color", 0xff0000ffu, NULL);
  assert_color (&f, 10, 20, (Rgb) { 0x20, 0x40, 0xc0 });
  assert_color (&f, 54, 5, (Rgb) { 0x20, 0x40, 0xc0 });
  assert_color (&f, 6, 40, (Rgb) { 0, 0, 255 });
  frame_clear (&f);
  gst_harness_teardown (h);
}

/* One object of @n points, all NaN but the two ends of the first contour connection (or,
 * for fewer points than its indices, points 0 and 1), at (0.2, 0.5) and (0.8, 0.5): pixels
 * (12.8, 24) and (51.2, 24). */
static void
run_mesh (Frame *f, GstHarness *h, const char *format, guint n)
{
  float *xyz = g_new (float, 3 * n);
  for (guint i = 0; i < 3 * n; i++)
    xyz[i] = NAN;
  FvConnection c = fv_facemesh_contours[0];
  guint a = c.a < n ? c.a : 0, b = c.b < n ? c.b : 1;   /* a short object: any two points */
  xyz[3 * a] = 0.2f;
  xyz[3 * a + 1] = 0.5f;
  xyz[3 * b] = 0.8f;
  xyz[3 * b + 1] = 0.5f;
  GstBuffer *buf = frame_new_buffer (f, format_of (format));
  fv_gst_buffer_add_landmarks_meta (buf, "face", 1, &n, xyz, NULL);
  g_free (xyz);
  frame_run (f, h, buf);
}

static void
test_face_mesh_contours (void **state)
{
  (void) state;
  static const struct {
    const char *format;
    guint n;
    gboolean mesh;
  } cases[] = {
    { "RGBA", 468, TRUE }, { "RGBA", 478, TRUE }, { "I420", 468, TRUE },
    { "BGRx", 467, FALSE }, { "RGBA", 100, FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *h = harness_new (cases[i].format);
    Frame f;
    run_mesh (&f, h, cases[i].format, cases[i].n);
    /* the two end points are drawn either way */
    assert_color (&f, 12, 24, RED);
    assert_color (&f, 51, 24, RED);
    /* the contour line between them only for a face mesh */
    if (cases[i].mesh) {
      assert_color (&f, 32, 24, RED);
      assert_color (&f, 20, 24, RED);
      assert_color (&f, 44, 24, RED);
    } else {
      assert_unchanged (&f, 32, 24);
      assert_unchanged (&f, 20, 24);
    }
    assert_unchanged (&f, 32, 10);
    assert_unchanged (&f, 32, 38);
    frame_clear (&f);
    gst_harness_teardown (h);
  }

  /* draw-landmarks off: nothing */
  GstHarness *h = harness_new ("RGBA");
  g_object_set (h->element, "draw-landmarks", FALSE, NULL);
  Frame f;
  run_mesh (&f, h, "RGBA", 468);
  assert_memory_equal (f.raw, f.before, f.raw_size);
  frame_clear (&f);
  gst_harness_teardown (h);
}

/* One object of @n points, all NaN but points @a and @b at (0.2, 0.5) and (0.8, 0.5):
 * pixels (12.8, 24) and (51.2, 24). */
static void
run_two_points (Frame *f, GstHarness *h, const char *format, guint n, guint a, guint b)
{
  float *xyz = g_new (float, 3 * n);
  for (guint i = 0; i < 3 * n; i++)
    xyz[i] = NAN;
  xyz[3 * a] = 0.2f;
  xyz[3 * a + 1] = 0.5f;
  xyz[3 * b] = 0.8f;
  xyz[3 * b + 1] = 0.5f;
  GstBuffer *buf = frame_new_buffer (f, format_of (format));
  fv_gst_buffer_add_landmarks_meta (buf, "hand", 1, &n, xyz, NULL);
  g_free (xyz);
  frame_run (f, h, buf);
}

/* MediaPipe's HAND_CONNECTIONS for 21 points, POSE_CONNECTIONS for 33: a line between two
 * connected points, none between two that are not, none for another point count. */
static void
test_skeletons (void **state)
{
  (void) state;
  static const struct {
    const char *format;
    guint n, a, b;
    gboolean line;
  } cases[] = {
    { "RGBA", 21, 0, 1, TRUE },     /* wrist - thumb CMC */
    { "RGBA", 21, 17, 18, TRUE },   /* pinky MCP - PIP */
    { "I420", 21, 0, 17, TRUE },    /* wrist - pinky MCP (palm) */
    { "RGBA", 21, 0, 8, FALSE },    /* wrist - index tip: not connected */
    { "RGBA", 33, 11, 12, TRUE },   /* shoulders */
    { "BGRx", 33, 27, 31, TRUE },   /* left ankle - foot index */
    { "RGBA", 33, 0, 11, FALSE },   /* nose - shoulder: not connected */
    { "RGBA", 22, 0, 1, FALSE },    /* neither a hand nor a body */
    { "RGBA", 34, 11, 12, FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *h = harness_new (cases[i].format);
    Frame f;
    run_two_points (&f, h, cases[i].format, cases[i].n, cases[i].a, cases[i].b);
    assert_color (&f, 12, 24, RED);
    assert_color (&f, 51, 24, RED);
    if (cases[i].line) {
      assert_color (&f, 32, 24, RED);
      assert_color (&f, 22, 24, RED);
    } else {
      assert_unchanged (&f, 32, 24);
      assert_unchanged (&f, 22, 24);
    }
    assert_unchanged (&f, 32, 10);
    frame_clear (&f);
    gst_harness_teardown (h);
  }
}

/* An 8x6 mask over the 64x48 frame: its columns 0..3 (frame columns 0..31) are the person
 * (1, or above: clamped), columns 4..7 background (0, below 0: clamped, or NaN). */
static void
add_half_mask (GstBuffer *buf)
{
  float mask[8 * 6];
  for (int y = 0; y < 6; y++)
    for (int x = 0; x < 8; x++)
      mask[y * 8 + x] = x < 4 ? 1.0f : 0.0f;
  mask[0] = 7.0f;
  mask[1] = INFINITY;
  mask[4] = NAN;
  mask[13] = -2.0f;
  mask[15] = -INFINITY;
  assert_non_null (fv_gst_buffer_add_mask_meta_from_data (buf, "person", 8, 6, mask));
}

static void
test_mask_tint (void **state)
{
  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (FORMATS); i++) {
    GstHarness *h = harness_new (FORMATS[i]);
    g_object_set (h->element, "mask-color", 0xff2040c0u, NULL);   /* opaque: the colour */
    Frame f;
    GstBuffer *buf = frame_new_buffer (&f, format_of (FORMATS[i]));
    add_half_mask (buf);
    frame_run (&f, h, buf);
    const Rgb tint = { 0x20, 0x40, 0xc0 };
    /* person: every pixel the colour (NV12: its luma); background: untouched */
    for (int y = 0; y < H; y += 3)
      for (int x = 0; x < W; x += 3) {
        if (x < 32)
          assert_color (&f, x, y, tint);
        else
          assert_unchanged (&f, x, y);
      }
    frame_clear (&f);
    gst_harness_teardown (h);
  }

  /* the default: magenta at alpha 0x80, half way from the gray 40 */
  GstHarness *h = harness_new ("RGBA");
  guint color = 0;
  gboolean draw = FALSE;
  g_object_get (h->element, "mask-color", &color, "draw-mask", &draw, NULL);
  assert_int_equal (color, 0x80ff00ff);
  assert_true (draw);
  Frame f;
  GstBuffer *buf = frame_new_buffer (&f, GST_VIDEO_FORMAT_RGBA);
  add_half_mask (buf);
  frame_run (&f, h, buf);
  /* (40 * 127 + c * 128 + 127) / 255 */
  assert_color (&f, 5, 5, (Rgb) { 148, 20, 148 });
  assert_unchanged (&f, 40, 5);
  frame_clear (&f);

  /* draw-mask off, or a transparent colour: nothing */
  const char *props[] = { "draw-mask", "mask-color" };
  for (guint p = 0; p < 2; p++) {
    if (p == 0)
      g_object_set (h->element, "draw-mask", FALSE, NULL);
    else
      g_object_set (h->element, "draw-mask", TRUE, "mask-color", 0x00ff00ffu, NULL);
    buf = frame_new_buffer (&f, GST_VIDEO_FORMAT_RGBA);
    add_half_mask (buf);
    frame_run (&f, h, buf);
    if (memcmp (f.raw, f.before, f.raw_size) != 0)
      fail_msg ("changed with %s", props[p]);
    frame_clear (&f);
  }
  gst_harness_teardown (h);
}

/* Metas survive, and several frames in a row with changing properties are fine. */
static void
test_stream_of_frames (void **state)
{
  (void) state;
  GstHarness *h = harness_new ("I420");
  for (int i = 0; i < 8; i++) {
    g_object_set (h->element, "draw-boxes", (gboolean) (i % 2 == 0), NULL);
    Frame f;
    GstBuffer *buf = frame_new_buffer (&f, GST_VIDEO_FORMAT_I420);
    add_scene (buf);
    frame_run (&f, h, buf);
    assert_non_null (fv_gst_buffer_get_landmarks_meta (f.out));
    assert_non_null (gst_buffer_get_video_region_of_interest_meta (f.out));
    if (i % 2 == 0)
      assert_color (&f, 10, 20, GREEN);
    else
      assert_unchanged (&f, 10, 20);
    assert_color (&f, 6, 40, RED);
    frame_clear (&f);
  }
  gst_harness_teardown (h);
}

/* Odd and tiny sizes (chroma planes of (w + 1) / 2 samples): the scene's marks and a face
 * mesh cross every border; only the canary and ASan have something to say. */
static void
test_odd_sizes (void **state)
{
  (void) state;
  static const int sizes[][2] = { { 63, 47 }, { 1, 1 }, { 3, 2 }, { 17, 5 } };
  for (guint i = 0; i < G_N_ELEMENTS (FORMATS); i++)
    for (guint j = 0; j < G_N_ELEMENTS (sizes); j++) {
      GstHarness *h = harness_new_sized (FORMATS[i], sizes[j][0], sizes[j][1]);
      Frame f;
      GstBuffer *buf = frame_new_buffer_sized (&f, format_of (FORMATS[i]), sizes[j][0],
          sizes[j][1]);
      add_scene_with_mesh (buf);
      frame_run (&f, h, buf);
      frame_clear (&f);
      gst_harness_teardown (h);
    }
}

int
main (void)
{
  gst_init (NULL, NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_draws_in_every_format),
    cmocka_unit_test (test_no_metas_bit_identical),
    cmocka_unit_test (test_properties),
    cmocka_unit_test (test_face_mesh_contours),
    cmocka_unit_test (test_skeletons),
    cmocka_unit_test (test_mask_tint),
    cmocka_unit_test (test_stream_of_frames),
    cmocka_unit_test (test_odd_sizes),
  };
  int rc = cmocka_run_group_tests (tests, NULL, NULL);
  gst_deinit ();
  return rc;
}
