/* fovea — the tracer: a preallocated ring of node events, exported as Chrome trace JSON
 * (chrome://tracing, Perfetto) and as a per-node text summary.
 */
#include "graph/tracer.h"

#include <stdlib.h>

#include "graph/graph_error.h"
#include "graph/timestamp.h"

typedef struct {
  gint64 begin_us, end_us, input_ts;
  guint32 node, thread;
  guint8 kind;
} FvTraceEvent;

typedef struct {
  guint64 count;      /* process events over the whole run */
  gint64 total_us;
} FvNodeTotals;

struct _FvTracer {
  GMutex lock;
  FvTraceEvent *ring;
  guint capacity, head, len;
  guint64 total;
  gint64 origin_us;   /* trace times are relative to the tracer's creation */
  guint n_nodes;
  char **names;
  FvNodeTotals *totals;
};

FvTracer *
fv_tracer_new (guint capacity, guint n_nodes, const char *const *node_names)
{
  FvTracer *t = g_new0 (FvTracer, 1);
  g_mutex_init (&t->lock);
  t->capacity = capacity != 0 ? capacity : 65536;
  t->ring = g_new (FvTraceEvent, t->capacity);
  t->origin_us = g_get_monotonic_time ();
  t->n_nodes = n_nodes;
  t->names = g_new0 (char *, n_nodes + 1);
  for (guint i = 0; i < n_nodes; i++)
    t->names[i] = g_strdup (node_names != NULL && node_names[i] != NULL ? node_names[i] : "?");
  t->totals = g_new0 (FvNodeTotals, n_nodes + 1);
  return t;
}

void
fv_tracer_free (FvTracer *t)
{
  if (t == NULL)
    return;
  g_strfreev (t->names);
  g_free (t->ring);
  g_free (t->totals);
  g_mutex_clear (&t->lock);
  g_free (t);
}

void
fv_tracer_record (FvTracer *t, guint node, FvTraceKind kind, gint64 input_ts,
                  gint64 begin_us, gint64 end_us, guint thread)
{
  if (node >= t->n_nodes)
    return;
  g_mutex_lock (&t->lock);
  guint slot = (t->head + t->len) % t->capacity;
  if (t->len == t->capacity)
    t->head = (t->head + 1) % t->capacity;   /* overwrite the oldest */
  else
    t->len++;
  FvTraceEvent *e = &t->ring[slot];
  e->begin_us = begin_us - t->origin_us;
  e->end_us = end_us - t->origin_us;
  e->input_ts = input_ts;
  e->node = node;
  e->thread = thread;
  e->kind = (guint8) kind;
  t->total++;
  if (kind == FV_TRACE_PROCESS)
    {
      t->totals[node].count++;
      t->totals[node].total_us += end_us - begin_us;
    }
  g_mutex_unlock (&t->lock);
}

guint
fv_tracer_num_events (FvTracer *t)
{
  g_mutex_lock (&t->lock);
  guint n = t->len;
  g_mutex_unlock (&t->lock);
  return n;
}

guint64
fv_tracer_total_events (FvTracer *t)
{
  g_mutex_lock (&t->lock);
  guint64 n = t->total;
  g_mutex_unlock (&t->lock);
  return n;
}

static void
append_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (; *s != '\0'; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static const char *const kind_names[] = { "open", "process", "close" };

char *
fv_tracer_to_chrome_json (FvTracer *t)
{
  GString *out = g_string_new ("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
  g_mutex_lock (&t->lock);
  gboolean first = TRUE;
  /* Name the threads: 0 is the thread that started the graph, n the n-th worker. */
  guint max_thread = 0;
  for (guint i = 0; i < t->len; i++)
    max_thread = MAX (max_thread, t->ring[(t->head + i) % t->capacity].thread);
  for (guint th = 0; th <= max_thread; th++)
    {
      g_string_append_printf (out, "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,"
                              "\"tid\":%u,\"args\":{\"name\":\"%s%u\"}}", first ? "" : ",\n",
                              th, th == 0 ? "caller" : "worker-", th == 0 ? 0 : th);
      first = FALSE;
    }
  for (guint i = 0; i < t->len; i++)
    {
      const FvTraceEvent *e = &t->ring[(t->head + i) % t->capacity];
      char tsbuf[32];
      g_string_append (out, ",\n{\"name\":");
      append_json_string (out, t->names[e->node]);
      g_string_append_printf (out, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%" G_GINT64_FORMAT
                              ",\"dur\":%" G_GINT64_FORMAT ",\"pid\":1,\"tid\":%u,"
                              "\"args\":{\"timestamp\":", kind_names[e->kind], e->begin_us,
                              MAX (e->end_us - e->begin_us, (gint64) 0), e->thread);
      if (fv_timestamp_is_range_value (e->input_ts))
        g_string_append_printf (out, "%" G_GINT64_FORMAT, e->input_ts);
      else
        append_json_string (out, fv_timestamp_format (e->input_ts, tsbuf));
      g_string_append (out, "}}");
    }
  g_mutex_unlock (&t->lock);
  g_string_append (out, "\n]}\n");
  return g_string_free (out, FALSE);
}

gboolean
fv_tracer_write_chrome_json (FvTracer *t, const char *path, GError **error)
{
  char *json = fv_tracer_to_chrome_json (t);
  GError *local = NULL;
  gboolean ok = g_file_set_contents (path, json, -1, &local);
  if (!ok)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_STATE, "writing the trace: %s",
                   local->message);
      g_error_free (local);
    }
  g_free (json);
  return ok;
}

static int
compare_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values. */
static gint64
percentile (const gint64 *sorted, guint n, double p)
{
  guint rank = (guint) (p / 100.0 * n + 0.999999);
  rank = CLAMP (rank, 1u, n);
  return sorted[rank - 1];
}

char *
fv_tracer_summary (FvTracer *t)
{
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "%-40s %10s %10s %10s %10s\n", "node", "count", "mean_us",
                          "p50_us", "p99_us");
  g_mutex_lock (&t->lock);
  gint64 *d = g_new (gint64, t->len + 1);
  for (guint node = 0; node < t->n_nodes; node++)
    {
      guint n = 0;
      for (guint i = 0; i < t->len; i++)
        {
          const FvTraceEvent *e = &t->ring[(t->head + i) % t->capacity];
          if (e->node == node && e->kind == FV_TRACE_PROCESS)
            d[n++] = e->end_us - e->begin_us;
        }
      const FvNodeTotals *tot = &t->totals[node];
      double mean = tot->count != 0 ? (double) tot->total_us / (double) tot->count : 0.0;
      gint64 p50 = 0, p99 = 0;
      if (n != 0)
        {
          qsort (d, n, sizeof *d, compare_gint64);
          p50 = percentile (d, n, 50.0);
          p99 = percentile (d, n, 99.0);
        }
      g_string_append_printf (out, "%-40s %10" G_GUINT64_FORMAT " %10.1f %10" G_GINT64_FORMAT
                              " %10" G_GINT64_FORMAT "\n", t->names[node], tot->count, mean,
                              p50, p99);
    }
  g_free (d);
  g_mutex_unlock (&t->lock);
  return g_string_free (out, FALSE);
}
