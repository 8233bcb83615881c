/* fovea — printing timestamps (the special values by their MediaPipe names). */
#include "graph/timestamp.h"

#include <stdio.h>

const char *
fv_timestamp_format (gint64 ts, char buf[32])
{
  const char *name = NULL;
  switch (ts)
    {
    case FV_TIMESTAMP_UNSET: name = "Unset"; break;
    case FV_TIMESTAMP_UNSTARTED: name = "Unstarted"; break;
    case FV_TIMESTAMP_PRESTREAM: name = "PreStream"; break;
    case FV_TIMESTAMP_MIN: name = "Min"; break;
    case FV_TIMESTAMP_MAX: name = "Max"; break;
    case FV_TIMESTAMP_POSTSTREAM: name = "PostStream"; break;
    case FV_TIMESTAMP_ONE_OVER_POSTSTREAM: name = "OneOverPostStream"; break;
    case FV_TIMESTAMP_DONE: name = "Done"; break;
    default: break;
    }
  if (name != NULL)
    g_strlcpy (buf, name, 32);
  else
    snprintf (buf, 32, "%" G_GINT64_FORMAT, ts);
  return buf;
}
