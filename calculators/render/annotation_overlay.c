/* fovea — AnnotationOverlayCalculator: draws perception results on a copy of the image.
 * (MediaPipe's calculator of that name draws RenderData made by *ToRenderData calculators;
 * fovea's takes the results themselves, so one node renders a whole pipeline.)
 *
 * Inputs:  IMAGE ("image", required): GRAY8, RGB24, RGBA32 or BGRA32
 *          DETECTIONS ("detections"): boxes and keypoints
 *          NORM_RECT ("norm_rect"), NORM_RECTS ("norm_rects"): rotated rectangles (ROIs)
 *          MASK ("mask"): a segmentation, tinted with mask_color in proportion to each
 *            pixel's probability (drawn first, under everything else)
 *          LANDMARKS ("landmarks"), MULTI_LANDMARKS ("packet_vector" of "landmarks"): points;
 *            a list of 468 or more (a face mesh) also gets FACEMESH_CONTOURS and, optionally,
 *            FACEMESH_TESSELATION; 478 (refined) also gets FACEMESH_IRISES; exactly 21
 *            (a hand) gets HAND_CONNECTIONS and exactly 33 (a pose) POSE_CONNECTIONS,
 *            both drawn with draw_contours
 *          (each optional, any number of each, by index)
 * Outputs: IMAGE ("image"): a new RGB24 image (from GRAY8 or RGB24) or RGBA32 image (from
 *          RGBA32 or BGRA32) with the drawings
 * Options (fovea's AnnotationOverlayCalculatorOptions):
 *   thickness (2.0): line thickness in pixels of boxes, rects and connections
 *   keypoint_radius (3.0), landmark_radius (1.5): disc radii in pixels
 *   draw_landmarks (true), draw_contours (true), draw_tesselation (false), draw_irises (true)
 *   detection_color (green), keypoint_color (red), rect_color (blue), landmark_color (red),
 *   connection_color (white), tesselation_color (gray 128), mask_color (r 255 g 0 b 255
 *   a 128: the tint at probability 1): messages { r g b a } (0..255,
 *   a defaults to 255)
 * A timestamp without an image produces nothing; missing results just are not drawn.
 */
#include <string.h>

#include "calculators/render/draw.h"
#include "calculators/render/face_mesh_connections.h"
#include "calculators/render/pose_connections.h"
#include "calculators/render/hand_connections.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/image.h"
#include "graph/landmark.h"
#include "graph/mask.h"
#include "graph/packet_vector.h"

#define FACE_MESH_POINTS 468
#define REFINED_FACE_MESH_POINTS 478

typedef struct {
  double thickness, keypoint_radius, landmark_radius;
  gboolean draw_landmarks, draw_contours, draw_tesselation, draw_irises;
  FvColor detection, keypoint, rect, landmark, connection, tesselation, mask;
} OverlayStyle;

typedef struct {
  OverlayStyle style;
  int image, out;
} OverlayState;

static const char *const result_tags[] = { "DETECTIONS", "NORM_RECT", "NORM_RECTS", "LANDMARKS",
                                           "MULTI_LANDMARKS", "MASK" };

static gboolean
read_color (const FvTpMessage *opts, const char *field, FvColor def, FvColor *out,
            GError **error)
{
  *out = def;
  const FvTpField *f = fv_tp_get (opts, field);
  if (f == NULL)
    return TRUE;
  if (f->kind != FV_TP_MESSAGE)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "%s (line %d): expected { r: g: b: a: }", field, f->line);
      return FALSE;
    }
  const char *names[4] = { "r", "g", "b", "a" };
  guint8 *channels[4] = { &out->r, &out->g, &out->b, &out->a };
  for (int k = 0; k < 4; k++)
    {
      GError *local = NULL;
      gint64 v = fv_tp_get_int (f->msg, names[k], k == 3 ? 255 : 0, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      if (v < 0 || v > 255)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "%s.%s must be in 0..255, not %" G_GINT64_FORMAT, field, names[k], v);
          return FALSE;
        }
      *channels[k] = (guint8) v;
    }
  return TRUE;
}

