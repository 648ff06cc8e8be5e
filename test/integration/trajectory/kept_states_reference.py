#!/usr/bin/python3
"""The reference of kept-states.test: kept_states.gd's rule in PyTorch
(float64), with each state at the shape the step keeps it in.

    kept_states_reference.py --out-dir DIR [--steps 20]

Writes DIR/x.npy, DIR/y.npy and DIR/init.safetensors (160 examples of 6
features, 3 classes; the 6-16-3 tanh MLP), takes --steps steps on batches
of 8 in file order (mean cross-entropy) and writes DIR/expected.safetensors:
the parameters and every state under the checkpoint's names
(`model.0.W/r`). Per tensor, with b = 0.9:

  r = b r + (1 - b) mean(g^2 along the last axis)    [rows, 1]; a vector: [1]
  c = b c + (1 - b) mean(g^2 along the second-last)  [1, cols]; a vector: g^2's
                                                     own shape (no such axis)
  n = b n + (1 - b) mean(g^2)                        [1, 1]; a vector: [1]
  m = b m + g                                        the parameter's shape
  p = p - 0.05 m / sqrt(r c / n + 1e-8)
"""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import classification_loss, write_classification, write_safetensors  # noqa: E402

N, SIZES, BATCH, LR, BETA = 160, [6, 16, 3], 8, 0.05, 0.9


def kept_shapes(shape):
    """The shapes of r, c, n for a parameter of this shape."""
    if len(shape) == 2:
        return (shape[0], 1), (1, shape[1]), (1, 1)
    return (1,), tuple(shape), (1,)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    x, y, init = write_classification(args.out_dir, 5, N, SIZES)
    p = {k: torch.tensor(v, dtype=torch.float64) for k, v in init.items()}
    state = {}
    for k, v in p.items():
        r, c, n = kept_shapes(tuple(v.shape))
        state[k] = {"r": torch.zeros(r, dtype=torch.float64),
                    "c": torch.zeros(c, dtype=torch.float64),
                    "n": torch.zeros(n, dtype=torch.float64),
                    "m": torch.zeros_like(v)}
    for step in range(args.steps):
        rows = slice(step * BATCH, (step + 1) * BATCH)
        q = {k: v.clone().requires_grad_() for k, v in p.items()}
        loss = classification_loss(q, torch.from_numpy(x[rows].astype(np.float64)),
                                   torch.from_numpy(y[rows].astype(np.int64)))
        grads = torch.autograd.grad(loss, list(q.values()))
        for (k, v), g in zip(p.items(), grads):
            s = state[k]
            g2 = g * g
            if v.dim() == 2:
                row, col = g2.mean(dim=1, keepdim=True), g2.mean(dim=0, keepdim=True)
            else:
                row, col = g2.mean().reshape(1), g2
            s["r"] = BETA * s["r"] + (1 - BETA) * row
            s["c"] = BETA * s["c"] + (1 - BETA) * col
            s["n"] = BETA * s["n"] + (1 - BETA) * g2.mean().reshape(s["n"].shape)
            s["m"] = BETA * s["m"] + g
            p[k] = v - LR * s["m"] / torch.sqrt(s["r"] * s["c"] / s["n"] + 1e-8)
    out = {k: v.numpy().astype(np.float32) for k, v in p.items()}
    for k, s in state.items():
        for name, value in s.items():
            out[f"{k}/{name}"] = value.numpy().astype(np.float32)
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"), out)
    print(f"kept_states_reference: {args.steps} steps")


if __name__ == "__main__":
    main()
