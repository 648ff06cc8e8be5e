#!/usr/bin/env python3
"""A training step through the library against the executable's, same model.

Compiles one MLP program twice: `gdc -o` into an executable, which trains
an epoch on synthetic data and reports examples/s; and with the Python
package (libgdc, the step JIT-compiled in process), which steps through the
same number of batches of numpy arrays prepared beforehand. Both run here,
one after the other, and the ratio is printed. The library's time covers
the whole Python call (ctypes, shape checks, the label range check).

    PYTHONPATH=python python3 bench/library_overhead.py [--gdc build/bin/gdc] [--repeat 3]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import gdc  # noqa: E402

EXAMPLES, BATCH = 16384, 128
SOURCE = """use std.nn
use std.losses
use std.optim

let mlp = dense(784, 256) >> relu >> dense(256, 128) >> relu >> dense(128, 10)

train bench {
  model     = mlp
  loss      = cross_entropy
  optimizer = adam(lr = 1e-3)
  data      = synthetic(n = %d, features = 784, classes = 10, seed = 1)
  batch     = %d
  epochs    = 1
}
""" % (EXAMPLES, BATCH)


def executable_rate(gdc_path, workdir):
    source = os.path.join(workdir, "bench.gd")
    with open(source, "w") as f:
        f.write(SOURCE)
    exe = os.path.join(workdir, "train")
    subprocess.run([gdc_path, source, "-o", exe], check=True)
    out = subprocess.run([exe, "--quiet"], check=True, capture_output=True, text=True)
    return float(re.search(r"([0-9.]+) examples/s", out.stderr).group(1))


def library_rate():
    trainer = gdc.compile(SOURCE, filename="bench.gd").trainer(seed=0)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((EXAMPLES, 784), dtype=np.float32)
    y = rng.integers(0, 10, EXAMPLES).astype(np.int32)
    batches = [(x[i:i + BATCH], y[i:i + BATCH]) for i in range(0, EXAMPLES, BATCH)]
    trainer.step(*batches[0])  # the first step pays for page faults
    start = time.perf_counter()
    for bx, by in batches:
        trainer.step(bx, by)
    return EXAMPLES / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gdc", default=os.path.join(HERE, "..", "build", "bin", "gdc"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        for run in range(args.repeat):
            exe = executable_rate(args.gdc, workdir)
            lib = library_rate()
            print("run %d: executable %.0f examples/s, library (Python) %.0f examples/s: "
                  "library/executable %.3f" % (run + 1, exe, lib, lib / exe))


if __name__ == "__main__":
    main()
