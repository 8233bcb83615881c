/* fovea — tiled super-resolution through a TF.js network (see upscaler.h). */
#include "calculators/superres/upscaler.h"

#include "graph/graph_error.h"
#include "models/catalog.h"
#include "models/interpreter.h"
#include "models/tfjs/tfjs_model.h"

#include <math.h>
#include <string.h>

/* Overlap for a model.json given by path, whose receptive radius the catalog does not
 * know: enough for the UpscalerJS slim networks and most of medium's. */
#define DEFAULT_OVERLAP 16

/* The tiles along one axis: origin, and the kept span [keep0, keep1) of each, in input
 * pixels. */
typedef struct {
  int origin, keep0, keep1;
} Span;

struct _FvUpscaler {
  FvTfjsModel *tfjs;
  char *backend;
  char *device;
  int scale;
  int tile_size;
  int overlap;
  /* the interpreter planned for tile_h x tile_w (0 x 0: none yet) */
  int tile_h, tile_w;
  FvModel *model;
  FvInterpreter *interp;
  /* the tiling of the last image size */
  int image_h, image_w;
  GArray *ys, *xs;            /* Span */
};

const char *
fv_upscaler_model_name (const char *variant, int scale)
{
  size_t n;
  const FvCatalogEntry *e = fv_catalog_entries (&n);
  for (size_t i = 0; variant && i < n; i++)
    if (e[i].superres && e[i].superres->scale == scale &&
        strcmp (e[i].superres->variant, variant) == 0)
      return e[i].name;
  return NULL;
}

void
fv_upscaler_free (FvUpscaler *up)
{
  if (!up)
    return;
  fv_interpreter_free (up->interp);
  fv_model_free (up->model);
  fv_tfjs_model_free (up->tfjs);
  if (up->ys)
    g_array_unref (up->ys);
  if (up->xs)
    g_array_unref (up->xs);
  g_free (up->backend);
  g_free (up->device);
  g_free (up);
}

FvUpscaler *
fv_upscaler_new (const FvUpscalerOptions *opts, GError **error)
{
  g_return_val_if_fail (opts != NULL, NULL);
  if (!opts->model || !*opts->model) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID, "no super-resolution model given");
    return NULL;
  }
  const FvCatalogEntry *entry = fv_catalog_find (opts->model);
  if (entry && entry->kind != FV_MODEL_KIND_SUPERRES) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "model %s is not a super-resolution model", entry->name);
    return NULL;
  }
  g_autofree char *path = entry ? fv_catalog_model_path (entry, error) : g_strdup (opts->model);
  if (!path)
    return NULL;
  if (!entry && !g_str_has_suffix (path, ".json")) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "unknown super-resolution model '%s' (a catalog name such as esrgan_slim_x2, "
                 "or the path of a TF.js model.json)", opts->model);
    return NULL;
  }
  int overlap = opts->overlap >= 0 ? opts->overlap
                                   : entry ? entry->superres->receptive_radius : DEFAULT_OVERLAP;
  if (opts->tile_size < 0 || (opts->tile_size > 0 && opts->tile_size <= 2 * overlap)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "tile size %d must be 0 (no tiling) or more than twice the overlap %d",
                 opts->tile_size, overlap);
    return NULL;
  }
  FvUpscaler *up = g_new0 (FvUpscaler, 1);
  up->tfjs = fv_tfjs_model_load (path, error);
  if (!up->tfjs) {
    fv_upscaler_free (up);
    return NULL;
  }
  up->scale = fv_tfjs_model_scale (up->tfjs);
  int fh, fw;
  fv_tfjs_model_input_size (up->tfjs, &fh, &fw);
  if (up->scale < 1 || fv_tfjs_model_input_channels (up->tfjs) != 3 || fh || fw) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "%s is not an image upscaler (it needs an RGB input of any size and an "
                 "output a whole multiple of it)", path);
    fv_upscaler_free (up);
    return NULL;
  }
  up->backend = g_strdup (opts->backend);
  up->device = g_strdup (opts->device);
  up->tile_size = opts->tile_size;
  up->overlap = overlap;
  up->ys = g_array_new (FALSE, FALSE, sizeof (Span));
  up->xs = g_array_new (FALSE, FALSE, sizeof (Span));
  return up;
}

