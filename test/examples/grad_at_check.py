#!/usr/bin/env python3
"""Checks grad_at against closed-form recurrences.

    grad_at_check.py write DIR            writes DIR/esgd.csv and the inits
    grad_at_check.py game TRAIN DIR STEPS [--plain]
    grad_at_check.py esgd TRAIN DIR STEPS

game: Inputs/game.gd from a = [1, 0.5], b = [0.5, -1] after STEPS steps
must match Korpelevich's extragradient on min_a max_b a.b with lr 0.2:
    a_h = a - lr b,  b_h = b + lr a,  a' = a - lr b_h,  b' = b + lr a_h.
--plain checks against simultaneous gradient descent-ascent with the
extrapolated player's own point only (a' = a - lr b, b' = b + lr a), which
the test requires NOT to match.
esgd: Inputs/entropy_sgd.gd from w = 1.5 on the four examples of esgd.csv
(x = 0.5, -1, 2, 1.5), whose loss 0.5 mean((x w)^2) has gradient m w with
m = mean(x^2). Standard library only; exit 1 on a mismatch beyond 1e-5
relative."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration", "trajectory"))
from compare import read_safetensors  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration", "step-gradients"))
from check import write_safetensors  # noqa: E402

XS = [0.5, -1.0, 2.0, 1.5]


def run(train, directory, steps, init):
    out = os.path.join(directory, "out.safetensors")
    subprocess.run([train, "--data-dir", directory, "--steps", str(steps), "--epochs", str(steps), "--shuffle", "off",
                    "--init", init, "--save", out, "--quiet"], check=True)
    return {k: v[1] for k, v in read_safetensors(out).items()}


def check(got, expected):
    ok = True
    for name, values in expected.items():
        scale = max(abs(v) for v in values) or 1.0
        err = max(abs(a - b) for a, b in zip(got[name], values)) / scale
        print("{:<8} gdc {}  expected {}  rel {:.2e}".format(
            name, ["%.6f" % v for v in got[name]], ["%.6f" % v for v in values], err))
        ok = ok and err <= 1e-5
    print("match" if ok else "MISMATCH")
    return 0 if ok else 1


def main():
    mode = sys.argv[1]
    if mode == "write":
        d = sys.argv[2]
        with open(os.path.join(d, "esgd.csv"), "w") as f:
            f.write("x,y\n" + "".join("{},0\n".format(x) for x in XS))
        write_safetensors(os.path.join(d, "game.safetensors"),
                          {"model.a": ([2], [1.0, 0.5]), "model.b": ([2], [0.5, -1.0])})
        write_safetensors(os.path.join(d, "esgd.safetensors"), {"model.w": ([1], [1.5])})
        return 0
    train, d, steps = sys.argv[2], sys.argv[3], int(sys.argv[4])
    if mode == "game":
        got = run(train, d, steps, os.path.join(d, "game.safetensors"))
        a, b, lr = [1.0, 0.5], [0.5, -1.0], 0.2
        for _ in range(steps):
            if "--plain" in sys.argv:
                a, b = [ai - lr * bi for ai, bi in zip(a, b)], [bi + lr * ai for ai, bi in zip(a, b)]
                continue
            a_h = [ai - lr * bi for ai, bi in zip(a, b)]
            b_h = [bi + lr * ai for ai, bi in zip(a, b)]
            a, b = [ai - lr * bh for ai, bh in zip(a, b_h)], [bi + lr * ah for bi, ah in zip(b, a_h)]
        return check(got, {"model.a": a, "model.b": b})
    got = run(train, d, steps, os.path.join(d, "esgd.safetensors"))
    m = sum(x * x for x in XS) / len(XS)
    w, lr, eta, gamma = 1.5, 0.5, 0.1, 0.5
    for _ in range(steps):
        y1 = w - eta * m * w
        y2 = y1 - eta * (m * y1 + gamma * (y1 - w))
        y3 = y2 - eta * (m * y2 + gamma * (y2 - w))
        w = w - lr * gamma * (w - y3)
    return check(got, {"model.w": [w]})


if __name__ == "__main__":
    sys.exit(main())
