/* fovea — the landmark payload. */
#include "graph/landmark.h"

#include <string.h>

FvTypeId
fv_type_landmarks (void)
{
  static gsize id;   /* g_once needs a pointer-sized variable */
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_LANDMARKS));
  return (FvTypeId) id;
}

FvLandmarks *
fv_landmarks_new (int n)
{
  FvLandmarks *l = g_new0 (FvLandmarks, 1);
  l->n = MAX (n, 0);
  l->items = g_new0 (FvLandmark, MAX (n, 1));
  return l;
}

FvLandmarks *
fv_landmarks_copy (const FvLandmarks *src)
{
  FvLandmarks *l = fv_landmarks_new (src->n);
  memcpy (l->items, src->items, sizeof (FvLandmark) * (gsize) l->n);
  l->score = src->score;
  return l;
}

void
fv_landmarks_free (FvLandmarks *l)
{
  if (!l)
    return;
  g_free (l->items);
  g_free (l);
}

FvPacket *
fv_packet_new_landmarks (FvLandmarks *l)
{
  return fv_packet_new (fv_type_landmarks (), l, (GDestroyNotify) fv_landmarks_free);
}

const FvLandmarks *
fv_packet_get_landmarks (const FvPacket *packet)
{
  return packet && fv_packet_type (packet) == fv_type_landmarks () ? fv_packet_get (packet)
                                                                    : NULL;
}
