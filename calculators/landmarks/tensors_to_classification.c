/* fovea — TensorsToClassificationCalculator: a classifier's scores as a list of classes
 * with labels (MediaPipe's calculators/tensor/tensors_to_classification_calculator); the
 * hand landmark model's handedness ("Left" / "Right") goes through it.
 *
 * Inputs:  TENSORS ("tensors"; exactly one tensor: one score per class)
 * Outputs: CLASSIFICATIONS ("classifications")
 * Options (TensorsToClassificationCalculatorOptions):
 *   activation (NONE | SIGMOID | SOFTMAX; NONE): applied to the raw scores first;
 *   binary_classification (false): the tensor holds one score s; the output is class 0
 *     with s and class 1 with 1 - s;
 *   label_map { entries { id label } } (repeated): the labels; when given, it must name
 *     every class (two for binary_classification) and no id twice;
 *   min_score_threshold: classes scoring below it are dropped (not in binary mode);
 *   allow_classes / ignore_classes (repeated int, one of the two; not in binary mode);
 *   top_k (0 = all): keep the k best, best first; sort_by_descending_score (false): sort
 *     all of them when top_k is 0.
 * MediaPipe reads the labels from a file (label_map_path); fovea graphs carry no files
 * besides models, so the labels are written inline (MediaPipe's label_map option); a
 * label_map_path is refused with a clear error. A timestamp without tensors produces
 * nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph/calculator.h"
#include "graph/classification.h"
#include "graph/tensor_list.h"

typedef enum { ACTIVATION_NONE, ACTIVATION_SIGMOID, ACTIVATION_SOFTMAX } Activation;

typedef struct {
  Activation activation;
  gboolean binary, sort, has_min_score;
  double min_score;
  int top_k;
  GHashTable *labels;   /* id (int) -> label (char*), NULL without a label map */
  GArray *allow, *ignore;   /* int; NULL when not given */
  int in, out;
} ClassificationState;

static void
state_clear (ClassificationState *st)
{
  g_clear_pointer (&st->labels, g_hash_table_unref);
  g_clear_pointer (&st->allow, g_array_unref);
  g_clear_pointer (&st->ignore, g_array_unref);
}

static GArray *
read_ints (const FvTpMessage *opts, const char *field, GError **error)
{
  guint n = fv_tp_count (opts, field);
  if (n == 0)
    return NULL;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < n; i++)
    {
      const FvTpField *f = fv_tp_get_nth (opts, field, i);
      if (f->kind != FV_TP_INT || f->i < 0 || f->i > G_MAXINT)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                       "%s (line %d) must be a class index (an integer >= 0)", field, f->line);
          g_array_unref (out);
          return NULL;
        }
      int v = (int) f->i;
      g_array_append_val (out, v);
    }
  return out;
}

