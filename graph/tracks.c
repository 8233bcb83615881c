/* fovea — the sparse tracks payload. */
#include "graph/tracks.h"

FvTypeId
fv_type_tracks (void)
{
  static gsize id;
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_TRACKS));
  return (FvTypeId) id;
}

FvTracks *
fv_tracks_new (int n)
{
  FvTracks *t = g_new0 (FvTracks, 1);
  t->n = MAX (n, 0);
  t->items = g_new0 (FvTrack, MAX (n, 1));
  return t;
}

void
fv_tracks_free (FvTracks *tracks)
{
  if (tracks == NULL)
    return;
  g_free (tracks->items);
  g_free (tracks);
}

FvPacket *
fv_packet_new_tracks (FvTracks *tracks)
{
  return fv_packet_new (fv_type_tracks (), tracks, (GDestroyNotify) fv_tracks_free);
}

const FvTracks *
fv_packet_get_tracks (const FvPacket *packet)
{
  return packet && fv_packet_type (packet) == fv_type_tracks () ? fv_packet_get (packet) : NULL;
}