int
fv_upscaler_scale (const FvUpscaler *up)
{
  return up->scale;
}

int
fv_upscaler_overlap (const FvUpscaler *up)
{
  return up->overlap;
}

size_t
fv_upscaler_arena_bytes (const FvUpscaler *up)
{
  return up->interp ? fv_interpreter_arena_bytes (up->interp) : 0;
}

/* Makes the interpreter fit a th x tw input (re-planned only when the size changes). */
static gboolean
ensure_interpreter (FvUpscaler *up, int th, int tw, GError **error)
{
  if (up->interp && up->tile_h == th && up->tile_w == tw)
    return TRUE;
  g_clear_pointer (&up->interp, fv_interpreter_free);
  g_clear_pointer (&up->model, fv_model_free);
  up->tile_h = up->tile_w = 0;
  up->image_h = up->image_w = 0;
  up->model = fv_tfjs_model_instantiate (up->tfjs, th, tw, error);
  if (!up->model)
    return FALSE;
  FvBackendOptions bo = { .device = up->device };
  up->interp = fv_interpreter_new (up->model, up->backend, &bo, error);
  if (!up->interp)
    return FALSE;
  up->tile_h = th, up->tile_w = tw;
  return TRUE;
}

/* The tiles along one axis of @n pixels. A tile of @t pixels keeps all but @o pixels at
 * each edge inside the image (t > 2 o, so each tile moves the kept span on). */
static void
plan_axis (int n, int t, int o, GArray *spans)
{
  g_array_set_size (spans, 0);
  if (t >= n) {
    Span whole = { 0, 0, n };
    g_array_append_val (spans, whole);
    return;
  }
  for (int k0 = 0; k0 < n;) {
    int x0 = CLAMP (k0 - o, 0, n - t);
    int k1 = x0 + t == n ? n : x0 + t - o;
    Span sp = { x0, k0, k1 };
    g_array_append_val (spans, sp);
    k0 = k1;
  }
}

/* The tile side along an axis of @n pixels with tiles of at most @t (0: no tiling) and
 * @o pixels of context: the fewest tiles that cover the axis (k tiles of t cover
 * k t - 2 o (k - 1) pixels), each as small as still covers it, since the work grows with
 * the tile while the overlap is paid anyway. */
static int
tile_side (int n, int t, int o)
{
  if (t == 0 || t >= n)
    return n;
  const int k = MAX (1, (n - 2 * o + (t - 2 * o) - 1) / (t - 2 * o));
  return MIN (t, (n + 2 * o * (k - 1) + k - 1) / k);
}

/* channel offsets of R, G, B and alpha (-1: none) in a pixel of @format */
static gboolean
layout (FvImageFormat format, int *r, int *g, int *b, int *a)
{
  switch (format) {
  case FV_IMAGE_RGB24: *r = 0, *g = 1, *b = 2, *a = -1; return TRUE;
  case FV_IMAGE_RGBA32: *r = 0, *g = 1, *b = 2, *a = 3; return TRUE;
  case FV_IMAGE_BGRA32: *r = 2, *g = 1, *b = 0, *a = 3; return TRUE;
  default: return FALSE;
  }
}

static inline guint8
to_level (float v)
{
  /* NaN lands on 0 like a negative value */
  if (!(v > 0.f))
    return 0;
  if (v >= 255.f)
    return 255;
  return (guint8) lrintf (v);
}

