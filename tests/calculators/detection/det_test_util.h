/* fovea tests — helpers for the detection calculator tests: build a graph or fail, feed
 * packets, collect an output stream's packets, and a probe calculator that turns an input
 * side packet into a stream packet (at each TICK) so side outputs can be checked. */
#pragma once

#include <glib.h>

#include "graph/fovea-graph.h"
#include "graph/detection.h"

/* Collects every packet (a reference) of an observed stream, in order. */
typedef struct {
  GMutex lock;
  GPtrArray *packets;   /* FvPacket* (owned) */
} DetSink;

FvGraph *det_graph_new (const char *config);       /* fails the test on error */
/* The error message of building a graph that must fail (transfer full). */
char *det_graph_error (const char *config);
DetSink *det_sink_new (FvGraph *graph, const char *stream);
void det_sink_free (DetSink *sink);
void det_start (FvGraph *graph);
void det_add (FvGraph *graph, const char *stream, FvPacket *packet, gint64 ts);
/* Closes inputs and waits; fails the test when the run failed. */
void det_finish (FvGraph *graph);
/* Closes inputs and waits; the run's error message (transfer full), or NULL. */
char *det_finish_error (FvGraph *graph);

/* A "tensors" packet with one tensor of n floats (shape [n]). */
FvPacket *det_float_tensor (const float *values, int n);
/* A detection with a box and keypoints (pairs x, y). */
FvDetection det_detection (float score, float xmin, float ymin, float w, float h,
                           int n_keypoints, const float *xy);
/* A "detections" packet holding copies of items. */
FvPacket *det_detections_packet (const FvDetection *items, int n);

/* Registers "TestSidePacketProbeCalculator": input_stream TICK (any), input_side_packet
 * (the only one, any type), output_stream (the only one): the side packet at each tick. */
void det_register_probe (void);

#define DET_EPS 1e-5
