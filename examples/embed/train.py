"""train.py - train a model from source text through gdc's Python package.

    PYTHONPATH=python python3 examples/embed/train.py

The Python twin of train.c: the data is the caller's, two Gaussian blobs in
2-D, one per class, generated here and fed in batches of 32. The program
prints the loss every 50 steps and the training accuracy at the end, and
exits 1 if the model did not learn to separate the blobs.
"""
import sys

import numpy as np

import gdc

SOURCE = """\
use std.nn
use std.losses
use std.optim

let net = dense(2, 16) >> tanh >> dense(16, 2)

train blobs {
  model     = net
  loss      = cross_entropy
  optimizer = adam(lr = 1e-2)
  data      = npy("x.npy", "y.npy")
}
"""

N, BATCH, STEPS = 512, 32, 300


def main():
    try:
        program = gdc.compile(SOURCE, "blobs.gd")
        trainer = program.trainer(seed=1)
        trainer.set("lr", 0.02)
    except gdc.Error as e:
        print(e, file=sys.stderr)
        return 1

    rng = np.random.default_rng(42)
    y = (np.arange(N) % 2).astype(np.int32)
    centre = np.where(y[:, None] == 1, [2.0, 1.0], [-2.0, -1.0])
    x = (rng.standard_normal((N, 2)) + centre).astype(np.float32)

    for step in range(STEPS):
        first = (step * BATCH) % N
        loss = trainer.step(x[first:first + BATCH], y[first:first + BATCH])
        if (step + 1) % 50 == 0:
            print("step %d: loss %.4f" % (step + 1, loss))

    logits = trainer.predict(x)
    accuracy = np.mean((logits[:, 1] > logits[:, 0]) == (y == 1))
    print("training accuracy: %.3f" % accuracy)
    return 0 if accuracy >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
