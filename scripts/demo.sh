#!/usr/bin/env bash
# The main demo on a bundled sample: sets fovea up, then runs the face_mesh solution
# (face detection, then MediaPipe's 468-point face mesh) on the bundled astronaut photo and
# writes the annotated image and the results as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
fovea=${FOVEA:-build/demos/fovea/fovea}
out=${1:-demo-out}
mkdir -p "$out"

$fovea run face_mesh tests/data/images/skimage_astronaut.png \
  --render "$out/astronaut_face_mesh.png" --json "$out/astronaut_face_mesh.json"
python3 - "$out/astronaut_face_mesh.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
faces = r["results"].get("multi_face_landmarks") or []
dets = r["results"].get("detections") or []
print("%s (%dx%d): %d face(s) in %.1f ms" % (r["file"], r["width"], r["height"], len(faces), r["ms"]))
for d in dets:
    b = d["box_px"]
    print("  face box %.0f,%.0f %.0fx%.0f px, score %.3f" % (b["xmin"], b["ymin"], b["width"], b["height"], d["score"]))
for f in faces:
    print("  %d landmarks, nose tip (landmark 1) at %.1f, %.1f px" % (len(f), f[1]["x_px"], f[1]["y_px"]))
PY
echo "annotated image: $out/astronaut_face_mesh.png   results: $out/astronaut_face_mesh.json"
