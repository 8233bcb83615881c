/* fovea — streams: one producer, a bound, and a packet queue per consuming input. */
#include "graph/graph_internal.h"

void
fv_ring_push (FvPacketRing *ring, FvPacket *packet)
{
  if (ring->len == ring->cap)
    {
      guint cap = ring->cap != 0 ? ring->cap * 2 : 8;
      FvPacket **buf = g_new (FvPacket *, cap);
      for (guint i = 0; i < ring->len; i++)
        buf[i] = ring->buf[(ring->head + i) % ring->cap];
      g_free (ring->buf);
      ring->buf = buf;
      ring->cap = cap;
      ring->head = 0;
    }
  ring->buf[(ring->head + ring->len) % ring->cap] = packet;
  ring->len++;
}

FvPacket *
fv_ring_pop (FvPacketRing *ring)
{
  if (ring->len == 0)
    return NULL;
  FvPacket *packet = ring->buf[ring->head];
  ring->head = (ring->head + 1) % ring->cap;
  ring->len--;
  return packet;
}

FvPacket *
fv_ring_peek (const FvPacketRing *ring)
{
  return ring->len != 0 ? ring->buf[ring->head] : NULL;
}

void
fv_ring_clear (FvPacketRing *ring)
{
  FvPacket *packet;
  while ((packet = fv_ring_pop (ring)) != NULL)
    fv_packet_unref (packet);
  g_clear_pointer (&ring->buf, g_free);
  ring->cap = ring->head = 0;
}

FvStream *
fv_stream_new (const char *name)
{
  FvStream *s = g_new0 (FvStream, 1);
  s->name = g_strdup (name);
  s->type = FV_TYPE_ANY;
  s->producer_port = -1;
  s->bound = FV_TIMESTAMP_PRESTREAM;
  s->consumers = g_ptr_array_new ();
  s->consumer_ports = g_array_new (FALSE, FALSE, sizeof (guint));
  return s;
}

void
fv_stream_free (FvStream *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  g_ptr_array_unref (s->consumers);
  g_array_unref (s->consumer_ports);
  g_free (s);
}

static FvInput *
consumer_input (const FvStream *s, guint i)
{
  FvNode *node = g_ptr_array_index (s->consumers, i);
  return &node->inputs[g_array_index (s->consumer_ports, guint, i)];
}

gboolean
fv_stream_is_full (const FvStream *s)
{
  for (guint i = 0; i < s->consumers->len; i++)
    {
      const FvInput *in = consumer_input (s, i);
      if (in->max_size != 0 && in->queue.len >= in->max_size)
        return TRUE;
    }
  return FALSE;
}

gboolean
fv_stream_add (FvGraph *g, FvStream *s, FvPacket *packet, GError **error)
{
  gint64 ts = fv_packet_timestamp (packet);
  if (!fv_timestamp_allowed_in_stream (ts) || ts < s->bound)
    {
      char tsbuf[32], bbuf[32];
      if (s->bound == FV_TIMESTAMP_DONE)
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_STATE,
                     "stream '%s': packet at %s after the stream was closed", s->name,
                     fv_timestamp_format (ts, tsbuf));
      else if (!fv_timestamp_allowed_in_stream (ts))
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "stream '%s': timestamp %s is not allowed on a stream", s->name,
                     fv_timestamp_format (ts, tsbuf));
      else
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                     "stream '%s': packet timestamp mismatch: the minimum expected timestamp "
                     "is %s but the packet has %s (timestamps must strictly increase)",
                     s->name, fv_timestamp_format (s->bound, bbuf),
                     fv_timestamp_format (ts, tsbuf));
      fv_packet_unref (packet);
      return FALSE;
    }
  for (guint i = 0; i < s->consumers->len; i++)
    fv_ring_push (&consumer_input (s, i)->queue, fv_packet_ref (packet));
  fv_packet_unref (packet);
  s->bound = fv_timestamp_next_allowed (ts);
  for (guint i = 0; i < s->consumers->len; i++)
    fv_scheduler_check (g, g_ptr_array_index (s->consumers, i));
  return TRUE;
}

void
fv_stream_set_bound (FvGraph *g, FvStream *s, gint64 bound)
{
  if (bound <= s->bound)
    return;
  s->bound = bound;
  for (guint i = 0; i < s->consumers->len; i++)
    fv_scheduler_check (g, g_ptr_array_index (s->consumers, i));
}
