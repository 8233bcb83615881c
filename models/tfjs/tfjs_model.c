/* fovea — TensorFlow.js layers-model reader (see tfjs_model.h): JSON through json-glib,
 * every member's type checked before it is read, weights bounds-checked against their
 * shards, shapes inferred per input size. */
#include "models/tfjs/tfjs_model.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* No real layers model comes near these; beyond them a file is hostile or broken. */
#define MAX_LAYERS 4096
#define MAX_INBOUND 256
#define MAX_SHARD_BYTES ((gsize) 1 << 30)

typedef enum {
  LAYER_INPUT,
  LAYER_CONV,
  LAYER_ACTIVATION,
  LAYER_CONCAT,
  LAYER_ADD,
  LAYER_UPSAMPLE,
} LayerKind;

typedef struct {
  LayerKind kind;
  char *name;
  int n_in;
  int *in;                    /* indices of earlier layers */
  int n_readers;              /* layers (and model outputs) that read this one */
  /* INPUT */
  int channels, fixed_h, fixed_w;      /* 0: open (None) */
  /* CONV */
  int filters, kh, kw, cin, stride_h, stride_w, dilation_h, dilation_w;
  FvPadding padding;
  FvActivation act;           /* CONV and ACTIVATION */
  gboolean linear;            /* ACTIVATION: identity */
  gboolean sigmoid;           /* ACTIVATION */
  const float *kernel;        /* HWIO, points into the model's weight buffer */
  const float *bias;          /* NULL without bias */
  /* UPSAMPLE */
  int up_h, up_w;
  gboolean bilinear;
} Layer;

struct _FvTfjsModel {
  char *name;
  int n_layers;
  Layer *layers;
  int input;                  /* layer index */
  int n_outputs;
  int *outputs;               /* layer indices */
  float *weights;             /* all shards, concatenated per group */
  gsize n_weights;
};

static gboolean
corrupt (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
corrupt (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, FV_MODEL_ERROR, FV_MODEL_ERROR_CORRUPT, msg);
  g_free (msg);
  return FALSE;
}

static gboolean
unsupported (GError **error, const char *layer, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
unsupported (GError **error, const char *layer, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED, "layer '%s': %s", layer, msg);
  g_free (msg);
  return FALSE;
}

/* --- typed JSON access: NULL / FALSE with an error naming @what when absent or mistyped */

static JsonNode *
member (JsonObject *o, const char *name)
{
  return o && json_object_has_member (o, name) ? json_object_get_member (o, name) : NULL;
}

static JsonObject *
get_object (JsonObject *o, const char *name, const char *what, GError **error)
{
  JsonNode *n = member (o, name);
  if (!n || !JSON_NODE_HOLDS_OBJECT (n)) {
    corrupt (error, "%s: '%s' is missing or not an object", what, name);
    return NULL;
  }
  return json_node_get_object (n);
}

static JsonArray *
get_array (JsonObject *o, const char *name, const char *what, GError **error)
{
  JsonNode *n = member (o, name);
  if (!n || !JSON_NODE_HOLDS_ARRAY (n)) {
    corrupt (error, "%s: '%s' is missing or not an array", what, name);
    return NULL;
  }
  return json_node_get_array (n);
}

static const char *
get_string (JsonObject *o, const char *name, const char *what, GError **error)
{
  JsonNode *n = member (o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING) {
    corrupt (error, "%s: '%s' is missing or not a string", what, name);
    return NULL;
  }
  return json_node_get_string (n);
}

/* An integer in [lo, hi] (JSON numbers that are whole). */
static gboolean
node_int (JsonNode *n, gint64 lo, gint64 hi, gint64 *out)
{
  if (!n || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType t = json_node_get_value_type (n);
  gint64 v;
  if (t == G_TYPE_INT64) {
    v = json_node_get_int (n);
  } else if (t == G_TYPE_DOUBLE) {
    double d = json_node_get_double (n);
    if (!(d >= (double) lo && d <= (double) hi) || d != (double) (gint64) d)
      return FALSE;
    v = (gint64) d;
  } else {
    return FALSE;
  }
  if (v < lo || v > hi)
    return FALSE;
  *out = v;
  return TRUE;
}

/* A JSON array of exactly @n integers in [lo, hi] (or a single integer, repeated, when
 * @scalar_ok: Keras writes kernel_size 3 as well as [3, 3]). */
static gboolean
get_ints (JsonObject *o, const char *name, int n, gint64 lo, gint64 hi, gboolean scalar_ok,
          int *out, const char *what, GError **error)
{
  JsonNode *node = member (o, name);
  gint64 v;
  if (scalar_ok && node_int (node, lo, hi, &v)) {
    for (int i = 0; i < n; i++)
      out[i] = (int) v;
    return TRUE;
  }
  if (!node || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) != (guint) n)
    return corrupt (error, "%s: '%s' must be %d integers", what, name, n);
  JsonArray *a = json_node_get_array (node);
  for (int i = 0; i < n; i++) {
    if (!node_int (json_array_get_element (a, i), lo, hi, &v))
      return corrupt (error, "%s: '%s'[%d] must be an integer in [%" G_GINT64_FORMAT
                      ", %" G_GINT64_FORMAT "]", what, name, i, lo, hi);
    out[i] = (int) v;
  }
  return TRUE;
}

