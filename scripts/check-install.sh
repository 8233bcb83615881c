#!/usr/bin/env bash
# Installs the build in $1 (default build/) into a scratch DESTDIR and builds
# demos/examples/run_model.c against it with pkg-config, as a user of the library would,
# then runs it on a fetched model; then checks that GStreamer finds the installed `fovea`
# plugin and runs it in a pipeline. The build directory itself is not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$builddir" --destdir "$tmp" --quiet >/dev/null
pcdir=$(dirname "$(find "$tmp" -name fovea.pc | head -1)")
libdir=$(dirname "$pcdir")
# the installed .pc file names the real prefix: point it into the DESTDIR
sed -i "s|^prefix=|prefix=$tmp|" "$pcdir/fovea.pc"
export PKG_CONFIG_PATH="$pcdir"
cc -std=c17 -Wall -Werror demos/examples/run_model.c $(pkg-config --cflags --libs fovea) -o "$tmp/run_model"
LD_LIBRARY_PATH="$libdir" "$tmp/run_model" face_detection_short_range
plugindir=$(dirname "$(find "$tmp" -name libgstfovea.so | head -1)")
export GST_PLUGIN_PATH="$plugindir" GST_REGISTRY="$tmp/registry.bin" LD_LIBRARY_PATH="$libdir"
elements=$(gst-inspect-1.0 fovea | grep -c -E '^ +fovea(graph|face|facemesh|overlay):')
[ "$elements" -eq 4 ] || { gst-inspect-1.0 fovea; echo "install check: the installed plugin does not list its 4 elements" >&2; exit 1; }
gst-launch-1.0 -q videotestsrc num-buffers=5 ! video/x-raw,width=160,height=120 ! videoconvert ! \
  foveaface ! foveaoverlay ! fakesink
echo "install check: libfovea installs, fovea.pc works, an outside program builds and runs,"
echo "               gst-launch-1.0 finds and runs the installed fovea plugin"
