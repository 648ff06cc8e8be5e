#!/usr/bin/python3
"""The reference of targets.test: data, initial parameters, and the
parameters after SGD in PyTorch, for matrix_target.gd (targets of shape
[2, 3]) and own_label.gd (each example its own target).

    reference.py --out-dir DIR [--steps 8]

Writes DIR/x.npy [128, 4] and DIR/y.npy [128, 2, 3] (f32, seeded), and per
model DIR/<model>_init.safetensors and DIR/<model>_expected.safetensors
under gd's paths (dense W is [n_in, n_out]). The loss of a batch of 16 is
F.mse_loss over all of its elements: gd's `mse` (the mean over the
example's elements) averaged over the batch."""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "trajectory"))
from make_reference import write_safetensors  # noqa: E402

BATCH = 16


def train(params, forward, x, y, steps, lr):
    opt = torch.optim.SGD(params.values(), lr=lr)
    for step in range(steps):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        opt.zero_grad()
        F.mse_loss(forward(xb), yb).backward()
        opt.step()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((128, 4)).astype(np.float32)
    y = np.stack([np.tanh(x[:, :3] * 2), x[:, 1:] - 1], 1).astype(np.float32)
    os.makedirs(args.out_dir, exist_ok=True)
    np.save(os.path.join(args.out_dir, "x.npy"), x)
    np.save(os.path.join(args.out_dir, "y.npy"), y)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def tensor(shape):
        return torch.from_numpy(rng.uniform(-0.5, 0.5, shape).astype(np.float32)).requires_grad_()

    models = {
        "matrix_target": ({"net.0.W": tensor((4, 6)), "net.0.b": tensor((6,))},
                          lambda p, xb: torch.tanh(xb @ p["net.0.W"] + p["net.0.b"]).reshape(-1, 2, 3),
                          yt),
        "own_label": ({"ae.0.W": tensor((4, 2)), "ae.0.b": tensor((2,)),
                       "ae.2.W": tensor((2, 4)), "ae.2.b": tensor((4,))},
                      lambda p, xb: torch.tanh(xb @ p["ae.0.W"] + p["ae.0.b"]) @ p["ae.2.W"]
                      + p["ae.2.b"],
                      xt),
    }
    for name, (params, forward, target) in models.items():
        write_safetensors(os.path.join(args.out_dir, name + "_init.safetensors"),
                          {k: v.detach().numpy() for k, v in params.items()})
        train(params, lambda xb: forward(params, xb), xt, target, args.steps, 0.3)
        write_safetensors(os.path.join(args.out_dir, name + "_expected.safetensors"),
                          {k: v.detach().numpy() for k, v in params.items()})


if __name__ == "__main__":
    main()
