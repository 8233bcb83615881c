/* fovea tests — a minimal FlatBuffer writer and, on top of it, a TFLite model builder for
 * hand-made test files.
 *
 * FvtbBuilder holds a tree of nodes (tables, vectors, strings) and lays it out front to
 * back on fvtb_finish(): every uoffset points forward, as the format requires. Nodes are
 * owned by their builder and freed with it.
 *
 * TbModel builds a one-subgraph TFLite model: operator codes, tensors (a constant gets its
 * own buffer), operators, subgraph inputs/outputs. Its tables stay reachable
 * (tb_tensor_table(), tb_op_table()) so a test can add or override fields, e.g. a
 * quantization table or a bad option, before finishing.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

typedef struct FvtbBuilder FvtbBuilder;
typedef struct FvtbNode FvtbNode;

FvtbBuilder *fvtb_new (void);
void fvtb_free (FvtbBuilder *b);

FvtbNode *fvtb_table (FvtbBuilder *b);
/* Sets scalar field @slot (n = 1, 2, 4 or 8 bytes, little endian); replaces an earlier
 * value of the same slot. */
void fvtb_scalar (FvtbNode *table, int slot, uint64_t value, size_t n);
void fvtb_ref (FvtbNode *table, int slot, FvtbNode *child);

FvtbNode *fvtb_vector (FvtbBuilder *b, const void *data, size_t elem_size, size_t n);
FvtbNode *fvtb_vector_i32 (FvtbBuilder *b, const int32_t *v, size_t n);
FvtbNode *fvtb_vector_refs (FvtbBuilder *b, FvtbNode *const *items, size_t n);
FvtbNode *fvtb_string (FvtbBuilder *b, const char *s);

/* Lays the tree out with @root as root table and @ident (4 chars) as file identifier.
 * Returns the bytes (transfer full, g_free) and their count in *size. */
guint8 *fvtb_finish (FvtbBuilder *b, FvtbNode *root, const char *ident, size_t *size);

/* --- TFLite models --- */

typedef struct TbModel TbModel;

TbModel *tb_model_new (void);
void tb_model_free (TbModel *m);
FvtbBuilder *tb_builder (TbModel *m);           /* transfer none */
FvtbNode *tb_model_table (TbModel *m);          /* transfer none: the Model table */

/* Returns the operator-code index. @custom may be NULL. */
int tb_opcode (TbModel *m, int builtin, const char *custom, int version);
/* Returns the tensor index; @data (nbytes) makes it a constant with its own buffer. */
int tb_tensor (TbModel *m, const char *name, int type, const int32_t *shape, int rank,
               const void *data, size_t nbytes);
FvtbNode *tb_tensor_table (TbModel *m, int tensor);
/* Adds a Buffer table made by the caller; returns its index. */
int tb_buffer (TbModel *m, FvtbNode *buffer);
/* Returns the op index. */
int tb_op (TbModel *m, int opcode, const int32_t *in, int n_in, const int32_t *out,
           int n_out);
FvtbNode *tb_op_table (TbModel *m, int op);
void tb_op_builtin_options (TbModel *m, int op, int type, FvtbNode *options);
void tb_op_custom_options (TbModel *m, int op, const void *data, size_t n);
void tb_io (TbModel *m, const int32_t *in, int n_in, const int32_t *out, int n_out);

/* The Subgraphs vector will hold @n copies of the subgraph (default 1; 0 for none). */
void tb_model_set_subgraph_count (TbModel *m, int n);

/* Builds the file (transfer full, g_free) and frees @m. */
guint8 *tb_model_finish (TbModel *m, size_t *size);
