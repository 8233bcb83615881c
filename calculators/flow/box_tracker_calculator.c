/* fovea — BoxTrackerCalculator: carries detections between detector runs with sparse flow
 * (box_tracker.h), so a detector can run every N frames (e.g. behind a GateCalculator)
 * while every frame gets boxes that follow the objects.
 *
 * Inputs:  IMAGE ("image"): every frame
 *          DETECTIONS ("detections", optional; a packet only at keyframes): fresh
 *            detections of this frame; they replace the tracked ones
 * Outputs: DETECTIONS ("detections"): at every frame, the keyframe's detections (score,
 *            label, keypoints) with their boxes and keypoints moved along with the
 *            objects; empty before the first keyframe
 * Options (BoxTrackerCalculatorOptions): max_points (80), min_points (20): corners
 *   tracked per box, and the count under which a box picks new ones. */
#include <math.h>
#include <string.h>

#include "calculators/flow/box_tracker.h"
#include "graph/calculator.h"
#include "graph/detection.h"
#include "graph/graph_error.h"
#include "graph/image.h"

typedef struct {
  FvBoxTracker *tracker;
  FvPacket *prev;          /* the last frame */
  FvDetections *current;   /* the tracked detections (owned) */
  int image, dets_in, dets_out;
} BoxState;

static gboolean
read_params (const FvTpMessage *opts, FvBoxTrackerParams *p, GError **error)
{
  GError *local = NULL;
  fv_box_tracker_params_default (p);
  gint64 maxp = fv_tp_get_int (opts, "max_points", p->max_points, &local);
  gint64 minp = local ? 0 : fv_tp_get_int (opts, "min_points", p->min_points, &local);
  if (local != NULL) {
    g_propagate_error (error, local);
    return FALSE;
  }
  p->max_points = (int) CLAMP (maxp, -1, 100000);
  p->min_points = (int) CLAMP (minp, -1, 100000);
  FvBoxTracker *probe = fv_box_tracker_new (p, error);
  fv_box_tracker_free (probe);
  return probe != NULL;
}

static gboolean
box_contract (FvContract *cc, GError **error)
{
  FvBoxTrackerParams p;
  const char *image = fv_type_name (fv_type_image ());
  const char *dets = fv_type_name (fv_type_detections ());
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE", image, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "DETECTIONS", dets, TRUE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "DETECTIONS", dets, FALSE, error)
      || !read_params (fv_contract_options (cc), &p, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
box_open (FvCalculatorContext *ctx, GError **error)
{
  BoxState *st = fv_context_state (ctx);
  FvBoxTrackerParams p;
  st->image = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE", 0);
  st->dets_in = fv_context_port (ctx, FV_PORT_INPUT, "DETECTIONS", 0);
  st->dets_out = fv_context_port (ctx, FV_PORT_OUTPUT, "DETECTIONS", 0);
  if (!read_params (fv_context_options (ctx), &p, error))
    return FALSE;
  st->tracker = fv_box_tracker_new (&p, error);
  if (st->tracker == NULL)
    return FALSE;
  st->current = fv_detections_new (0);
  return TRUE;
}

static FvDetections *
copy_detections (const FvDetections *d)
{
  FvDetections *c = fv_detections_new (d->n);
  if (d->n > 0)
    memcpy (c->items, d->items, sizeof (FvDetection) * (gsize) d->n);
  return c;
}

static FvProcessStatus
box_process (FvCalculatorContext *ctx, GError **error)
{
  BoxState *st = fv_context_state (ctx);
  FvPacket *in = fv_context_input (ctx, (guint) st->image);
  const FvImage *frame = fv_packet_get_image (in);
  if (frame == NULL)
    return FV_PROCESS_OK;
  const FvDetections *fresh = st->dets_in >= 0
    ? fv_packet_get_detections (fv_context_input (ctx, (guint) st->dets_in)) : NULL;
  const float W = (float) frame->width, H = (float) frame->height;
  if (fresh != NULL) {
    FvBox *boxes = g_new (FvBox, MAX (fresh->n, 1));
    for (int i = 0; i < fresh->n; i++)
      boxes[i] = (FvBox) { fresh->items[i].xmin * W, fresh->items[i].ymin * H,
                           fresh->items[i].width * W, fresh->items[i].height * H };
    gboolean ok = fv_box_tracker_reset (st->tracker, frame, boxes, fresh->n, error);
    g_free (boxes);
    if (!ok)
      return FV_PROCESS_ERROR;
    fv_detections_free (st->current);
    st->current = copy_detections (fresh);
  } else if (st->prev != NULL && st->current->n > 0) {
    const FvImage *prev = fv_packet_get_image (st->prev);
    if (prev->width != frame->width || prev->height != frame->height) {
      /* a new frame size: the tracked boxes mean nothing here */
      fv_box_tracker_reset (st->tracker, frame, NULL, 0, NULL);
      fv_detections_free (st->current);
      st->current = fv_detections_new (0);
    } else {
      if (!fv_box_tracker_step (st->tracker, prev, frame, error))
        return FV_PROCESS_ERROR;
      for (int i = 0; i < st->current->n; i++) {
        FvDetection *d = &st->current->items[i];
        const FvBox *b = fv_box_tracker_box (st->tracker, i);
        float s, dx, dy;
        fv_box_tracker_motion (st->tracker, i, &s, &dx, &dy);
        /* keypoints follow the box's motion about its old centre */
        const float cx = (d->xmin + d->width / 2) * W, cy = (d->ymin + d->height / 2) * H;
        for (int k = 0; k < d->n_keypoints && k < FV_DETECTION_MAX_KEYPOINTS; k++) {
          d->keypoints[k].x = (s * (d->keypoints[k].x * W - cx) + cx + dx) / W;
          d->keypoints[k].y = (s * (d->keypoints[k].y * H - cy) + cy + dy) / H;
        }
        d->xmin = b->xmin / W;
        d->ymin = b->ymin / H;
        d->width = b->width / W;
        d->height = b->height / H;
      }
    }
  }
  fv_context_output (ctx, (guint) st->dets_out,
                     fv_packet_new_detections (copy_detections (st->current)));
  fv_packet_unref (st->prev);
  st->prev = fv_packet_ref (in);
  return FV_PROCESS_OK;
}

static gboolean
box_close (FvCalculatorContext *ctx, GError **error)
{
  BoxState *st = fv_context_state (ctx);
  g_clear_pointer (&st->prev, fv_packet_unref);
  g_clear_pointer (&st->tracker, fv_box_tracker_free);
  g_clear_pointer (&st->current, fv_detections_free);
  return TRUE;
}

static const FvCalculatorClass box_tracker_calculator = {
  .name = "BoxTrackerCalculator",
  .state_size = sizeof (BoxState),
  .contract = box_contract,
  .open = box_open,
  .process = box_process,
  .close = box_close,
};
FV_REGISTER_CALCULATOR (box_tracker_calculator)
