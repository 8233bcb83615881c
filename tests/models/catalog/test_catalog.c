/* Tests for the model catalog: completeness and internal consistency of the entries
 * (anchor layouts reproduce the box counts), lookup, the models dir and model paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "models/catalog.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static gboolean
is_lower_hex64 (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (const char *c = s; *c != '\0'; c++)
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
      return FALSE;
  return TRUE;
}

/* Number of anchors SsdAnchorsCalculator generates (brief §3.0): runs of layers sharing a
 * stride are merged, each layer adds one anchor per aspect ratio plus the interpolated one,
 * over a ceil(input / stride) feature map. */
static int
anchor_count (const FvCatalogAnchors *a)
{
  int count = 0;
  int layer = 0;
  while (layer < a->num_layers) {
    int per_cell = 0;
    int last = layer;
    while (last < a->num_layers && a->strides[last] == a->strides[layer]) {
      if (last == 0 && a->reduce_boxes_in_lowest_layer) {
        per_cell += 3;
      } else {
        per_cell += a->num_aspect_ratios;
        if (a->interpolated_scale_aspect_ratio > 0.0f)
          per_cell += 1;
      }
      last++;
    }
    int fh = (int) ceil ((double) a->input_height / a->strides[layer]);
    int fw = (int) ceil ((double) a->input_width / a->strides[layer]);
    count += fh * fw * per_cell;
    layer = last;
  }
  return count;
}

/* A TF.js super-resolution entry: model.json in a folder named for the model, its shards
 * beside it, all loose files of an @upscalerjs package. */
static void
check_superres_entry (const FvCatalogEntry *a)
{
  g_autofree char *expected_file = g_strconcat (a->name, "/model.json", NULL);
  assert_string_equal (a->file, expected_file);
  assert_true (is_lower_hex64 (a->sha256));
  assert_true (a->size > 1000 && a->size < 1024 * 1024);
  assert_true (g_str_has_prefix (a->package, "@upscalerjs/esrgan-"));
  assert_true (g_str_has_prefix (a->member, "package/models/x"));
  assert_int_equal (a->range_start, -1);
  assert_int_equal (a->range_end, -1);
  assert_non_null (a->superres);
  assert_null (a->detector);
  assert_null (a->landmarks);
  assert_null (a->segmentation);
  g_autofree char *suffix = g_strdup_printf ("_x%d", a->superres->scale);
  assert_true (g_str_has_suffix (a->name, suffix));
  assert_true (strstr (a->package, a->superres->variant) != NULL);
  assert_true (a->superres->receptive_radius > 0);
  assert_true (a->input_lo == 0.0f && a->input_hi == 255.0f);
  assert_int_equal (a->n_extra_files, 1);
  g_autofree char *shard = g_strconcat (a->name, "/group1-shard1of1.bin", NULL);
  assert_string_equal (a->extra_files[0].file, shard);
  assert_true (is_lower_hex64 (a->extra_files[0].sha256));
  assert_true (a->extra_files[0].size > 100000);
}

static void
test_entries_complete (void **state)
{
  (void) state;
  size_t n = 0;
  const FvCatalogEntry *e = fv_catalog_entries (&n);
  assert_int_equal (n, 20);
  int superres = 0;
  for (size_t i = 0; i < n; i++) {
    const FvCatalogEntry *a = &e[i];
    assert_non_null (a->name);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal (a->name, e[j].name);
    if (a->kind == FV_MODEL_KIND_SUPERRES) {
      check_superres_entry (a);
      superres++;
      continue;
    }
    assert_null (a->superres);
    assert_int_equal (a->n_extra_files, 0);
    assert_true (g_str_has_suffix (a->file, ".tflite"));
    /* the file is the name plus the extension, so either finds the model */
    g_autofree char *expected_file = g_strconcat (a->name, ".tflite", NULL);
    assert_string_equal (a->file, expected_file);
    assert_true (is_lower_hex64 (a->sha256));
    assert_true (a->size > 100000 && a->size < 64 * 1024 * 1024);
    assert_true (g_str_has_prefix (a->package, "@mediapipe/"));
    assert_non_null (a->version);
    assert_true (g_str_has_prefix (a->member, "package/"));
    if (a->range_start < 0) {
      assert_int_equal (a->range_end, -1);
      g_autofree char *loose = g_strconcat ("package/", a->file, NULL);
      assert_string_equal (a->member, loose);
    } else {
      assert_true (a->range_end > a->range_start);
      assert_int_equal (a->range_end - a->range_start, a->size);
      assert_true (g_str_has_suffix (a->member, "_packed_assets.data"));
    }
    assert_true (a->input_width >= 64 && a->input_width <= 512);
    assert_true (a->input_height >= 64 && a->input_height <= 512);
    assert_int_equal (a->input_channels, 3);
    assert_true (a->input_hi == 1.0f);
    assert_true (a->input_lo == 0.0f || a->input_lo == -1.0f);
    assert_true (a->description != NULL && a->description[0] != '\0');
    for (size_t j = 0; j < i; j++) {
      assert_string_not_equal (a->name, e[j].name);
      assert_string_not_equal (a->sha256, e[j].sha256);
    }
  }
  assert_int_equal (superres, 5);
}