/* An optional string member: @dflt when absent, NULL (with error) when mistyped. */
static const char *
opt_string (JsonObject *o, const char *name, const char *dflt, const char *what,
            GError **error)
{
  if (!member (o, name) || JSON_NODE_HOLDS_NULL (member (o, name)))
    return dflt;
  return get_string (o, name, what, error);
}

/* --- weights */

typedef struct {
  const float *data;
  int rank;
  int shape[4];
} Weight;

static void
weight_free (gpointer p)
{
  g_free (p);
}

/* A shard path from the manifest must be a plain name in the model's folder. */
static gboolean
plain_name (const char *p)
{
  return p[0] != '\0' && strchr (p, '/') == NULL && strchr (p, '\\') == NULL &&
         strcmp (p, ".") != 0 && strcmp (p, "..") != 0;
}

static gboolean
read_weights (FvTfjsModel *m, JsonArray *manifest, const char *dir, GHashTable *by_name,
              GError **error)
{
  /* first pass: total bytes, so one buffer holds every group in order */
  guint n_groups = json_array_get_length (manifest);
  GByteArray *all = g_byte_array_new ();
  gboolean ok = FALSE;
  GArray *group_start = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (guint g = 0; g < n_groups; g++) {
    JsonNode *gn = json_array_get_element (manifest, g);
    JsonObject *group = JSON_NODE_HOLDS_OBJECT (gn) ? json_node_get_object (gn) : NULL;
    if (!group) {
      corrupt (error, "weightsManifest[%u] is not an object", g);
      goto out;
    }
    JsonArray *paths = get_array (group, "paths", "weightsManifest", error);
    if (!paths)
      goto out;
    gsize start = all->len;
    g_array_append_val (group_start, start);
    for (guint p = 0; p < json_array_get_length (paths); p++) {
      JsonNode *pn = json_array_get_element (paths, p);
      const char *name = JSON_NODE_HOLDS_VALUE (pn) &&
                         json_node_get_value_type (pn) == G_TYPE_STRING
                             ? json_node_get_string (pn) : NULL;
      if (!name || !plain_name (name)) {
        corrupt (error, "weightsManifest[%u].paths[%u] is not a file name in the model's "
                 "folder", g, p);
        goto out;
      }
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *bytes = NULL;
      gsize len = 0;
      GError *local = NULL;
      if (!g_file_get_contents (path, &bytes, &len, &local)) {
        g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_IO, "weight shard %s: %s", path,
                     local->message);
        g_error_free (local);
        goto out;
      }
      if (len > MAX_SHARD_BYTES - all->len) {
        corrupt (error, "weight shards larger than %zu bytes", (size_t) MAX_SHARD_BYTES);
        goto out;
      }
      g_byte_array_append (all, (const guint8 *) bytes, (guint) len);
    }
  }
  m->n_weights = all->len / sizeof (float);
  m->weights = fv_aligned_alloc0 (MAX (all->len, 4));
  if (!m->weights) {
    corrupt (error, "out of memory for %u bytes of weights", all->len);
    goto out;
  }
  memcpy (m->weights, all->data, all->len);

  /* second pass: each weight's place in its group */
  for (guint g = 0; g < n_groups; g++) {
    JsonObject *group = json_node_get_object (json_array_get_element (manifest, g));
    JsonArray *weights = get_array (group, "weights", "weightsManifest", error);
    if (!weights)
      goto out;
    gsize off = g_array_index (group_start, gsize, g);
    gsize end = g + 1 < n_groups ? g_array_index (group_start, gsize, g + 1) : all->len;
    for (guint w = 0; w < json_array_get_length (weights); w++) {
      JsonNode *wn = json_array_get_element (weights, w);
      JsonObject *wo = JSON_NODE_HOLDS_OBJECT (wn) ? json_node_get_object (wn) : NULL;
      if (!wo) {
        corrupt (error, "weightsManifest[%u].weights[%u] is not an object", g, w);
        goto out;
      }
      const char *name = get_string (wo, "name", "weight", error);
      const char *dtype = name ? get_string (wo, "dtype", name, error) : NULL;
      JsonArray *shape = dtype ? get_array (wo, "shape", name, error) : NULL;
      if (!shape)
        goto out;
      if (member (wo, "quantization")) {
        g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED,
                     "weight '%s' is quantized; only float32 weights are supported", name);
        goto out;
      }
      if (strcmp (dtype, "float32") != 0) {
        g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED,
                     "weight '%s' is %s; only float32 weights are supported", name, dtype);
        goto out;
      }
      guint rank = json_array_get_length (shape);
      if (rank > 4) {
        corrupt (error, "weight '%s' has rank %u (at most 4)", name, rank);
        goto out;
      }
      Weight *wt = g_new0 (Weight, 1);
      wt->rank = (int) rank;
      gint64 numel = 1;
      for (guint d = 0; d < rank; d++) {
        gint64 v;
        if (!node_int (json_array_get_element (shape, d), 1, G_MAXINT32, &v) ||
            (numel *= v) > FV_MAX_TENSOR_ELEMENTS) {
          g_free (wt);
          corrupt (error, "weight '%s': bad shape", name);
          goto out;
        }
        wt->shape[d] = (int) v;
      }
      gsize bytes = (gsize) numel * sizeof (float);
      if (bytes > end - off) {
        g_free (wt);
        corrupt (error, "weight '%s' (%zu bytes at %zu) runs past the end of its shards "
                 "(%zu bytes)", name, (size_t) bytes, (size_t) off, (size_t) end);
        goto out;
      }
      if (off % sizeof (float) != 0) {
        g_free (wt);
        corrupt (error, "weight '%s' is not 4-byte aligned in its shards", name);
        goto out;
      }
      wt->data = m->weights + off / sizeof (float);
      off += bytes;
      g_hash_table_replace (by_name, g_strdup (name), wt);
    }
  }
  ok = TRUE;
