#!/usr/bin/python3
"""Generates the reference data of the trajectory tests with PyTorch.

Regenerate (Debian's python3, which has torch; the pyenv python3 has not):

    /usr/bin/python3 test/integration/trajectory/make_reference.py \
        --data-dir /usr/share/datasets/fashion-mnist

It writes, next to this script:

  init.safetensors           a fixed initial checkpoint of the 784-32-10 MLP
                             (torch.Generator seeded with 20240601: Glorot-
                             uniform weights, biases uniform in [-0.1, 0.1) so
                             that the bias paths are exercised from step 1)
  expected_sgd.safetensors   the parameters after 20 steps of
                             torch.optim.SGD(lr=0.1) from init       (mlp_sgd.gd)
  expected_adam.safetensors  the parameters after 20 steps of
                             torch.optim.Adam(lr=1e-3, betas=(0.8, 0.99),
                             eps=1e-8) from init                     (mlp_adam.gd)

What it computes, mirroring the gd runtime with `--shuffle off`:
  * data: the first 20*32 examples of train-images/labels (idx, gzip), in
    file order; images as float32 bytes times float32(1/255) -- gd's
    `scale = 1/255` is a multiplication by the f32 scale, which differs from
    a division by 255 by at most one ulp on a few pixel values; labels int64
    for torch (int32 in gd).
  * model: nn.Sequential(Linear(784, 32), ReLU(), Linear(32, 10)), i.e. gd's
    dense(784, 32) >> relu >> dense(32, 10); gd's dense is x @ W + b with W
    of shape [n_in, n_out], so W = Linear.weight.T in both directions.
  * loss: F.cross_entropy with the default mean reduction over each batch of
    32; step t counts from 1 (torch.optim's own step counter).
  * files store gd's parameter paths and shapes: mlp.0.W [784,32], mlp.0.b
    [32], mlp.2.W [32,10], mlp.2.b [10]; F32, written with struct + json.

The hyperparameters here must match mlp_sgd.gd and mlp_adam.gd.

Diagnostics (do not touch the checked-in files unless --out-dir is this
directory): `--steps N` stops after N steps, `--dtype float64` runs the same
trajectory in double precision (stored rounded to f32), to measure how large
f32 rounding noise is next to a gdc-vs-torch difference, e.g.

    /usr/bin/python3 make_reference.py --data-dir D --out-dir /tmp/ref64 \
        --dtype float64 --init init.safetensors
    python3 compare.py expected_adam.safetensors /tmp/ref64/expected_adam.safetensors
"""

import argparse
import gzip
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

STEPS = 20
BATCH = 32
SEED = 20240601
SIZES = [(784, 32), (32, 10)]  # gd dense(n_in, n_out) layers of the MLP
PATHS = ["mlp.0.W", "mlp.0.b", "mlp.2.W", "mlp.2.b"]
SGD = dict(lr=0.1)
ADAM = dict(lr=1e-3, betas=(0.8, 0.99), eps=1e-8)


def write_safetensors(path, tensors):
    """Writes {name: float32 numpy array} (in order) as safetensors."""
    header, offset, blobs = {}, 0, []
    for name, value in tensors.items():
        value = np.ascontiguousarray(value, dtype="<f4")
        blob = value.tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-(8 + len(text)) % 8)  # data section 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for blob in blobs:
            f.write(blob)