gboolean
fv_upscaler_run (FvUpscaler *up, const FvImage *in, FvImage *out, GError **error)
{
  g_return_val_if_fail (up != NULL && in != NULL && out != NULL, FALSE);
  int ro, go, bo, ao;
  if (!layout (in->format, &ro, &go, &bo, &ao)) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                 "super-resolution takes RGB24, RGBA32 or BGRA32 images, not %s",
                 fv_image_format_name (in->format));
    return FALSE;
  }
  const int s = up->scale;
  if (out->format != in->format || (gint64) out->width != (gint64) in->width * s ||
      (gint64) out->height != (gint64) in->height * s) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "the output must be a %s image of %dx%d (x%d), not %s %dx%d",
                 fv_image_format_name (in->format), in->width * s, in->height * s, s,
                 fv_image_format_name (out->format), out->width, out->height);
    return FALSE;
  }
  const int px = fv_image_format_channels (in->format);
  int th = tile_side (in->height, up->tile_size, up->overlap);
  int tw = tile_side (in->width, up->tile_size, up->overlap);
  if (!ensure_interpreter (up, th, tw, error))
    return FALSE;
  if (up->image_h != in->height || up->image_w != in->width) {
    plan_axis (in->height, th, up->overlap, up->ys);
    plan_axis (in->width, tw, up->overlap, up->xs);
    up->image_h = in->height, up->image_w = in->width;
  }
  const Span *ys = (const Span *) up->ys->data, *xs = (const Span *) up->xs->data;
  int ny = (int) up->ys->len, nx = (int) up->xs->len;
  float *x = fv_interpreter_input (up->interp, 0);
  const float *y = fv_interpreter_output (up->interp, 0);
  const int ow = tw * s;

  for (int ty = 0; ty < ny; ty++) {
    for (int tx = 0; tx < nx; tx++) {
      const Span *sy = &ys[ty], *sx = &xs[tx];
      for (int r = 0; r < th; r++) {
        const guint8 *src = fv_image_row (in, sy->origin + r) + (gsize) sx->origin * px;
        float *dst = x + (gsize) r * tw * 3;
        for (int c = 0; c < tw; c++, src += px, dst += 3) {
          dst[0] = src[ro];
          dst[1] = src[go];
          dst[2] = src[bo];
        }
      }
      if (!fv_interpreter_invoke (up->interp, error))
        return FALSE;
      /* the kept span, in output pixels */
      for (int oy = sy->keep0 * s; oy < sy->keep1 * s; oy++) {
        const float *row = y + ((gsize) (oy - sy->origin * s) * ow) * 3;
        guint8 *dst = fv_image_row (out, oy) + (gsize) sx->keep0 * s * px;
        const guint8 *alpha_row = ao >= 0 ? fv_image_row (in, oy / s) : NULL;
        for (int ox = sx->keep0 * s; ox < sx->keep1 * s; ox++, dst += px) {
          const float *p = row + (gsize) (ox - sx->origin * s) * 3;
          dst[ro] = to_level (p[0]);
          dst[go] = to_level (p[1]);
          dst[bo] = to_level (p[2]);
          if (ao >= 0)
            dst[ao] = alpha_row[(gsize) (ox / s) * px + ao];
        }
      }
    }
  }
  return TRUE;
}

FvImage *
fv_upscaler_upscale (FvUpscaler *up, const FvImage *in, GError **error)
{
  g_return_val_if_fail (up != NULL && in != NULL, NULL);
  gint64 w = (gint64) in->width * up->scale, h = (gint64) in->height * up->scale;
  if (w > FV_IMAGE_MAX_SIDE || h > FV_IMAGE_MAX_SIDE || w * h > FV_IMAGE_MAX_PIXELS) {
    g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                 "a %dx%d image upscaled x%d (%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ") is "
                 "larger than fovea's image limit (%d a side, %" G_GINT64_FORMAT " pixels)",
                 in->width, in->height, up->scale, w, h, FV_IMAGE_MAX_SIDE,
                 (gint64) FV_IMAGE_MAX_PIXELS);
    return NULL;
  }
  FvImage *out = fv_image_new (in->format, (int) w, (int) h, error);
  if (!out)
    return NULL;
  if (!fv_upscaler_run (up, in, out, error)) {
    fv_image_free (out);
    return NULL;
  }
  return out;
}
