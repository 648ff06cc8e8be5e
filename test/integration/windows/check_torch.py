#!/usr/bin/python3
"""The windowed built-ins against PyTorch, end to end.

    check_torch.py MODEL.gd --difftest DIFFTEST.py --gdc GDC --workdir DIR

Compiles model.gd (a stride-2 padded conv2d, an overlapping 3/2 max pool
over the ReLU's zeros, a dilated conv2d and a padded avg pool, then a
dense layer), runs one step whose update rule captures the gradient, and
compares the loss (the forward values, weighted at random) and every
parameter's gradient with the same model written with
torch.nn.functional in f64, within difftest's tolerance. Exit 1 on a
mismatch. Needs Debian's python3-torch (%reference-python).
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

BATCH = 3


def reference(params, x, w):
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    h = F.relu(F.conv2d(torch.tensor(x, dtype=torch.float64), p["model.0.W1"], padding=1,
                        stride=2) + p["model.0.b1"])
    m = F.max_pool2d(h, 3, stride=2)
    d = F.conv2d(m, p["model.0.W2"], padding=2, dilation=2)
    a = F.avg_pool2d(d, 2, stride=1, padding=1)
    y = a.reshape(a.shape[0], -1) @ p["model.2.W"] + p["model.2.b"]
    loss = (torch.tensor(w, dtype=torch.float64) * y).sum()
    loss.backward()
    return loss.item(), {k: v.grad.numpy() for k, v in p.items()}


def make_case():
    rng = np.random.default_rng(7)
    shapes = {"model.0.W1": [4, 1, 3, 3], "model.0.b1": [4, 1, 1], "model.0.W2": [3, 4, 3, 3],
              "model.2.W": [48, 5], "model.2.b": [5]}
    # f32 values, so that both sides start from the same numbers.
    params = {k: rng.uniform(-1, 1, s).astype(np.float32) for k, s in shapes.items()}
    x = rng.uniform(-1, 1, (BATCH, 1, 13, 13)).astype(np.float32)
    w = rng.uniform(-1, 1, (BATCH, 5)).astype(np.float32)
    return params, x, w, reference


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Inputs"))
    from one_step import run  # noqa: E402

    sys.exit(run("windows", BATCH, make_case))