static void
test_kinds_and_decoding (void **state)
{
  (void) state;
  size_t n = 0;
  const FvCatalogEntry *e = fv_catalog_entries (&n);
  int detectors = 0, landmarks = 0, segmenters = 0;
  for (size_t i = 0; i < n; i++) {
    const FvCatalogEntry *a = &e[i];
    int set = (a->detector != NULL) + (a->landmarks != NULL) + (a->segmentation != NULL) +
              (a->superres != NULL);
    assert_int_equal (set, 1);
    switch (a->kind) {
    case FV_MODEL_KIND_DETECTOR: {
      detectors++;
      const FvCatalogDetector *d = a->detector;
      assert_non_null (d);
      assert_true (a->keep_aspect_ratio);
      assert_int_equal (a->border, FV_CATALOG_BORDER_ZERO);
      assert_int_equal (d->anchors.input_width, a->input_width);
      assert_int_equal (d->anchors.input_height, a->input_height);
      assert_int_equal (anchor_count (&d->anchors), d->num_boxes);
      assert_int_equal (d->num_coords,
                        d->keypoint_coord_offset + d->num_keypoints * d->num_values_per_keypoint);
      assert_true (d->x_scale == (float) a->input_width);
      assert_true (d->y_scale == (float) a->input_height);
      assert_true (d->min_score_thresh > 0.0f && d->min_score_thresh < 1.0f);
      assert_true (d->min_suppression_threshold > 0.0f);
      /* palm detection is the one detector fed [0, 1] (inventory) */
      assert_true (a->input_lo == (g_str_has_prefix (a->name, "palm") ? 0.0f : -1.0f));
      break;
    }
    case FV_MODEL_KIND_LANDMARKS:
      landmarks++;
      assert_non_null (a->landmarks);
      assert_true (a->landmarks->num_landmarks > 0);
      assert_true (a->landmarks->num_dims == 3 || a->landmarks->num_dims == 5);
      assert_true (a->input_lo == 0.0f);
      break;
    case FV_MODEL_KIND_SEGMENTATION:
      segmenters++;
      assert_non_null (a->segmentation);
      assert_int_equal (a->segmentation->output_width, a->input_width);
      assert_int_equal (a->segmentation->output_height, a->input_height);
      assert_true (a->input_lo == 0.0f);
      break;
    case FV_MODEL_KIND_SUPERRES:
      assert_non_null (a->superres);
      break;
    }
  }
  assert_int_equal (detectors, 6);
  assert_int_equal (landmarks, 7);
  assert_int_equal (segmenters, 2);

  const FvCatalogEntry *short_range = fv_catalog_find ("face_detection_short_range");
  assert_int_equal (short_range->detector->num_boxes, 896);
  assert_int_equal (fv_catalog_find ("palm_detection_lite")->detector->num_boxes, 2016);
  assert_int_equal (fv_catalog_find ("pose_detection")->detector->num_boxes, 2254);
  assert_true (fv_catalog_find ("face_detection_full_range_sparse")->detector->min_score_thresh
               == 0.6f);
  assert_int_equal (fv_catalog_find ("pose_landmark_heavy")->landmarks->num_landmarks, 39);
  assert_int_equal (fv_catalog_find ("face_landmark_with_attention")
                        ->landmarks->num_output_landmarks, 478);
  const FvCatalogEntry *landscape = fv_catalog_find ("selfie_segmentation_landscape");
  assert_int_equal (landscape->input_width, 256);
  assert_int_equal (landscape->input_height, 144);
}

