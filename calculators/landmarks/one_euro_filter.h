/* fovea — the one-euro filter and the low-pass filter it is built on (MediaPipe's
 * util/filtering/one_euro_filter and low_pass_filter): the smoothing that MediaPipe's
 * landmark pipelines apply to video. A one-euro filter lowers jitter on slow motion and lag
 * on fast motion by raising its cutoff frequency with the (smoothed) speed:
 *
 *   freq  = 1 / (t - t_prev) (seconds), the option's frequency until two timestamps are seen
 *   alpha (cutoff) = 1 / (1 + freq / (2 pi cutoff))
 *   dx    = (x - x_prev_raw) * value_scale * freq  (0 on the first value)
 *   edx   = low-pass (dx, alpha (derivate_cutoff))
 *   out   = low-pass (x, alpha (min_cutoff + beta |edx|))
 *
 * and a low-pass filter gives its first value unchanged, then alpha v + (1 - alpha) prev.
 * A timestamp not after the previous one returns the value unfiltered (state unchanged).
 * Plain structs, no allocation; zero-initialise and call fv_one_euro_filter_init(). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean initialized;
  double raw, stored;
} FvLowPassFilter;

/* alpha in [0, 1]; the first value passes as is. */
double fv_low_pass_filter_apply (FvLowPassFilter *f, double alpha, double value);
void fv_low_pass_filter_reset (FvLowPassFilter *f);

typedef struct {
  double frequency, min_cutoff, beta, derivate_cutoff;
  FvLowPassFilter x, dx;
  gint64 last_time_us;   /* 0: none yet (as MediaPipe, a timestamp of 0 counts as none) */
} FvOneEuroFilter;

void fv_one_euro_filter_init (FvOneEuroFilter *f, double frequency, double min_cutoff,
                              double beta, double derivate_cutoff);
/* Filters @value seen at @timestamp_us (microseconds); @value_scale scales the speed
 * (MediaPipe: 1 / object size, so that the filter behaves the same at every distance). */
double fv_one_euro_filter_apply (FvOneEuroFilter *f, gint64 timestamp_us, double value_scale,
                                 double value);

G_END_DECLS
