#!/usr/bin/python3
"""The reference of custom-backward.test: 20 SGD steps of
custom_backward.gd's model in PyTorch.

    custom_backward_reference.py --data-dir D --out-dir DIR [--steps 20]

Writes DIR/init.safetensors (torch.Generator seeded with --seed: dense
weights Glorot-uniform, biases uniform in [-0.1, 0.1), the gain uniform in
[0.5, 1.5)) and DIR/expected.safetensors, the parameters after the steps,
under gd's paths and shapes. Data and loss as make_reference.py describes.
Each lens with its own backward map is a torch.autograd.Function whose
backward is the one custom_backward.gd writes; nothing here is derived by
autograd from those lenses' forward maps."""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import load_fmnist, write_safetensors  # noqa: E402

BATCH = 32


class HalfGain(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, g):
        ctx.save_for_backward(x, g)
        return g * x

    @staticmethod
    def backward(ctx, dy):
        x, g = ctx.saved_tensors
        # Per example (g * dy, 0.5 * x * dy); the gain's summed over the batch.
        return g * dy, (0.5 * x * dy).sum(0)


class ClipSte(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.clamp(x, -1, 1)

    @staticmethod
    def backward(ctx, dy):
        return dy


class ReverseGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, dy):
        return -0.5 * dy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    count = args.steps * BATCH
    x, y = load_fmnist(args.data_dir, count)

    g = torch.Generator().manual_seed(args.seed)
    uniform = lambda shape, lo, hi: (torch.rand(*shape, generator=g, dtype=torch.float64)
                                     * (hi - lo) + lo).float()
    glorot = lambda n_in, n_out: uniform((n_in, n_out), -1, 1) * (6.0 / (n_in + n_out)) ** 0.5
    params = {
        "net.0.W": glorot(784, 32).requires_grad_(),
        "net.0.b": uniform((32,), -0.1, 0.1).requires_grad_(),
        "net.1.g": uniform((32,), 0.5, 1.5).requires_grad_(),
        "net.4.W": glorot(32, 10).requires_grad_(),
        "net.4.b": uniform((10,), -0.1, 0.1).requires_grad_(),
    }
    os.makedirs(args.out_dir, exist_ok=True)
    write_safetensors(os.path.join(args.out_dir, "init.safetensors"),
                      {k: v.detach().numpy() for k, v in params.items()})
    opt = torch.optim.SGD(params.values(), lr=0.1)
    for step in range(args.steps):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        h = xb @ params["net.0.W"] + params["net.0.b"]
        h = ReverseGradient.apply(ClipSte.apply(HalfGain.apply(h, params["net.1.g"])))
        logits = h @ params["net.4.W"] + params["net.4.b"]
        opt.zero_grad()
        F.cross_entropy(logits, yb).backward()
        opt.step()
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"),
                      {k: v.detach().numpy() for k, v in params.items()})


if __name__ == "__main__":
    main()
