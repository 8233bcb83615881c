/* fovea — the "anchors" payload. */
#include "calculators/detection/anchors.h"

FvTypeId
fv_type_anchors (void)
{
  static gsize id;
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_ANCHORS));
  return (FvTypeId) id;
}

FvAnchors *
fv_anchors_new (int n)
{
  FvAnchors *a = g_new0 (FvAnchors, 1);
  a->n = MAX (n, 0);
  a->items = g_new0 (FvAnchor, MAX (n, 1));
  return a;
}

void
fv_anchors_free (FvAnchors *anchors)
{
  if (anchors == NULL)
    return;
  g_free (anchors->items);
  g_free (anchors);
}

FvPacket *
fv_packet_new_anchors (FvAnchors *anchors)
{
  return fv_packet_new (fv_type_anchors (), anchors, (GDestroyNotify) fv_anchors_free);
}

const FvAnchors *
fv_packet_get_anchors (const FvPacket *packet)
{
  return packet != NULL && fv_packet_type (packet) == fv_type_anchors ()
             ? fv_packet_get (packet)
             : NULL;
}
