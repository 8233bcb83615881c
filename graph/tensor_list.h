/* fovea — the tensor-list payload ("tensors"): what flows between ImageToTensor, Inference
 * and the tensors-to-X decoders. Float32, row-major (NHWC for images). */
#pragma once

#include "graph/packet.h"

G_BEGIN_DECLS

#define FV_TENSOR_LIST_MAX_DIMS 6

typedef struct {
  int rank;
  gint32 shape[FV_TENSOR_LIST_MAX_DIMS];
  gsize n;                    /* number of floats = product of shape */
  float *data;                /* owned by the list (16-byte aligned) */
} FvTensorBuffer;

typedef struct {
  int n;
  FvTensorBuffer *tensors;    /* owned */
} FvTensorList;

#define FV_TYPE_NAME_TENSORS "tensors"
FvTypeId fv_type_tensors (void);

/* A list of @n tensors with no storage yet; add storage with fv_tensor_list_alloc(). */
FvTensorList *fv_tensor_list_new (int n);
/* Gives tensor @i the shape @shape[@rank] and zeroed storage. FALSE if the shape is
 * invalid (rank 1..6, dims >= 1, at most 2^28 floats). */
gboolean fv_tensor_list_alloc (FvTensorList *list, int i, int rank, const gint32 *shape,
                               GError **error);
void fv_tensor_list_free (FvTensorList *list);

FvPacket *fv_packet_new_tensors (FvTensorList *list);            /* transfer full */
const FvTensorList *fv_packet_get_tensors (const FvPacket *packet); /* NULL if another type */

/* Copies a short fixed-size float array (ImageToTensor's LETTERBOX_PADDING [4] and MATRIX
 * [16] travel this way) out of @packet: a "tensors" packet whose first tensor holds exactly
 * @n floats, or a "packet_vector" of @n "float"/"double" packets. FALSE with @error naming
 * @what when the packet is missing, of another type or of another size. */
gboolean fv_packet_read_floats (const FvPacket *packet, float *out, gsize n, const char *what,
                                GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FvTensorList, fv_tensor_list_free)

G_END_DECLS
