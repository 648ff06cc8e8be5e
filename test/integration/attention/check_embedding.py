#!/usr/bin/python3
"""std.nn's embedding against PyTorch, end to end.

    check_embedding.py MODEL.gd --difftest DIFFTEST.py --gdc GDC --workdir DIR

Compiles embedding.gd (token ids through an embedding, a layer norm, a
causal softmax of the tokens' products, a dense layer), runs one step whose
update rule captures the gradient, and compares the loss and every
parameter's gradient with F.embedding and the same layers in f64. Token ids
repeat within a sequence, so rows of the table gather several cotangents.
Exit 1 on a mismatch. Needs Debian's python3-torch (%reference-python).
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

BATCH, T, D, VOCAB = 3, 5, 4, 7


def reference(params, ids, w):
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    h = F.embedding(torch.tensor(ids, dtype=torch.int64), p["model.embed.table"])
    h = F.layer_norm(h, [D], p["model.norm.gamma"], p["model.norm.beta"], 1e-5)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    mixed = torch.softmax((h @ h.transpose(-1, -2)).masked_fill(~causal, float("-inf")), -1) @ h
    y = mixed @ p["model.out.W"] + p["model.out.b"]
    loss = (torch.tensor(w, dtype=torch.float64) * y).sum()
    loss.backward()
    return loss.item(), {k: v.grad.numpy() for k, v in p.items()}


def make_case():
    rng = np.random.default_rng(5)
    shapes = {"model.embed.table": [VOCAB, D], "model.norm.gamma": [D], "model.norm.beta": [D],
              "model.out.W": [D, 3], "model.out.b": [3]}
    params = {k: rng.uniform(-1, 1, s).astype(np.float32) for k, s in shapes.items()}
    ids = rng.integers(0, VOCAB, (BATCH, T))
    ids[:, 3] = ids[:, 1]  # a repeated token in every sequence
    w = rng.uniform(-1, 1, (BATCH, T, 3)).astype(np.float32)
    # The model reads the ids as f32 data; the reference as integers.
    return params, ids.astype(np.float32), w, lambda params, _, w: reference(params, ids, w)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Inputs"))
    from one_step import run  # noqa: E402

    sys.exit(run("embedding", BATCH, make_case))
