/* fovea — GstFoveaOverlay (`foveaoverlay`): draws the fovea results a buffer carries onto
 * the frame itself, in place.
 *
 * What it draws:
 *  - every GstVideoRegionOfInterestMeta (any roi_type): its box outline (pixels), and the
 *    `keypoints` of its "fovea" parameter (normalised x, y pairs) as small discs, in
 *    `color`;
 *  - the FvGstMaskMeta (a segmentation): each pixel tinted with `mask-color` in proportion
 *    to its probability (at probability 1 the colour's alpha), under everything else;
 *  - the FvGstLandmarksMeta: each object's points as dots, and lines between them in
 *    `landmark-color`: for a face mesh (468 or 478 points) MediaPipe's FACEMESH_CONTOURS
 *    (lips, eyes, eyebrows, face oval; plus the irises with 478 points), for a hand (21
 *    points) HAND_CONNECTIONS, for a body (33 points) POSE_CONNECTIONS
 *    (calculators/render/); a point whose ROI gives a `visibility` or `presence` under 0.5
 *    (foveapose's) is left out with its lines, as MediaPipe draws;
 *  - the FvGstFlowMeta (foveaflow): arrows in `color`, or the flow colour wheel (`flow`).
 * A buffer without these metas passes unchanged. Lines are max (1, min (width, height) /
 * 240) pixels thick. Coordinates are clipped (calculators/render/draw.h): boxes partly or
 * wholly outside the frame, NaN or huge coordinates never write outside the frame.
 *
 * Formats: RGBA, RGBx, BGRA, BGRx (the colour as is; the 4th byte of RGBx / BGRx is
 * padding and may be written), I420 (the colour in BT.601 video-range Y, U and V: marks are
 * in colour, at the chroma planes' half resolution), NV12 (Y plane only: marks are drawn in
 * luma only, as its chroma is interleaved).
 *
 * Properties: draw-boxes, draw-keypoints, draw-landmarks, draw-mask (booleans, TRUE), color
 * (ARGB, 0xff00ff00: opaque green), landmark-color (ARGB, 0xffff3030: opaque red),
 * mask-color (ARGB, 0x80ff00ff: magenta at half strength); an alpha under 0xff blends;
 * flow (none, arrows, colors: arrows).
 *
 *   gst-launch-1.0 v4l2src ! videoconvert ! foveaface ! foveaoverlay ! videoconvert ! autovideosink
 */
#include "calculators/flow/flow_color.h"
#include "calculators/render/draw.h"
#include "calculators/render/face_mesh_connections.h"
#include "calculators/render/hand_connections.h"
#include "calculators/render/pose_connections.h"
#include "graph/image.h"
#include "plugins/fovea_mask_meta.h"
#include "plugins/fovea_flow_meta.h"
#include "plugins/fovea_meta.h"
#include "plugins/gstfoveaelements.h"

#include <gst/video/gstvideofilter.h>
#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_fovea_overlay_debug);
#define GST_CAT_DEFAULT gst_fovea_overlay_debug

#define FORMATS "{ RGBA, RGBx, BGRA, BGRx, I420, NV12 }"

#define DEFAULT_DRAW_BOXES TRUE
#define DEFAULT_DRAW_KEYPOINTS TRUE
#define DEFAULT_DRAW_LANDMARKS TRUE
#define DEFAULT_DRAW_MASK TRUE
#define DEFAULT_COLOR 0xff00ff00
#define DEFAULT_LANDMARK_COLOR 0xffff3030
#define DEFAULT_MASK_COLOR 0x80ff00ff

enum {
  PROP_0,
  PROP_DRAW_BOXES,
  PROP_DRAW_KEYPOINTS,
  PROP_DRAW_LANDMARKS,
  PROP_COLOR,
  PROP_LANDMARK_COLOR,
  PROP_DRAW_MASK,
  PROP_MASK_COLOR,
  PROP_FLOW,
};

#define GST_TYPE_FOVEA_OVERLAY (gst_fovea_overlay_get_type ())
G_DECLARE_FINAL_TYPE (GstFoveaOverlay, gst_fovea_overlay, GST, FOVEA_OVERLAY, GstVideoFilter)

struct _GstFoveaOverlay {
  GstVideoFilter parent;

