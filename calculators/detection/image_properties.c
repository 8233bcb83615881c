/* fovea — ImagePropertiesCalculator: the size of each image.
 *
 *   input_stream:  IMAGE  "image"
 *   output_stream: SIZE   "image_size" {width, height} in pixels, at the image's timestamp
 *
 * MediaPipe's face graphs use it to give IMAGE_SIZE to DetectionsToRects and
 * RectTransformation.
 */
#include "calculators/detection/image_size.h"
#include "calculators/detection/ports.h"
#include "graph/calculator.h"
#include "graph/image.h"

static gboolean
image_properties_contract (FvContract *cc, GError **error)
{
  fv_detection_types_init ();
  if (!fv_contract_set_tag_type (cc, FV_PORT_INPUT, "IMAGE", FV_TYPE_NAME_IMAGE, FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "SIZE", FV_TYPE_NAME_IMAGE_SIZE, FALSE,
                                    error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static FvProcessStatus
image_properties_process (FvCalculatorContext *ctx, GError **error)
{
  int in = fv_context_port (ctx, FV_PORT_INPUT, "IMAGE", 0);
  const FvImage *image = fv_packet_get_image (fv_context_input (ctx, (guint) in));
  if (image == NULL)
    return FV_PROCESS_OK;
  int out = fv_context_port (ctx, FV_PORT_OUTPUT, "SIZE", 0);
  fv_context_output (ctx, (guint) out, fv_packet_new_image_size (image->width, image->height));
  return FV_PROCESS_OK;
}

static const FvCalculatorClass image_properties_calculator = {
  .name = "ImagePropertiesCalculator",
  .contract = image_properties_contract,
  .process = image_properties_process,
};
FV_REGISTER_CALCULATOR (image_properties_calculator)
