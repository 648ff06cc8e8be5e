#!/usr/bin/python3
"""The reference of text.test: a corpus, initial parameters, and the
parameters after SGD in PyTorch, for text_model.gd (`text` data).

    text_reference.py --out-dir DIR [--steps 6]

Writes DIR/corpus.txt (a few hundred bytes of text), cuts it as gd's
`text(path, context = 8)` does (consecutive windows of 8 bytes, floor((size
- 1) / 8) of them, each position's label the next byte), and trains the
bigram model (F.embedding, then a dense layer to 256 classes) with
F.cross_entropy over each batch of 4 windows' positions, in file order.
Writes DIR/init.safetensors and DIR/expected.safetensors under gd's
paths."""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "trajectory"))
from make_reference import write_safetensors  # noqa: E402

BATCH, CONTEXT = 4, 8
CORPUS = (b"The quick brown fox jumps over the lazy dog. " * 3 +
          b"Gradient descent: compose the lenses, reverse the maps, update the parameters.\n" * 3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=6)
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "corpus.txt"), "wb") as f:
        f.write(CORPUS)
    data = np.frombuffer(CORPUS, dtype=np.uint8).astype(np.int64)
    count = (len(data) - 1) // CONTEXT
    x = torch.from_numpy(data[:count * CONTEXT].reshape(count, CONTEXT))
    y = torch.from_numpy(data[1:count * CONTEXT + 1].reshape(count, CONTEXT))

    rng = np.random.default_rng(9)
    p = {"model.embed.table": rng.uniform(-1, 1, (256, 8)), "model.out.W": rng.uniform(-0.5, 0.5, (8, 256)),
         "model.out.b": rng.uniform(-0.1, 0.1, (256,))}
    p = {k: torch.from_numpy(v.astype(np.float32)).requires_grad_() for k, v in p.items()}
    write_safetensors(os.path.join(args.out_dir, "init.safetensors"),
                      {k: v.detach().numpy() for k, v in p.items()})
    opt = torch.optim.SGD(p.values(), lr=1.0)
    for step in range(args.steps):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        logits = F.embedding(xb, p["model.embed.table"]) @ p["model.out.W"] + p["model.out.b"]
        opt.zero_grad()
        F.cross_entropy(logits.reshape(-1, 256), yb.reshape(-1)).backward()
        opt.step()
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"),
                      {k: v.detach().numpy() for k, v in p.items()})


if __name__ == "__main__":
    main()
