/* placeholder until the reader lands */
#include "models/tflite/tflite_reader.h"

FvModel *
fv_tflite_read (const guint8 *data, size_t size, GError **error)
{
  (void) data; (void) size;
  g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED, "reader not built yet");
  return NULL;
}
