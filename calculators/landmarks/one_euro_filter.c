/* fovea — the one-euro and low-pass filters (see one_euro_filter.h), as MediaPipe's
 * util/filtering/one_euro_filter.cc computes them. */
#include "calculators/landmarks/one_euro_filter.h"

#include <math.h>

double
fv_low_pass_filter_apply (FvLowPassFilter *f, double alpha, double value)
{
  double out = f->initialized ? alpha * value + (1.0 - alpha) * f->stored : value;
  f->initialized = TRUE;
  f->raw = value;
  f->stored = out;
  return out;
}

void
fv_low_pass_filter_reset (FvLowPassFilter *f)
{
  *f = (FvLowPassFilter) { 0 };
}

void
fv_one_euro_filter_init (FvOneEuroFilter *f, double frequency, double min_cutoff, double beta,
                         double derivate_cutoff)
{
  *f = (FvOneEuroFilter) { .frequency = frequency, .min_cutoff = min_cutoff, .beta = beta,
                           .derivate_cutoff = derivate_cutoff };
}

static double
alpha (const FvOneEuroFilter *f, double cutoff)
{
  double te = 1.0 / f->frequency;
  double tau = 1.0 / (2.0 * G_PI * cutoff);
  return 1.0 / (1.0 + tau / te);
}

double
fv_one_euro_filter_apply (FvOneEuroFilter *f, gint64 timestamp_us, double value_scale,
                          double value)
{
  if (f->last_time_us >= timestamp_us)
    return value;
  if (f->last_time_us != 0 && timestamp_us != 0)
    f->frequency = 1e6 / (double) (timestamp_us - f->last_time_us);
  f->last_time_us = timestamp_us;
  double dvalue = f->x.initialized ? (value - f->x.raw) * value_scale * f->frequency : 0.0;
  double edvalue = fv_low_pass_filter_apply (&f->dx, alpha (f, f->derivate_cutoff), dvalue);
  double cutoff = f->min_cutoff + f->beta * fabs (edvalue);
  return fv_low_pass_filter_apply (&f->x, alpha (f, cutoff), value);
}
