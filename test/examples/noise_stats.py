#!/usr/bin/env python3
"""Checks that two checkpoints differ by independent standard normal draws.

    noise_stats.py BEFORE AFTER

Over all tensors together, the differences must have mean 0 and standard
deviation 1 (within 5 standard errors), about 68% of them within one, and
no two tensors may repeat each other's draws.
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration", "trajectory"))
from compare import read_safetensors  # noqa: E402


def main():
    before, after = read_safetensors(sys.argv[1]), read_safetensors(sys.argv[2])
    diffs, per_tensor = [], []
    for name in sorted(before):
        d = [a - b for a, b in zip(after[name][1], before[name][1])]
        diffs += d
        per_tensor.append(d)
    n = len(diffs)
    mean = sum(diffs) / n
    std = math.sqrt(sum((x - mean) ** 2 for x in diffs) / n)
    within = sum(1 for x in diffs if abs(x) < 1) / n
    problems = []
    if abs(mean) > 5 / math.sqrt(n):
        problems.append(f"mean {mean:.4f}")
    if abs(std - 1) > 5 * math.sqrt(0.5 / n):
        problems.append(f"standard deviation {std:.4f}")
    if abs(within - 0.6827) > 5 * math.sqrt(0.6827 * 0.3173 / n):
        problems.append(f"fraction within 1: {within:.4f}")
    shortest = min(len(d) for d in per_tensor)
    if len(per_tensor) > 1 and per_tensor[0][:shortest] == per_tensor[1][:shortest]:
        problems.append("two tensors drew the same numbers")
    print(f"noise_stats.py: {n} draws, mean {mean:.4f}, std {std:.4f}, within 1: {within:.4f}")
    for p in problems:
        print(f"noise_stats.py: FAIL: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
