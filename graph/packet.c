/* fovea — packets: a small stamped handle around a shared, ref-counted payload. */
#include "graph/packet.h"

#include <string.h>

typedef struct {
  gint ref;
  FvTypeId type;
  gpointer data;
  GDestroyNotify destroy;
  /* Plain values live here, so that an int packet costs no third allocation. */
  union { gint64 i; float f; double d; gboolean b; } value;
} FvPayload;

struct _FvPacket {
  gint ref;
  gint64 ts;
  FvPayload *payload;
};

static FvPacket *
packet_wrap (FvPayload *payload, gint64 ts)
{
  FvPacket *p = g_new (FvPacket, 1);
  p->ref = 1;
  p->ts = ts;
  p->payload = payload;
  return p;
}

static FvPayload *
payload_new (FvTypeId type, gpointer data, GDestroyNotify destroy)
{
  FvPayload *pl = g_new0 (FvPayload, 1);
  pl->ref = 1;
  pl->type = type;
  pl->data = data;
  pl->destroy = destroy;
  return pl;
}

FvPacket *
fv_packet_new (FvTypeId type, gpointer data, GDestroyNotify destroy)
{
  return packet_wrap (payload_new (type, data, destroy), FV_TIMESTAMP_UNSET);
}

FvPacket *
fv_packet_new_int (gint64 value)
{
  FvPayload *pl = payload_new (FV_TYPE_INT, NULL, NULL);
  pl->value.i = value;
  pl->data = &pl->value.i;
  return packet_wrap (pl, FV_TIMESTAMP_UNSET);
}

FvPacket *
fv_packet_new_float (float value)
{
  FvPayload *pl = payload_new (FV_TYPE_FLOAT, NULL, NULL);
  pl->value.f = value;
  pl->data = &pl->value.f;
  return packet_wrap (pl, FV_TIMESTAMP_UNSET);
}

FvPacket *
fv_packet_new_double (double value)
{
  FvPayload *pl = payload_new (FV_TYPE_DOUBLE, NULL, NULL);
  pl->value.d = value;
  pl->data = &pl->value.d;
  return packet_wrap (pl, FV_TIMESTAMP_UNSET);
}

FvPacket *
fv_packet_new_bool (gboolean value)
{
  FvPayload *pl = payload_new (FV_TYPE_BOOL, NULL, NULL);
  pl->value.b = value ? TRUE : FALSE;
  pl->data = &pl->value.b;
  return packet_wrap (pl, FV_TIMESTAMP_UNSET);
}

FvPacket *
fv_packet_new_string (const char *value)
{
  return fv_packet_new (FV_TYPE_STRING, g_strdup (value != NULL ? value : ""), g_free);
}

FvPacket *
fv_packet_ref (FvPacket *packet)
{
  g_return_val_if_fail (packet != NULL, NULL);
  g_atomic_int_inc (&packet->ref);
  return packet;
}

static void
payload_unref (FvPayload *pl)
{
  if (!g_atomic_int_dec_and_test (&pl->ref))
    return;
  if (pl->destroy != NULL)
    pl->destroy (pl->data);
  g_free (pl);
}

void
fv_packet_unref (FvPacket *packet)
{
  if (packet == NULL || !g_atomic_int_dec_and_test (&packet->ref))
    return;
  payload_unref (packet->payload);
  g_free (packet);
}

FvPacket *
fv_packet_at (const FvPacket *packet, gint64 ts)
{
  g_return_val_if_fail (packet != NULL, NULL);
  g_atomic_int_inc (&packet->payload->ref);
  return packet_wrap (packet->payload, ts);
}

FvPacket *
fv_packet_stamp (FvPacket *packet, gint64 ts)
{
  g_return_val_if_fail (packet != NULL, NULL);
  /* Sole owner: nobody else can observe the change, so immutability holds. */
  if (g_atomic_int_get (&packet->ref) == 1)
    {
      packet->ts = ts;
      return packet;
    }
  FvPacket *copy = fv_packet_at (packet, ts);
  fv_packet_unref (packet);
  return copy;
}

gint64
fv_packet_timestamp (const FvPacket *packet)
{
  return packet != NULL ? packet->ts : FV_TIMESTAMP_UNSET;
}

FvTypeId
fv_packet_type (const FvPacket *packet)
{
  return packet != NULL ? packet->payload->type : FV_TYPE_INVALID;
}

gconstpointer
fv_packet_get (const FvPacket *packet)
{
  return packet != NULL ? packet->payload->data : NULL;
}

gconstpointer
fv_packet_get_checked (const FvPacket *packet, FvTypeId type, GError **error)
{
  if (packet == NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                   "expected a packet of type '%s', got no packet", fv_type_name (type));
      return NULL;
    }
  if (type != FV_TYPE_ANY && packet->payload->type != type)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                   "expected a packet of type '%s', got '%s'", fv_type_name (type),
                   fv_type_name (packet->payload->type));
      return NULL;
    }
  return packet->payload->data;
}

gint64
fv_packet_get_int (const FvPacket *packet)
{
  return fv_packet_type (packet) == FV_TYPE_INT ? packet->payload->value.i : 0;
}

float
fv_packet_get_float (const FvPacket *packet)
{
  return fv_packet_type (packet) == FV_TYPE_FLOAT ? packet->payload->value.f : 0.0f;
}

double
fv_packet_get_double (const FvPacket *packet)
{
  return fv_packet_type (packet) == FV_TYPE_DOUBLE ? packet->payload->value.d : 0.0;
}

gboolean
fv_packet_get_bool (const FvPacket *packet)
{
  return fv_packet_type (packet) == FV_TYPE_BOOL ? packet->payload->value.b : FALSE;
}

const char *
fv_packet_get_string (const FvPacket *packet)
{
  return fv_packet_type (packet) == FV_TYPE_STRING ? packet->payload->data : NULL;
}
