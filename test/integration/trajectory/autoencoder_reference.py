#!/usr/bin/python3
"""The reference of autoencoder.test: 20 SGD steps of autoencoder.gd's
model in PyTorch.

    autoencoder_reference.py --data-dir D --out-dir DIR [--steps 20]

Writes DIR/init.safetensors (torch.Generator seeded with --seed:
Glorot-uniform weights, biases uniform in [-0.1, 0.1)) and
DIR/expected.safetensors, the parameters after the steps, under gd's paths
and shapes. Data as make_reference.py describes (no labels file is read);
the loss of a batch is F.mse_loss(output, input): the mean over the 784
pixels of each example, then over the batch, as gd's `mse` and the mean
reduction give."""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import load_fmnist, write_safetensors  # noqa: E402

BATCH = 32


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    torch.set_num_threads(1)
    count = args.steps * BATCH
    x, _ = load_fmnist(args.data_dir, count)

    g = torch.Generator().manual_seed(args.seed)
    uniform = lambda shape, lo, hi: (torch.rand(*shape, generator=g, dtype=torch.float64)
                                     * (hi - lo) + lo).float()
    glorot = lambda n_in, n_out: uniform((n_in, n_out), -1, 1) * (6.0 / (n_in + n_out)) ** 0.5
    params = {
        "ae.0.W": glorot(784, 16).requires_grad_(),
        "ae.0.b": uniform((16,), -0.1, 0.1).requires_grad_(),
        "ae.2.W": glorot(16, 784).requires_grad_(),
        "ae.2.b": uniform((784,), -0.1, 0.1).requires_grad_(),
    }
    os.makedirs(args.out_dir, exist_ok=True)
    write_safetensors(os.path.join(args.out_dir, "init.safetensors"),
                      {k: v.detach().numpy() for k, v in params.items()})
    opt = torch.optim.SGD(params.values(), lr=0.5)
    for step in range(args.steps):
        xb = x[step * BATCH:(step + 1) * BATCH]
        h = torch.tanh(xb @ params["ae.0.W"] + params["ae.0.b"])
        out = torch.sigmoid(h @ params["ae.2.W"] + params["ae.2.b"])
        opt.zero_grad()
        F.mse_loss(out, xb).backward()
        opt.step()
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"),
                      {k: v.detach().numpy() for k, v in params.items()})


if __name__ == "__main__":
    main()
