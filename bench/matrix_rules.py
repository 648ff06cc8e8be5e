#!/usr/bin/env python3
"""Matrix update rules against JAX+optax: examples/mlp_fmnist.gd's MLP
(784-256-128-10, ReLU, batch 128) trained on Fashion-MNIST with Adam, Muon
and Adafactor, by gdc and by JAX+optax with the whole step under one jit,
in one run on one machine; prints one JSON line per (rule, implementation)
and the ratio gdc / JAX.

  V/bin/python bench/matrix_rules.py [--epochs 2] [--threads 2] [--rules adam,muon,adafactor]

Needs jax and optax (python3 -m venv V && V/bin/pip install jax optax numpy)
and build/bin/gdc. The rules on both sides:
  adam       adam(lr = 1e-3)                    optax.adam(1e-3)
  muon       { "*.W": muon(lr = 0.02),          optax.contrib.muon(0.02)
               "*": nadam(lr = 0.02) }          (nadam for the biases)
  adafactor  adafactor(lr = 0.01)               optax.adafactor(0.01)
gdc's throughput is its log's (training examples over training seconds,
evaluation excluded); JAX's is timed after 3 warm-up steps, over whole
epochs of the same batch size, the batch gathered inside the jit.
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FMNIST = os.environ.get("GDC_FMNIST", "/usr/share/datasets/fashion-mnist")
GDC_RULES = {"adam": "adam(lr = 1e-3)",
             "muon": '{ "*.W": muon(lr = 0.02), "*": nadam(lr = 0.02) }',
             "adafactor": "adafactor(lr = 0.01)"}
BATCH = 128


def run_gdc(rule, epochs, threads, workdir):
    source = open(os.path.join(ROOT, "examples", "mlp_fmnist.gd")).read()
    source = source.replace("optimizer = adam(lr = 1e-3)", "optimizer = " + GDC_RULES[rule])
    path = os.path.join(workdir, rule + ".gd")
    open(path, "w").write(source)
    exe, log = os.path.join(workdir, rule), os.path.join(workdir, rule + ".jsonl")
    t0 = time.perf_counter()
    subprocess.run([os.path.join(ROOT, "build", "bin", "gdc"), path, "-o", exe], check=True)
    compile_s = time.perf_counter() - t0
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    subprocess.run([exe, "--data-dir", FMNIST, "--epochs", str(epochs), "--log", log, "--quiet"],
                   check=True, env=env, stderr=subprocess.DEVNULL)
    rows = [json.loads(line) for line in open(log)]
    rate = sum(r["examples"] for r in rows) / sum(r["seconds"] for r in rows)
    return dict(rule=rule, impl="gdc", value=round(rate), unit="examples/s",
                compile_seconds=round(compile_s, 2), test_accuracy=rows[-1].get("test_accuracy"))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = struct.unpack(">I", data[:4])[0] & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def run_jax(rule, epochs):
    import jax
    import jax.numpy as jnp
    import optax
    x = read_idx(f"{FMNIST}/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    y = read_idx(f"{FMNIST}/train-labels-idx1-ubyte.gz").astype(np.int32)
    rng = np.random.default_rng(0)
    params = {}
    for i, (n_in, n_out) in enumerate([(784, 256), (256, 128), (128, 10)]):
        bound = 1 / np.sqrt(n_in)
        params[f"l{i}"] = {"W": jnp.asarray(rng.uniform(-bound, bound, (n_in, n_out)), jnp.float32),
                           "b": jnp.asarray(rng.uniform(-bound, bound, n_out), jnp.float32)}
    opt = {"adam": lambda: optax.adam(1e-3), "muon": lambda: optax.contrib.muon(0.02),
           "adafactor": lambda: optax.adafactor(0.01)}[rule]()
    state = opt.init(params)
    xd, yd = jnp.asarray(x), jnp.asarray(y)

    def loss(p, xb, yb):
        h = jax.nn.relu(xb @ p["l0"]["W"] + p["l0"]["b"])
        h = jax.nn.relu(h @ p["l1"]["W"] + p["l1"]["b"])
        logits = h @ p["l2"]["W"] + p["l2"]["b"]
        return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean()

    def step(p, s, perm, k):
        idx = jax.lax.dynamic_slice_in_dim(perm, k * BATCH, BATCH)
        g = jax.grad(loss)(p, xd[idx], yd[idx])
        u, s = opt.update(g, s, p)
        return optax.apply_updates(p, u), s

    jstep = jax.jit(step, donate_argnums=(0, 1))
    steps = len(x) // BATCH
    done, t0 = 0, None
    for e in range(epochs):
        perm = jnp.asarray(np.random.default_rng(e).permutation(len(x)).astype(np.int32))
        for k in range(steps):
            params, state = jstep(params, state, perm, k)
            done += 1
            if done == 3:
                jax.block_until_ready(params)
                t0 = time.perf_counter()
    jax.block_until_ready(params)
    rate = (done - 3) * BATCH / (time.perf_counter() - t0)
    return dict(rule=rule, impl=f"jax-{jax.__version__}+optax-{optax.__version__}",
                value=round(rate), unit="examples/s")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rules", default="adam,muon,adafactor")
    args = ap.parse_args()
    # Before jax is imported: XLA:CPU sizes its pool from PJRT_NPROC.
    os.environ["PJRT_NPROC"] = str(args.threads)
    with tempfile.TemporaryDirectory() as workdir:
        for rule in args.rules.split(","):
            if rule not in GDC_RULES:
                sys.exit(f"unknown rule {rule!r}; known: {', '.join(GDC_RULES)}")
            ours = run_gdc(rule, args.epochs, args.threads, workdir)
            print(json.dumps(ours), flush=True)
            theirs = run_jax(rule, args.epochs)
            print(json.dumps(theirs), flush=True)
            print(json.dumps({"rule": rule, "metric": "throughput ratio gdc/jax",
                              "value": round(ours["value"] / theirs["value"], 2)}), flush=True)


if __name__ == "__main__":
    main()