out:
  g_array_unref (group_start);
  g_byte_array_unref (all);
  return ok;
}

/* --- layers */

static int
find_layer (const FvTfjsModel *m, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (strcmp (m->layers[i].name, name) == 0)
      return i;
  return -1;
}

static gboolean
parse_activation (const char *s, FvActivation *act, gboolean *linear, gboolean *sigmoid)
{
  *linear = *sigmoid = FALSE;
  *act = FV_ACT_NONE;
  if (strcmp (s, "linear") == 0)
    *linear = TRUE;
  else if (strcmp (s, "relu") == 0)
    *act = FV_ACT_RELU;
  else if (strcmp (s, "relu6") == 0)
    *act = FV_ACT_RELU6;
  else if (strcmp (s, "sigmoid") == 0)
    *sigmoid = TRUE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_conv (FvTfjsModel *m, Layer *l, JsonObject *cfg, GHashTable *weights, GError **error)
{
  int ks[2], st[2] = { 1, 1 }, dil[2] = { 1, 1 };
  gint64 filters;
  if (!node_int (member (cfg, "filters"), 1, 1 << 16, &filters))
    return corrupt (error, "layer '%s': 'filters' must be a positive integer", l->name);
  if (!get_ints (cfg, "kernel_size", 2, 1, 1024, TRUE, ks, l->name, error) ||
      (member (cfg, "strides") &&
       !get_ints (cfg, "strides", 2, 1, 1024, TRUE, st, l->name, error)) ||
      (member (cfg, "dilation_rate") &&
       !get_ints (cfg, "dilation_rate", 2, 1, 1024, TRUE, dil, l->name, error)))
    return FALSE;
  const char *padding = opt_string (cfg, "padding", "valid", l->name, error);
  const char *fmt = padding ? opt_string (cfg, "data_format", "channels_last", l->name, error)
                            : NULL;
  const char *act = fmt ? opt_string (cfg, "activation", "linear", l->name, error) : NULL;
  if (!act)
    return FALSE;
  if (strcmp (fmt, "channels_last") != 0)
    return unsupported (error, l->name, "data_format %s (only channels_last)", fmt);
  if (strcmp (padding, "same") == 0)
    l->padding = FV_PADDING_SAME;
  else if (strcmp (padding, "valid") == 0)
    l->padding = FV_PADDING_VALID;
  else
    return unsupported (error, l->name, "padding %s", padding);
  gboolean linear, sigmoid;
  if (!parse_activation (act, &l->act, &linear, &sigmoid) || sigmoid)
    return unsupported (error, l->name, "activation %s", act);
  if (member (cfg, "groups")) {
    gint64 groups;
    if (!node_int (member (cfg, "groups"), 1, 1, &groups))
      return unsupported (error, l->name, "grouped convolution");
  }
  l->filters = (int) filters;
  l->kh = ks[0], l->kw = ks[1];
  l->stride_h = st[0], l->stride_w = st[1];
  l->dilation_h = dil[0], l->dilation_w = dil[1];

  g_autofree char *kname = g_strdup_printf ("%s/kernel", l->name);
  g_autofree char *bname = g_strdup_printf ("%s/bias", l->name);
  const Weight *k = g_hash_table_lookup (weights, kname);
  if (!k)
    return corrupt (error, "layer '%s': no weight '%s' in the manifest", l->name, kname);
  if (k->rank != 4 || k->shape[0] != l->kh || k->shape[1] != l->kw ||
      k->shape[3] != l->filters)
    return corrupt (error, "layer '%s': kernel shape does not match %dx%d, %d filters",
                    l->name, l->kh, l->kw, l->filters);
  l->cin = k->shape[2];
  l->kernel = k->data;
  JsonNode *use_bias = member (cfg, "use_bias");
  gboolean want_bias = !use_bias || (JSON_NODE_HOLDS_VALUE (use_bias) &&
                                     json_node_get_value_type (use_bias) == G_TYPE_BOOLEAN &&
                                     json_node_get_boolean (use_bias));
  if (want_bias) {
    const Weight *b = g_hash_table_lookup (weights, bname);
    if (!b)
      return corrupt (error, "layer '%s': no weight '%s' in the manifest", l->name, bname);
    if (b->rank != 1 || b->shape[0] != l->filters)
      return corrupt (error, "layer '%s': bias must have %d values", l->name, l->filters);
    l->bias = b->data;
  }
  (void) m;
  return TRUE;
}

static gboolean
parse_layer (FvTfjsModel *m, int index, JsonObject *lo, GHashTable *weights, GError **error)
{
  Layer *l = &m->layers[index];
  const char *cls = get_string (lo, "class_name", "layer", error);
  JsonObject *cfg = cls ? get_object (lo, "config", cls, error) : NULL;
  if (!cfg)
    return FALSE;
  const char *name = member (lo, "name") ? get_string (lo, "name", cls, error)
                                         : get_string (cfg, "name", cls, error);
  if (!name)
    return FALSE;
  l->name = g_strdup (name);
  if (find_layer (m, index, name) >= 0)
    return corrupt (error, "two layers are named '%s'", name);

  /* inbound_nodes: [[ [layer, node, tensor, kwargs], ... ]] — one call per layer */
  JsonArray *nodes = get_array (lo, "inbound_nodes", name, error);
  if (!nodes)
    return FALSE;
  guint n_nodes = json_array_get_length (nodes);
  if (n_nodes > 1)
    return unsupported (error, name, "a layer called more than once (shared layers)");
  if (n_nodes == 1) {
    JsonNode *nn = json_array_get_element (nodes, 0);
    if (!JSON_NODE_HOLDS_ARRAY (nn))
      return corrupt (error, "layer '%s': inbound node is not an array", name);
    JsonArray *ins = json_node_get_array (nn);
    guint n_in = json_array_get_length (ins);
    if (n_in > MAX_INBOUND)
      return corrupt (error, "layer '%s' has %u inputs", name, n_in);
    l->in = g_new0 (int, MAX (n_in, 1));
    for (guint i = 0; i < n_in; i++) {
      JsonNode *e = json_array_get_element (ins, i);
      JsonArray *ea = JSON_NODE_HOLDS_ARRAY (e) ? json_node_get_array (e) : NULL;
      JsonNode *src = ea && json_array_get_length (ea) >= 3 ? json_array_get_element (ea, 0)
                                                             : NULL;
      gint64 node_index, tensor_index;
      if (!src || !JSON_NODE_HOLDS_VALUE (src) ||
          json_node_get_value_type (src) != G_TYPE_STRING ||
          !node_int (json_array_get_element (ea, 1), 0, G_MAXINT32, &node_index) ||
          !node_int (json_array_get_element (ea, 2), 0, G_MAXINT32, &tensor_index))
        return corrupt (error, "layer '%s': inbound entry %u is not [name, node, tensor, ...]",
                        name, i);
      if (node_index != 0 || tensor_index != 0)
        return unsupported (error, name, "input from a shared layer or a multi-output layer");
      int src_layer = find_layer (m, index, json_node_get_string (src));
      if (src_layer < 0)
        return corrupt (error, "layer '%s' reads '%s', which is not an earlier layer", name,
                        json_node_get_string (src));
      l->in[l->n_in++] = src_layer;
      m->layers[src_layer].n_readers++;
    }
  }

  int want_in = -1;  /* exact input count, -1: two or more */
  if (strcmp (cls, "InputLayer") == 0) {
    l->kind = LAYER_INPUT;
    want_in = 0;
    JsonArray *shape = get_array (cfg, "batch_input_shape", name, error);
    if (!shape)
      return FALSE;
    if (json_array_get_length (shape) != 4)
      return unsupported (error, name, "an input of rank %u (only NHWC images)",
                          json_array_get_length (shape));
    int dims[3];
    for (int d = 0; d < 3; d++) {
      JsonNode *dn = json_array_get_element (shape, (guint) d + 1);
      gint64 v;
      if (JSON_NODE_HOLDS_NULL (dn))
        dims[d] = 0;
      else if (node_int (dn, 1, G_MAXINT32, &v))
        dims[d] = (int) v;
      else
        return corrupt (error, "layer '%s': bad batch_input_shape", name);
    }
    if (dims[2] == 0)
      return unsupported (error, name, "an input with an open channel count");
    const char *dtype = opt_string (cfg, "dtype", "float32", name, error);
    if (!dtype)
      return FALSE;
    if (strcmp (dtype, "float32") != 0)
      return unsupported (error, name, "input dtype %s", dtype);
    l->fixed_h = dims[0], l->fixed_w = dims[1], l->channels = dims[2];
  } else if (strcmp (cls, "Conv2D") == 0) {
    l->kind = LAYER_CONV;
    want_in = 1;
    if (!parse_conv (m, l, cfg, weights, error))
      return FALSE;
  } else if (strcmp (cls, "Activation") == 0 || strcmp (cls, "ReLU") == 0) {
    l->kind = LAYER_ACTIVATION;
    want_in = 1;
    const char *act = strcmp (cls, "ReLU") == 0 ? "relu"
                                                : get_string (cfg, "activation", name, error);
    if (!act)
      return FALSE;
    if (strcmp (cls, "ReLU") == 0 && (member (cfg, "max_value") || member (cfg, "threshold")))
      return unsupported (error, name, "ReLU with max_value or threshold");
    if (!parse_activation (act, &l->act, &l->linear, &l->sigmoid))
      return unsupported (error, name, "activation %s", act);
  } else if (strcmp (cls, "Concatenate") == 0) {
    l->kind = LAYER_CONCAT;
    gint64 axis = -1;
    if (member (cfg, "axis") && !node_int (member (cfg, "axis"), -4, 3, &axis))
      return corrupt (error, "layer '%s': bad axis", name);
    if (axis != -1 && axis != 3)
      return unsupported (error, name, "concatenation along axis %" G_GINT64_FORMAT
                          " (only channels)", axis);
  } else if (strcmp (cls, "Add") == 0) {
    l->kind = LAYER_ADD;
  } else if (strcmp (cls, "UpSampling2D") == 0) {
    l->kind = LAYER_UPSAMPLE;
    want_in = 1;
    int size[2] = { 2, 2 };
    if (member (cfg, "size") && !get_ints (cfg, "size", 2, 1, 64, TRUE, size, name, error))
      return FALSE;
    const char *fmt = opt_string (cfg, "data_format", "channels_last", name, error);
    const char *interp = fmt ? opt_string (cfg, "interpolation", "nearest", name, error) : NULL;
    if (!interp)
      return FALSE;
    if (strcmp (fmt, "channels_last") != 0)
      return unsupported (error, name, "data_format %s (only channels_last)", fmt);
    if (strcmp (interp, "nearest") == 0)
      l->bilinear = FALSE;
    else if (strcmp (interp, "bilinear") == 0)
      l->bilinear = TRUE;
    else
      return unsupported (error, name, "interpolation %s", interp);
    l->up_h = size[0], l->up_w = size[1];
  } else {
    return unsupported (error, name, "layer class %s is not supported", cls);
  }
  if (want_in >= 0 && l->n_in != want_in)
    return corrupt (error, "layer '%s' (%s) has %d inputs, expected %d", name, cls, l->n_in,
                    want_in);
  if (want_in < 0 && l->n_in < 2)
    return corrupt (error, "layer '%s' (%s) has %d inputs, expected at least 2", name, cls,
                    l->n_in);
  return TRUE;
}

/* input_layers / output_layers: [[name, 0, 0], ...] -> layer indices */
static gboolean
parse_endpoints (FvTfjsModel *m, JsonObject *cfg, const char *key, int **out, int *n_out,
                 GError **error)
{
  JsonArray *a = get_array (cfg, key, "model config", error);
  if (!a)
    return FALSE;
  guint n = json_array_get_length (a);
  if (n == 0 || n > MAX_INBOUND)
    return corrupt (error, "model config: '%s' has %u entries", key, n);
  *out = g_new0 (int, n);
  *n_out = 0;
  for (guint i = 0; i < n; i++) {
    JsonNode *e = json_array_get_element (a, i);
    JsonArray *ea = JSON_NODE_HOLDS_ARRAY (e) ? json_node_get_array (e) : NULL;
    JsonNode *nn = ea && json_array_get_length (ea) >= 1 ? json_array_get_element (ea, 0) : NULL;
    if (!nn || !JSON_NODE_HOLDS_VALUE (nn) || json_node_get_value_type (nn) != G_TYPE_STRING)
      return corrupt (error, "model config: '%s'[%u] is not [name, node, tensor]", key, i);
    int l = find_layer (m, m->n_layers, json_node_get_string (nn));
    if (l < 0)
      return corrupt (error, "model config: '%s' names the unknown layer '%s'", key,
                      json_node_get_string (nn));
    (*out)[(*n_out)++] = l;
  }
  return TRUE;
}

void
fv_tfjs_model_free (FvTfjsModel *m)
{
  if (!m)
    return;
  for (int i = 0; i < m->n_layers; i++) {
    g_free (m->layers[i].name);
    g_free (m->layers[i].in);
  }
  g_free (m->layers);
  g_free (m->outputs);
  g_free (m->name);
  fv_aligned_free (m->weights);
  g_free (m);
}

static gboolean
parse_model (FvTfjsModel *m, JsonObject *root, const char *dir, GError **error)
{
  const char *format = opt_string (root, "format", "layers-model", "model.json", error);
  if (!format)
    return FALSE;
  if (strcmp (format, "layers-model") != 0) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED,
                 "TF.js format '%s' is not supported (only layers-model)", format);
    return FALSE;
  }
  JsonObject *topo = get_object (root, "modelTopology", "model.json", error);
  if (!topo)
    return FALSE;
  /* Keras >= 2.x nests the model under model_config; older converters do not */
  JsonObject *mc = member (topo, "model_config") ? get_object (topo, "model_config",
                                                              "modelTopology", error)
                                                 : topo;
  const char *cls = mc ? get_string (mc, "class_name", "model_config", error) : NULL;
  JsonObject *cfg = cls ? get_object (mc, "config", "model_config", error) : NULL;
  if (!cfg)
    return FALSE;
  if (strcmp (cls, "Functional") != 0 && strcmp (cls, "Model") != 0) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED,
                 "TF.js model class '%s' is not supported (only Functional models)", cls);
    return FALSE;
  }
  const char *name = opt_string (cfg, "name", "", "model config", error);
  if (!name)
    return FALSE;
  m->name = g_strdup (name);

  JsonArray *manifest = get_array (root, "weightsManifest", "model.json", error);
  if (!manifest)
    return FALSE;
  g_autoptr (GHashTable) weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          weight_free);
  if (!read_weights (m, manifest, dir, weights, error))
    return FALSE;

  JsonArray *layers = get_array (cfg, "layers", "model config", error);
  if (!layers)
    return FALSE;
  guint n = json_array_get_length (layers);
  if (n == 0 || n > MAX_LAYERS)
    return corrupt (error, "model config has %u layers", n);
  m->layers = g_new0 (Layer, n);
  for (guint i = 0; i < n; i++) {
    JsonNode *ln = json_array_get_element (layers, i);
    if (!JSON_NODE_HOLDS_OBJECT (ln))
      return corrupt (error, "layers[%u] is not an object", i);
    m->n_layers = (int) i + 1;  /* so the free path sees this layer's name */
    if (!parse_layer (m, (int) i, json_node_get_object (ln), weights, error))
      return FALSE;
  }
  int *inputs = NULL, n_inputs = 0;
  gboolean ok = parse_endpoints (m, cfg, "input_layers", &inputs, &n_inputs, error);
  if (ok && (n_inputs != 1 || m->layers[inputs[0]].kind != LAYER_INPUT)) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_UNSUPPORTED,
                 "the model must have one InputLayer input (it has %d inputs)", n_inputs);
    ok = FALSE;
  }
  if (ok)
    m->input = inputs[0];
  g_free (inputs);
  if (!ok || !parse_endpoints (m, cfg, "output_layers", &m->outputs, &m->n_outputs, error))
    return FALSE;
  for (int i = 0; i < m->n_outputs; i++)
    m->layers[m->outputs[i]].n_readers++;
  for (int i = 0; i < m->n_layers; i++)
    if (m->layers[i].kind == LAYER_INPUT && i != m->input)
      return unsupported (error, m->layers[i].name, "a second InputLayer");
  return TRUE;
}

