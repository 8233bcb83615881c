/* run_model — the smallest program that uses an installed libfovea:
 *
 *   cc run_model.c $(pkg-config --cflags --libs fovea) -o run_model
 *   ./run_model face_landmark        # a catalog name (fetched model) or a .tflite path
 *
 * It loads the model, fills each input with the oracle's reproducible random values,
 * runs it once and prints the shape and first values of every output. */
#include <models/catalog.h>
#include <models/interpreter.h>
#include <models/random_input.h>

#include <stdio.h>

int
main (int argc, char **argv)
{
  if (argc != 2) {
    fprintf (stderr, "usage: %s MODEL\n", argv[0]);
    return 2;
  }
  GError *error = NULL;
  char *path = NULL;
  const FvCatalogEntry *entry = fv_catalog_find (argv[1]);
  path = entry ? fv_catalog_model_path (entry, &error) : g_strdup (argv[1]);
  FvInterpreter *it = path ? fv_interpreter_new_from_file (path, NULL, NULL, &error) : NULL;
  if (!it) {
    fprintf (stderr, "%s\n", error->message);
    g_error_free (error);
    g_free (path);
    return 1;
  }
  for (int i = 0; i < fv_interpreter_n_inputs (it); i++)
    fv_random_input_fill (fv_interpreter_input (it, i), fv_interpreter_input_bytes (it, i) / 4, i);
  if (!fv_interpreter_invoke (it, &error)) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }
  for (int i = 0; i < fv_interpreter_n_outputs (it); i++) {
    char shape[96];
    const float *out = fv_interpreter_output (it, i);
    printf ("output %d %s: %g %g ...\n", i,
            fv_tensor_shape_str (fv_interpreter_output_tensor (it, i), shape, sizeof shape),
            out[0], fv_interpreter_output_bytes (it, i) > 4 ? out[1] : 0.0);
  }
  fv_interpreter_free (it);
  g_free (path);
  return 0;
}
