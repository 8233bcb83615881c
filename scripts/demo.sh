#!/usr/bin/env bash
# The main demo on a bundled sample: sets fovea up, then runs MediaPipe's face mesh
# model (face_landmark) on the bundled astronaut photo (192x192 input tensor) with the
# fovea model runtime, and reports what it found.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
fovea=build/demos/fovea/fovea
out=${1:-demo-out}

$fovea model info face_landmark
echo
$fovea model run face_landmark --input tests/data/golden/inputs/192x192x3.f32 --output-dir "$out"
python3 - "$out" <<'PY'
import struct, sys, math
d = sys.argv[1]
pts = struct.unpack("<1404f", open(d + "/output0.f32", "rb").read())
score = struct.unpack("<f", open(d + "/output1.f32", "rb").read())[0]
xs, ys = pts[0::3], pts[1::3]
print("face presence: %.3f (sigmoid of logit %.2f)" % (1 / (1 + math.exp(-score)), score))
print("468 landmarks, box in the 192x192 input: x %.1f..%.1f  y %.1f..%.1f" % (min(xs), max(xs), min(ys), max(ys)))
print("nose tip (landmark 1): (%.1f, %.1f)" % (pts[3], pts[4]))
PY
echo
$fovea model bench face_landmark -n 10