FvTfjsModel *
fv_tfjs_model_load (const char *model_json, GError **error)
{
  g_return_val_if_fail (model_json != NULL, NULL);
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  GError *local = NULL;
  if (!json_parser_load_from_mapped_file (parser, model_json, &local)) {
    gboolean io = local->domain == G_FILE_ERROR;
    g_set_error (error, FV_MODEL_ERROR, io ? FV_MODEL_ERROR_IO : FV_MODEL_ERROR_CORRUPT,
                 "%s: %s", model_json, local->message);
    g_error_free (local);
    return NULL;
  }
  JsonNode *root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_CORRUPT,
                 "%s: the top level is not a JSON object", model_json);
    return NULL;
  }
  FvTfjsModel *m = g_new0 (FvTfjsModel, 1);
  g_autofree char *dir = g_path_get_dirname (model_json);
  if (!parse_model (m, json_node_get_object (root), dir, &local)) {
    g_propagate_prefixed_error (error, local, "%s: ", model_json);
    fv_tfjs_model_free (m);
    return NULL;
  }
  return m;
}

void
fv_tfjs_model_input_size (const FvTfjsModel *model, int *height, int *width)
{
  *height = model->layers[model->input].fixed_h;
  *width = model->layers[model->input].fixed_w;
}

int
fv_tfjs_model_input_channels (const FvTfjsModel *model)
{
  return model->layers[model->input].channels;
}

