#!/usr/bin/python3
"""fovea's dense optical flow (DIS) against OpenCV's, side by side: endpoint error (EPE)
on the Middlebury 2014 Motorcycle pair and time per frame pair, for each preset, both
with their default threads and with one thread.

    demos/bench/flow_vs_opencv.py [-n PAIRS] [--media DIR] [--fovea BIN]

Ground truth: u = -disparity, v = 0 where the disparity (motorcycle_disp.npz, arr_0) is
finite. fovea runs through `fovea run optical_flow A B A B ...` (the graph's own per-frame
time, JSON "ms", median over the frames that carry a flow); OpenCV through
cv2.DISOpticalFlow.calc on the same gray frames (median of as many calls). Needs Debian's
python3-opencv and python3-numpy (apt-get install -y python3-opencv); run it with the
system python (/usr/bin/python3), where apt installs them. The machine should be otherwise
idle: times on a loaded machine mean little.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import cv2
    import numpy as np
except ImportError:
    sys.exit("flow_vs_opencv: needs python3-opencv and python3-numpy "
             "(apt-get install -y python3-opencv; run with /usr/bin/python3)")

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PRESETS = [("ultrafast", cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST),
           ("fast", cv2.DISOPTICAL_FLOW_PRESET_FAST),
           ("medium", cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)]


def read_flo(path):
    with open(path, "rb") as f:
        magic = np.frombuffer(f.read(4), "<f4")[0]
        if magic != 202021.25:
            raise ValueError(path + ": not a .flo file")
        w, h = np.frombuffer(f.read(8), "<i4")
        return np.frombuffer(f.read(), "<f4").reshape(h, w, 2)


def epe(flow, gt, valid):
    return float(np.sqrt(((flow - gt) ** 2).sum(-1))[valid].mean())


def fovea_run(fovea, a, b, preset, threads, pairs, flo):
    files = [a, b] * pairs
    cmd = [fovea, "run", "optical_flow", *files, "--json", "-", "--set", "preset=" + preset,
           "--set", "threads=%d" % threads]
    if flo:
        cmd = [fovea, "run", "optical_flow", a, b, "--flo", flo, "--set", "preset=" + preset,
               "--set", "threads=%d" % threads, "--json", "-"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    frames = json.loads(out)
    return [f["ms"] for f in frames if f["results"].get("flow")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10, help="frame pairs timed per preset")
    ap.add_argument("--media", default=os.path.join(ROOT, "..", "shared", "media",
                                                     "optical_flow"))
    ap.add_argument("--fovea", default=os.path.join(ROOT, "build", "demos", "fovea", "fovea"))
    args = ap.parse_args()
    a = os.path.join(args.media, "motorcycle_left.png")
    b = os.path.join(args.media, "motorcycle_right.png")
    disp = np.load(os.path.join(args.media, "motorcycle_disp.npz"))["arr_0"]
    valid = np.isfinite(disp)
    gt = np.zeros(disp.shape + (2,), np.float32)
    gt[..., 0] = -np.where(valid, disp, 0)
    g0, g1 = cv2.imread(a, cv2.IMREAD_GRAYSCALE), cv2.imread(b, cv2.IMREAD_GRAYSCALE)
    default_threads = cv2.getNumThreads()
    print("Motorcycle %dx%d, %d px with ground truth; OpenCV %s; %d runs each"
          % (disp.shape[1], disp.shape[0], valid.sum(), cv2.__version__, args.n))
    print("%-10s %-7s %8s %12s %12s" % ("preset", "impl", "EPE px", "ms (1 thr)",
                                        "ms (%d thr)" % default_threads))
    with tempfile.TemporaryDirectory() as tmp:
        for name, cv_preset in PRESETS:
            flo = os.path.join(tmp, name + ".flo")
            fovea_run(args.fovea, a, b, name, 0, 1, flo)
            fv_epe = epe(read_flo(flo), gt, valid)
            fv_ms = {t: statistics.median(fovea_run(args.fovea, a, b, name, t, args.n, None))
                     for t in (1, default_threads)}
            cv_ms = {}
            for t in (1, default_threads):
                cv2.setNumThreads(t)
                dis = cv2.DISOpticalFlow_create(cv_preset)
                flow = dis.calc(g0, g1, None)
                times = []
                for i in range(2 * args.n):
                    src, dst = (g0, g1) if i % 2 == 0 else (g1, g0)
                    t0 = time.perf_counter()
                    dis.calc(src, dst, None)
                    times.append((time.perf_counter() - t0) * 1000)
                cv_ms[t] = statistics.median(times)
            cv2.setNumThreads(default_threads)
            cv_epe = epe(cv2.DISOpticalFlow_create(cv_preset).calc(g0, g1, None), gt, valid)
            print("%-10s %-7s %8.3f %12.1f %12.1f" % (name, "fovea", fv_epe, fv_ms[1],
                                                      fv_ms[default_threads]))
            print("%-10s %-7s %8.3f %12.1f %12.1f" % (name, "opencv", cv_epe, cv_ms[1],
                                                      cv_ms[default_threads]))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
