/* fovea — the classification payload. */
#include "graph/classification.h"

FvTypeId
fv_type_classifications (void)
{
  static gsize id;   /* g_once needs a pointer-sized variable */
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_CLASSIFICATIONS));
  return (FvTypeId) id;
}

FvClassifications *
fv_classifications_new (int n)
{
  FvClassifications *c = g_new0 (FvClassifications, 1);
  c->n = MAX (n, 0);
  c->items = g_new0 (FvClassification, MAX (n, 1));
  return c;
}

void
fv_classifications_free (FvClassifications *c)
{
  if (c == NULL)
    return;
  for (int i = 0; i < c->n; i++)
    g_free (c->items[i].label);
  g_free (c->items);
  g_free (c);
}

void
fv_classification_set_label (FvClassification *c, const char *label)
{
  g_free (c->label);
  c->label = g_strdup (label);
}

FvPacket *
fv_packet_new_classifications (FvClassifications *c)
{
  return fv_packet_new (fv_type_classifications (), c, (GDestroyNotify) fv_classifications_free);
}

const FvClassifications *
fv_packet_get_classifications (const FvPacket *packet)
{
  return packet && fv_packet_type (packet) == fv_type_classifications () ? fv_packet_get (packet)
                                                                          : NULL;
}
