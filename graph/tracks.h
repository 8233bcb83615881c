/* fovea — the sparse tracks payload ("tracks"): points followed from frame to frame, each
 * with a stable id, its position in this frame and in the previous one (pixels, origin at
 * the top-left pixel's centre) and its age (frames it has been tracked; 0: new here). */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

typedef struct {
  gint64 id;
  float x, y;                 /* in this frame */
  float prev_x, prev_y;       /* in the previous frame (= x, y when new) */
  int age;
} FvTrack;

typedef struct {
  int n;
  FvTrack *items;             /* owned */
} FvTracks;

#define FV_TYPE_NAME_TRACKS "tracks"
FvTypeId fv_type_tracks (void);

/* A list of @n zeroed tracks (n >= 0). transfer full. */
FvTracks *fv_tracks_new (int n);
void fv_tracks_free (FvTracks *tracks);

FvPacket *fv_packet_new_tracks (FvTracks *tracks);                 /* transfer full */
const FvTracks *fv_packet_get_tracks (const FvPacket *packet);     /* NULL: another type */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvTracks, fv_tracks_free)

G_END_DECLS
