/* fovea tests — helpers for the detection calculator tests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "det_test_util.h"
#include "graph/tensor_list.h"

FvGraph *
det_graph_new (const char *config)
{
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, NULL, &err);
  if (g == NULL)
    fail_msg ("graph: %s", err->message);
  return g;
}

char *
det_graph_error (const char *config)
{
  GError *err = NULL;
  FvGraph *g = fv_graph_new_from_string (config, NULL, &err);
  if (g != NULL)
    {
      fv_graph_free (g);
      fail_msg ("the graph was expected to be refused");
    }
  char *msg = g_strdup (err->message);
  g_error_free (err);
  return msg;
}

static gboolean
sink_cb (FvPacket *packet, gpointer user_data, GError **error)
{
  DetSink *s = user_data;
  g_mutex_lock (&s->lock);
  g_ptr_array_add (s->packets, fv_packet_ref (packet));
  g_mutex_unlock (&s->lock);
  return TRUE;
}

DetSink *
det_sink_new (FvGraph *graph, const char *stream)
{
  DetSink *s = g_new0 (DetSink, 1);
  g_mutex_init (&s->lock);
  s->packets = g_ptr_array_new_with_free_func ((GDestroyNotify) fv_packet_unref);
  GError *err = NULL;
  if (!fv_graph_observe (graph, stream, sink_cb, s, &err))
    fail_msg ("observe %s: %s", stream, err->message);
  return s;
}

void
det_sink_free (DetSink *sink)
{
  g_ptr_array_unref (sink->packets);
  g_mutex_clear (&sink->lock);
  g_free (sink);
}

void
det_start (FvGraph *graph)
{
  GError *err = NULL;
  if (!fv_graph_start (graph, &err))
    fail_msg ("start: %s", err->message);
}

void
det_add (FvGraph *graph, const char *stream, FvPacket *packet, gint64 ts)
{
  GError *err = NULL;
  if (!fv_graph_add_packet (graph, stream, fv_packet_stamp (packet, ts), &err))
    fail_msg ("add_packet %s: %s", stream, err->message);
}

void
det_finish (FvGraph *graph)
{
  char *msg = det_finish_error (graph);
  if (msg != NULL)
    fail_msg ("run: %s", msg);
}

char *
det_finish_error (FvGraph *graph)
{
  GError *err = NULL;
  if (fv_graph_wait_until_done (graph, &err))
    return NULL;
  char *msg = g_strdup (err->message);
  g_error_free (err);
  return msg;
}

FvPacket *
det_float_tensor (const float *values, int n)
{
  FvTensorList *list = fv_tensor_list_new (1);
  gint32 shape[1] = { n };
  assert_true (fv_tensor_list_alloc (list, 0, 1, shape, NULL));
  memcpy (list->tensors[0].data, values, (size_t) n * sizeof (float));
  return fv_packet_new_tensors (list);
}

FvDetection
det_detection (float score, float xmin, float ymin, float w, float h, int n_keypoints,
               const float *xy)
{
  FvDetection d = { .score = score, .xmin = xmin, .ymin = ymin, .width = w, .height = h,
                    .n_keypoints = n_keypoints };
  for (int k = 0; k < n_keypoints; k++)
    {
      d.keypoints[k].x = xy[2 * k];
      d.keypoints[k].y = xy[2 * k + 1];
    }
  return d;
}

FvPacket *
det_detections_packet (const FvDetection *items, int n)
{
  FvDetections *d = fv_detections_new (n);
  if (n > 0)
    memcpy (d->items, items, (size_t) n * sizeof (FvDetection));
  return fv_packet_new_detections (d);
}

/* ---- the side packet probe ---- */

static gboolean
probe_contract (FvContract *cc, GError **error)
{
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "TICK", "any", FALSE, error)
      || !fv_contract_set_all_types (cc, FV_PORT_SIDE_INPUT, "any", error)
      || !fv_contract_set_all_types (cc, FV_PORT_OUTPUT, "any", error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
probe_process (FvCalculatorContext *ctx, GError **error)
{
  FvPacket *side = fv_context_side_input (ctx, 0);
  if (side != NULL)
    fv_context_output (ctx, 0, fv_packet_at (side, fv_context_input_timestamp (ctx)));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass probe_calculator = {
  .name = "TestSidePacketProbeCalculator",
  .contract = probe_contract,
  .process = probe_process,
};

void
det_register_probe (void)
{
  fv_calculator_register (&probe_calculator, NULL);
}
