#!/usr/bin/python3
"""The reference of global-history.test: AutoClip over a window of 8 steps
in PyTorch (float64).

    autoclip_window_reference.py --out-dir DIR [--steps 20] [--lr 0.5]

Writes DIR/x.npy and DIR/y.npy (160 examples of 6 features, 3 classes) and
DIR/init.safetensors (autoclip_window.gd's 6-8-3 tanh MLP under gd's
paths). Then, for each batch of 8 in file order: the gradient of the mean
cross-entropy, its global norm over every tensor appended to a history of
the last 8 norms, the limit their mean (over min(t, 8) steps), the gradient
scaled by min(1, limit / (norm + 1e-12)) and an SGD step. Writes
DIR/expected.safetensors and prints how many steps were clipped."""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import classification_loss, write_classification, write_safetensors  # noqa: E402

N, FEATURES, HIDDEN, CLASSES, BATCH, WINDOW = 160, 6, 8, 3, 8, 8


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--lr", type=float, default=0.5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    x, y, init = write_classification(args.out_dir, 7, N, [FEATURES, HIDDEN, CLASSES],
                                      weight_std=0.5)
    p = {k: torch.from_numpy(v.astype(np.float64)).requires_grad_() for k, v in init.items()}
    history = [0.0] * WINDOW
    clipped = 0
    for t in range(1, args.steps + 1):
        rows = slice((t - 1) * BATCH, t * BATCH)
        loss = classification_loss(p, torch.from_numpy(x[rows].astype(np.float64)),
                                   torch.from_numpy(y[rows]).long())
        grads = torch.autograd.grad(loss, list(p.values()))
        norm = torch.sqrt(sum((g * g).sum() for g in grads)).item()
        history = history[1:] + [norm]
        limit = sum(history) / min(t, WINDOW)
        factor = min(1.0, limit / (norm + 1e-12))
        clipped += factor < 1.0
        with torch.no_grad():
            for (k, v), g in zip(p.items(), grads):
                v -= args.lr * factor * g
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"),
                      {k: v.detach().numpy().astype(np.float32) for k, v in p.items()})
    print(f"autoclip_window_reference: {clipped} of {args.steps} steps clipped")


if __name__ == "__main__":
    main()
