#!/usr/bin/python3
"""The reference of dp-sgd-cnn.test: DP-SGD steps (noise off) of
dp_sgd_cnn.gd's CNN in PyTorch (float64), each example's gradient taken on
its own.

    dp_sgd_cnn_reference.py --out-dir DIR [--steps 20]

Writes DIR/x.npy and DIR/y.npy (160 images of 2x8x8, 3 classes) and
DIR/init.safetensors (the model's parameters under gd's paths: conv
filters [out, in, k, k], biases [out, 1, 1]). The model: conv 2->4, 3x3,
padding 1, stride 2; tanh; conv 4->3, 3x3, padding 2, dilation 2; tanh;
flatten; dense 48->3. For each batch of 8 in file order: each example's
own cross-entropy backward (one autograd call per example), the gradient
over all parameters clipped to an L2 norm of at most 5 (factor
min(1, c / (norm + 1e-6)), Opacus's), the batch mean, an SGD step of 0.1.
Writes DIR/expected.safetensors and prints how many per-example gradients
were clipped."""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import dp_sgd_steps, write_safetensors  # noqa: E402

N, BATCH, C, LR = 160, 8, 5.0, 0.1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(N, 2, 8, 8)).astype(np.float32)
    y = rng.integers(0, 3, size=N).astype(np.int32)
    np.save(os.path.join(args.out_dir, "x.npy"), x)
    np.save(os.path.join(args.out_dir, "y.npy"), y)
    init = {"model.0.W": rng.normal(0, 0.4, (4, 2, 3, 3)), "model.0.b": rng.normal(0, 0.1, (4, 1, 1)),
            "model.2.W": rng.normal(0, 0.3, (3, 4, 3, 3)), "model.2.b": rng.normal(0, 0.1, (3, 1, 1)),
            "model.5.W": rng.normal(0, 0.3, (48, 3)), "model.5.b": rng.normal(0, 0.1, 3)}
    init = {k: v.astype(np.float32) for k, v in init.items()}
    write_safetensors(os.path.join(args.out_dir, "init.safetensors"), init)
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in init.items()}

    def loss_of(i):
        h = torch.from_numpy(x[i:i + 1].astype(np.float64))
        h = torch.tanh(F.conv2d(h, p["model.0.W"], padding=1, stride=2) + p["model.0.b"])
        h = torch.tanh(F.conv2d(h, p["model.2.W"], padding=2, dilation=2) + p["model.2.b"])
        logits = h.reshape(1, -1) @ p["model.5.W"] + p["model.5.b"]
        return F.cross_entropy(logits, torch.tensor([int(y[i])]))

    clipped = dp_sgd_steps(p, loss_of, args.steps, BATCH, C, LR, BATCH)
    total = args.steps * BATCH
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"),
                      {k: v.detach().numpy().astype(np.float32) for k, v in p.items()})
    print(f"dp_sgd_cnn_reference: {clipped} of {total} per-example gradients clipped")


if __name__ == "__main__":
    main()
