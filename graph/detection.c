/* fovea — detection and rectangle payloads. */
#include "graph/detection.h"

#define TYPE_GETTER(fn, name)                                                    \
  FvTypeId fn (void)                                                             \
  {                                                                              \
    static gsize id;                                                             \
    if (g_once_init_enter (&id))                                                 \
      g_once_init_leave (&id, fv_type_register (name));                          \
    return (FvTypeId) id;                                                        \
  }
TYPE_GETTER (fv_type_detections, FV_TYPE_NAME_DETECTIONS)
TYPE_GETTER (fv_type_norm_rect, FV_TYPE_NAME_NORM_RECT)
TYPE_GETTER (fv_type_norm_rects, FV_TYPE_NAME_NORM_RECTS)

FvDetections *
fv_detections_new (int n)
{
  FvDetections *d = g_new0 (FvDetections, 1);
  d->n = MAX (n, 0);
  d->items = g_new0 (FvDetection, MAX (n, 1));
  return d;
}

void
fv_detections_free (FvDetections *d)
{
  if (!d)
    return;
  g_free (d->items);
  g_free (d);
}

FvNormRects *
fv_norm_rects_new (int n)
{
  FvNormRects *r = g_new0 (FvNormRects, 1);
  r->n = MAX (n, 0);
  r->items = g_new0 (FvNormRect, MAX (n, 1));
  return r;
}

void
fv_norm_rects_free (FvNormRects *r)
{
  if (!r)
    return;
  g_free (r->items);
  g_free (r);
}

FvPacket *
fv_packet_new_detections (FvDetections *d)
{
  return fv_packet_new (fv_type_detections (), d, (GDestroyNotify) fv_detections_free);
}

const FvDetections *
fv_packet_get_detections (const FvPacket *packet)
{
  return packet && fv_packet_type (packet) == fv_type_detections () ? fv_packet_get (packet)
                                                                     : NULL;
}

FvPacket *
fv_packet_new_norm_rect (const FvNormRect *rect)
{
  return fv_packet_new (fv_type_norm_rect (), g_memdup2 (rect, sizeof *rect), g_free);
}

const FvNormRect *
fv_packet_get_norm_rect (const FvPacket *packet)
{
  return packet && fv_packet_type (packet) == fv_type_norm_rect () ? fv_packet_get (packet)
                                                                    : NULL;
}

FvPacket *
fv_packet_new_norm_rects (FvNormRects *r)
{
  return fv_packet_new (fv_type_norm_rects (), r, (GDestroyNotify) fv_norm_rects_free);
}

const FvNormRects *
fv_packet_get_norm_rects (const FvPacket *packet)
{
  return packet && fv_packet_type (packet) == fv_type_norm_rects () ? fv_packet_get (packet)
                                                                     : NULL;
}
