/* fovea tests — robustness of the full model load (read + fold + validate) against
 * truncated, bit-flipped and hostile copies of real models.
 *
 * For each of three real models, thousands of deterministic mutations (fixed seed):
 * truncation at every 1/1000 of the file and every 4 bytes of its first 4 KiB, 1..8 random
 * byte flips, and random 4-byte words overwritten with huge or file-size-like values. Each
 * mutated copy lives in a buffer of exactly its size (so AddressSanitizer sees any read
 * past the end) and must end in a loaded model or in NULL plus a non-empty GError message:
 * never a crash, hang, leak or out-of-bounds read. Outcomes are counted and printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/model.h"
#include "model_files.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  int loaded;
  int by_code[FV_MODEL_ERROR_ARGUMENT + 2];  /* last slot: other domains */
  int cases;
} Outcomes;

static void
load_one (const guint8 *bytes, size_t size, Outcomes *o, const char *what)
{
  /* exact-size heap copy: ASan flags a read even one byte past the end */
  guint8 *copy = g_malloc (size ? size : 1);
  memcpy (copy, bytes, size);
  GError *err = NULL;
  FvModel *m = fv_model_load_bytes (size ? copy : NULL, size, &err);
  o->cases++;
  if (m) {
    if (err)
      fail_msg ("%s: a model and an error at once (%s)", what, err->message);
    o->loaded++;
    fv_model_free (m);
  } else {
    if (!err || !err->message || !err->message[0])
      fail_msg ("%s: NULL without an error message", what);
    if (err->domain == FV_MODEL_ERROR && err->code >= 0 && err->code <= FV_MODEL_ERROR_ARGUMENT)
      o->by_code[err->code]++;
    else
      o->by_code[FV_MODEL_ERROR_ARGUMENT + 1]++;
    g_error_free (err);
  }
  g_free (copy);
}

/* A position biased towards the FlatBuffer's structure: half anywhere, half in the first
 * or last 64 KiB where converters put the tables (the middle is mostly weight bytes). */
static size_t
pick_pos (GRand *r, size_t size)
{
  size_t window = MIN (size, (size_t) 65536);
  switch (g_rand_int_range (r, 0, 4)) {
  case 0: return (size_t) g_rand_int_range (r, 0, (gint32) window);
  case 1: return size - 1 - (size_t) g_rand_int_range (r, 0, (gint32) window);
  default: return (size_t) g_rand_double_range (r, 0, (double) size) % size;
  }
}

static void
fuzz_model (const char *file, int n_flips, int n_words, guint32 seed)
{
  size_t size;
  guint8 *orig = tb_read_model_file (file, &size);
  guint8 *work = g_malloc (size);
  GRand *r = g_rand_new_with_seed (seed);
  Outcomes trunc = { 0 }, flips = { 0 }, words = { 0 };
  gint64 t0 = g_get_monotonic_time ();

  for (int k = 0; k < 1000; k++)
    load_one (orig, size * (size_t) k / 1000, &trunc, "truncation");
  for (size_t n = 0; n < MIN (size, (size_t) 4096); n += 4)
    load_one (orig, n, &trunc, "truncation");

  for (int k = 0; k < n_flips; k++) {
    memcpy (work, orig, size);
    int nb = g_rand_int_range (r, 1, 9);
    for (int j = 0; j < nb; j++)
      work[pick_pos (r, size)] ^= (guint8) g_rand_int_range (r, 1, 256);
    load_one (work, size, &flips, "byte flips");
  }

  const guint32 fixed[] = { 0x7fffffffu, 0xffffffffu, 0x80000000u, 0x7ffffffeu, 0xfffffffcu };
  for (int k = 0; k < n_words; k++) {
    memcpy (work, orig, size);
    size_t pos = pick_pos (r, size - 4) & ~(size_t) 3;  /* words are 4-aligned */
    guint32 v;
    int kind = g_rand_int_range (r, 0, 3);
    if (kind == 0)
      v = fixed[g_rand_int_range (r, 0, G_N_ELEMENTS (fixed))];
    else if (kind == 1)  /* offsets that land just around the end of the file */
      v = (guint32) (size - pos) + (guint32) g_rand_int_range (r, -16, 17);
    else
      v = (guint32) size + (guint32) g_rand_int_range (r, -16, 17);
    memcpy (work + pos, &v, 4);
    load_one (work, size, &words, "huge word");
  }

  const Outcomes *all[3] = { &trunc, &flips, &words };
  const char *names[3] = { "truncated", "byte flips", "huge words" };
  printf ("%s (%zu bytes, %.1f s):\n", file, size,
          (double) (g_get_monotonic_time () - t0) / 1e6);
  for (int i = 0; i < 3; i++)
    printf ("  %-10s %5d cases: %5d loaded, %5d corrupt, %5d unsupported, %5d shape, "
            "%5d other\n", names[i], all[i]->cases, all[i]->loaded,
            all[i]->by_code[FV_MODEL_ERROR_CORRUPT], all[i]->by_code[FV_MODEL_ERROR_UNSUPPORTED],
            all[i]->by_code[FV_MODEL_ERROR_SHAPE],
            all[i]->by_code[FV_MODEL_ERROR_IO] + all[i]->by_code[FV_MODEL_ERROR_ARGUMENT]
            + all[i]->by_code[FV_MODEL_ERROR_ARGUMENT + 1]);
  fflush (stdout);
  /* a cut file can never be a whole model, and no truncation may slip through as one */
  assert_int_equal (trunc.loaded, 0);
  assert_true (trunc.cases + flips.cases + words.cases > 2000);

  g_rand_free (r);
  g_free (work);
  g_free (orig);
}

static void
test_fuzz_face_detection_short_range (void **state)
{
  fuzz_model ("face_detection_short_range.tflite", 1500, 1500, 1);
}

static void
test_fuzz_selfie_segmentation (void **state)
{
  fuzz_model ("selfie_segmentation.tflite", 1500, 1500, 2);
}

static void
test_fuzz_face_landmark_with_attention (void **state)
{
  fuzz_model ("face_landmark_with_attention.tflite", 600, 600, 3);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_fuzz_face_detection_short_range),
    cmocka_unit_test (test_fuzz_selfie_segmentation),
    cmocka_unit_test (test_fuzz_face_landmark_with_attention),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