  /* properties (object lock) */
  gboolean draw_boxes, draw_keypoints, draw_landmarks, draw_mask;
  guint color, landmark_color, mask_color;
  int flow;   /* FvOverlayFlow */
};

G_DEFINE_TYPE (GstFoveaOverlay, gst_fovea_overlay, GST_TYPE_VIDEO_FILTER)
GST_ELEMENT_REGISTER_DEFINE (foveaoverlay, "foveaoverlay", GST_RANK_NONE, GST_TYPE_FOVEA_OVERLAY);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));

/* ---- the canvas: the mapped frame's planes as FvImages ---- */

/* What a plane holds, so a colour becomes the value painted there. */
typedef enum {
  FV_PLANE_RGB,   /* packed RGBA / BGRA: the colour as is */
  FV_PLANE_Y,     /* GRAY8 planes of a YUV frame: BT.601 video-range Y, U or V */
  FV_PLANE_U,
  FV_PLANE_V,
} FvPlaneKind;

#define FV_CANVAS_MAX_PLANES 3

typedef struct {
  guint n_planes;
  FvImage *plane[FV_CANVAS_MAX_PLANES];   /* wrapping the mapped frame (no copy) */
  FvPlaneKind kind[FV_CANVAS_MAX_PLANES];
  double scale[FV_CANVAS_MAX_PLANES];     /* frame pixels to plane pixels */
  int width, height;                      /* the frame's */
  double thickness;                       /* line thickness in frame pixels */
} FvCanvas;