/* Reads and checks the options into @st (cleared first); shared by contract() and open(). */
static gboolean
load_options (const FvTpMessage *opts, ClassificationState *st, GError **error)
{
  state_clear (st);
  GError *local = NULL;
  const char *act = fv_tp_get_string (opts, "activation", "NONE", &local);
  if (local == NULL)
    st->binary = fv_tp_get_bool (opts, "binary_classification", FALSE, &local);
  if (local == NULL)
    st->sort = fv_tp_get_bool (opts, "sort_by_descending_score", FALSE, &local);
  gint64 top_k = 0;
  if (local == NULL)
    top_k = fv_tp_get_int (opts, "top_k", 0, &local);
  st->has_min_score = fv_tp_get (opts, "min_score_threshold") != NULL;
  if (local == NULL)
    st->min_score = fv_tp_get_double (opts, "min_score_threshold", 0, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (strcmp (act, "NONE") == 0)
    st->activation = ACTIVATION_NONE;
  else if (strcmp (act, "SIGMOID") == 0)
    st->activation = ACTIVATION_SIGMOID;
  else if (strcmp (act, "SOFTMAX") == 0)
    st->activation = ACTIVATION_SOFTMAX;
  else
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "activation: unknown value '%s' (NONE, SIGMOID or SOFTMAX)", act);
      return FALSE;
    }
  if (top_k < 0 || top_k > G_MAXINT)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "top_k must be >= 0, not %" G_GINT64_FORMAT, top_k);
      return FALSE;
    }
  st->top_k = (int) top_k;
  if (fv_tp_get (opts, "label_map_path") != NULL || fv_tp_get (opts, "label_items") != NULL)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "label_map_path and label_items are not supported: write the labels as "
                   "label_map { entries { id: 0 label: \"...\" } ... }");
      return FALSE;
    }
  if (!(st->allow = read_ints (opts, "allow_classes", &local)) && local == NULL)
    st->ignore = read_ints (opts, "ignore_classes", &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (st->allow != NULL && fv_tp_count (opts, "ignore_classes") > 0)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "give allow_classes or ignore_classes, not both");
      return FALSE;
    }
  if (st->binary && (st->allow != NULL || st->ignore != NULL))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                   "binary_classification takes no allow_classes or ignore_classes");
      return FALSE;
    }
  const FvTpMessage *map = fv_tp_get_message (opts, "label_map");
  if (map != NULL)
    {
      st->labels = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
      for (guint i = 0; i < fv_tp_count (map, "entries"); i++)
        {
          const FvTpField *f = fv_tp_get_nth (map, "entries", i);
          gint64 id = -1;
          const char *label = NULL;
          if (f->kind == FV_TP_MESSAGE)
            {
              id = fv_tp_get_int (f->msg, "id", -1, &local);
              if (local == NULL)
                label = fv_tp_get_string (f->msg, "label", NULL, &local);
            }
          if (local != NULL)
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          if (id < 0 || id > G_MAXINT || label == NULL)
            {
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                           "label_map entries (line %d) need an id >= 0 and a label", f->line);
              return FALSE;
            }
          if (g_hash_table_contains (st->labels, GINT_TO_POINTER ((int) id)))
            {
              g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_INVALID,
                           "label_map: duplicate id %" G_GINT64_FORMAT, id);
              return FALSE;
            }
          g_hash_table_insert (st->labels, GINT_TO_POINTER ((int) id), g_strdup (label));
        }
    }
  return TRUE;
}

static gboolean
t2c_contract (FvContract *cc, GError **error)
{
  ClassificationState st = { 0 };
  gboolean ok = load_options (fv_contract_options (cc), &st, error);
  state_clear (&st);
  if (!ok
      || !fv_contract_set_tag_type (cc, FV_PORT_INPUT, "TENSORS",
                                    fv_type_name (fv_type_tensors ()), FALSE, error)
      || !fv_contract_set_tag_type (cc, FV_PORT_OUTPUT, "CLASSIFICATIONS",
                                    fv_type_name (fv_type_classifications ()), FALSE, error))
    return FALSE;
  fv_contract_set_timestamp_offset (cc, 0);
  return TRUE;
}

static gboolean
t2c_open (FvCalculatorContext *ctx, GError **error)
{
  ClassificationState *st = fv_context_state (ctx);
  st->in = fv_context_port (ctx, FV_PORT_INPUT, "TENSORS", 0);
  st->out = fv_context_port (ctx, FV_PORT_OUTPUT, "CLASSIFICATIONS", 0);
  return load_options (fv_context_options (ctx), st, error);
}

static gboolean
class_allowed (const ClassificationState *st, int index)
{
  const GArray *set = st->allow != NULL ? st->allow : st->ignore;
  if (set == NULL)
    return TRUE;
  gboolean member = FALSE;
  for (guint i = 0; i < set->len && !member; i++)
    member = g_array_index (set, int, i) == index;
  return st->allow != NULL ? member : !member;
}

/* Best first; equal scores keep their class order (a stable sort). */
static int
by_score (const void *a, const void *b)
{
  const FvClassification *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->index - y->index;
}

