#!/usr/bin/python3
"""fovea's dense optical flow (DIS) against OpenCV's, side by side: endpoint error (EPE)
on the Middlebury 2014 Motorcycle pair and time per frame pair, for each preset, with one
thread and with the default number of threads (OpenCV's cv2.getNumThreads()).

    demos/bench/flow_vs_opencv.py [-n RUNS] [--media DIR] [--build DIR] [--opencl [DEVICE]]

Ground truth: u = -disparity, v = 0 where the disparity (motorcycle_disp.npz, arr_0) is
finite. fovea's flow for the EPE comes through the user's path, `fovea run optical_flow A B
--flo`; its time from build/demos/bench/fovea-flow-bench (the same engine in-process, after
a warm-up call), OpenCV's from cv2.DISOpticalFlow.calc on the same frames: the median over
RUNS calls of the wall-clock time and of the process CPU time (all threads; the figure that
means something on a loaded machine). With --opencl, a row "fv-ocl" per preset: fovea's DIS
on that OpenCL device (gpu/dis_flow_gpu.h; `--set device=...`), in the last two columns.
Needs Debian's python3-opencv and python3-numpy (apt-get install -y python3-opencv); run it
with the system python (/usr/bin/python3).
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


def fovea_flo(fovea, a, b, preset, flo, device="cpu"):
    subprocess.run([fovea, "run", "optical_flow", a, b, "--flo", flo, "--set",
                    "preset=" + preset, "--set", "device=" + device], check=True,
                   capture_output=True)


def fovea_time(bench, a, b, preset, threads, runs, device="cpu"):
    out = subprocess.run([bench, a, b, preset, str(threads), str(runs), device], check=True,
                         capture_output=True, text=True).stdout
    r = json.loads(out)
    return r["wall_ms"], r["cpu_ms"]


def opencv_time(g0, g1, preset, threads, runs):
    cv2.setNumThreads(threads)
    dis = cv2.DISOpticalFlow_create(preset)
    dis.calc(g0, g1, None)
    wall, cpu = [], []
    for i in range(runs):
        src, dst = (g0, g1) if i % 2 == 0 else (g1, g0)
        w0, c0 = time.perf_counter(), time.process_time()
        dis.calc(src, dst, None)
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=20, help="timed calls per preset and thread count")
    ap.add_argument("--media", default=os.path.join(ROOT, "..", "shared", "media",
                                                     "optical_flow"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--opencl", metavar="DEVICE", nargs="?", const="opencl",
                    help="also fovea on this OpenCL device (default: opencl, the best one; "
                         "the driver picks its threads, so the 1-thread columns are empty)")
    args = ap.parse_args()
    fovea = os.path.join(args.build, "demos", "fovea", "fovea")
    bench = os.path.join(args.build, "demos", "bench", "fovea-flow-bench")
    a = os.path.join(args.media, "motorcycle_left.png")
    b = os.path.join(args.media, "motorcycle_right.png")
    disp = np.load(os.path.join(args.media, "motorcycle_disp.npz"))["arr_0"]
    valid = np.isfinite(disp)
    gt = np.zeros(disp.shape + (2,), np.float32)
    gt[..., 0] = -np.where(valid, disp, 0)
    g0, g1 = cv2.imread(a, cv2.IMREAD_GRAYSCALE), cv2.imread(b, cv2.IMREAD_GRAYSCALE)
    nt = cv2.getNumThreads()
    print("Motorcycle %dx%d, %d px with ground truth; OpenCV %s; median of %d calls; "
          "load average %.1f" % (disp.shape[1], disp.shape[0], valid.sum(), cv2.__version__,
                                 args.n, os.getloadavg()[0]))
    print("%-10s %-7s %7s %11s %11s %11s %11s" % (
        "preset", "impl", "EPE px", "wall 1 thr", "cpu 1 thr", "wall %d thr" % nt,
        "cpu %d thr" % nt))
    with tempfile.TemporaryDirectory() as tmp:
        for name, cv_preset in PRESETS:
            flo = os.path.join(tmp, name + ".flo")
            fovea_flo(fovea, a, b, name, flo)
            fv = [epe(read_flo(flo), gt, valid)]
            for t in (1, nt):
                fv += fovea_time(bench, a, b, name, t, args.n)
            cv2.setNumThreads(nt)
            cv = [epe(cv2.DISOpticalFlow_create(cv_preset).calc(g0, g1, None), gt, valid)]
            for t in (1, nt):
                cv += opencv_time(g0, g1, cv_preset, t, args.n)
            for impl, r in (("fovea", fv), ("opencv", cv)):
                print("%-10s %-7s %7.3f %11.1f %11.1f %11.1f %11.1f" % (name, impl, *r))
            if args.opencl:
                fovea_flo(fovea, a, b, name, flo, args.opencl)
                r = [epe(read_flo(flo), gt, valid)]
                r += fovea_time(bench, a, b, name, 0, args.n, args.opencl)
                print("%-10s %-7s %7.3f %11s %11s %11.1f %11.1f" % (name, "fv-ocl", r[0], "-",
                                                                  "-", r[1], r[2]))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