static gboolean
read_style (const FvTpMessage *opts, OverlayStyle *s, GError **error)
{
  GError *local = NULL;
  s->thickness = fv_tp_get_double (opts, "thickness", 2.0, &local);
  if (local == NULL)
    s->keypoint_radius = fv_tp_get_double (opts, "keypoint_radius", 3.0, &local);
  if (local == NULL)
    s->landmark_radius = fv_tp_get_double (opts, "landmark_radius", 1.5, &local);
  if (local == NULL)
    s->draw_landmarks = fv_tp_get_bool (opts, "draw_landmarks", TRUE, &local);
  if (local == NULL)
    s->draw_contours = fv_tp_get_bool (opts, "draw_contours", TRUE, &local);
  if (local == NULL)
    s->draw_tesselation = fv_tp_get_bool (opts, "draw_tesselation", FALSE, &local);
  if (local == NULL)
    s->draw_irises = fv_tp_get_bool (opts, "draw_irises", TRUE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!(s->thickness > 0 && s->thickness <= 1000) || !(s->keypoint_radius >= 0)
      || !(s->landmark_radius >= 0) || s->keypoint_radius > 1000 || s->landmark_radius > 1000)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "thickness must be in (0, 1000] and radii in [0, 1000]");
      return FALSE;
    }
  return read_color (opts, "detection_color", (FvColor) { 0, 255, 0, 255 }, &s->detection, error)
         && read_color (opts, "keypoint_color", (FvColor) { 255, 0, 0, 255 }, &s->keypoint, error)
         && read_color (opts, "rect_color", (FvColor) { 0, 0, 255, 255 }, &s->rect, error)
         && read_color (opts, "landmark_color", (FvColor) { 255, 0, 0, 255 }, &s->landmark, error)
         && read_color (opts, "connection_color", (FvColor) { 255, 255, 255, 255 },
                        &s->connection, error)
         && read_color (opts, "tesselation_color", (FvColor) { 128, 128, 128, 255 },
                        &s->tesselation, error)
         && read_color (opts, "mask_color", (FvColor) { 255, 0, 255, 128 }, &s->mask, error);
}

static gboolean
overlay_contract (FvContract *cc, GError **error)
{
  OverlayStyle style;
  if (!read_style (fv_contract_options (cc), &style, error))
    return FALSE;
  const char *image = fv_type_name (fv_type_image ());
  const char *types[G_N_ELEMENTS (result_tags)] = {
    fv_type_name (fv_type_detections ()), fv_type_name (fv_type_norm_rect ()),
    fv_type_name (fv_type_norm_rects ()), fv_type_name (fv_type_landmarks ()), "packet_vector",
    fv_type_name (fv_type_mask ()),
  };
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE", image, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "IMAGE", image, FALSE, error))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (result_tags); k++)
    if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, result_tags[k], types[k], TRUE, error))
      return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
overlay_open (FvCalculatorContext *ctx, GError **error)
{
  OverlayState *st = fv_context_state (ctx);
  st->image = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "IMAGE", 0);
  return read_style (fv_context_options (ctx), &st->style, error);
}

/* A drawable copy: RGB24 for GRAY8 / RGB24, RGBA32 for RGBA32 / BGRA32. */
static FvImage *
copy_for_drawing (const FvImage *src, GError **error)
{
  gboolean alpha = src->format == FV_IMAGE_RGBA32 || src->format == FV_IMAGE_BGRA32;
  FvImage *dst = fv_image_new (alpha ? FV_IMAGE_RGBA32 : FV_IMAGE_RGB24, src->width, src->height,
                               error);
  if (dst == NULL)
    return NULL;
  int in_ch = fv_image_format_channels (src->format), out_ch = alpha ? 4 : 3;
  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = fv_image_row (src, y);
      guint8 *d = fv_image_row (dst, y);
      for (int x = 0; x < src->width; x++, s += in_ch, d += out_ch)
        switch (src->format)
          {
          case FV_IMAGE_GRAY8:
            d[0] = d[1] = d[2] = s[0];
            break;
          case FV_IMAGE_BGRA32:
            d[0] = s[2];
            d[1] = s[1];
            d[2] = s[0];
            d[3] = s[3];
            break;
          default:
            memcpy (d, s, (gsize) out_ch);
            break;
          }
    }
  return dst;
}

static void
draw_detections (FvImage *img, const FvDetections *d, const OverlayStyle *s)
{
  double w = img->width, h = img->height;
  for (int i = 0; i < d->n; i++)
    {
      const FvDetection *det = &d->items[i];
      fv_draw_rect (img, det->xmin * w, det->ymin * h, (det->xmin + det->width) * w,
                    (det->ymin + det->height) * h, s->thickness, s->detection);
      for (int k = 0; k < det->n_keypoints && k < FV_DETECTION_MAX_KEYPOINTS; k++)
        fv_draw_disc (img, det->keypoints[k].x * w, det->keypoints[k].y * h, s->keypoint_radius,
                      s->keypoint);
    }
}

static void
draw_rect (FvImage *img, const FvNormRect *r, const OverlayStyle *s)
{
  double w = img->width, h = img->height;
  fv_draw_rotated_rect (img, r->x_center * w, r->y_center * h, r->width * w, r->height * h,
                        r->rotation, s->thickness, s->rect);
}

static void
draw_connection (FvImage *img, const FvLandmarks *l, FvConnection c, double thickness,
                 FvColor color)
{
  double w = img->width, h = img->height;
  const FvLandmark *a = &l->items[c.a], *b = &l->items[c.b];
  fv_draw_line (img, a->x * w, a->y * h, b->x * w, b->y * h, thickness, color);
}