static FvProcessStatus
t2c_process (FvCalculatorContext *ctx, GError **error)
{
  ClassificationState *st = fv_context_state (ctx);
  const FvTensorList *list = fv_packet_get_tensors (fv_context_input (ctx, (guint) st->in));
  if (list == NULL)
    return FV_PROCESS_OK;
  if (list->n != 1)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "TENSORS must hold exactly one tensor, not %d", list->n);
      return FV_PROCESS_ERROR;
    }
  const FvTensorBuffer *t = &list->tensors[0];
  if (t->n < 1 || t->n > G_MAXINT || (st->binary && t->n != 1))
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   st->binary ? "binary_classification needs a tensor of one score, not %"
                                G_GSIZE_FORMAT
                              : "the tensor holds %" G_GSIZE_FORMAT " scores", t->n);
      return FV_PROCESS_ERROR;
    }
  int n_classes = st->binary ? 2 : (int) t->n;
  if (st->labels != NULL && (int) g_hash_table_size (st->labels) != n_classes)
    {
      g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                   "the label map has %u labels for %d classes",
                   g_hash_table_size (st->labels), n_classes);
      return FV_PROCESS_ERROR;
    }
  float *scores = g_new (float, t->n);
  double max = -INFINITY, sum = 0;
  for (gsize i = 0; i < t->n; i++)
    max = fmax (max, t->data[i]);
  for (gsize i = 0; i < t->n; i++)
    {
      float v = t->data[i];
      if (st->activation == ACTIVATION_SIGMOID)
        v = 1.0f / (1.0f + expf (-v));
      else if (st->activation == ACTIVATION_SOFTMAX)
        v = expf ((float) (v - max)), sum += v;
      scores[i] = v;
    }
  if (st->activation == ACTIVATION_SOFTMAX)
    for (gsize i = 0; i < t->n; i++)
      scores[i] = (float) (scores[i] / sum);

  g_autoptr (FvClassifications) out = fv_classifications_new (n_classes);
  int n = 0;
  if (st->binary)
    {
      out->items[0] = (FvClassification) { .index = 0, .score = scores[0] };
      out->items[1] = (FvClassification) { .index = 1, .score = 1.0f - scores[0] };
      n = 2;
    }
  else
    for (int i = 0; i < n_classes; i++)
      {
        if (!class_allowed (st, i) || (st->has_min_score && scores[i] < st->min_score))
          continue;
        out->items[n++] = (FvClassification) { .index = i, .score = scores[i] };
      }
  g_free (scores);
  out->n = n;
  for (int i = 0; i < n && st->labels != NULL; i++)
    {
      const char *label = g_hash_table_lookup (st->labels, GINT_TO_POINTER (out->items[i].index));
      if (label == NULL)
        {
          g_set_error (error, FV_GRAPH_ERROR, FV_GRAPH_ERROR_CALCULATOR,
                       "the label map has no label for class %d", out->items[i].index);
          return FV_PROCESS_ERROR;
        }
      fv_classification_set_label (&out->items[i], label);
    }
  if (st->top_k > 0 || st->sort)
    qsort (out->items, (gsize) n, sizeof (FvClassification), by_score);
  if (st->top_k > 0)
    for (; out->n > st->top_k; out->n--)
      g_clear_pointer (&out->items[out->n - 1].label, g_free);
  fv_context_output (ctx, (guint) st->out, fv_packet_new_classifications (g_steal_pointer (&out)));
  return FV_PROCESS_OK;
}

static void
t2c_destroy_state (gpointer state)
{
  state_clear (state);
}

static const FvCalculatorClass tensors_to_classification_calculator = {
  .name = "TensorsToClassificationCalculator",
  .state_size = sizeof (ClassificationState),
  .contract = t2c_contract,
  .open = t2c_open,
  .process = t2c_process,
  .destroy_state = t2c_destroy_state,
};
FV_REGISTER_CALCULATOR (tensors_to_classification_calculator)
