#!/usr/bin/env bash
# fovea GStreamer demo, needing neither camera nor video file: 150 frames of videotestsrc's
# bouncing ball (640x480) through foveaface and foveaoverlay. A smoke test of the plugin:
# the ball is no face, so it should run to the end without finding any.
#
#   demos/gstreamer/testsrc.sh [OUTPUT.webm]
#
#   OUTPUT   write the frames as VP8 in WebM; without it they go to a fakesink
#   $ELEMENT the analysis element and its properties (default foveaface)
#
# The plugin is found through GST_PLUGIN_PATH, which defaults to the build tree
# (build/plugins) unless already set. Build it first with scripts/setup.sh.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")/../.."

case "${1:-}" in -h|--help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -le 1 ] || { echo "usage: demos/gstreamer/testsrc.sh [OUTPUT.webm]" >&2; exit 2; }
output=""
if [ $# -ge 1 ]; then
  case "$1" in /*) output="$1" ;; *) output="$here/$1" ;; esac
fi
read -r -a element_args <<< "${ELEMENT:-foveaface}"

export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$PWD/build/plugins}"
command -v gst-launch-1.0 >/dev/null 2>&1 || {
  echo "testsrc.sh: gst-launch-1.0 not found; run scripts/setup.sh (it installs gstreamer1.0-tools)" >&2; exit 1; }
if ! gst-inspect-1.0 foveaoverlay >/dev/null 2>&1 || ! gst-inspect-1.0 "${element_args[0]}" >/dev/null 2>&1; then
  echo "testsrc.sh: the fovea GStreamer plugin (element ${element_args[0]} / foveaoverlay) was not found" >&2
  echo "  GST_PLUGIN_PATH=$GST_PLUGIN_PATH" >&2
  echo "  build it with scripts/setup.sh (or point GST_PLUGIN_PATH at your build's plugins/ folder)" >&2
  exit 1
fi

pipeline=(videotestsrc pattern=ball num-buffers=150 ! "video/x-raw,width=640,height=480"
          ! videoconvert ! "${element_args[@]}" ! foveaoverlay ! videoconvert !)
if [ -n "$output" ]; then
  pipeline+=(vp8enc deadline=1 ! webmmux ! filesink location="$output")
else
  pipeline+=(fakesink sync=false)
fi

echo "+ GST_PLUGIN_PATH=$GST_PLUGIN_PATH gst-launch-1.0 -e ${pipeline[*]}"
gst-launch-1.0 -e "${pipeline[@]}"
[ -z "$output" ] || echo "testsrc.sh: wrote $output"
