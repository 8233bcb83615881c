/* fovea — the `fovea` GStreamer plugin: registers every fovea element. */
#include "plugins/gstfoveaelements.h"

#ifndef PACKAGE
#define PACKAGE "fovea"
#endif

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ok = FALSE;
  ok |= GST_ELEMENT_REGISTER (foveagraph, plugin);
  ok |= GST_ELEMENT_REGISTER (foveaface, plugin);
  ok |= GST_ELEMENT_REGISTER (foveafacemesh, plugin);
  ok |= GST_ELEMENT_REGISTER (foveasegment, plugin);
  ok |= GST_ELEMENT_REGISTER (foveahands, plugin);
  ok |= GST_ELEMENT_REGISTER (foveapose, plugin);
  ok |= GST_ELEMENT_REGISTER (foveaoverlay, plugin);
  ok |= GST_ELEMENT_REGISTER (foveaflow, plugin);
  ok |= GST_ELEMENT_REGISTER (foveasuperres, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, fovea,
                   "Real-time perception with MediaPipe's models: faces, face meshes, "
                   "hands, body pose, selfie segmentation and super-resolution, and the results "
                   "drawn on the video",
                   plugin_init, FOVEA_VERSION, "Apache-2.0", "fovea", "fovea")
