/* The photos with MediaPipe reference results (golden_photos.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/solutions/golden_photos.h"

#include "calculators/image/image_io.h"

#include <string.h>

static void
golden_photo_free (GoldenPhoto *p)
{
  g_free (p->photo);
  fv_image_free (p->image);
  g_clear_object (&p->reference);
  g_free (p);
}

static gint
compare_photos (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(GoldenPhoto *const *) a)->photo, (*(GoldenPhoto *const *) b)->photo);
}

GPtrArray *
golden_photos_load (const char *data_dir, const char *suffix)
{
  g_autofree char *dir_path = g_build_filename (data_dir, "mediapipe", NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  assert_non_null (dir);
  GPtrArray *photos = g_ptr_array_new_with_free_func ((GDestroyNotify) golden_photo_free);
  const char *name;
  while ((name = g_dir_read_name (dir)))
    {
      if (!g_str_has_suffix (name, suffix))
        continue;
      GoldenPhoto *p = g_new0 (GoldenPhoto, 1);
      g_ptr_array_add (photos, p);
      p->photo = g_strndup (name, strlen (name) - strlen (suffix));
      g_autoptr (GError) error = NULL;
      const char *exts[] = { ".png", ".jpg" };
      for (int i = 0; i < 2 && p->image == NULL; i++)
        {
          g_autofree char *path = g_strdup_printf ("%s/images/%s%s", data_dir, p->photo, exts[i]);
          if (g_file_test (path, G_FILE_TEST_EXISTS))
            p->image = fv_image_load (path, FV_IMAGE_RGB24, &error);
        }
      if (p->image == NULL)
        fail_msg ("%s: %s", p->photo, error ? error->message : "no image");
      g_autofree char *json_path = g_build_filename (dir_path, name, NULL);
      p->reference = json_parser_new ();
      if (!json_parser_load_from_file (p->reference, json_path, &error))
        fail_msg ("%s", error->message);
      JsonObject *img = json_object_get_object_member (
        json_node_get_object (json_parser_get_root (p->reference)), "image");
      assert_int_equal (json_object_get_int_member (img, "width"), p->image->width);
      assert_int_equal (json_object_get_int_member (img, "height"), p->image->height);
    }
  g_ptr_array_sort (photos, compare_photos);
  return photos;
}

JsonObject *
golden_photo_result (const GoldenPhoto *p, const char *config)
{
  JsonObject *root = json_node_get_object (json_parser_get_root (p->reference));
  JsonArray *configs = json_object_get_array_member (root, "configs");
  for (guint i = 0; i < json_array_get_length (configs); i++)
    {
      JsonObject *c = json_array_get_object_element (configs, i);
      if (g_str_equal (json_object_get_string_member (c, "config"), config))
        return json_object_get_object_member (c, "result");
    }
  fail_msg ("%s: no config %s", p->photo, config);
  return NULL;
}
