/* fovea — what the TFLite reader's files share: the file being read and the readers of
 * tensors (tflite_tensor.c) and op options (tflite_options.c). Not installed.
 *
 * Each function fills one FvModel part from verified FlatBuffer views and returns FALSE
 * with a FV_MODEL_ERROR naming the problem; the caller adds the "tensor 12: " / "op 7: "
 * prefix. On failure what was allocated into the part so far stays there, owned by the
 * model, and is freed with it.
 */
#pragma once

#include "models/tflite/flatbuffer.h"
#include "models/tflite/tflite_schema.h"

G_BEGIN_DECLS

typedef struct {
  FvFbBuf file;
  FvFbVector buffers;         /* Model.buffers */
  guint64 const_bytes;        /* constant bytes copied so far */
  guint64 const_budget;       /* cap on const_bytes: shared buffers cannot multiply it */
} FvTfliteFile;

/* Bytes of buffer @index (data vector, or an offset/size range past the FlatBuffer).
 * *data is NULL and *size 0 for an empty buffer. */
gboolean fv_tflite_buffer_bytes (FvTfliteFile *f, guint32 index, const guint8 **data,
                                 size_t *size, GError **error);

/* Reads one Tensor table into @t (zeroed by the caller). */
gboolean fv_tflite_read_tensor (FvTfliteFile *f, const FvFbTable *tbl, FvTensor *t,
                                GError **error);

/* Fills op->options from Operator.builtin_options for builtin @code. */
gboolean fv_tflite_builtin_options (const FvFbTable *op_tbl, FvOp *op, GError **error);

/* Fills op->options from Operator.custom_options (@data, @size bytes; may be NULL/0). */
gboolean fv_tflite_custom_options (const guint8 *data, size_t size, FvOp *op,
                                   GError **error);

G_END_DECLS
