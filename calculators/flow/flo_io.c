/* fovea — Middlebury .flo reading and writing (see flo_io.h). */
#include "calculators/flow/flo_io.h"

#include <math.h>
#include <string.h>

#include "graph/graph_error.h"
#include "graph/image.h"

static void
put_u32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static void
put_f32 (guint8 *p, float f)
{
  guint32 v;
  memcpy (&v, &f, 4);
  put_u32 (p, v);
}

static float
get_f32 (const guint8 *p)
{
  guint32 v = get_u32 (p);
  float f;
  memcpy (&f, &v, 4);
  return f;
}

GBytes *
fv_flo_encode (const FvFlowField *flow)
{
  const gsize n = (gsize) flow->width * (gsize) flow->height * 2;
  guint8 *buf = g_malloc (12 + n * 4);
  put_f32 (buf, FV_FLO_MAGIC);
  put_u32 (buf + 4, (guint32) flow->width);
  put_u32 (buf + 8, (guint32) flow->height);
  for (gsize i = 0; i < n; i++) {
    float f = flow->data[i];
    put_f32 (buf + 12 + i * 4, isnan (f) ? 1e10f : f);
  }
  return g_bytes_new_take (buf, 12 + n * 4);
}

FvFlowField *
fv_flo_decode (const guint8 *data, gsize size, const char *name, GError **error)
{
  name = name ? name : "flow data";
  if (size < 12 || get_f32 (data) != FV_FLO_MAGIC) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "%s: not a .flo file (no 202021.25 magic)", name);
    return NULL;
  }
  gint32 w = (gint32) get_u32 (data + 4), h = (gint32) get_u32 (data + 8);
  if (w < 1 || h < 1 || w > FV_IMAGE_MAX_SIDE || h > FV_IMAGE_MAX_SIDE
      || (gint64) w * h > FV_IMAGE_MAX_PIXELS) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "%s: .flo size %dx%d is not valid", name, w, h);
    return NULL;
  }
  const gsize n = (gsize) w * (gsize) h * 2;
  if (size != 12 + n * 4) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "%s: .flo of %dx%d needs %" G_GSIZE_FORMAT " bytes, has %" G_GSIZE_FORMAT,
                 name, w, h, 12 + n * 4, size);
    return NULL;
  }
  FvFlowField *flow = fv_flow_field_new (w, h, error);
  if (flow == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++) {
    float f = get_f32 (data + 12 + i * 4);
    flow->data[i] = fabsf (f) > 1e9f || !isfinite (f) ? NAN : f;
  }
  return flow;
}

gboolean
fv_flo_save (const FvFlowField *flow, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = fv_flo_encode (flow);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  return g_file_set_contents (path, data, (gssize) len, error);
}

FvFlowField *
fv_flo_load (const char *path, GError **error)
{
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  return fv_flo_decode ((const guint8 *) g_mapped_file_get_contents (file),
                        g_mapped_file_get_length (file), path, error);
}
