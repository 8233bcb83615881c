/* fovea — tiled super-resolution: an image of any size through a TF.js super-resolution
 * network (models/tfjs), in overlapping tiles so memory stays bounded.
 *
 * The network is instantiated for the tile (or the whole image when it is no larger than
 * tile_size), and its interpreter kept for the next image of the same size, so a video
 * allocates only on its first frame. Along each axis the tile is the smallest one that
 * covers the image in as few tiles as tile_size allows, so an image a little larger than a
 * tile is not run as two full tiles (200 px with tile_size 192: two of 116 px, not 192). Each tile reads `overlap` input pixels of context on every side that
 * is not the image border and keeps only its centre: with an overlap at least the
 * network's receptive radius (FvCatalogSuperres.receptive_radius; the default) every kept
 * output pixel sees exactly the input pixels it would see in one untiled run, so tiles
 * leave no seam (equal to the untiled output up to float rounding).
 *
 * Pixels go in as 0..255 floats and come out rounded to the nearest level and clamped, as
 * UpscalerJS does. RGB24, RGBA32 and BGRA32 images are accepted; alpha is upscaled by
 * nearest neighbour.
 *
 * Ownership: fv_upscaler_new() returns a FvUpscaler the caller frees with
 * fv_upscaler_free(); images passed in are transfer none. Not thread-safe: one upscale at
 * a time per FvUpscaler.
 */
#pragma once

#include "graph/image.h"

G_BEGIN_DECLS

typedef struct _FvUpscaler FvUpscaler;

typedef struct {
  const char *model;    /* catalog name ("esrgan_slim_x2") or a model.json path */
  const char *backend;  /* "cpu", "ref", "opencl"; NULL: $FOVEA_BACKEND, else cpu */
  const char *device;   /* the opencl device ("opencl:P:D"); NULL: the backend's choice */
  int tile_size;        /* input pixels per tile side; 0: the whole image in one run */
  int overlap;          /* context pixels per tile side; < 0: the model's receptive radius
                           (from the catalog; 16 for a model.json path) */
} FvUpscalerOptions;

/* The catalog name of the UpscalerJS model for a variant ("slim", "medium") and scale, or
 * NULL when there is none (medium has no x3). Transfer none. */
const char *fv_upscaler_model_name (const char *variant, int scale);

/* Loads the model (nothing is planned until the first image). NULL with @error when the
 * model is unknown, not fetched or unreadable, or the options are out of range
 * (tile_size must be 0 or more than twice the overlap). */
FvUpscaler *fv_upscaler_new (const FvUpscalerOptions *options, GError **error);
void fv_upscaler_free (FvUpscaler *up);

int fv_upscaler_scale (const FvUpscaler *up);
int fv_upscaler_overlap (const FvUpscaler *up);

/* Bytes of the activation arena planned for the last image (0 before the first): bounded
 * by the tile size, whatever the image size. */
size_t fv_upscaler_arena_bytes (const FvUpscaler *up);

/* Upscales @in into @out, which must have @in's format and scale times its size. */
gboolean fv_upscaler_run (FvUpscaler *up, const FvImage *in, FvImage *out, GError **error);

/* Same, into a new image (transfer full). */
FvImage *fv_upscaler_upscale (FvUpscaler *up, const FvImage *in, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvUpscaler, fv_upscaler_free)

G_END_DECLS