static FvColor
fv_color_from_argb (guint argb)
{
  FvColor c = { (argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff, argb >> 24 };
  return c;
}

static guint8
fv_clamp_u8 (int v)
{
  return (guint8) CLAMP (v, 0, 255);
}

/* The colour painted on a plane: for a YUV plane, a gray whose value is the colour's Y, U or
 * V (draw.c paints a gray colour's luma, which is that value exactly). BT.601 video range:
 * Y = 16 + (66 R + 129 G + 25 B) / 256, U = 128 + (-38 R - 74 G + 112 B) / 256,
 * V = 128 + (112 R - 94 G - 18 B) / 256, rounded; U's and V's 128 is added as 32768 before
 * the shift, which keeps the sums positive so that >> 8 is a floor. */
static FvColor
fv_plane_color (FvPlaneKind kind, FvColor c)
{
  int v;
  switch (kind) {
    case FV_PLANE_Y:
      v = 16 + ((66 * c.r + 129 * c.g + 25 * c.b + 128) >> 8);
      break;
    case FV_PLANE_U:
      v = (-38 * c.r - 74 * c.g + 112 * c.b + 128 + 32768) >> 8;
      break;
    case FV_PLANE_V:
      v = (112 * c.r - 94 * c.g - 18 * c.b + 128 + 32768) >> 8;
      break;
    case FV_PLANE_RGB:
    default:
      return c;
  }
  FvColor g = { fv_clamp_u8 (v), fv_clamp_u8 (v), fv_clamp_u8 (v), c.a };
  return g;
}

static void
fv_canvas_add_plane (FvCanvas *canvas, GstVideoFrame *frame, guint plane,
    FvImageFormat format, FvPlaneKind kind, double scale)
{
  guint i = canvas->n_planes++;
  int comp = plane; /* I420: plane i is component i; NV12 only uses plane 0 here */
  canvas->plane[i] = fv_image_wrap (format, GST_VIDEO_FRAME_COMP_WIDTH (frame, comp),
      GST_VIDEO_FRAME_COMP_HEIGHT (frame, comp), GST_VIDEO_FRAME_PLANE_STRIDE (frame, plane),
      GST_VIDEO_FRAME_PLANE_DATA (frame, plane), NULL, NULL);
  canvas->kind[i] = kind;
  canvas->scale[i] = scale;
}

/* Wraps @frame's planes; FALSE for a format the element does not draw on. */
static gboolean
fv_canvas_init (FvCanvas *canvas, GstVideoFrame *frame)
{
  memset (canvas, 0, sizeof (*canvas));
  canvas->width = GST_VIDEO_FRAME_WIDTH (frame);
  canvas->height = GST_VIDEO_FRAME_HEIGHT (frame);
  canvas->thickness = MAX (1, MIN (canvas->width, canvas->height) / 240);
  switch (GST_VIDEO_FRAME_FORMAT (frame)) {
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_RGBx:
      fv_canvas_add_plane (canvas, frame, 0, FV_IMAGE_RGBA32, FV_PLANE_RGB, 1.0);
      return TRUE;
    case GST_VIDEO_FORMAT_BGRA:
    case GST_VIDEO_FORMAT_BGRx:
      fv_canvas_add_plane (canvas, frame, 0, FV_IMAGE_BGRA32, FV_PLANE_RGB, 1.0);
      return TRUE;
    case GST_VIDEO_FORMAT_I420:
      fv_canvas_add_plane (canvas, frame, 0, FV_IMAGE_GRAY8, FV_PLANE_Y, 1.0);
      fv_canvas_add_plane (canvas, frame, 1, FV_IMAGE_GRAY8, FV_PLANE_U, 0.5);
      fv_canvas_add_plane (canvas, frame, 2, FV_IMAGE_GRAY8, FV_PLANE_V, 0.5);
      return TRUE;
    case GST_VIDEO_FORMAT_NV12:
      /* the chroma plane is interleaved UV, which GRAY8 cannot address: luma only */
      fv_canvas_add_plane (canvas, frame, 0, FV_IMAGE_GRAY8, FV_PLANE_Y, 1.0);
      return TRUE;
    default:
      return FALSE;
  }
}

static void
fv_canvas_clear (FvCanvas *canvas)
{
  for (guint i = 0; i < canvas->n_planes; i++)
    g_clear_pointer (&canvas->plane[i], fv_image_free);
  canvas->n_planes = 0;
}

/* Line thickness on plane i: scaled, but never under one plane pixel. */
static double
fv_canvas_thickness (const FvCanvas *canvas, guint i)
{
  return MAX (1.0, canvas->thickness * canvas->scale[i]);
}

/* The outline of the box of pixels [x, x + w) x [y, y + h): its edges run through the
 * centres of the box's border pixels. */
static void
fv_canvas_box (FvCanvas *canvas, double x, double y, double w, double h, FvColor color)
{
  double x0 = x + 0.5, y0 = y + 0.5, x1 = x + MAX (w, 1.0) - 0.5, y1 = y + MAX (h, 1.0) - 0.5;
  for (guint i = 0; i < canvas->n_planes; i++) {
    double s = canvas->scale[i];
    fv_draw_rect (canvas->plane[i], x0 * s, y0 * s, x1 * s, y1 * s,
        fv_canvas_thickness (canvas, i), fv_plane_color (canvas->kind[i], color));
  }
}

/* A segment between two frame points (pixels, continuous coordinates). */
static void
fv_canvas_line (FvCanvas *canvas, double x0, double y0, double x1, double y1, FvColor color)
{
  for (guint i = 0; i < canvas->n_planes; i++) {
    double s = canvas->scale[i];
    fv_draw_line (canvas->plane[i], x0 * s, y0 * s, x1 * s, y1 * s,
        fv_canvas_thickness (canvas, i), fv_plane_color (canvas->kind[i], color));
  }
}

static void
fv_canvas_disc (FvCanvas *canvas, double cx, double cy, double radius, FvColor color)
{
  for (guint i = 0; i < canvas->n_planes; i++) {
    double s = canvas->scale[i];
    fv_draw_disc (canvas->plane[i], cx * s, cy * s, radius * s,
        fv_plane_color (canvas->kind[i], color));
  }
}

/* Tints every pixel of every plane towards @color by the mask's probability there times
 * the colour's alpha (a subsampled plane reads the mask at its pixel's top-left frame
 * pixel). */
static void
fv_canvas_tint (FvCanvas *canvas, const FvGstMaskMeta *mask, FvColor color)
{
  const guint fw = (guint) canvas->width, fh = (guint) canvas->height;
  for (guint i = 0; i < canvas->n_planes; i++) {
    FvImage *img = canvas->plane[i];
    const FvColor c = fv_plane_color (canvas->kind[i], color);
    const int ch = fv_image_format_channels (img->format);
    /* the colour in the plane's channel order */
    guint8 value[4] = { c.r, c.g, c.b, 0 };
    if (img->format == FV_IMAGE_BGRA32) {
      value[0] = c.b;
      value[2] = c.r;
    }
    const double step = 1.0 / canvas->scale[i];   /* frame pixels per plane pixel */
    for (int y = 0; y < img->height; y++) {
      guint8 *row = fv_image_row (img, y);
      const guint fy = (guint) (y * step);
      for (int x = 0; x < img->width; x++) {
        const float p = fv_gst_mask_meta_at (mask, (guint) (x * step), fy, fw, fh);
        const int k = (int) (p * (float) color.a + 0.5f);   /* 0..255, rounded */
        if (k == 0)
          continue;
        guint8 *px = row + (gsize) x * ch;
        for (int q = 0; q < MIN (ch, 3); q++)
          px[q] = (guint8) ((px[q] * (255 - k) + value[q] * k + 127) / 255);
      }
    }
  }
}

/* ---- what is drawn ---- */

static void
fv_overlay_draw_rois (FvCanvas *canvas, GstBuffer *buffer, gboolean boxes,
    gboolean keypoints, FvColor color)
{
  gpointer state = NULL;
  GstMeta *meta;
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)) != NULL) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) meta;
    if (boxes)
      fv_canvas_box (canvas, roi->x, roi->y, roi->w, roi->h, color);
    if (!keypoints)
      continue;
    guint n = 0;
    double *kp = fv_gst_structure_get_doubles (fv_gst_roi_get_param (roi), "keypoints", &n);
    for (guint k = 0; k + 1 < n; k += 2)
      fv_canvas_disc (canvas, kp[k] * canvas->width, kp[k + 1] * canvas->height,
          2.0 * canvas->thickness, color);
    g_free (kp);
  }
}