def write_classification(out_dir, seed, n, sizes, weight_std=None):
    """A small classification problem for a trajectory test: DIR/x.npy and
    DIR/y.npy (n examples of sizes[0] features, sizes[-1] classes, drawn
    from numpy's default_rng(seed)) and DIR/init.safetensors, the dense
    layers of a sizes[0]-...-sizes[-1] MLP under gd's paths (model.0.W,
    model.0.b, model.2.W, ...: an activation between layers): weights
    N(0, weight_std), or N(0, 1/sqrt(fan_in)) without it, biases N(0, 0.1).
    Returns (x, y, init)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], size=n).astype(np.int32)
    np.save(os.path.join(out_dir, "x.npy"), x)
    np.save(os.path.join(out_dir, "y.npy"), y)
    init = {}
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        std = weight_std if weight_std is not None else 1 / np.sqrt(n_in)
        init[f"model.{2 * i}.W"] = rng.normal(0, std, (n_in, n_out)).astype(np.float32)
        init[f"model.{2 * i}.b"] = rng.normal(0, 0.1, n_out).astype(np.float32)
    write_safetensors(os.path.join(out_dir, "init.safetensors"), init)
    return x, y, init


def classification_loss(p, x, y):
    """The mean cross-entropy of write_classification's MLP: torch tensors
    p by gd's paths (model.0.W, model.0.b, model.2.W, ...), tanh between
    layers; x [batch, features], y [batch] class indices."""
    layers = len([name for name in p if name.endswith(".W")])
    h = x
    for i in range(layers):
        h = h @ p[f"model.{2 * i}.W"] + p[f"model.{2 * i}.b"]
        if i + 1 < layers:
            h = torch.tanh(h)
    return F.cross_entropy(h, y)


def dp_sgd_steps(p, loss_of, steps, batch, c, lr, divisor):
    """DP-SGD steps with the noise off, each example's gradient taken on its
    own (one autograd call per example, as Opacus's definition has it): for
    each batch of `batch` examples in order, loss_of(i) is example i's
    loss, its gradient over all tensors of p (a dict of leaf tensors that
    require grad) is clipped to an L2 norm of at most c (factor
    min(1, c / (norm + 1e-6)), Opacus's), the clipped gradients are summed
    and divided by `divisor` (the batch for a mean loss, 1 for a sum), and
    p steps by lr in place. Returns how many gradients were clipped."""
    clipped = 0
    for step in range(steps):
        summed = {k: torch.zeros_like(v) for k, v in p.items()}
        for i in range(step * batch, (step + 1) * batch):
            grads = torch.autograd.grad(loss_of(i), list(p.values()))
            norm = torch.sqrt(sum((g * g).sum() for g in grads))
            factor = min(1.0, c / (norm.item() + 1e-6))
            clipped += factor < 1.0
            for k, g in zip(p, grads):
                summed[k] += factor * g
        with torch.no_grad():
            for k in p:
                p[k] -= lr * summed[k] / divisor
    return clipped


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", e
        b, end = e["data_offsets"]
        out[name] = np.frombuffer(body[b:end], dtype="<f4").reshape(e["shape"]).copy()
    return out


def read_idx(path, count):
    """The first `count` records of an idx file as a uint8 array."""
    with gzip.open(path, "rb") as f:
        zero, dtype, ndim = struct.unpack(">HBB", f.read(4))
        assert zero == 0 and dtype == 0x08, f"{path}: not a ubyte idx file"
        dims = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
        assert dims[0] >= count
        per = int(np.prod(dims[1:], dtype=np.int64))
        raw = f.read(count * per)
    return np.frombuffer(raw, dtype=np.uint8).reshape((count,) + tuple(dims[1:]))


def load_fmnist(data_dir, count):
    """The first `count` training images as float32 [count, 784] times
    float32(1/255), as gd's `scale = 1/255` reads them, and their labels
    (int64): the data of every trajectory test."""
    images = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"), count)
    labels = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"), count)
    x = torch.from_numpy(images.reshape(count, 784).astype(np.float32))
    return x * torch.tensor(1 / 255, dtype=torch.float32), torch.from_numpy(labels.astype(np.int64))


def make_init():
    g = torch.Generator().manual_seed(SEED)
    init = {}
    for i, (n_in, n_out) in enumerate(SIZES):
        limit = (6.0 / (n_in + n_out)) ** 0.5
        W = (torch.rand(n_in, n_out, generator=g, dtype=torch.float64) * 2 - 1) * limit
        b = (torch.rand(n_out, generator=g, dtype=torch.float64) * 2 - 1) * 0.1
        init[f"mlp.{2 * i}.W"] = W.float().numpy()
        init[f"mlp.{2 * i}.b"] = b.float().numpy()
    return init


def train(init, x, y, optimizer, steps, dtype):
    model = torch.nn.Sequential(torch.nn.Linear(784, 32), torch.nn.ReLU(),
                                torch.nn.Linear(32, 10)).to(dtype)
    with torch.no_grad():
        for i in (0, 2):
            model[i].weight.copy_(torch.from_numpy(init[f"mlp.{i}.W"]).T)
            model[i].bias.copy_(torch.from_numpy(init[f"mlp.{i}.b"]))
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), **SGD)
    else:
        opt = torch.optim.Adam(model.parameters(), **ADAM)
    x = x.to(dtype)
    for step in range(steps):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)  # mean over the batch
        loss.backward()
        opt.step()
    out = {}
    for i in (0, 2):
        out[f"mlp.{i}.W"] = model[i].weight.detach().T.float().numpy()
        out[f"mlp.{i}.b"] = model[i].bias.detach().float().numpy()
    return {p: out[p] for p in PATHS}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out-dir", default=here)
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--init", help="start from this checkpoint instead of "
                        "making (and writing) a fresh init.safetensors")
    parser.add_argument("--divide", action="store_true",
                        help="diagnostic: scale images by /255 instead of "
                        "*float32(1/255)")
    args = parser.parse_args()

    torch.set_num_threads(1)  # reproducible summation order
    torch.use_deterministic_algorithms(True)
    dtype = getattr(torch, args.dtype)
    count = args.steps * BATCH
    images = read_idx(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"), count)
    labels = read_idx(os.path.join(args.data_dir, "train-labels-idx1-ubyte.gz"), count)
    pixels = torch.from_numpy(images.reshape(count, 784).astype(np.float32))
    if args.divide:
        x = pixels / 255
    else:
        x = pixels * torch.tensor(1 / 255, dtype=torch.float32)
    y = torch.from_numpy(labels.astype(np.int64))

    os.makedirs(args.out_dir, exist_ok=True)
    if args.init:
        init = read_safetensors(args.init)
    else:
        init = make_init()
        write_safetensors(os.path.join(args.out_dir, "init.safetensors"), init)
    for optimizer in ("sgd", "adam"):
        final = train(init, x, y, optimizer, args.steps, dtype)
        write_safetensors(os.path.join(args.out_dir, f"expected_{optimizer}.safetensors"),
                          final)
    print(f"wrote {args.out_dir}: {args.steps} steps, {args.dtype}")


if __name__ == "__main__":
    main()
