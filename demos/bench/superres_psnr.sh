#!/usr/bin/env bash
# Super-resolution quality and speed: for every catalogued upscaler and each device asked
# for, the PSNR of photos downscaled (box filter) then upscaled back, by the network and by
# bicubic interpolation, and the network's ms per megapixel of output (superres_psnr.c says
# exactly how). Prints one table, also written as CSV.
#
#   demos/bench/superres_psnr.sh [-c CROP] [-n RUNS] [-t TILE] [-o OUT.csv] [DEVICE...] [-- PHOTO...]
#
# DEVICE: cpu, opencl or opencl:P:D (default: cpu opencl). PHOTO: default the photos of
# /work/shared/media (faces, body_pose, hands). CROP: centre crop of each photo (default
# 256: the networks are heavy, medium x4 most of all, on a small CPU).
# SUPERRES_PSNR: the helper binary (default build/demos/bench/superres_psnr).
set -euo pipefail
cd "$(dirname "$0")/../.."
crop=256 runs=3 tile=192 csv=superres-psnr.csv
while getopts "c:n:t:o:" opt; do
  case $opt in
    c) crop=$OPTARG ;;
    n) runs=$OPTARG ;;
    t) tile=$OPTARG ;;
    o) csv=$OPTARG ;;
    *) sed -n '2,14p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
devices=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do devices+=("$1"); shift; done
[ $# -gt 0 ] && shift
photos=("$@")
[ ${#devices[@]} -gt 0 ] || devices=(cpu opencl)
if [ ${#photos[@]} -eq 0 ]; then
  media=${FOVEA_MEDIA:-/work/shared/media}
  photos=("$media"/faces/*.jpg "$media"/faces/*.png "$media"/body_pose/*.jpg "$media"/hands/*.jpg)
fi
tool=${SUPERRES_PSNR:-build/demos/bench/superres_psnr}
[ -x "$tool" ] || { echo "superres_psnr: $tool not built (meson setup build; ninja -C build)" >&2; exit 1; }

echo "model,device,psnr_net_db,psnr_bicubic_db,ms_per_mp" > "$csv"
printf "%-18s %-8s %12s %12s %12s\n" model device "PSNR net" "PSNR bicubic" "ms/MP (out)"
for m in esrgan_slim_x2 esrgan_slim_x3 esrgan_slim_x4 esrgan_medium_x2 esrgan_medium_x4; do
  for d in "${devices[@]}"; do
    echo "$m on $d ..." >&2
    if ! out=$("$tool" --model "$m" --device "$d" --tile "$tile" --crop "$crop" -n "$runs" \
                 "${photos[@]}" 2>&1); then
      echo "$out" | tail -1 >&2
      printf "%-18s %-8s %12s\n" "$m" "$d" "failed"
      continue
    fi
    echo "$out" | sed '$d' >&2
    read -r _ _ _ pn _ pb _ mp _ < <(echo "$out" | tail -1)
    printf "%-18s %-8s %9s dB %9s dB %12s\n" "$m" "$d" "$pn" "$pb" "$mp"
    echo "$m,$d,$pn,$pb,$mp" >> "$csv"
  done
done
echo "written: $csv" >&2
