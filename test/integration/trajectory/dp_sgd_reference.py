#!/usr/bin/python3
"""The reference of dp-sgd.test: DP-SGD steps (noise off) in PyTorch, each
example's gradient taken on its own.

    dp_sgd_reference.py --out-dir DIR [--steps 20] [--c 2.5] [--lr 0.5] [--sum]

Writes DIR/x.npy and DIR/y.npy (160 examples of 6 features, 3 classes) and
DIR/init.safetensors (the parameters of dp_sgd.gd's model under gd's
paths). Then, for each batch of 8 in file order: backward of each
example's own cross-entropy (one autograd call per example, no
vectorisation), the gradient over all parameters clipped to an L2 norm of
at most c (factor min(1, c / (norm + 1e-6)), Opacus's), the mean over the
batch (the sum with --sum, for `loss = sum(cross_entropy)`), and an SGD
step of lr --lr. Writes DIR/expected.safetensors and
prints how many per-example gradients were clipped."""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import dp_sgd_steps, write_safetensors  # noqa: E402

N, FEATURES, HIDDEN, CLASSES, BATCH = 160, 6, 8, 3, 8


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--c", type=float, default=2.5)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--sum", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(N, FEATURES)).astype(np.float32)
    y = rng.integers(0, CLASSES, size=N).astype(np.int32)
    np.save(os.path.join(args.out_dir, "x.npy"), x)
    np.save(os.path.join(args.out_dir, "y.npy"), y)
    init = {"model.0.W": rng.normal(0, 0.5, (FEATURES, HIDDEN)), "model.0.b": rng.normal(0, 0.1, HIDDEN),
            "model.2.W": rng.normal(0, 0.5, (HIDDEN, CLASSES)), "model.2.b": rng.normal(0, 0.1, CLASSES)}
    init = {k: v.astype(np.float32) for k, v in init.items()}
    write_safetensors(os.path.join(args.out_dir, "init.safetensors"), init)
    p = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in init.items()}

    def loss_of(i):
        h = torch.tanh(torch.from_numpy(x[i]) @ p["model.0.W"] + p["model.0.b"])
        logits = h @ p["model.2.W"] + p["model.2.b"]
        return F.cross_entropy(logits[None], torch.tensor([int(y[i])]))

    clipped = dp_sgd_steps(p, loss_of, args.steps, BATCH, args.c, args.lr,
                           1 if args.sum else BATCH)
    total = args.steps * BATCH
    write_safetensors(os.path.join(args.out_dir, "expected_sum.safetensors" if args.sum else "expected.safetensors"),
                      {k: v.detach().numpy() for k, v in p.items()})
    print(f"dp_sgd_reference: {clipped} of {total} per-example gradients clipped")


if __name__ == "__main__":
    main()
