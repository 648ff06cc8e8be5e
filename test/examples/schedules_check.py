#!/usr/bin/python3
"""Checks the learning rates of Inputs/schedules.gd against PyTorch's schedulers.

    schedules_check.py TRAIN WORKDIR STEPS

Runs TRAIN for 1..STEPS steps, reads each parameter after every run, and
recovers the learning rate of each step (the gradient is 1). The expected
rates are torch.optim.lr_scheduler's, read from an SGD optimizer with lr 1
before each step (step t uses the rate after t - 1 scheduler steps), which is
also optax's schedule at count t - 1. Past its end (steps), torch's
CosineAnnealingLR rises again (its closed form is periodic) while optax's
cosine_decay_schedule stays at 0; gd's cosine decays once, as optax's, so
it is checked against torch up to the end and against optax's formula,
written out below, at every step. Needs Debian's python3-torch. Exit 1
on any rate off by more than 2e-6."""

import math
import os
import subprocess
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration", "trajectory"))
from compare import read_safetensors  # noqa: E402

S = torch.optim.lr_scheduler
SCHEDULES = {
    "model.0.b": ("cosine(1.0, steps = 6)", lambda o: S.CosineAnnealingLR(o, T_max=6)),
    "model.1.b": ("step(1.0, every = 3, gamma = 0.5)", lambda o: S.StepLR(o, 3, gamma=0.5)),
    "model.2.b": ("warm_restarts(1.0, period = 4)",
                  lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4)),
    "model.3.b": ("linear_warmup(1.0, warm = 4)",
                  lambda o: S.LinearLR(o, start_factor=1 / 4, total_iters=3)),
    "model.4.b": ("constant(0.5)", lambda o: S.ConstantLR(o, factor=0.5, total_iters=10**9)),
}


def optax_cosine(init, decay_steps, count):
    """optax.cosine_decay_schedule(init, decay_steps) at `count` (alpha 0)."""
    count = min(count, decay_steps)
    return init * 0.5 * (1 + math.cos(math.pi * count / decay_steps))


def torch_rates(make, steps):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    scheduler = make(opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return rates


def main():
    exe, workdir, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    values = [{path: 0.0 for path in SCHEDULES}]
    for t in range(1, steps + 1):
        out = os.path.join(workdir, "after{}.safetensors".format(t))
        subprocess.run([exe, "--steps", str(t), "--shuffle", "off", "--save", out, "--quiet"],
                       check=True)
        values.append({path: float(v[1][0]) for path, v in read_safetensors(out).items()})
    failed = 0
    for path, (text, make) in SCHEDULES.items():
        expected = torch_rates(make, steps)
        if path == "model.0.b":
            optax = [optax_cosine(1.0, 6, t - 1) for t in range(1, steps + 1)]
            assert all(abs(a - b) < 1e-12 for a, b in zip(optax[:7], expected[:7]))
            expected = optax
        got = [values[t - 1][path] - values[t][path] for t in range(1, steps + 1)]
        ok = all(abs(a - b) <= 2e-6 for a, b in zip(got, expected))
        failed += not ok
        print("{} {:<36} gdc   {}".format("ok  " if ok else "FAIL", text,
                                          " ".join("{:.6f}".format(v) for v in got)))
        print("     {:<36} ref   {}".format("", " ".join("{:.6f}".format(v) for v in expected)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