static void
test_find (void **state)
{
  (void) state;
  const FvCatalogEntry *by_name = fv_catalog_find ("palm_detection_full");
  const FvCatalogEntry *by_file = fv_catalog_find ("palm_detection_full.tflite");
  assert_non_null (by_name);
  assert_ptr_equal (by_name, by_file);
  assert_int_equal (by_name->range_start, 11);
  assert_int_equal (by_name->range_end, 2341291);
  assert_null (fv_catalog_find ("palm_detection"));
  assert_null (fv_catalog_find (""));
  assert_null (fv_catalog_find (NULL));

  size_t n;
  const FvCatalogEntry *e = fv_catalog_entries (&n);
  for (size_t i = 0; i < n; i++) {
    assert_ptr_equal (fv_catalog_find (e[i].name), &e[i]);
    assert_ptr_equal (fv_catalog_find (e[i].file), &e[i]);
  }
}

static void
test_tarball_name (void **state)
{
  (void) state;
  g_autofree char *name = fv_catalog_tarball_name (fv_catalog_find ("hand_landmark_lite"));
  assert_string_equal (name, "mediapipe-hands-0.4.1675469240.tgz");
  g_autofree char *pose = fv_catalog_tarball_name (fv_catalog_find ("pose_detection"));
  assert_string_equal (pose, "mediapipe-pose-0.5.1675469404.tgz");
}

static void
test_models_dir (void **state)
{
  (void) state;
  g_autofree char *saved = g_strdup (g_getenv ("FOVEA_MODEL_DIR"));

  g_setenv ("FOVEA_MODEL_DIR", "/some/where/models", TRUE);
  g_autofree char *dir = fv_models_dir ();
  assert_string_equal (dir, "/some/where/models");

  g_unsetenv ("FOVEA_MODEL_DIR");
  g_autofree char *def = fv_models_dir ();
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "fovea", "models", NULL);
  assert_string_equal (def, expected);

  g_setenv ("FOVEA_MODEL_DIR", "", TRUE);
  g_autofree char *empty = fv_models_dir ();
  assert_string_equal (empty, expected);

  if (saved != NULL)
    g_setenv ("FOVEA_MODEL_DIR", saved, TRUE);
  else
    g_unsetenv ("FOVEA_MODEL_DIR");
}

static void
test_model_path (void **state)
{
  (void) state;
  g_autofree char *saved = g_strdup (g_getenv ("FOVEA_MODEL_DIR"));
  g_autofree char *dir = g_dir_make_tmp ("fovea-test-catalog-XXXXXX", NULL);
  assert_non_null (dir);
  g_setenv ("FOVEA_MODEL_DIR", dir, TRUE);

  const FvCatalogEntry *entry = fv_catalog_find ("selfie_segmentation");
  GError *error = NULL;
  char *path = fv_catalog_model_path (entry, &error);
  assert_null (path);
  assert_true (g_error_matches (error, FV_CATALOG_ERROR, FV_CATALOG_ERROR_NOT_FETCHED));
  assert_non_null (strstr (error->message, "model selfie_segmentation is not fetched"));
  assert_non_null (strstr (error->message, "fovea models fetch"));
  g_clear_error (&error);

  g_autofree char *file = g_build_filename (dir, entry->file, NULL);
  assert_true (g_file_set_contents (file, "short", 5, NULL));
  path = fv_catalog_model_path (entry, &error);
  assert_null (path);
  assert_true (g_error_matches (error, FV_CATALOG_ERROR, FV_CATALOG_ERROR_NOT_FETCHED));
  g_clear_error (&error);

  g_autofree char *zeros = g_malloc0 ((gsize) entry->size);
  assert_true (g_file_set_contents (file, zeros, (gssize) entry->size, NULL));
  path = fv_catalog_model_path (entry, &error);
  assert_null (error);
  assert_string_equal (path, file);
  g_free (path);

  path = fv_catalog_model_path (NULL, &error);
  assert_null (path);
  assert_non_null (error);
  g_clear_error (&error);

  g_unlink (file);
  g_rmdir (dir);
  if (saved != NULL)
    g_setenv ("FOVEA_MODEL_DIR", saved, TRUE);
  else
    g_unsetenv ("FOVEA_MODEL_DIR");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_entries_complete),
    cmocka_unit_test (test_kinds_and_decoding),
    cmocka_unit_test (test_find),
    cmocka_unit_test (test_tarball_name),
    cmocka_unit_test (test_models_dir),
    cmocka_unit_test (test_model_path),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
