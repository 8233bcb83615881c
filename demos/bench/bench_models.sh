#!/usr/bin/env bash
# Benchmarks every catalogued model with `fovea model bench` on each device asked for and
# prints one table (median and min ms, arena bytes), also written as CSV.
#
#   demos/bench/bench_models.sh [-n RUNS] [-w WARMUP] [-o OUT.csv] [DEVICE...]
#
# DEVICE: cpu, opencl, opencl:P:D, or opencl-fp16 (opencl with FOVEA_OPENCL_FP16=1);
# default: cpu opencl. Progress goes to stderr, one line per model and device.
# FOVEA: the fovea binary (default build/demos/fovea/fovea).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=20 warmup=3 csv=bench-models.csv
while getopts "n:w:o:" opt; do
  case $opt in
    n) runs=$OPTARG ;;
    w) warmup=$OPTARG ;;
    o) csv=$OPTARG ;;
    *) sed -n '2,10p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
devices=("$@")
[ ${#devices[@]} -gt 0 ] || devices=(cpu opencl)
fovea=${FOVEA:-build/demos/fovea/fovea}
[ -x "$fovea" ] || { echo "bench_models: $fovea not built (run scripts/setup.sh)" >&2; exit 1; }

models=$("$fovea" models list | awk 'NR > 1 && $2 ~ /\.tflite$/ {print $1}')
echo "model,device,median_ms,min_ms,arena_bytes" > "$csv"
n_models=$(echo "$models" | wc -l)
i=0
for m in $models; do
  i=$((i + 1))
  for d in "${devices[@]}"; do
    fp16=0 dev=$d
    if [ "$d" = opencl-fp16 ]; then fp16=1 dev=opencl; fi
    line=$(FOVEA_OPENCL_FP16=$fp16 "$fovea" model bench "$m" --device "$dev" -n "$runs" \
             --warmup "$warmup" --quiet 2>&1 | grep ' median ' | tail -1) || true
    med=$(echo "$line" | sed -n 's/.*median *\([0-9.]*\) ms.*/\1/p')
    min=$(echo "$line" | sed -n 's/.*min *\([0-9.]*\) ms.*/\1/p')
    arena=$(echo "$line" | sed -n 's/.*arena *\([0-9]*\) B.*/\1/p')
    [ -n "$med" ] || { med=error min=error arena=error; }
    echo "[$i/$n_models] $m on $d: median $med ms, min $min ms" >&2
    echo "$m,$d,$med,$min,$arena" >> "$csv"
  done
done

python3 - "$csv" "${devices[@]}" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
devs = sys.argv[2:]
by = {}
for r in rows:
    by.setdefault(r["model"], {})[r["device"]] = r
head = "| model | " + " | ".join("%s median / min ms (arena KiB)" % d for d in devs) + " |"
print(head)
print("|" + "---|" * (len(devs) + 1))
for m in sorted(by):
    cells = []
    for d in devs:
        r = by[m].get(d)
        if r is None or r["median_ms"] == "error":
            cells.append("error")
        else:
            cells.append("%s / %s (%d)" % (r["median_ms"], r["min_ms"], int(r["arena_bytes"]) // 1024))
    print("| %s | %s |" % (m, " | ".join(cells)))
PY
echo "CSV: $csv" >&2
