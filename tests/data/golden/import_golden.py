#!/usr/bin/python3
"""Copy the golden tensors the model tests need from the shared TFLite oracle output into
tests/data/golden, and write manifest.txt with the tolerance of every check.

usage: import_golden.py SHARED_GOLDEN_TFLITE_DIR   (e.g. ../shared/golden/tflite)

What is kept (and why it is enough):
- image inputs, once per input size (they are identical for every model of that size);
- random inputs are NOT copied: the test regenerates them with the oracle's recipe
  (state = 20240601 + i; state = state*1664525 + 1013904223; (int32)(state>>8) - 2^23) / 2^23),
  and this script asserts the recipe reproduces every shipped file bit for bit;
- the primary (XNNPACK) output of each case. The tolerance is compare.py's rule
  max(5 * spread, 1e-4 * absmax + 1e-6), spread = max|XNNPACK - builtin kernels|, computed
  here so the builtin-kernel files need not be shipped;
- for the three models with MediaPipe custom ops: the tensors at the cut (partial/, same rule
  with the spread from tensors.json) and the complete outputs of the independent
  implementation (full-independent/, tolerance 1e-4 * absmax + 1e-6).

manifest.txt lines: MODEL SET KIND INDEX FILE COUNT TOL
  KIND = input | output | tensor (INDEX = subgraph tensor index) | full (complete output INDEX)
  FILE = path under tests/data/golden, or "random" for a generated input.
"""
import json
import os
import shutil
import sys

import numpy as np

src = sys.argv[1]
dst = os.path.dirname(os.path.abspath(__file__))


_lcg_cache = {}


def lcg(n, i):
    # the recipe's sequence for one seed is a prefix of any longer one: compute it once
    if i in _lcg_cache and _lcg_cache[i].size >= n:
        return _lcg_cache[i][:n]
    n = max(n, 256 * 256 * 3)
    state = (20240601 + i) & 0xFFFFFFFF
    out = np.empty(n, np.float32)
    for k in range(n):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        v = state >> 8
        out[k] = np.float32(np.int32(v) - 8388608) / np.float32(8388608.0)
    _lcg_cache[i] = out
    return out


def tol_rule(spread, absmax):
    return max(5.0 * spread, 1e-4 * absmax + 1e-6)


lines = []
inputs_seen = {}
models = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
for model in models:
    for case in ("image", "random"):
        cdir = os.path.join(src, model, case)
        meta = json.load(open(os.path.join(cdir, "meta.json")))
        for inp in json.load(open(os.path.join(src, model, "inputs.json")))["inputs"]:
            shape = inp["shape"]
            n = int(np.prod(shape))
            data = np.fromfile(os.path.join(cdir, "input%d.f32" % inp["index"]), "<f4")
            assert data.size == n
            if case == "random":
                assert np.array_equal(lcg(n, inp["index"])[:n], data), (model, "random recipe differs")
                fname = "random"
            else:
                key = "x".join(map(str, shape[1:]))
                fname = "inputs/%s.f32" % key
                if key in inputs_seen:
                    assert np.array_equal(inputs_seen[key], data), (model, "image inputs differ")
                else:
                    inputs_seen[key] = data
                    os.makedirs(os.path.join(dst, "inputs"), exist_ok=True)
                    data.tofile(os.path.join(dst, fname))
            lines.append("%s %s input %d %s %d 0" % (model, case, inp["index"], fname, n))
        os.makedirs(os.path.join(dst, model, case), exist_ok=True)
        if meta.get("ok"):
            for i, o in enumerate(meta["outputs"]):
                refs = {m: np.fromfile(os.path.join(cdir, f), "<f4").astype(np.float64)
                        for m, f in o["files"].items()}
                prim = refs[meta["primary_mode"]]
                spread = max(float(np.abs(r - prim).max()) for r in refs.values())
                absmax = float(np.abs(prim).max())
                rel = "%s/%s/output%d.f32" % (model, case, i)
                shutil.copyfile(os.path.join(cdir, o["files"][meta["primary_mode"]]), os.path.join(dst, rel))
                lines.append("%s %s output %d %s %d %.6g" % (model, case, i, rel, prim.size, tol_rule(spread, absmax)))
            continue
        for t in json.load(open(os.path.join(cdir, "partial", "tensors.json"))):
            ref = np.fromfile(os.path.join(cdir, "partial", t["files"]["xnnpack"]), "<f4").astype(np.float64)
            spread = t["diff"]["noxnnpack"]["max_abs"]
            rel = "%s/%s/t%d.f32" % (model, case, t["tensor_index"])
            shutil.copyfile(os.path.join(cdir, "partial", t["files"]["xnnpack"]), os.path.join(dst, rel))
            lines.append("%s %s tensor %d %s %d %.6g" % (model, case, t["tensor_index"], rel, ref.size,
                                                         tol_rule(spread, float(np.abs(ref).max()))))
        fdir = os.path.join(cdir, "full-independent")
        i = 0
        while os.path.exists(os.path.join(fdir, "output%d.f32" % i)):
            ref = np.fromfile(os.path.join(fdir, "output%d.f32" % i), "<f4").astype(np.float64)
            rel = "%s/%s/full%d.f32" % (model, case, i)
            shutil.copyfile(os.path.join(fdir, "output%d.f32" % i), os.path.join(dst, rel))
            lines.append("%s %s full %d %s %d %.6g" % (model, case, i, rel, ref.size,
                                                       1e-4 * float(np.abs(ref).max()) + 1e-6))
            i += 1

with open(os.path.join(dst, "manifest.txt"), "w") as f:
    f.write("# MODEL SET KIND INDEX FILE COUNT TOL -- written by import_golden.py; see its docstring\n")
    f.write("\n".join(lines) + "\n")
print("%d checks, %d models" % (len(lines), len(models)))