/* Which of object @index's @n points are drawn: those whose visibility and presence (in the
 * "fovea" parameter of the ROI with that landmarks-index, as foveapose gives them) are at
 * least 0.5, as MediaPipe's drawing utilities do. NULL when the object has no such values
 * (every point is drawn). transfer full. */
static gboolean *
fv_overlay_shown_points (GstBuffer *buffer, guint index, guint n)
{
  gpointer state = NULL;
  GstMeta *meta;
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)) != NULL) {
    const GstStructure *param = fv_gst_roi_get_param ((GstVideoRegionOfInterestMeta *) meta);
    int li = -1;
    if (param == NULL || !gst_structure_get_int (param, "landmarks-index", &li)
        || li < 0 || (guint) li != index)
      continue;
    guint nv = 0, np = 0;
    double *vis = fv_gst_structure_get_doubles (param, "visibility", &nv);
    double *pres = fv_gst_structure_get_doubles (param, "presence", &np);
    gboolean *shown = NULL;
    if (vis != NULL && nv == n) {
      shown = g_new (gboolean, MAX (n, 1));
      for (guint p = 0; p < n; p++)   /* NaN compares false: hidden */
        shown[p] = vis[p] >= 0.5 && (pres == NULL || np != n || pres[p] >= 0.5);
    }
    g_free (vis);
    g_free (pres);
    return shown;
  }
  return NULL;
}

static void
fv_overlay_draw_connections (FvCanvas *canvas, const float *xyz, guint n_points,
    const gboolean *shown, const FvConnection *connections, guint n_connections,
    FvColor color)
{
  for (guint c = 0; c < n_connections; c++) {
    guint a = connections[c].a, b = connections[c].b;
    if (a >= n_points || b >= n_points || (shown != NULL && (!shown[a] || !shown[b])))
      continue;
    fv_canvas_line (canvas, xyz[3 * a] * canvas->width, xyz[3 * a + 1] * canvas->height,
        xyz[3 * b] * canvas->width, xyz[3 * b + 1] * canvas->height, color);
  }
}

/* The skeleton of an object with @n_points landmarks (21: a hand, 33: a body), the same
 * tables the AnnotationOverlay calculator draws; NULL (and 0) for any other count. */
static const FvConnection *
fv_overlay_skeleton (guint n_points, guint *n_connections)
{
  switch (n_points) {
    case FV_HAND_LANDMARKS:
      *n_connections = FV_HAND_CONNECTIONS_LEN;
      return fv_hand_connections;
    case FV_POSE_LANDMARKS:
      *n_connections = FV_POSE_CONNECTIONS_LEN;
      return fv_pose_connections;
    default:
      *n_connections = 0;
      return NULL;
  }
}

