/* fovea tests — helpers shared by the landmark and render calculator tests: build a graph
 * or fail, feed packets, drain a poller, make small tensor and landmark packets. */
#pragma once

#include <glib.h>

#include "graph/graph.h"
#include "graph/landmark.h"
#include "graph/tensor_list.h"

/* Builds and starts nothing; fails the test (with the error) when the config is refused. */
FvGraph *lmk_graph (const char *config);
/* The error message of a refused config (transfer full), or fails when it is accepted. */
char *lmk_graph_error (const char *config);
void lmk_add (FvGraph *g, const char *stream, FvPacket *packet, gint64 ts);
/* Closes the inputs, waits, and returns every packet of the poller (transfer full). When
 * expect_ok is FALSE the run must fail; its message is then stored in *message. */
GPtrArray *lmk_finish (FvGraph *g, FvPoller *poller, gboolean expect_ok, char **message);
/* A "tensors" packet: one tensor of shape [1, n] holding values. */
FvPacket *lmk_tensor_packet (const float *values, int n);
/* A "landmarks" packet of n points at (xy[2i], xy[2i+1]), z = z0 + i. */
FvPacket *lmk_landmarks_packet (const float *xy, int n, float z0);