/* --- instantiation */

typedef struct {
  int64_t h, w, c;
} Shape3;

/* Output shape of every layer for an @h x @w input; FALSE with an error naming the layer
 * when the shapes do not fit together. */
static gboolean
infer_shapes (const FvTfjsModel *m, int64_t h, int64_t w, Shape3 *s, GError **error)
{
  for (int i = 0; i < m->n_layers; i++) {
    const Layer *l = &m->layers[i];
    const Shape3 *a = l->n_in > 0 ? &s[l->in[0]] : NULL;
    switch (l->kind) {
    case LAYER_INPUT:
      s[i] = (Shape3) { h, w, l->channels };
      break;
    case LAYER_CONV: {
      if (a->c != l->cin) {
        g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_SHAPE,
                     "layer '%s': kernel for %d channels, input has %" G_GINT64_FORMAT,
                     l->name, l->cin, a->c);
        return FALSE;
      }
      int64_t keh = (int64_t) (l->kh - 1) * l->dilation_h + 1;
      int64_t kew = (int64_t) (l->kw - 1) * l->dilation_w + 1;
      int64_t oh, ow;
      if (l->padding == FV_PADDING_SAME) {
        oh = (a->h + l->stride_h - 1) / l->stride_h;
        ow = (a->w + l->stride_w - 1) / l->stride_w;
      } else {
        oh = a->h >= keh ? (a->h - keh) / l->stride_h + 1 : 0;
        ow = a->w >= kew ? (a->w - kew) / l->stride_w + 1 : 0;
      }
      if (oh < 1 || ow < 1) {
        g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_SHAPE,
                     "layer '%s': a %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " input is "
                     "smaller than its %dx%d kernel", l->name, a->h, a->w, l->kh, l->kw);
        return FALSE;
      }
      s[i] = (Shape3) { oh, ow, l->filters };
      break;
    }
    case LAYER_ACTIVATION:
      s[i] = *a;
      break;
    case LAYER_CONCAT:
    case LAYER_ADD:
      s[i] = *a;
      if (l->kind == LAYER_CONCAT)
        s[i].c = 0;
      for (int k = 0; k < l->n_in; k++) {
        const Shape3 *b = &s[l->in[k]];
        if (b->h != a->h || b->w != a->w || (l->kind == LAYER_ADD && b->c != a->c)) {
          g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_SHAPE,
                       "layer '%s': input %d is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                       "x%" G_GINT64_FORMAT ", input 0 is %" G_GINT64_FORMAT "x%"
                       G_GINT64_FORMAT "x%" G_GINT64_FORMAT, l->name, k, b->h, b->w, b->c,
                       a->h, a->w, a->c);
          return FALSE;
        }
        if (l->kind == LAYER_CONCAT)
          s[i].c += b->c;
      }
      break;
    case LAYER_UPSAMPLE:
      s[i] = (Shape3) { a->h * l->up_h, a->w * l->up_w, a->c };
      break;
    }
    if (s[i].h > G_MAXINT32 || s[i].w > G_MAXINT32 || s[i].c > G_MAXINT32 ||
        s[i].h * s[i].w > FV_MAX_TENSOR_ELEMENTS ||
        s[i].h * s[i].w * s[i].c > FV_MAX_TENSOR_ELEMENTS) {
      g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_SHAPE,
                   "layer '%s': its %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%"
                   G_GINT64_FORMAT " output is too large (at most %" G_GINT64_FORMAT
                   " elements)", l->name, s[i].h, s[i].w, s[i].c,
                   (gint64) FV_MAX_TENSOR_ELEMENTS);
      return FALSE;
    }
  }
  return TRUE;
}