static void
fv_overlay_draw_landmarks (FvCanvas *canvas, GstBuffer *buffer, const FvGstLandmarksMeta *meta,
    FvColor color)
{
  for (guint o = 0; o < meta->n_objects; o++) {
    const float *xyz = meta->xyz + 3 * (gsize) meta->first[o];
    guint n = meta->n_points[o];
    g_autofree gboolean *shown = fv_overlay_shown_points (buffer, o, n);
    guint n_skeleton = 0;
    const FvConnection *skeleton = fv_overlay_skeleton (n, &n_skeleton);
    if (skeleton != NULL)   /* a hand or a body */
      fv_overlay_draw_connections (canvas, xyz, n, shown, skeleton, n_skeleton, color);
    if (n == 468 || n == 478) {
      fv_overlay_draw_connections (canvas, xyz, n, shown, fv_facemesh_contours,
          FV_FACEMESH_CONTOURS_LEN, color);
      if (n == 478)
        fv_overlay_draw_connections (canvas, xyz, n, shown, fv_facemesh_irises,
            FV_FACEMESH_IRISES_LEN, color);
    }
    for (guint p = 0; p < n; p++)
      if (shown == NULL || shown[p])
        fv_canvas_disc (canvas, xyz[3 * p] * canvas->width, xyz[3 * p + 1] * canvas->height,
            canvas->thickness, color);
  }
}

/* The FvGstFlowMeta (foveaflow), property "flow": none, arrows (every ~1/30 of the frame,
 * from where a point was to where it went, in `color`) or color (the Middlebury colour
 * wheel blended half over the picture; on YUV frames, arrows). */
typedef enum { FV_OVERLAY_FLOW_NONE, FV_OVERLAY_FLOW_ARROWS, FV_OVERLAY_FLOW_COLOR } FvOverlayFlow;

static GType
fv_overlay_flow_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { FV_OVERLAY_FLOW_NONE, "Do not draw the optical flow", "none" },
    { FV_OVERLAY_FLOW_ARROWS, "Arrows on a grid", "arrows" },
    { FV_OVERLAY_FLOW_COLOR, "The colour wheel (hue: direction, saturation: speed)", "color" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("FvOverlayFlow", values));
  return type;
}

static void
fv_overlay_draw_flow (FvCanvas *canvas, const FvGstFlowMeta *meta, int mode, FvColor color)
{
  const FvFlowField *f = meta->flow;
  if (mode == FV_OVERLAY_FLOW_NONE || f->width != canvas->width || f->height != canvas->height)
    return;
  if (mode == FV_OVERLAY_FLOW_COLOR && canvas->kind[0] == FV_PLANE_RGB) {
    float maxm = 0;
    for (gsize i = 0; i < (gsize) f->width * f->height; i++) {
      float m = hypotf (f->data[2 * i], f->data[2 * i + 1]);
      if (isfinite (m) && m > maxm)
        maxm = m;
    }
    const float inv = maxm > 1e-6f ? 1.0f / maxm : 0.0f;
    const FvImage *im = canvas->plane[0];
    const gboolean bgr = im->format == FV_IMAGE_BGRA32;
    for (int y = 0; y < f->height; y++) {
      guint8 *row = fv_image_row (im, y);
      const float *uv = fv_flow_field_at (f, 0, y);
      for (int x = 0; x < f->width; x++) {
        guint8 c[3], *px = row + 4 * x;
        fv_flow_color (uv[2 * x] * inv, uv[2 * x + 1] * inv, c);
        px[0] = (guint8) ((px[0] + c[bgr ? 2 : 0] + 1) / 2);
        px[1] = (guint8) ((px[1] + c[1] + 1) / 2);
        px[2] = (guint8) ((px[2] + c[bgr ? 0 : 2] + 1) / 2);
      }
    }
    return;
  }
  const int step = MAX (8, MIN (f->width, f->height) / 30);
  for (int y = step / 2; y < f->height; y += step)
    for (int x = step / 2; x < f->width; x += step) {
      const float *uv = fv_flow_field_at (f, x, y);
      if (!isfinite (uv[0]) || !isfinite (uv[1]) || hypotf (uv[0], uv[1]) < 0.5f)
        continue;
      fv_canvas_line (canvas, x + 0.5, y + 0.5, x + 0.5 + uv[0], y + 0.5 + uv[1], color);
      fv_canvas_disc (canvas, x + 0.5 + uv[0], y + 0.5 + uv[1], canvas->thickness, color);
    }
}

