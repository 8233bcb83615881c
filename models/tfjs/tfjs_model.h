/* fovea — TensorFlow.js "layers-model" reader: model.json (a Keras functional topology
 * plus a weights manifest) and its binary weight shards, turned into the same in-memory
 * FvModel as a TFLite file, so every backend runs it.
 *
 * A TF.js layers model usually leaves its input height and width open (Keras' None); an
 * FvModel has static shapes. So loading is two steps: fv_tfjs_model_load() parses and checks
 * the topology and the weights once, then fv_tfjs_model_instantiate() builds an FvModel
 * for one input size (the shapes of every layer inferred for it). A caller that meets a new
 * image size instantiates again; the parsed weights are reused.
 *
 * Layers understood: InputLayer, Conv2D (any kernel, strides, dilation, SAME/VALID, bias,
 * activation linear/relu/relu6/sigmoid), Activation (linear, relu, relu6, sigmoid),
 * Concatenate (channel axis), Add, UpSampling2D (nearest or bilinear, channels_last). A
 * ReLU that is the only reader of a convolution is fused into it. Anything else is a
 * FV_MODEL_ERROR_UNSUPPORTED naming the layer; malformed JSON, missing or short shards, a
 * weight of the wrong shape or a shard path leaving the model's folder are
 * FV_MODEL_ERROR_CORRUPT (or _IO for unreadable files), never a crash.
 *
 * Ownership: FvTfjsModel owns its parsed layers and weights; free with
 * fv_tfjs_model_free(). An instantiated FvModel is independent of it (its constants are
 * copies) and is freed with fv_model_free().
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

typedef struct _FvTfjsModel FvTfjsModel;

/* Reads @model_json and the shard files its weightsManifest names (plain file names in the
 * same folder). Returns a new FvTfjsModel (transfer full) or NULL with @error. */
FvTfjsModel *fv_tfjs_model_load (const char *model_json, GError **error);
void fv_tfjs_model_free (FvTfjsModel *model);

/* Channels of the single model input (3 for RGB). */
int fv_tfjs_model_input_channels (const FvTfjsModel *model);

/* The input height and width the model declares, 0 for an open one (Keras' None). */
void fv_tfjs_model_input_size (const FvTfjsModel *model, int *height, int *width);

/* Output size over input size along each axis, from the layers (2 for a x2 upscaler). For a
 * model whose layers change the size by non-integer ratios this is the ratio rounded down. */
int fv_tfjs_model_scale (const FvTfjsModel *model);

/* The FvModel for a [1, @height, @width, channels] input: shapes inferred for that size,
 * constants copied (convolution kernels reordered from Keras' HWIO to OHWI), every op
 * validated. Transfer full (fv_model_free), or NULL with @error (e.g. a size the model
 * declares fixed and different, or too large a tensor). */
FvModel *fv_tfjs_model_instantiate (const FvTfjsModel *model, int height, int width,
                                    GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvTfjsModel, fv_tfjs_model_free)

G_END_DECLS
