#!/usr/bin/python3
"""A causal self-attention block against PyTorch, end to end.

    check_torch.py MODEL.gd --difftest DIFFTEST.py --gdc GDC --workdir DIR

Compiles model.gd (layer norm and dense layers on each token, scores
q @ k^T where both sides depend on the example, a causal mask, a softmax
along each row, a residual, a GELU MLP), runs one step whose update rule
captures the gradient, and compares the loss (the outputs, weighted at
random) and every parameter's gradient with the same block written with
torch.nn.functional in f64 (F.layer_norm, F.linear, torch.softmax(dim=-1),
F.gelu(approximate="tanh"), masked_fill with -inf), within difftest's
tolerance. Exit 1 on a mismatch. Needs Debian's python3-torch
(%reference-python).
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

BATCH, T, D = 3, 6, 8


def reference(params, x, w):
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    x = torch.tensor(x, dtype=torch.float64)

    def dense(name, h):  # gd's W is [n_in, n_out]: F.linear takes its transpose
        return F.linear(h, p[name + ".W"].T, p[name + ".b"])

    h = F.layer_norm(x, [D], p["model.ln.gamma"], p["model.ln.beta"], 1e-5)
    scores = dense("model.q", h) @ dense("model.k", h).transpose(-1, -2) / math.sqrt(D)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    weights = torch.softmax(scores.masked_fill(~causal, float("-inf")), dim=-1)
    a = x + weights @ dense("model.v", h)
    y = a + dense("model.down", F.gelu(dense("model.up", a), approximate="tanh"))
    loss = (torch.tensor(w, dtype=torch.float64) * y).sum()
    loss.backward()
    return loss.item(), {k: v.grad.numpy() for k, v in p.items()}


def make_case():
    rng = np.random.default_rng(11)
    shapes = {"model.ln.gamma": [D], "model.ln.beta": [D]}
    for name, (n_in, n_out) in {"q": (D, D), "k": (D, D), "v": (D, D), "up": (D, 2 * D),
                                "down": (2 * D, D)}.items():
        shapes["model.{}.W".format(name)] = [n_in, n_out]
        shapes["model.{}.b".format(name)] = [n_out]
    # f32 values, so that both sides start from the same numbers.
    params = {k: rng.uniform(-0.8, 0.8, s).astype(np.float32) for k, s in shapes.items()}
    params["model.ln.gamma"] += 1
    x = rng.uniform(-1, 1, (BATCH, T, D)).astype(np.float32)
    w = rng.uniform(-1, 1, (BATCH, T, D)).astype(np.float32)
    return params, x, w, reference


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Inputs"))
    from one_step import run  # noqa: E402

    sys.exit(run("attention", BATCH, make_case))