static GstFlowReturn
gst_fovea_overlay_transform_frame_ip (GstVideoFilter *filter, GstVideoFrame *frame)
{
  GstFoveaOverlay *self = GST_FOVEA_OVERLAY (filter);
  GstBuffer *buffer = frame->buffer;

  GST_OBJECT_LOCK (self);
  gboolean boxes = self->draw_boxes, keypoints = self->draw_keypoints;
  gboolean landmarks = self->draw_landmarks, masks = self->draw_mask;
  FvColor color = fv_color_from_argb (self->color);
  FvColor landmark_color = fv_color_from_argb (self->landmark_color);
  FvColor mask_color = fv_color_from_argb (self->mask_color);
  int flow_mode = self->flow;
  GST_OBJECT_UNLOCK (self);

  gboolean has_rois = (boxes || keypoints)
      && gst_buffer_get_meta (buffer, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE) != NULL;
  FvGstLandmarksMeta *lm = landmarks ? fv_gst_buffer_get_landmarks_meta (buffer) : NULL;
  FvGstMaskMeta *mask = masks && mask_color.a > 0 ? fv_gst_buffer_get_mask_meta (buffer) : NULL;
  FvGstFlowMeta *flow = flow_mode != FV_OVERLAY_FLOW_NONE ? fv_gst_buffer_get_flow_meta (buffer)
                                                          : NULL;
  if (!has_rois && lm == NULL && mask == NULL && flow == NULL)
    return GST_FLOW_OK;

  FvCanvas canvas;
  if (!fv_canvas_init (&canvas, frame)) {
    GST_WARNING_OBJECT (self, "cannot draw on %s",
        gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (frame)));
    return GST_FLOW_OK;
  }
  if (mask != NULL)
    fv_canvas_tint (&canvas, mask, mask_color);
  if (flow != NULL)
    fv_overlay_draw_flow (&canvas, flow, flow_mode, color);
  if (has_rois)
    fv_overlay_draw_rois (&canvas, buffer, boxes, keypoints, color);
  if (lm != NULL)
    fv_overlay_draw_landmarks (&canvas, buffer, lm, landmark_color);
  fv_canvas_clear (&canvas);
  return GST_FLOW_OK;
}

/* ---- GObject ---- */

