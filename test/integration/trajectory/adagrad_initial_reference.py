#!/usr/bin/python3
"""The reference of state-init.test: 20 steps of
torch.optim.Adagrad(lr = 0.05, eps = 1e-10, initial_accumulator_value = 0.1)
on the MLP of make_reference.py, from init.safetensors, data and loss as
make_reference.py describes.

    adagrad_initial_reference.py --data-dir D --out FILE [--steps 20]
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import load_fmnist, read_safetensors, write_safetensors  # noqa: E402

BATCH = 32


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    count = args.steps * BATCH
    x, y = load_fmnist(args.data_dir, count)
    init = read_safetensors(os.path.join(here, "init.safetensors"))
    params = {k: torch.from_numpy(np.array(v)).requires_grad_() for k, v in init.items()}
    opt = torch.optim.Adagrad(params.values(), lr=0.05, eps=1e-10,
                              initial_accumulator_value=0.1)
    for step in range(args.steps):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        h = torch.relu(xb @ params["mlp.0.W"] + params["mlp.0.b"])
        logits = h @ params["mlp.2.W"] + params["mlp.2.b"]
        opt.zero_grad()
        F.cross_entropy(logits, yb).backward()
        opt.step()
    write_safetensors(args.out, {k: v.detach().numpy() for k, v in params.items()})


if __name__ == "__main__":
    main()
