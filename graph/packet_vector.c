/* fovea — the packet_vector payload type. */
#include "graph/packet_vector.h"

static void
vector_free (gpointer data)
{
  GPtrArray *items = data;
  /* Unref explicitly: the caller's array may have been made without a free function. */
  for (guint i = 0; i < items->len; i++)
    fv_packet_unref (g_ptr_array_index (items, i));
  g_ptr_array_set_free_func (items, NULL);
  g_ptr_array_unref (items);
}

FvPacket *
fv_packet_new_vector (GPtrArray *items)
{
  if (items == NULL)
    items = g_ptr_array_new ();
  return fv_packet_new (FV_TYPE_PACKET_VECTOR, items, vector_free);
}

const GPtrArray *
fv_packet_get_vector (const FvPacket *packet)
{
  if (fv_packet_type (packet) != FV_TYPE_PACKET_VECTOR)
    return NULL;
  return fv_packet_get (packet);
}
