/* fovea — the tensor-list payload. */
#include "graph/tensor_list.h"

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
