/* fovea — the graph layer in one include: packets, types, calculators, graphs, tracer. */
#pragma once

#include "graph/calculator.h"
#include "graph/config.h"
#include "graph/graph.h"
#include "graph/graph_error.h"
#include "graph/packet.h"
#include "graph/packet_vector.h"
#include "graph/textproto.h"
#include "graph/timestamp.h"
#include "graph/tracer.h"
#include "graph/types.h"
