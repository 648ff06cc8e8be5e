#!/usr/bin/env python3
"""gdc's adam-step: one Adam update of 10,000,000 float32 parameters with a
given gradient, as ../shared/bench/torch_reference.py defines the workload
(parameters at zero, a standard normal gradient, lr 1e-3; 3 untimed steps,
then 30 timed). gdc compiles the update of a one-tensor program
(`param w: f32[10000000]`, `optimizer = adam(lr = 1e-3)`) through the
library, which applies it to the gradient in place, without a copy
(Trainer.apply_gradients). Prints one JSON line in peers.py's format.

    OMP_NUM_THREADS=2 PYTHONPATH=python python3 bench/adam_step.py [--reps 30]
"""
import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import gdc  # noqa: E402

PARAMS = 10_000_000
SOURCE = """use std.losses
use std.optim

lens weights(n: int) {
  param w: f32[n] = zeros()
  fn (x: f32[n]) -> f32[n] = w * x
}

train adam_step {
  model     = weights(%d)
  loss      = mse
  optimizer = adam(lr = 1e-3)
  data      = synthetic(n = 1, features = %d)
}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args()
    t0 = time.perf_counter()
    trainer = gdc.compile(SOURCE % (PARAMS, PARAMS), "adam_step.gd").trainer()
    compile_s = time.perf_counter() - t0
    grad = np.random.default_rng(0).standard_normal(PARAMS).astype(np.float32)
    for _ in range(3):
        trainer.apply_gradients([grad])
    t0 = time.perf_counter()
    for _ in range(args.reps):
        trainer.apply_gradients([grad])
    dt = (time.perf_counter() - t0) / args.reps
    print(json.dumps({"workload": "adam-step", "impl": "gdc",
                      "threads": int(os.environ.get("OMP_NUM_THREADS", "0")) or None,
                      "metric": "throughput", "value": round(PARAMS / dt), "unit": "params/s",
                      "gbps": round(28 * PARAMS / dt / 1e9, 2),
                      "ms_per_step": round(dt * 1e3, 2),
                      "compile_seconds": round(compile_s, 3)}), flush=True)


if __name__ == "__main__":
    main()