static void
gst_fovea_overlay_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  GstFoveaOverlay *self = GST_FOVEA_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DRAW_BOXES:
      self->draw_boxes = g_value_get_boolean (value);
      break;
    case PROP_DRAW_KEYPOINTS:
      self->draw_keypoints = g_value_get_boolean (value);
      break;
    case PROP_DRAW_LANDMARKS:
      self->draw_landmarks = g_value_get_boolean (value);
      break;
    case PROP_COLOR:
      self->color = g_value_get_uint (value);
      break;
    case PROP_LANDMARK_COLOR:
      self->landmark_color = g_value_get_uint (value);
      break;
    case PROP_DRAW_MASK:
      self->draw_mask = g_value_get_boolean (value);
      break;
    case PROP_MASK_COLOR:
      self->mask_color = g_value_get_uint (value);
      break;
    case PROP_FLOW:
      self->flow = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_overlay_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  GstFoveaOverlay *self = GST_FOVEA_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DRAW_BOXES:
      g_value_set_boolean (value, self->draw_boxes);
      break;
    case PROP_DRAW_KEYPOINTS:
      g_value_set_boolean (value, self->draw_keypoints);
      break;
    case PROP_DRAW_LANDMARKS:
      g_value_set_boolean (value, self->draw_landmarks);
      break;
    case PROP_COLOR:
      g_value_set_uint (value, self->color);
      break;
    case PROP_LANDMARK_COLOR:
      g_value_set_uint (value, self->landmark_color);
      break;
    case PROP_DRAW_MASK:
      g_value_set_boolean (value, self->draw_mask);
      break;
    case PROP_MASK_COLOR:
      g_value_set_uint (value, self->mask_color);
      break;
    case PROP_FLOW:
      g_value_set_enum (value, self->flow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_fovea_overlay_class_init (GstFoveaOverlayClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_fovea_overlay_debug, "foveaoverlay", 0,
      "fovea overlay: draws fovea results on the video");

  gobject_class->set_property = gst_fovea_overlay_set_property;
  gobject_class->get_property = gst_fovea_overlay_get_property;

  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;
  g_object_class_install_property (gobject_class, PROP_DRAW_BOXES,
      g_param_spec_boolean ("draw-boxes", "Draw boxes",
          "Draw the box of every region of interest (GstVideoRegionOfInterestMeta) in color",
          DEFAULT_DRAW_BOXES, flags));
  g_object_class_install_property (gobject_class, PROP_DRAW_KEYPOINTS,
      g_param_spec_boolean ("draw-keypoints", "Draw keypoints",
          "Draw the detector keypoints of every region of interest as discs in color",
          DEFAULT_DRAW_KEYPOINTS, flags));
  g_object_class_install_property (gobject_class, PROP_DRAW_LANDMARKS,
      g_param_spec_boolean ("draw-landmarks", "Draw landmarks",
          "Draw the landmarks as dots in landmark-color, with lines between them: the face "
          "mesh contours (lips, eyes, eyebrows, face oval, irises) for 468/478-point face "
          "meshes, the hand skeleton for 21 points, the body skeleton for 33",
          DEFAULT_DRAW_LANDMARKS, flags));
  g_object_class_install_property (gobject_class, PROP_COLOR,
      g_param_spec_uint ("color", "Color",
          "Color of the boxes and keypoints, as 0xAARRGGBB (alpha under 0xff blends)",
          0, G_MAXUINT32, DEFAULT_COLOR, flags));
  g_object_class_install_property (gobject_class, PROP_LANDMARK_COLOR,
      g_param_spec_uint ("landmark-color", "Landmark color",
          "Color of the landmarks, face mesh contours and skeletons, as 0xAARRGGBB (alpha "
          "under 0xff blends)", 0, G_MAXUINT32, DEFAULT_LANDMARK_COLOR, flags));
  g_object_class_install_property (gobject_class, PROP_DRAW_MASK,
      g_param_spec_boolean ("draw-mask", "Draw mask",
          "Tint the segmentation mask (the fovea mask meta of foveasegment or foveapose) "
          "with mask-color", DEFAULT_DRAW_MASK, flags));
  g_object_class_install_property (gobject_class, PROP_MASK_COLOR,
      g_param_spec_uint ("mask-color", "Mask color",
          "Tint of the segmentation mask as 0xAARRGGBB: a pixel moves towards the colour by "
          "its probability times the alpha (0x80: half way where the mask is certain)",
          0, G_MAXUINT32, DEFAULT_MASK_COLOR, flags));
  g_object_class_install_property (gobject_class, PROP_FLOW,
      g_param_spec_enum ("flow", "Flow", "How to draw the optical flow (foveaflow's meta)",
          fv_overlay_flow_get_type (), FV_OVERLAY_FLOW_ARROWS, flags));
  gst_type_mark_as_plugin_api (fv_overlay_flow_get_type (), 0);

  gst_element_class_set_static_metadata (element_class, "fovea overlay",
      "Filter/Effect/Video",
      "Draws the fovea results a buffer carries (region of interest boxes, keypoints, "
      "landmarks, face mesh contours, hand and body skeletons, segmentation masks) onto the "
      "video, in place", "fovea");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  filter_class->transform_frame_ip = GST_DEBUG_FUNCPTR (gst_fovea_overlay_transform_frame_ip);
}

static void
gst_fovea_overlay_init (GstFoveaOverlay *self)
{
  self->draw_boxes = DEFAULT_DRAW_BOXES;
  self->draw_keypoints = DEFAULT_DRAW_KEYPOINTS;
  self->draw_landmarks = DEFAULT_DRAW_LANDMARKS;
  self->draw_mask = DEFAULT_DRAW_MASK;
  self->color = DEFAULT_COLOR;
  self->landmark_color = DEFAULT_LANDMARK_COLOR;
  self->mask_color = DEFAULT_MASK_COLOR;
  self->flow = FV_OVERLAY_FLOW_ARROWS;
}
