#!/usr/bin/env bash
# fovea GStreamer demo: a live camera through a fovea element and foveaoverlay, shown in a
# window, or recorded to a WebM file.
#
#   demos/gstreamer/webcam.sh [--record OUT.webm] [DEVICE] [ELEMENT ...]
#
#   DEVICE      the V4L2 camera (default /dev/video0)
#   ELEMENT     the analysis element and its properties, e.g. `foveaface model=full`,
#               `foveafacemesh refine=true max-faces=2` or `foveagraph graph=face_mesh`
#               (default: $ELEMENT, else foveafacemesh)
#   --record F  encode to F (VP8 in WebM) instead of opening a window; stop with Ctrl-C,
#               the file is finished properly (gst-launch -e)
#
# The plugin is found through GST_PLUGIN_PATH, which defaults to the build tree
# (build/plugins) unless already set. Build it first with scripts/setup.sh.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")/../.."

usage() { sed -n '2,15s/^# \{0,1\}//p' "$0"; }

record=""
device=""
element_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --record)
      [ $# -ge 2 ] || { echo "webcam.sh: --record needs a file name" >&2; exit 2; }
      record="$2"; shift 2 ;;
    --record=*) record="${1#--record=}"; shift ;;
    /dev/*) if [ -z "$device" ] && [ ${#element_args[@]} -eq 0 ]; then device="$1"; else element_args+=("$1"); fi; shift ;;
    *) element_args+=("$1"); shift ;;
  esac
done
device="${device:-/dev/video0}"
case "$record" in ""|/*) ;; *) record="$here/$record" ;; esac
if [ ${#element_args[@]} -eq 0 ]; then
  read -r -a element_args <<< "${ELEMENT:-foveafacemesh}"
fi

export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$PWD/build/plugins}"
command -v gst-launch-1.0 >/dev/null 2>&1 || {
  echo "webcam.sh: gst-launch-1.0 not found; run scripts/setup.sh (it installs gstreamer1.0-tools)" >&2; exit 1; }
if ! gst-inspect-1.0 foveaoverlay >/dev/null 2>&1 || ! gst-inspect-1.0 "${element_args[0]}" >/dev/null 2>&1; then
  echo "webcam.sh: the fovea GStreamer plugin (element ${element_args[0]} / foveaoverlay) was not found" >&2
  echo "  GST_PLUGIN_PATH=$GST_PLUGIN_PATH" >&2
  echo "  build it with scripts/setup.sh (or point GST_PLUGIN_PATH at your build's plugins/ folder)" >&2
  exit 1
fi
[ -e "$device" ] || { echo "webcam.sh: no camera at $device (give the device as the first argument)" >&2; exit 1; }

pipeline=(v4l2src device="$device" ! videoconvert ! "${element_args[@]}" ! foveaoverlay ! videoconvert !)
if [ -n "$record" ]; then
  pipeline+=(queue ! vp8enc deadline=1 ! webmmux ! filesink location="$record")
else
  pipeline+=(autovideosink)
fi

echo "+ GST_PLUGIN_PATH=$GST_PLUGIN_PATH gst-launch-1.0 -e ${pipeline[*]}"
exec gst-launch-1.0 -e "${pipeline[@]}"
