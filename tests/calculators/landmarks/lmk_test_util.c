/* fovea tests — helpers for the landmark and render calculator tests (lmk_test_util.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lmk_test_util.h"

FvGraph *
lmk_graph (const char *config)
{
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, NULL, &err);
  if (g == NULL)
    fail_msg ("graph refused: %s", err->message);
  return g;
}

char *
lmk_graph_error (const char *config)
{
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, NULL, &err);
  if (g != NULL)
    {
      fv_graph_free (g);
      fail_msg ("graph accepted, but it should be refused");
    }
  char *msg = g_strdup (err->message);
  g_error_free (err);
  return msg;
}

void
lmk_add (FvGraph *g, const char *stream, FvPacket *packet, gint64 ts)
{
  GError *err = NULL;
  if (!fv_graph_add_packet (g, stream, fv_packet_stamp (packet, ts), &err))
    fail_msg ("add_packet %s: %s", stream, err->message);
}

GPtrArray *
lmk_finish (FvGraph *g, FvPoller *poller, gboolean expect_ok, char **message)
{
  GError *err = NULL;
  gboolean ok = fv_graph_wait_until_done (g, &err);
  if (ok != expect_ok)
    fail_msg ("run %s: %s", ok ? "succeeded" : "failed", err ? err->message : "");
  if (err != NULL)
    {
      if (message != NULL)
        *message = g_strdup (err->message);
      g_error_free (err);
    }
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  FvPacket *p;
  while (poller != NULL && fv_poller_next (poller, &p))
    g_ptr_array_add (out, p);
  return out;
}

FvPacket *
lmk_tensor_packet (const float *values, int n)
{
  FvTensorList *list = fv_tensor_list_new (1);
  gint32 shape[2] = { 1, n };
  assert_true (fv_tensor_list_alloc (list, 0, 2, shape, NULL));
  memcpy (list->tensors[0].data, values, (gsize) n * sizeof (float));
  return fv_packet_new_tensors (list);
}

FvPacket *
lmk_landmarks_packet (const float *xy, int n, float z0)
{
  FvLandmarks *l = fv_landmarks_new (n);
  for (int i = 0; i < n; i++)
    {
      l->items[i].x = xy[2 * i];
      l->items[i].y = xy[2 * i + 1];
      l->items[i].z = z0 + (float) i;
    }
  return fv_packet_new_landmarks (l);
}
