#!/usr/bin/python3
"""The reference of matrix-rules.test: Muon and Adafactor steps in PyTorch
(float64), written from optax's definitions (optax.contrib.muon and
optax.adafactor, optax 0.2.8).

    matrix_rules_reference.py RULE --out-dir DIR [--steps 20] [--optax]

RULE is muon or adafactor. Writes DIR/x.npy and DIR/y.npy (160 examples of
6 features, 3 classes) and DIR/init.safetensors (the 6-16-8-3 tanh MLP of
muon_rule.gd under gd's paths), takes --steps steps on batches of 8 in file
order (mean cross-entropy; lr 0.02 for Muon, 0.05 for Adafactor) and writes DIR/expected_RULE.safetensors.

  muon       the matrices: momentum m = b m + (1 - b) g (b = 0.95), the
             Nesterov estimate b m / (1 - b^(t+1)) + (1 - b) g / (1 - b^t),
             scaled to unit Frobenius norm (+ 1e-8) and through 5 quintic
             Newton-Schulz steps (3.4445, -4.7750, 2.0315) on its wide
             orientation, times sqrt(max(1, fan_out / fan_in)); the biases:
             optax's Nesterov Adam (0.9, 0.999, 1e-8), as optax.contrib.muon
             gives the tensors that are not matrices.
  adafactor  decay 1 - t^-0.8 of g^2 + 1e-30; the row and column means of
             matrices whose smaller side is at least 4, whole otherwise;
             the update clipped to RMS <= 1 and scaled by max(RMS(p), 1e-3).

With --optax (needs jax and optax, not a Debian package) the same steps are
also taken with optax itself, in float64, and the script fails unless the
two agree within 1e-7 per tensor, relative to the tensor's largest entry
(optax computes Adafactor's decay 1 - t^-0.8 in float32).
"""

import argparse
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import classification_loss, write_classification, write_safetensors  # noqa: E402

N, SIZES, BATCH = 160, [6, 16, 8, 3], 8
LR = {"muon": 0.02, "adafactor": 0.05}
NAMES = ["model.0.W", "model.0.b", "model.2.W", "model.2.b", "model.4.W", "model.4.b"]
NS = (3.4445, -4.7750, 2.0315)


def orthogonalize(x):
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    x = x / (torch.linalg.norm(x) + 1e-8)
    for _ in range(5):
        a = x @ x.T
        x = NS[0] * x + (NS[1] * a + NS[2] * a @ a) @ x
    return x.T if tall else x


def muon_step(p, g, state, t):
    for k in p:
        s = state.setdefault(k, {"m": torch.zeros_like(p[k]), "v": torch.zeros_like(p[k])})
        if p[k].dim() == 2:
            b = 0.95
            s["m"] = b * s["m"] + (1 - b) * g[k]
            u = b * s["m"] / (1 - b ** (t + 1)) + (1 - b) * g[k] / (1 - b ** t)
            scale = math.sqrt(max(1.0, p[k].shape[1] / p[k].shape[0]))
            p[k] = p[k] - LR["muon"] * scale * orthogonalize(u)
        else:
            s["m"] = 0.9 * s["m"] + 0.1 * g[k]
            s["v"] = 0.999 * s["v"] + 0.001 * g[k] ** 2
            ahead = 0.9 * s["m"] / (1 - 0.9 ** (t + 1)) + 0.1 * g[k] / (1 - 0.9 ** t)
            step = ahead / (torch.sqrt(s["v"] / (1 - 0.999 ** t)) + 1e-8)
            p[k] = p[k] - LR["muon"] * step


def rms(x):
    return torch.sqrt(torch.mean(x * x))


def adafactor_step(p, g, state, t):
    rate = 1 - t ** -0.8
    for k in p:
        g2 = g[k] ** 2 + 1e-30
        factored = p[k].dim() == 2 and min(p[k].shape) >= 4
        s = state.setdefault(k, {})
        if factored:
            s["row"] = rate * s.get("row", 0) + (1 - rate) * g2.mean(dim=1, keepdim=True)
            s["col"] = rate * s.get("col", 0) + (1 - rate) * g2.mean(dim=0, keepdim=True)
            u = g[k] * (s["row"] / s["row"].mean()) ** -0.5 * s["col"] ** -0.5
        else:
            s["v"] = rate * s.get("v", 0) + (1 - rate) * g2
            u = g[k] * s["v"] ** -0.5
        u = u / max(1.0, rms(u).item())
        p[k] = p[k] - LR["adafactor"] * u * max(rms(p[k]).item(), 1e-3)


def run_torch(rule, init, x, y, steps):
    p = {k: torch.from_numpy(v.astype(np.float64)) for k, v in init.items()}
    state = {}
    for t in range(1, steps + 1):
        rows = slice((t - 1) * BATCH, t * BATCH)
        q = {k: v.clone().requires_grad_() for k, v in p.items()}
        loss = classification_loss(q, torch.from_numpy(x[rows].astype(np.float64)),
                       torch.from_numpy(y[rows].astype(np.int64)))
        grads = dict(zip(q, torch.autograd.grad(loss, list(q.values()))))
        with torch.no_grad():
            (muon_step if rule == "muon" else adafactor_step)(p, grads, state, t)
    return {k: v.numpy() for k, v in p.items()}


def run_optax(rule, init, x, y, steps):
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import optax

    def loss(p, xb, yb):
        h = jnp.tanh(xb @ p["model.0.W"] + p["model.0.b"])
        h = jnp.tanh(h @ p["model.2.W"] + p["model.2.b"])
        logits = h @ p["model.4.W"] + p["model.4.b"]
        return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean()

    if rule == "muon":
        opt = optax.contrib.muon(LR["muon"])
    else:
        opt = optax.adafactor(LR["adafactor"], min_dim_size_to_factor=4)
    p = {k: jnp.asarray(v, jnp.float64) for k, v in init.items()}
    state = opt.init(p)
    for t in range(1, steps + 1):
        rows = slice((t - 1) * BATCH, t * BATCH)
        g = jax.grad(loss)(p, jnp.asarray(x[rows], jnp.float64), jnp.asarray(y[rows]))
        updates, state = opt.update(g, state, p)
        p = optax.apply_updates(p, updates)
    return {k: np.asarray(v) for k, v in p.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rule", choices=["muon", "adafactor"])
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--optax", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    x, y, init = write_classification(args.out_dir, 11, N, SIZES)
    final = run_torch(args.rule, init, x, y, args.steps)
    moved = max(np.abs(final[k] - init[k]).max() / np.abs(init[k]).max() for k in NAMES)
    print(f"matrix_rules_reference: {args.rule}, {args.steps} steps, largest move {moved:.2g}")
    if args.optax:
        theirs = run_optax(args.rule, init, x, y, args.steps)
        worst = max(np.abs(final[k] - theirs[k]).max() / np.abs(theirs[k]).max() for k in NAMES)
        print(f"matrix_rules_reference: against optax, within {worst:.2g}")
        if worst > 1e-7:
            return 1
    write_safetensors(os.path.join(args.out_dir, f"expected_{args.rule}.safetensors"),
                      {k: v.astype(np.float32) for k, v in final.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
