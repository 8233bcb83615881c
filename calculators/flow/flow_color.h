/* fovea — flow fields as pictures: the Middlebury colour wheel (Baker et al. 2011; hue =
 * direction, saturation = magnitude relative to the largest, white = still, as in the
 * flow benchmarks' figures and OpenCV / torchvision's flow_to_image), and arrows on a grid
 * drawn over an image. */
#pragma once

#include <glib.h>

#include "graph/flow_field.h"
#include "graph/image.h"

G_BEGIN_DECLS

/* The colour of the flow vector (u, v) already divided by the magnitude that is full
 * saturation; magnitudes over 1 are darkened, NaN is black. @rgb: 3 bytes. */
void fv_flow_color (float u, float v, guint8 rgb[3]);

/* Paints @flow into @out (RGB24, RGBA32 or BGRA32 of the flow's size) with the colour
 * wheel, normalised by @max_magnitude (<= 0: the field's largest finite magnitude). */
gboolean fv_flow_to_color (const FvFlowField *flow, float max_magnitude, FvImage *out,
                           GError **error);

G_END_DECLS
