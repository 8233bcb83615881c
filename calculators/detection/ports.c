/* fovea — port types and small-value readers of the detection calculators. */
#include "calculators/detection/ports.h"

#include "calculators/detection/anchors.h"
#include "calculators/detection/image_size.h"
#include "graph/detection.h"
#include "graph/graph_error.h"
#include "graph/image.h"
#include "graph/tensor_list.h"

void
fv_detection_types_init (void)
{
  fv_type_detections ();
  fv_type_norm_rect ();
  fv_type_norm_rects ();
  fv_type_tensors ();
  fv_type_image ();
  fv_type_anchors ();
  fv_type_image_size ();
}

gboolean
fv_packet_read_image_size (const FvPacket *packet, int *width, int *height, GError **error)
{
  const FvImageSize *size = fv_packet_get_image_size (packet);
  const FvImage *image = fv_packet_get_image (packet);
  if (size != NULL)
    {
      *width = size->width;
      *height = size->height;
    }
  else if (image != NULL)
    {
      *width = image->width;
      *height = image->height;
    }
  else
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_TYPE,
                   "IMAGE_SIZE: expected an \"image_size\" or \"image\" packet, got \"%s\"",
                   packet != NULL ? fv_type_name (fv_packet_type (packet)) : "nothing");
      return FALSE;
    }
  if (*width < 1 || *height < 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "IMAGE_SIZE: the size %dx%d is not positive", *width, *height);
      return FALSE;
    }
  return TRUE;
}
