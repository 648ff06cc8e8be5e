#!/usr/bin/env python3
"""What the train step's check for NaN and infinity costs.

  bench/step_check_cost.py [--example mlp_fmnist.gd] [--rounds 5] [--threads 2]

Compiles the example twice with build/bin/gdc: as gdc always does, and with
the hidden --no-step-check (no check, no diagnosis function). Then trains
one epoch of Fashion-MNIST with each, alternating, --rounds times, so that
both see the same machine load, and prints one JSON line: the median
throughput of each (training examples per second, evaluation excluded), the
ratio checked/unchecked, and both compile times.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FMNIST = os.environ.get("GDC_FMNIST", "/usr/share/datasets/fashion-mnist")


def compile_example(example, exe, extra):
    gdc = os.path.join(ROOT, "build", "bin", "gdc")
    t0 = time.perf_counter()
    subprocess.run([gdc, os.path.join(ROOT, "examples", example), "-o", exe] + extra, check=True)
    return time.perf_counter() - t0


def throughput(exe, log, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    subprocess.run([exe, "--data-dir", FMNIST, "--epochs", "1", "--log", log, "--quiet"],
                   check=True, env=env, stderr=subprocess.DEVNULL)
    rows = [json.loads(line) for line in open(log)]
    return sum(r["examples"] for r in rows) / sum(r["seconds"] for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--example", default="mlp_fmnist.gd")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        checked = os.path.join(work, "checked")
        unchecked = os.path.join(work, "unchecked")
        compile_checked = compile_example(args.example, checked, [])
        compile_unchecked = compile_example(args.example, unchecked, ["--no-step-check"])
        rates = {"checked": [], "unchecked": []}
        for _ in range(args.rounds):
            for name, exe in (("checked", checked), ("unchecked", unchecked)):
                rates[name].append(throughput(exe, os.path.join(work, name + ".jsonl"),
                                              args.threads))
    med = {name: statistics.median(values) for name, values in rates.items()}
    print(json.dumps({
        "example": args.example, "rounds": args.rounds, "threads": args.threads,
        "checked_examples_per_sec": round(med["checked"]),
        "unchecked_examples_per_sec": round(med["unchecked"]),
        "ratio": round(med["checked"] / med["unchecked"], 4),
        "compile_seconds_checked": round(compile_checked, 3),
        "compile_seconds_unchecked": round(compile_unchecked, 3)}))


if __name__ == "__main__":
    main()
