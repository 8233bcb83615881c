/* fovea — packet timestamps: gint64 microseconds with MediaPipe's special values.
 *
 * Range values lie in [FV_TIMESTAMP_MIN, FV_TIMESTAMP_MAX]; a stream also accepts
 * FV_TIMESTAMP_PRESTREAM and FV_TIMESTAMP_POSTSTREAM (each must then be the only packet).
 * A stream's "bound" is the smallest timestamp a later packet may still carry;
 * FV_TIMESTAMP_DONE as a bound means the stream is closed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FV_TIMESTAMP_UNSET               G_MININT64          /* a fresh packet */
#define FV_TIMESTAMP_UNSTARTED           (G_MININT64 + 1)    /* seen inside open() */
#define FV_TIMESTAMP_PRESTREAM           (G_MININT64 + 2)    /* a header packet */
#define FV_TIMESTAMP_MIN                 (G_MININT64 + 3)
#define FV_TIMESTAMP_MAX                 (G_MAXINT64 - 3)
#define FV_TIMESTAMP_POSTSTREAM          (G_MAXINT64 - 2)    /* a summary packet */
#define FV_TIMESTAMP_ONE_OVER_POSTSTREAM (G_MAXINT64 - 1)    /* bound after Max / pre / post */
#define FV_TIMESTAMP_DONE                G_MAXINT64          /* seen inside close(); closed */

static inline gboolean
fv_timestamp_is_range_value (gint64 ts)
{
  return ts >= FV_TIMESTAMP_MIN && ts <= FV_TIMESTAMP_MAX;
}

static inline gboolean
fv_timestamp_allowed_in_stream (gint64 ts)
{
  return ts >= FV_TIMESTAMP_PRESTREAM && ts <= FV_TIMESTAMP_POSTSTREAM;
}

/* The bound a stream has after a packet at ts: pre/post-stream packets and Max leave no
 * room for another packet. */
static inline gint64
fv_timestamp_next_allowed (gint64 ts)
{
  if (ts == FV_TIMESTAMP_PRESTREAM || ts >= FV_TIMESTAMP_MAX)
    return FV_TIMESTAMP_ONE_OVER_POSTSTREAM;
  return ts + 1;
}

/* ts + diff for range values, clamped to [Min, Max] like MediaPipe's TimestampDiff;
 * special values are returned unchanged. */
static inline gint64
fv_timestamp_add (gint64 ts, gint64 diff)
{
  if (!fv_timestamp_is_range_value (ts))
    return ts;
  if (diff > 0 && ts > FV_TIMESTAMP_MAX - diff)
    return FV_TIMESTAMP_MAX;
  if (diff < 0 && ts < FV_TIMESTAMP_MIN - diff)
    return FV_TIMESTAMP_MIN;
  return ts + diff;
}

/* Writes "Unset", "PreStream", ..., or the decimal value into buf; returns buf. */
const char *fv_timestamp_format (gint64 ts, char buf[32]);

G_END_DECLS
