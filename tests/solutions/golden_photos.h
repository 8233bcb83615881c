/* The photos with MediaPipe reference results (tests/data/mediapipe/<photo>.<solution>.json,
 * tests/data/images/<photo>.png|jpg), shared by the solution tests. On any problem with
 * the data the functions fail the running cmocka test. */
#pragma once

#include <json-glib/json-glib.h>

#include "graph/image.h"

typedef struct {
  char *photo;            /* the name, without extension */
  FvImage *image;         /* RGB24 */
  JsonParser *reference;  /* the JSON file */
} GoldenPhoto;

/* Every photo under @data_dir with a "<photo>@suffix" reference (e.g. ".hands.json"),
 * sorted by name; the reference's image size is checked against the photo's. transfer
 * full (the array frees its photos). */
GPtrArray *golden_photos_load (const char *data_dir, const char *suffix);

/* The "result" object of MediaPipe's run with @config. transfer none. */
JsonObject *golden_photo_result (const GoldenPhoto *p, const char *config);
