/* fovea tests — small synthetic calculators and helpers shared by the runtime tests. */
#pragma once

#include "graph/fovea-graph.h"

/* Registers: TestAddCalculator (A+B ints, offset 0), TestDoubleCalculator (x2, offset 0),
 * TestDropOddCalculator (passes even ints, emits nothing for odd ones, offset 0),
 * TestSourceCalculator (ints 0..count-1 at ts i*step, then STOP), TestFailCalculator
 * (fails when the value equals options fail_at), TestSlowCalculator (sleeps sleep_us,
 * passes through, offset 0), TestExclusiveCalculator (checks it never runs concurrently),
 * TestBadTimestampCalculator (emits everything at timestamp 5), TestStopCalculator
 * (returns STOP at options stop_at). */
void test_calcs_register (void);
extern gint test_exclusive_violations;

/* Collects (timestamp, int value) of a stream through an observer. */
typedef struct {
  GMutex lock;
  GArray *ts;      /* gint64 */
  GArray *values;  /* gint64 */
} Collector;

Collector *collector_new (void);
void collector_free (Collector *c);
gboolean collector_observe (FvGraph *graph, const char *stream, Collector *c);
guint collector_len (Collector *c);

FvGraph *graph_from_string_or_fail (const char *text);
