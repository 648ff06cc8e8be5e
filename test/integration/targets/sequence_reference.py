#!/usr/bin/python3
"""The reference of sequence-labels.test: data, initial parameters, the
parameters after SGD in PyTorch, and the per-position test accuracy, for
sequence_labels.gd (a class label per position).

    sequence_reference.py --out-dir DIR [--steps 10]

Writes DIR/ids.npy [80, 8] (token ids as f32) and DIR/tags.npy [80, 8]
(int32: each position's class, a function of its token and the previous
one), DIR/init.safetensors and DIR/expected.safetensors under gd's paths,
and DIR/accuracy.txt: the fraction of all positions of the data whose
highest score is their class, after the steps. The loss of a batch of 8 is
F.cross_entropy over its 8 x 8 positions (the mean), as gd's cross_entropy
(the mean over the positions) averaged over the batch gives."""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "trajectory"))
from make_reference import write_safetensors  # noqa: E402

BATCH, T, VOCAB, CLASSES = 8, 8, 11, 11


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(3)
    ids = rng.integers(0, VOCAB, (80, T))
    previous = np.concatenate([np.zeros((80, 1), dtype=ids.dtype), ids[:, :-1]], 1)
    tags = ((ids + 2 * previous) % CLASSES).astype(np.int32)
    os.makedirs(args.out_dir, exist_ok=True)
    np.save(os.path.join(args.out_dir, "ids.npy"), ids.astype(np.float32))
    np.save(os.path.join(args.out_dir, "tags.npy"), tags)

    def tensor(shape, scale):
        return torch.from_numpy(rng.uniform(-scale, scale, shape).astype(np.float32)) \
            .requires_grad_()

    p = {"tagger.0.table": tensor((VOCAB, 8), 1.0), "tagger.1.W": tensor((8, 16), 0.5),
         "tagger.1.b": tensor((16,), 0.1), "tagger.3.W": tensor((16, CLASSES), 0.5),
         "tagger.3.b": tensor((CLASSES,), 0.1)}
    write_safetensors(os.path.join(args.out_dir, "init.safetensors"),
                      {k: v.detach().numpy() for k, v in p.items()})

    def logits(x):
        h = F.embedding(x, p["tagger.0.table"])
        return torch.tanh(h @ p["tagger.1.W"] + p["tagger.1.b"]) @ p["tagger.3.W"] + p["tagger.3.b"]

    x, y = torch.from_numpy(ids), torch.from_numpy(tags.astype(np.int64))
    opt = torch.optim.SGD(p.values(), lr=0.5)
    for step in range(args.steps):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        opt.zero_grad()
        F.cross_entropy(logits(xb).reshape(-1, CLASSES), yb.reshape(-1)).backward()
        opt.step()
    write_safetensors(os.path.join(args.out_dir, "expected.safetensors"),
                      {k: v.detach().numpy() for k, v in p.items()})
    with torch.no_grad():
        accuracy = (logits(x).argmax(-1) == y).double().mean().item()
    with open(os.path.join(args.out_dir, "accuracy.txt"), "w") as f:
        f.write("{:.17g}\n".format(accuracy))


if __name__ == "__main__":
    main()
