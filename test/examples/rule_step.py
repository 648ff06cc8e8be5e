#!/usr/bin/env python3
"""Checks one step of an update rule with barriers against its formula.

    rule_step.py write DIR                 writes DIR/phases.csv (8 examples)
    rule_step.py check RULE DIR BEFORE AFTER [--hyper NAME=VALUE ...]

For the model and loss of Inputs/phases.gd.in (y = x W + b, loss sum(y)),
the gradient of the batch's mean loss is known in closed form; the script
computes the step RULE (clip_norm, lamb or polyak, as std.optim writes
them; groups for sgd with a learning rate per group; sam and autoclip
(over --hyper steps=N steps) for Inputs/sam.gd's loss) takes from BEFORE and requires AFTER to match it within 1e-5
relative to each tensor's largest entry. Standard library only.
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration", "trajectory"))
from compare import read_safetensors  # noqa: E402

X = [[0.5, -1.0, 2.0, 0.25], [1.5, 0.0, -0.5, 1.0], [-2.0, 0.75, 1.0, 0.5],
     [0.0, 1.25, -1.5, 2.0], [1.0, 1.0, 1.0, -1.0], [-0.5, -0.25, 0.5, 0.0],
     [2.5, -1.5, 0.0, 1.5], [0.25, 0.5, -2.0, -0.75]]


def write(d):
    with open(os.path.join(d, "phases.csv"), "w") as f:
        f.write("a,b,c,d,class\n")
        for i, row in enumerate(X):
            f.write(",".join(str(v) for v in row) + f",{i % 3}\n")


def norm(values):
    return math.sqrt(sum(v * v for v in values))


def main():
    if sys.argv[1] == "write":
        write(sys.argv[2])
        return 0
    rule, _, before_path, after_path = sys.argv[2:6]
    hyper = {}
    for arg in sys.argv[6:]:
        if arg != "--hyper":
            name, value = arg.split("=")
            hyper[name] = float(value)
    before, after = read_safetensors(before_path), read_safetensors(after_path)
    W, b = list(before["model.W"][1]), list(before["model.b"][1])  # W is 4 x 3, row-major
    n = len(X)
    mean_x = [sum(row[i] for row in X) / n for i in range(4)]
    gW = [mean_x[i] for i in range(4) for _ in range(3)]
    gb = [1.0] * 3
    # Inputs/sam.gd, autoclip.gd: loss 0.5 |x W + b|^2, whose gradient
    # depends on W and b.
    def grad(W, b):
        ys = [[sum(x[i] * W[i * 3 + j] for i in range(4)) + b[j] for j in range(3)] for x in X]
        gW = [sum(x[i] * y[j] for x, y in zip(X, ys)) / n for i in range(4) for j in range(3)]
        gb = [sum(y[j] for y in ys) / n for j in range(3)]
        return gW, gb

    if rule == "clip_norm":
        scale = min(1.0, hyper["max_norm"] / (norm(gW + gb) + 1e-12))
        new = {"model.W": [p - hyper["lr"] * g * scale for p, g in zip(W, gW)],
               "model.b": [p - hyper["lr"] * g * scale for p, g in zip(b, gb)]}
    elif rule == "lamb":
        eps = hyper["eps"]
        new = {}
        for name, p, g in (("model.W", W, gW), ("model.b", b, gb)):
            # t = 1: the bias-corrected moments are g and g^2.
            step = [gi / (abs(gi) + eps) for gi in g]
            # optax's scale_by_trust_ratio: 1 where either norm is 0 (the
            # zero-initialised bias).
            trust = 1.0 if norm(p) == 0 or norm(step) == 0 else norm(p) / norm(step)
            new[name] = [pi - hyper["lr"] * trust * si for pi, si in zip(p, step)]
    elif rule == "polyak":
        loss = sum(sum(sum(x[i] * W[i * 3 + j] for i in range(4)) + b[j] for j in range(3))
                   for x in X) / n
        size = min(hyper["lr_max"], loss / (hyper["c"] * norm(gW + gb) ** 2 + 1e-8))
        new = {"model.W": [p - size * g for p, g in zip(W, gW)],
               "model.b": [p - size * g for p, g in zip(b, gb)]}
    elif rule == "groups":
        # sgd per group: W with lr_W, b with lr_b (negative: ascend; 0: frozen).
        new = {"model.W": [p - hyper["lr_W"] * g for p, g in zip(W, gW)],
               "model.b": [p - hyper["lr_b"] * g for p, g in zip(b, gb)]}
    elif rule == "autoclip":
        # `steps` steps; the global state `largest` persists across them.
        largest = 0.0
        forgetful = None
        for step in range(int(hyper["steps"])):
            gW, gb = grad(W, b)
            gn = norm(gW + gb)
            largest = max(largest, gn)
            factor = min(1.0, hyper["ratio"] * largest / (gn + 1e-12))
            if forgetful is None and step > 0:
                forgetful = min(1.0, hyper["ratio"])  # what a state reset every step gives
                print(f"rule_step.py: autoclip step {step + 1}: factor {factor:.4f}, "
                      f"{forgetful:.4f} without the global state")
            W = [p - hyper["lr"] * g * factor for p, g in zip(W, gW)]
            b = [p - hyper["lr"] * g * factor for p, g in zip(b, gb)]
        new = {"model.W": W, "model.b": b}
    elif rule == "sam":
        gW, gb = grad(W, b)
        scale = hyper["rho"] / norm(gW + gb)
        gW2, gb2 = grad([p + scale * g for p, g in zip(W, gW)], [p + scale * g for p, g in zip(b, gb)])
        new = {"model.W": [p - hyper["lr"] * g for p, g in zip(W, gW2)],
               "model.b": [p - hyper["lr"] * g for p, g in zip(b, gb2)]}
        plain = [p - hyper["lr"] * g for p, g in zip(W, gW)]
        print(f"rule_step.py: sam moves W {max(abs(a - c) for a, c in zip(new['model.W'], plain)):.3g} "
              "away from plain SGD")
    else:
        print(f"rule_step.py: unknown rule {rule}", file=sys.stderr)
        return 2
    failed = False
    for name, expected in new.items():
        actual = after[name][1]
        # Relative to the tensor's scale (absolute where it is all zero, as
        # LAMB's zero-initialised bias, whose trust ratio is 0).
        scale = max(max(abs(v) for v in expected), 1.0 if not any(expected) else 0.0)
        err = max(abs(a - e) for a, e in zip(actual, expected)) / scale
        moved = max(abs(a - p) for a, p in zip(actual, before[name][1]))
        should_move = any(e != p for e, p in zip(expected, before[name][1]))
        print(f"rule_step.py: {rule} {name}: relative error {err:.2e}, moved {moved:.3g}")
        if not err <= 1e-5 or (should_move and moved == 0):
            print(f"rule_step.py: FAIL: {name} is not the step of {rule}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
