/* fovea — the tensor-list payload. */
#include "graph/tensor_list.h"

#include "graph/packet_vector.h"

#include <stdlib.h>
#include <string.h>

FvTypeId
fv_type_tensors (void)
{
  static gsize id;   /* g_once needs a pointer-sized variable */
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, fv_type_register (FV_TYPE_NAME_TENSORS));
  return (FvTypeId) id;
}

FvTensorList *
fv_tensor_list_new (int n)
{
  FvTensorList *list = g_new0 (FvTensorList, 1);
  list->n = MAX (n, 0);
  list->tensors = g_new0 (FvTensorBuffer, MAX (n, 1));
  return list;
}

gboolean
fv_tensor_list_alloc (FvTensorList *list, int i, int rank, const gint32 *shape, GError **error)
{
  gint64 n = 1;
  gboolean ok = i >= 0 && i < list->n && rank >= 1 && rank <= FV_TENSOR_LIST_MAX_DIMS;
  for (int d = 0; ok && d < rank; d++) {
    ok = shape[d] >= 1 && n * shape[d] <= ((gint64) 1 << 28);
    n *= ok ? shape[d] : 1;
  }
  if (!ok) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "tensor %d: invalid shape (rank %d)", i, rank);
    return FALSE;
  }
  FvTensorBuffer *t = &list->tensors[i];
  free (t->data);
  t->rank = rank;
  memcpy (t->shape, shape, (size_t) rank * sizeof *shape);
  t->n = (gsize) n;
  size_t bytes = ((size_t) n * sizeof (float) + 15) & ~(size_t) 15;
  t->data = aligned_alloc (16, bytes);
  if (!t->data) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "out of memory");
    return FALSE;
  }
  memset (t->data, 0, bytes);
  return TRUE;
}

void
fv_tensor_list_free (FvTensorList *list)
{
  if (!list)
    return;
  for (int i = 0; i < list->n; i++)
    free (list->tensors[i].data);
  g_free (list->tensors);
  g_free (list);
}

FvPacket *
fv_packet_new_tensors (FvTensorList *list)
{
  return fv_packet_new (fv_type_tensors (), list, (GDestroyNotify) fv_tensor_list_free);
}

const FvTensorList *
fv_packet_get_tensors (const FvPacket *packet)
{
  if (!packet || fv_packet_type (packet) != fv_type_tensors ())
    return NULL;
  return fv_packet_get (packet);
}

gboolean
fv_packet_read_floats (const FvPacket *packet, float *out, gsize n, const char *what,
                       GError **error)
{
  const FvTensorList *tensors = fv_packet_get_tensors (packet);
  if (tensors) {
    if (tensors->n < 1 || tensors->tensors[0].n != n || !tensors->tensors[0].data) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                   "%s: expected one tensor of %" G_GSIZE_FORMAT " floats, got %d tensor(s) of "
                   "%" G_GSIZE_FORMAT " floats", what, n, tensors->n,
                   tensors->n > 0 ? tensors->tensors[0].n : (gsize) 0);
      return FALSE;
    }
    memcpy (out, tensors->tensors[0].data, n * sizeof (float));
    return TRUE;
  }
  const GPtrArray *items = fv_packet_get_vector (packet);
  if (items) {
    if (items->len != n) {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                   "%s: expected %" G_GSIZE_FORMAT " values, got %u", what, n, items->len);
      return FALSE;
    }
    for (guint i = 0; i < items->len; i++) {
      const FvPacket *p = g_ptr_array_index ((GPtrArray *) items, i);
      FvTypeId t = p ? fv_packet_type (p) : FV_TYPE_INVALID;
      if (t == FV_TYPE_FLOAT)
        out[i] = fv_packet_get_float (p);
      else if (t == FV_TYPE_DOUBLE)
        out[i] = (float) fv_packet_get_double (p);
      else {
        g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                     "%s: value %u is a '%s', not a float", what, i, fv_type_name (t));
        return FALSE;
      }
    }
    return TRUE;
  }
  g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
               "%s: expected a \"tensors\" packet with %" G_GSIZE_FORMAT " floats, got \"%s\"",
               what, n, packet ? fv_type_name (fv_packet_type (packet)) : "nothing");
  return FALSE;
}
