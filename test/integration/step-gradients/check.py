#!/usr/bin/env python3
"""End-to-end gradient check of a compiled training step.

  check.py MODEL.gd --gdc GDC --workdir DIR [--eps 1e-2] [--tol 2e-2]

Compiles MODEL.gd (whose data is idx("x.idx", "y.idx", shape = [3]) with
2 classes, and whose optimizer takes `lr` and starts from zero state, e.g.
sgd or momentum) into DIR/train, writes a tiny data set and random
parameters, then:
  * runs one step with lr = 1 from the parameters p0 and saves p1, so that
    p0 - p1 is the gradient the compiled step applied;
  * estimates every gradient entry by central differences of the loss the
    executable itself reports (runs with lr = 0);
  * checks that the loss reported while updating equals the loss at p0.
This tests what the per-op gradient checks cannot: the composed step after
fusion and bufferization, with parameters updated in the same function that
reads them. Standard library only. Exit 1 on any mismatch."""
import argparse
import json
import os
import random
import struct
import subprocess
import sys

EXAMPLES, FEATURES = 4, 3


def write_idx(path, dims, values, code):
    with open(path, "wb") as f:
        f.write(bytes([0, 0, code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims))
        if code == 0x08:
            f.write(bytes(values))
        else:
            f.write(b"".join(struct.pack(">f", v) for v in values))


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, (shape, data) in tensors.items():
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + 4 * len(data)]}
        blobs.append(struct.pack("<%df" % len(data), *data))
        offset += 4 * len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    blob = open(path, "rb").read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        out[name] = list(struct.unpack("<%df" % ((end - begin) // 4), blob[8 + n + begin:8 + n + end]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--gdc", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--eps", type=float, default=1e-2)
    ap.add_argument("--tol", type=float, default=2e-2)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    os.chdir(args.workdir)
    exe = os.path.abspath("train")
    subprocess.run([args.gdc, args.model, "-o", exe], check=True)
    params = {}
    for line in subprocess.run([args.gdc, args.model, "--emit=params"], check=True,
                               capture_output=True, text=True).stdout.splitlines():
        path, typ = line.split()
        dims = [int(d) for d in typ[4:-1].split(",") if d]
        size = 1
        for d in dims:
            size *= d
        params[path] = (dims, size)

    rng = random.Random(1234)
    write_idx("x.idx", [EXAMPLES, FEATURES], [rng.uniform(-1, 1) for _ in range(EXAMPLES * FEATURES)], 0x0D)
    write_idx("y.idx", [EXAMPLES], [rng.randrange(2) for _ in range(EXAMPLES)], 0x08)
    p0 = {name: (dims, [rng.uniform(-0.5, 0.5) for _ in range(size)]) for name, (dims, size) in params.items()}

    def loss(tensors, lr, save=None):
        write_safetensors("in.safetensors", tensors)
        cmd = [exe, "--data-dir", ".", "--steps", "1", "--batch", str(EXAMPLES), "--shuffle", "off",
               "--init", "in.safetensors", "--log", "log.jsonl", "--quiet", "--set", "lr=%r" % lr]
        if save:
            cmd += ["--save", save]
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        with open("log.jsonl") as f:
            return json.loads(f.readline())["train_loss"]

    failures = []
    loss_updating = loss(p0, 1.0, save="p1.safetensors")
    loss_still = loss(p0, 0.0)
    if abs(loss_updating - loss_still) > 1e-6 * max(1.0, abs(loss_still)):
        failures.append(f"the loss reported while updating ({loss_updating}) differs from the loss at p0 ({loss_still})")
    p1 = read_safetensors("p1.safetensors")
    for name, (dims, values) in p0.items():
        for i, before in enumerate(values):
            applied = before - p1[name][i]
            shifted = {k: (d, list(v)) for k, (d, v) in p0.items()}
            shifted[name][1][i] = before + args.eps
            up = loss(shifted, 0.0)
            shifted[name][1][i] = before - args.eps
            down = loss(shifted, 0.0)
            estimate = (up - down) / (2 * args.eps)
            ok = abs(estimate - applied) <= args.tol * max(1.0, abs(estimate))
            print(f"{name}[{i}]: applied {applied:+.5f}  central difference {estimate:+.5f}{'' if ok else '  MISMATCH'}")
            if not ok:
                failures.append(f"{name}[{i}]: the step applied {applied:+.5f}, central differences give {estimate:+.5f}")
    for f in failures:
        print("check.py: FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
