/* fovea — the elements of the `fovea` GStreamer plugin, one per file, registered by
 * gstfoveaplugin.c. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (foveagraph);
GST_ELEMENT_REGISTER_DECLARE (foveaface);
GST_ELEMENT_REGISTER_DECLARE (foveafacemesh);
GST_ELEMENT_REGISTER_DECLARE (foveasegment);
GST_ELEMENT_REGISTER_DECLARE (foveahands);
GST_ELEMENT_REGISTER_DECLARE (foveapose);
GST_ELEMENT_REGISTER_DECLARE (foveaoverlay);
GST_ELEMENT_REGISTER_DECLARE (foveaflow);
GST_ELEMENT_REGISTER_DECLARE (foveasuperres);

G_END_DECLS
