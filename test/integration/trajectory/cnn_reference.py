#!/usr/bin/python3
"""The reference of cnn.test: 20 SGD steps of cnn_sgd.gd's model in PyTorch.

    cnn_reference.py --data-dir D --out-dir DIR [--steps 20]

Writes DIR/init.safetensors (a fixed initial checkpoint: torch.Generator
seeded with --seed, 1 by default; conv filters and biases uniform in [-0.4, 0.4) and
[-0.1, 0.1), dense weights Glorot-uniform, biases uniform in [-0.1, 0.1))
and DIR/expected.safetensors, the parameters after the steps, under gd's
paths and shapes. Data and loss as make_reference.py describes: the first
steps*32 examples in file order, pixels times float32(1/255), mean
cross-entropy over each batch of 32. Model: Conv2d(1, 4, 5, padding=2)
(gd's conv(1, 4, 5, 2): the bias is stored as [4, 1, 1]), ReLU,
F.max_pool2d(2) (the first maximum of a window, in row-major order, takes
the gradient), flatten, Linear(784, 10) (gd's W is weight.T).

A ReLU input or a pooling window within a rounding error of a tie is a
discontinuity: two correct f32 implementations that sum in different
orders take different sides of it and their trajectories separate. From
seed 20261206 one such window at step 12 (a gap of 1e-8) sends gdc and
torch 1e-3 apart by step 20 although every single step agrees to 1e-7 from
the same parameters; seeds 1, 2, 4, 5 and 6 meet none in 20 steps."""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import read_idx, write_safetensors  # noqa: E402

BATCH = 32


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    count = args.steps * BATCH
    images = read_idx(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"), count)
    labels = read_idx(os.path.join(args.data_dir, "train-labels-idx1-ubyte.gz"), count)
    x = torch.from_numpy(images.reshape(count, 1, 28, 28).astype(np.float32))
    x = x * torch.tensor(1 / 255, dtype=torch.float32)
    y = torch.from_numpy(labels.astype(np.int64))

    g = torch.Generator().manual_seed(args.seed)
    uniform = lambda shape, limit: ((torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1)
                                    * limit).float()
    limit = (6.0 / (784 + 10)) ** 0.5
    params = {
        "cnn.0.W": uniform((4, 1, 5, 5), 0.4).requires_grad_(),
        "cnn.0.b": uniform((4, 1, 1), 0.1).requires_grad_(),
        "cnn.4.W": uniform((784, 10), limit).requires_grad_(),
        "cnn.4.b": uniform((10,), 0.1).requires_grad_(),
    }
    os.makedirs(args.out_dir, exist_ok=True)
    write_safetensors(os.path.join(args.out_dir, "init.safetensors"),
                      {k: v.detach().numpy() for k, v in params.items()})
    opt = torch.optim.SGD(params.values(), lr=0.1)
    for step in range(args.steps):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        h = F.conv2d(xb, params["cnn.0.W"], padding=2) + params["cnn.0.b"]
        h = F.max_pool2d(F.relu(h), 2).reshape(len(xb), -1)
        logits = h @ params["cnn.4.W"] + params["cnn.4.b"]
        opt.zero_grad()
        F.cross_entropy(logits, yb).backward()
        opt.step()
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"),
                      {k: v.detach().numpy() for k, v in params.items()})


if __name__ == "__main__":
    main()
