#!/usr/bin/env bash
# fovea GStreamer demo: super-resolution with foveasuperres. An image is upscaled into a
# PNG; a video is upscaled frame by frame into a WebM file (VP8), after being scaled down
# to WIDTH first (the networks are heavy: about 3 s per output megapixel for slim x2 on
# two CPU cores).
#
#   demos/gstreamer/superres.sh INPUT OUTPUT [SCALE [MODEL]]
#
#   INPUT    a .png / .jpg image, or any video GStreamer decodes
#   OUTPUT   OUTPUT.png for an image, OUTPUT.webm for a video
#   SCALE    2 (default), 3 or 4;  MODEL: slim (default) or medium (x2, x4)
#   $WIDTH   video frames are scaled to this width before upscaling (default 160)
#   $DEVICE  the element's device property (cpu, opencl, opencl,cpu; default cpu)
#
# The plugin is found through GST_PLUGIN_PATH, which defaults to the build tree
# (build/plugins) unless already set. Build it first with scripts/setup.sh.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")/../.."

case "${1:-}" in -h|--help|"") sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -ge 2 ] && [ $# -le 4 ] || { echo "usage: demos/gstreamer/superres.sh INPUT OUTPUT [SCALE [MODEL]]" >&2; exit 2; }
abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$here" "$1" ;; esac; }
input="$(abspath "$1")" output="$(abspath "$2")"
scale=${3:-2} model=${4:-slim}
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$PWD/build/plugins}"
element=(foveasuperres "scale=$scale" "model=$model" "device=${DEVICE:-cpu}")

case "$input" in
  *.png|*.PNG|*.jpg|*.JPG|*.jpeg|*.JPEG)
    gst-launch-1.0 -q filesrc location="$input" ! decodebin ! videoconvert ! \
      video/x-raw,format=RGB ! "${element[@]}" ! videoconvert ! pngenc ! \
      filesink location="$output" ;;
  *)
    gst-launch-1.0 -e filesrc location="$input" ! decodebin ! videoconvert ! videoscale ! \
      "video/x-raw,format=RGB,width=${WIDTH:-160},pixel-aspect-ratio=1/1" ! \
      "${element[@]}" ! videoconvert ! vp8enc deadline=1 ! webmmux ! \
      filesink location="$output" ;;
esac
echo "written: $output" >&2