int
fv_tfjs_model_scale (const FvTfjsModel *model)
{
  g_autofree Shape3 *s = g_new0 (Shape3, model->n_layers);
  if (!infer_shapes (model, 64, 64, s, NULL))
    return 0;
  return (int) (s[model->outputs[0]].h / 64);
}

typedef struct {
  GArray *tensors;  /* FvTensor */
  GArray *ops;      /* FvOp */
} Builder;

static int
add_tensor (Builder *b, const char *name, int rank, const int64_t *shape, FvDType dtype)
{
  FvTensor t = { 0 };
  t.name = g_strdup (name);
  t.dtype = dtype;
  t.rank = rank;
  for (int d = 0; d < rank; d++)
    t.shape[d] = (int32_t) shape[d];
  g_array_append_val (b->tensors, t);
  return (int) b->tensors->len - 1;
}

/* A constant tensor whose data the caller fills (zeroed, aligned). */
static int
add_const (Builder *b, const char *name, int rank, const int64_t *shape, FvDType dtype,
           void **data)
{
  int t = add_tensor (b, name, rank, shape, dtype);
  FvTensor *ft = &g_array_index (b->tensors, FvTensor, t);
  ft->is_const = TRUE;
  ft->data_bytes = fv_tensor_nbytes (ft);
  ft->data = fv_aligned_alloc0 (ft->data_bytes);
  *data = ft->data;
  return t;
}

