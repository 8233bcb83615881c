/* fovea — TFLite FlatBuffer reader with a verifier.
 *
 * Reads a .tflite file (schema version 3) into a FvModel. Every offset, vtable, vector
 * length, string, index and tensor shape is bounds-checked before it is used, so a
 * truncated, bit-flipped or hostile file yields a FV_MODEL_ERROR that says what is wrong
 * (never a crash, hang, out-of-bounds read or gigantic allocation).
 *
 * The result is the raw model: DEQUANTIZE / DENSIFY ops are still in it (see
 * fv_model_fold_constants()), and op shapes are not yet checked against kernels (see
 * fv_model_validate()). Constant data is copied into aligned buffers the model owns, so
 * @data may be freed after the call.
 */
#pragma once

#include "models/model.h"

G_BEGIN_DECLS

/* Returns a new model (transfer full) or NULL with @error set. */
FvModel *fv_tflite_read (const guint8 *data, size_t size, GError **error);

G_END_DECLS
