/* fovea — libFuzzer entry point for the model loader (read + fold + validate).
 *
 * Not built by default. Build and run with clang from the repository root:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. \
 *     tests/models/tflite/fuzz_tflite.c \
 *     $(find models/tflite models/ops -name '*.c') models/model.c models/kernel.c \
 *     $(pkg-config --cflags --libs glib-2.0) -lm -o fuzz_tflite
 *   mkdir -p corpus && cp ~/.cache/fovea/models/face_detection_short_range.tflite corpus/
 *   ./fuzz_tflite -max_len=300000 -rss_limit_mb=4096 corpus
 *
 * Every input must end in a loaded model or in NULL with a GError; libFuzzer plus the
 * sanitizers report anything else (crash, out-of-bounds read, leak, hang).
 */
#include "models/model.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *err = NULL;
  FvModel *m = fv_model_load_bytes (data, size, &err);
  if (m)
    fv_model_free (m);
  else if (!err || !err->message[0])
    __builtin_trap ();  /* NULL without a message breaks the loader's contract */
  g_clear_error (&err);
  return 0;
}
