#!/usr/bin/python3
"""The reference of radam.test: torch.optim.RAdam steps.

    radam_reference.py --out-dir DIR [--steps 30] [--lr 0.01]

Writes DIR/x.npy and DIR/y.npy (240 examples of 6 features, 3 classes) and
DIR/init.safetensors (radam.gd's 6-16-3 tanh MLP under gd's paths), then
takes --steps steps of torch.optim.RAdam (betas 0.9, 0.999, eps 1e-8; its
rectification starts at step 6) on batches of 8 in file order, mean
cross-entropy, float32 as torch trains, and writes
DIR/expected.safetensors."""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import classification_loss, write_classification, write_safetensors  # noqa: E402

N, SIZES, BATCH = 240, [6, 16, 3], 8


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    torch.set_num_threads(1)
    x, y, init = write_classification(args.out_dir, 23, N, SIZES)
    p = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in init.items()}
    opt = torch.optim.RAdam(list(p.values()), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    for t in range(args.steps):
        rows = slice(t * BATCH, (t + 1) * BATCH)
        loss = classification_loss(p, torch.from_numpy(x[rows]), torch.from_numpy(y[rows]).long())
        opt.zero_grad()
        loss.backward()
        opt.step()
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"),
                      {k: v.detach().numpy() for k, v in p.items()})
    print(f"radam_reference: {args.steps} steps of torch.optim.RAdam")


if __name__ == "__main__":
    main()