static FvOp *
add_op (Builder *b, FvOpType type, int n_in, const int *in, int out)
{
  FvOp op = { 0 };
  op.type = type;
  op.version = 1;
  op.n_inputs = n_in;
  op.inputs = g_memdup2 (in, sizeof (int) * (gsize) n_in);
  op.n_outputs = 1;
  op.outputs = g_new (int, 1);
  op.outputs[0] = out;
  g_array_append_val (b->ops, op);
  return &g_array_index (b->ops, FvOp, b->ops->len - 1);
}

FvModel *
fv_tfjs_model_instantiate (const FvTfjsModel *m, int height, int width, GError **error)
{
  g_return_val_if_fail (m != NULL, NULL);
  const Layer *input = &m->layers[m->input];
  if (height < 1 || width < 1) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT,
                 "input size %dx%d must be positive", width, height);
    return NULL;
  }
  if ((input->fixed_h && input->fixed_h != height) ||
      (input->fixed_w && input->fixed_w != width)) {
    g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_SHAPE,
                 "the model's input is fixed at %dx%d, not %dx%d", input->fixed_w,
                 input->fixed_h, width, height);
    return NULL;
  }
  g_autofree Shape3 *s = g_new0 (Shape3, m->n_layers);
  if (!infer_shapes (m, height, width, s, error))
    return NULL;

  Builder b = { g_array_new (FALSE, TRUE, sizeof (FvTensor)), g_array_new (FALSE, TRUE,
                                                                          sizeof (FvOp)) };
  g_autofree int *tensor_of = g_new (int, m->n_layers);  /* layer -> its output tensor */
  g_autofree int *op_of = g_new (int, m->n_layers);      /* layer -> op index, or -1 */
  for (int i = 0; i < m->n_layers; i++) {
    const Layer *l = &m->layers[i];
    int64_t shape[4] = { 1, s[i].h, s[i].w, s[i].c };
    op_of[i] = -1;
    switch (l->kind) {
    case LAYER_INPUT:
      tensor_of[i] = add_tensor (&b, l->name, 4, shape, FV_DTYPE_FLOAT32);
      break;
    case LAYER_CONV: {
      int64_t kshape[4] = { l->filters, l->kh, l->kw, l->cin };
      g_autofree char *kname = g_strdup_printf ("%s/kernel", l->name);
      float *k;
      int in[3] = { tensor_of[l->in[0]], 0, -1 };
      in[1] = add_const (&b, kname, 4, kshape, FV_DTYPE_FLOAT32, (void **) &k);
      /* Keras HWIO -> OHWI */
      for (int y = 0; y < l->kh; y++)
        for (int x = 0; x < l->kw; x++)
          for (int c = 0; c < l->cin; c++)
            for (int o = 0; o < l->filters; o++)
              k[(((gsize) o * l->kh + y) * l->kw + x) * l->cin + c] =
                l->kernel[(((gsize) y * l->kw + x) * l->cin + c) * l->filters + o];
      int n_in = 2;
      if (l->bias) {
        int64_t bshape[1] = { l->filters };
        g_autofree char *bname = g_strdup_printf ("%s/bias", l->name);
        float *bias;
        in[2] = add_const (&b, bname, 1, bshape, FV_DTYPE_FLOAT32, (void **) &bias);
        memcpy (bias, l->bias, sizeof (float) * (gsize) l->filters);
        n_in = 3;
      }
      tensor_of[i] = add_tensor (&b, l->name, 4, shape, FV_DTYPE_FLOAT32);
      FvOp *op = add_op (&b, FV_OP_CONV_2D, n_in, in, tensor_of[i]);
      op->options.conv = (FvConvOptions) {
        .padding = l->padding, .stride_w = l->stride_w, .stride_h = l->stride_h,
        .dilation_w = l->dilation_w, .dilation_h = l->dilation_h, .depth_multiplier = 1,
        .activation = l->act,
      };
      op_of[i] = (int) b.ops->len - 1;
      break;
    }
    case LAYER_ACTIVATION: {
      int src = l->in[0];
      if (l->linear) {
        tensor_of[i] = tensor_of[src];
        break;
      }
      /* the only reader of a plain convolution: fold the activation into it */
      const Layer *sl = &m->layers[src];
      if (!l->sigmoid && sl->kind == LAYER_CONV && op_of[src] >= 0 && sl->n_readers == 1) {
        FvOp *op = &g_array_index (b.ops, FvOp, op_of[src]);
        if (op->options.conv.activation == FV_ACT_NONE) {
          op->options.conv.activation = l->act;
          tensor_of[i] = tensor_of[src];
          break;
        }
      }
      tensor_of[i] = add_tensor (&b, l->name, 4, shape, FV_DTYPE_FLOAT32);
      int in[1] = { tensor_of[src] };
      add_op (&b, l->sigmoid ? FV_OP_LOGISTIC : l->act == FV_ACT_RELU6 ? FV_OP_RELU6
                                                                      : FV_OP_RELU,
              1, in, tensor_of[i]);
      break;
    }
    case LAYER_CONCAT: {
      g_autofree int *in = g_new (int, l->n_in);
      for (int k = 0; k < l->n_in; k++)
        in[k] = tensor_of[l->in[k]];
      tensor_of[i] = add_tensor (&b, l->name, 4, shape, FV_DTYPE_FLOAT32);
      FvOp *op = add_op (&b, FV_OP_CONCATENATION, l->n_in, in, tensor_of[i]);
      op->options.concat = (FvConcatOptions) { .axis = 3, .activation = FV_ACT_NONE };
      break;
    }
    case LAYER_ADD: {
      /* a chain of binary adds, left to right like Keras' Add */
      int acc = tensor_of[l->in[0]];
      for (int k = 1; k < l->n_in; k++) {
        g_autofree char *tname = k + 1 == l->n_in ? g_strdup (l->name)
                                                  : g_strdup_printf ("%s/%d", l->name, k);
        int out = add_tensor (&b, tname, 4, shape, FV_DTYPE_FLOAT32);
        int in[2] = { acc, tensor_of[l->in[k]] };
        FvOp *op = add_op (&b, FV_OP_ADD, 2, in, out);
        op->options.elementwise.activation = FV_ACT_NONE;
        acc = out;
      }
      tensor_of[i] = acc;
      break;
    }
    case LAYER_UPSAMPLE: {
      int64_t sshape[1] = { 2 };
      g_autofree char *sname = g_strdup_printf ("%s/size", l->name);
      int32_t *size;
      int in[2] = { tensor_of[l->in[0]], 0 };
      in[1] = add_const (&b, sname, 1, sshape, FV_DTYPE_INT32, (void **) &size);
      size[0] = (int32_t) s[i].h;
      size[1] = (int32_t) s[i].w;
      tensor_of[i] = add_tensor (&b, l->name, 4, shape, FV_DTYPE_FLOAT32);
      /* Keras: nearest is TF's resize without half-pixel centres; bilinear uses them */
      FvOp *op = add_op (&b, l->bilinear ? FV_OP_RESIZE_BILINEAR : FV_OP_RESIZE_NEAREST_NEIGHBOR,
                         2, in, tensor_of[i]);
      op->options.resize = (FvResizeOptions) { .align_corners = FALSE,
                                               .half_pixel_centers = l->bilinear };
      break;
    }
    }
  }

  FvModel *model = g_new0 (FvModel, 1);
  model->description = g_strdup_printf ("TF.js layers model %s", m->name);
  model->n_tensors = (int) b.tensors->len;
  model->tensors = (FvTensor *) g_array_free (b.tensors, FALSE);
  model->n_ops = (int) b.ops->len;
  model->ops = (FvOp *) g_array_free (b.ops, FALSE);
  model->n_inputs = 1;
  model->inputs = g_new (int, 1);
  model->inputs[0] = tensor_of[m->input];
  model->n_outputs = m->n_outputs;
  model->outputs = g_new (int, m->n_outputs);
  for (int i = 0; i < m->n_outputs; i++)
    model->outputs[i] = tensor_of[m->outputs[i]];
  for (int t = 0; t < model->n_tensors; t++)
    if (model->tensors[t].is_const && !model->tensors[t].data) {
      g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT, "out of memory");
      fv_model_free (model);
      return NULL;
    }
  if (!fv_model_validate (model, error)) {
    fv_model_free (model);
    return NULL;
  }
  return model;
}