static void
draw_landmarks (FvImage *img, const FvLandmarks *l, const OverlayStyle *s)
{
  if (l->n >= FACE_MESH_POINTS && s->draw_tesselation)
    for (guint i = 0; i < FV_FACEMESH_TESSELATION_EDGES; i++)
      {
        FvConnection c;
        fv_facemesh_tesselation_edge (i, &c);
        /* the tesselation is dense: a thin line keeps the face visible under it */
        draw_connection (img, l, c, 1.0, s->tesselation);
      }
  if (l->n >= FACE_MESH_POINTS && s->draw_contours)
    for (guint i = 0; i < FV_FACEMESH_CONTOURS_LEN; i++)
      draw_connection (img, l, fv_facemesh_contours[i], s->thickness, s->connection);
  if (l->n == FV_POSE_LANDMARKS && s->draw_contours)
    for (guint i = 0; i < FV_POSE_CONNECTIONS_LEN; i++)
      draw_connection (img, l, fv_pose_connections[i], s->thickness, s->connection);
  if (l->n == FV_HAND_LANDMARKS && s->draw_contours)
    for (guint i = 0; i < FV_HAND_CONNECTIONS_LEN; i++)
      draw_connection (img, l, fv_hand_connections[i], s->thickness, s->connection);
  if (l->n >= REFINED_FACE_MESH_POINTS && s->draw_irises)
    for (guint i = 0; i < FV_FACEMESH_IRISES_LEN; i++)
      draw_connection (img, l, fv_facemesh_irises[i], s->thickness, s->connection);
  if (s->draw_landmarks)
    for (int i = 0; i < l->n; i++)
      fv_draw_disc (img, l->items[i].x * img->width, l->items[i].y * img->height,
                    s->landmark_radius, s->landmark);
}

/* Tints each pixel by its probability; a mask of another size than the image (a graph
 * that made it for a different frame) is resampled by nearest neighbour. */
static void
draw_mask (FvImage *img, const FvMask *m, const OverlayStyle *s)
{
  if (m == NULL)
    return;
  for (int y = 0; y < img->height; y++)
    {
      const float *row = m->data + (gsize) ((gint64) y * m->height / img->height) * m->width;
      for (int x = 0; x < img->width; x++)
        {
          float p = row[(gint64) x * m->width / img->width];
          if (!(p > 0.0f))
            continue;
          FvColor c = s->mask;
          c.a = (guint8) (MIN (p, 1.0f) * s->mask.a + 0.5f);
          fv_draw_pixel (img, x, y, c);
        }
    }
}

static void
draw_result (FvImage *img, const char *tag, const FvPacket *p, const OverlayStyle *s)
{
  if (strcmp (tag, "MASK") == 0)
    draw_mask (img, fv_packet_get_mask (p), s);
  else if (strcmp (tag, "DETECTIONS") == 0)
    draw_detections (img, fv_packet_get_detections (p), s);
  else if (strcmp (tag, "NORM_RECT") == 0)
    draw_rect (img, fv_packet_get_norm_rect (p), s);
  else if (strcmp (tag, "NORM_RECTS") == 0)
    {
      const FvNormRects *rects = fv_packet_get_norm_rects (p);
      for (int i = 0; i < rects->n; i++)
        draw_rect (img, &rects->items[i], s);
    }
  else if (strcmp (tag, "LANDMARKS") == 0)
    draw_landmarks (img, fv_packet_get_landmarks (p), s);
  else
    {
      /* MULTI_LANDMARKS: one list per object; other payloads in the vector are skipped */
      const GPtrArray *items = fv_packet_get_vector (p);
      for (guint i = 0; items != NULL && i < items->len; i++)
        {
          const FvLandmarks *l = fv_packet_get_landmarks (g_ptr_array_index ((GPtrArray *) items, i));
          if (l != NULL)
            draw_landmarks (img, l, s);
        }
    }
}

static FvProcessStatus
overlay_process (FvCalculatorContext *ctx, GError **error)
{
  OverlayState *st = fv_context_state (ctx);
  const FvImage *src = fv_packet_get_image (fv_context_input (ctx, (guint) st->image));
  if (src == NULL)
    return FV_PROCESS_OK;
  FvImage *img = copy_for_drawing (src, error);
  if (img == NULL)
    return FV_PROCESS_ERROR;
  /* masks first, then rects (the ROIs), then landmarks, then detections on top */
  static const char *const order[] = { "MASK", "NORM_RECT", "NORM_RECTS", "LANDMARKS",
                                       "MULTI_LANDMARKS", "DETECTIONS" };
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    for (guint port = 0; port < fv_context_num_ports (ctx, FV_PORT_INPUT); port++)
      {
        if (strcmp (fv_context_port_tag (ctx, FV_PORT_INPUT, port), order[k]) != 0)
          continue;
        FvPacket *p = fv_context_input (ctx, port);
        if (p != NULL)
          draw_result (img, order[k], p, &st->style);
      }
  fv_context_output (ctx, (guint) st->out, fv_packet_new_image (img));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass annotation_overlay_calculator = {
  .name = "AnnotationOverlayCalculator",
  .state_size = sizeof (OverlayState),
  .contract = overlay_contract,
  .open = overlay_open,
  .process = overlay_process,
};
FV_REGISTER_CALCULATOR (annotation_overlay_calculator)
