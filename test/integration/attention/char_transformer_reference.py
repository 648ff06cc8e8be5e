#!/usr/bin/python3
"""The reference of char-transformer.test: Adam steps of a 1-layer byte
transformer (one_layer.gd, the lenses of examples/transformer.gd) in PyTorch.

    char_transformer_reference.py INIT CORPUS OUT [--steps 20]

Reads gdc's initial parameters (INIT, a safetensors file written by
`train --epochs 0 --save`), cuts CORPUS as gd's `text(path, context = 64)`
does (consecutive windows of 64 bytes, each position labelled with the next
byte), and takes --steps SGD steps (lr 0.5) on batches of 4 windows in file order, with F.cross_entropy averaged over
every position of the batch. The model is written with torch's own layers
(F.embedding, F.layer_norm, F.linear, F.gelu(approximate='tanh'),
F.softmax, masked_fill), independently of gd's std. Writes the parameters
after the last step to OUT under gd's paths."""

import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "trajectory"))
from make_reference import read_safetensors, write_safetensors  # noqa: E402

CONTEXT, WIDTH, HEADS, BATCH = 64, 64, 4, 4
ROOT = "model"


def dense(p, name, x):
    # gd's dense is x @ W + b with W of [n_in, n_out] (linear has no b);
    # F.linear takes W^T.
    return F.linear(x, p[name + ".W"].t(), p.get(name + ".b"))


def layer_norm(p, name, x):
    return F.layer_norm(x, (WIDTH,), p[name + ".gamma"], p[name + ".beta"], eps=1e-5)


def attention(p, name, x):
    b, t, d = x.shape
    dh = d // HEADS

    def heads(y):  # [b, t, d] -> [b, heads, t, dh]
        return y.reshape(b, t, HEADS, dh).transpose(1, 2)

    q, k, v = (heads(dense(p, f"{name}.{w}", x)) for w in "qkv")
    scores = q @ k.transpose(-1, -2) / math.sqrt(dh)
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    weights = F.softmax(scores.masked_fill(~causal, -1e9), dim=-1)
    mixed = (weights @ v).transpose(1, 2).reshape(b, t, d)
    return dense(p, f"{name}.out", mixed)


def forward(p, ids):
    x = F.embedding(ids, p[f"{ROOT}.embed.tokens.table"]) + p[f"{ROOT}.embed.position"]
    block = f"{ROOT}.blocks.0"
    a = x + attention(p, f"{block}.attend", layer_norm(p, f"{block}.norm1", x))
    hidden = F.gelu(dense(p, f"{block}.up", layer_norm(p, f"{block}.norm2", a)), approximate="tanh")
    x = a + dense(p, f"{block}.down", hidden)
    return dense(p, f"{ROOT}.out", layer_norm(p, f"{ROOT}.norm", x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("init")
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    init = read_safetensors(args.init)
    params = {k: torch.from_numpy(v).requires_grad_() for k, v in init.items() if "/" not in k}
    with open(args.corpus, "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8).astype(np.int64)
    count = (len(data) - 1) // CONTEXT
    x = torch.from_numpy(data[:count * CONTEXT].reshape(count, CONTEXT))
    y = torch.from_numpy(data[1:count * CONTEXT + 1].reshape(count, CONTEXT))
    opt = torch.optim.SGD(params.values(), lr=0.5)
    for step in range(args.steps):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        opt.zero_grad()
        F.cross_entropy(forward(params, xb).reshape(-1, 256), yb.reshape(-1)).backward()
        opt.step()
    write_safetensors(args.out, {k: v.detach().numpy() for k, v in params.items()})


if __name__ == "__main__":
    main()
