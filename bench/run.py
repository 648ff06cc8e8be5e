#!/usr/bin/env python3
"""gdc's benchmark: the shared workloads, gdc and the PyTorch reference side
by side in one run on one machine, reported as ratios.

  bench/run.py [--workloads mlp-fmnist,logreg-fmnist,tiny-mlp,cnn-fmnist] [--epochs 5]
               [--threads 2] [--reference ../shared/bench/torch_reference.py]

For each workload it compiles the matching example with build/bin/gdc
(timing the compile), trains it for --epochs on Fashion-MNIST (throughput =
training examples per second over whole epochs, evaluation excluded, as the
reference measures it), runs the reference for the same workload and epochs,
and prints one JSON line per implementation plus one with the ratio
gdc/reference. The reference needs Debian's python3-torch (run with
/usr/bin/python3); machines are shared and noisy, so only ratios from the
same run compare.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = {"mlp-fmnist": "mlp_fmnist.gd", "logreg-fmnist": "logreg_fmnist.gd",
            "tiny-mlp": "tiny_mlp.gd", "cnn-fmnist": "cnn_fmnist.gd"}
# Workloads measured in steps per second over a fixed number of steps (the
# reference's tiny-mlp runs 20000), not in examples per second over epochs.
STEPS = {"tiny-mlp": 20000}
# Workloads the reference trains on a slice of the training set (its
# cnn-fmnist throughput run takes the first 6400 examples).
LIMITS = {"cnn-fmnist": 6400}
FMNIST = os.environ.get("GDC_FMNIST", "/usr/share/datasets/fashion-mnist")


def run_gdc(workload, epochs, threads, workdir):
    gdc = os.path.join(ROOT, "build", "bin", "gdc")
    exe = os.path.join(workdir, workload)
    t0 = time.perf_counter()
    subprocess.run([gdc, os.path.join(ROOT, "examples", EXAMPLES[workload]), "-o", exe], check=True)
    compile_s = time.perf_counter() - t0
    log = os.path.join(workdir, workload + ".jsonl")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    limit = ["--steps", str(STEPS[workload]), "--epochs", "1000000"] if workload in STEPS else [
        "--epochs", str(epochs)]
    if workload in LIMITS:
        limit += ["--limit", str(LIMITS[workload])]
    subprocess.run([exe, "--data-dir", FMNIST, "--log", log, "--quiet"] + limit,
                   check=True, env=env, stderr=subprocess.DEVNULL)
    rows = [json.loads(line) for line in open(log)]
    examples = sum(r["examples"] for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    result = {"workload": workload, "impl": "gdc", "threads": threads, "metric": "throughput",
              "epochs": epochs, "compile_seconds": round(compile_s, 3)}
    if workload in STEPS:
        steps = rows[-1]["step"]
        result.update(value=round(steps / seconds), unit="steps/s", steps=steps,
                      final_loss=rows[-1]["train_loss"])
    else:
        result.update(value=round(examples / seconds), unit="examples/s",
                      test_accuracy=rows[-1]["test_accuracy"])
    return result


def run_reference(reference, workload, epochs, threads):
    out = subprocess.run(["/usr/bin/python3", reference, "--threads", str(threads), "--workloads",
                          workload, "--epochs", str(epochs), "--accuracy"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workloads", default="logreg-fmnist,mlp-fmnist,tiny-mlp")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reference", default=os.path.join(ROOT, "..", "shared", "bench", "torch_reference.py"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        for workload in args.workloads.split(","):
            if workload not in EXAMPLES:
                sys.exit(f"unknown workload {workload!r}; known: {', '.join(EXAMPLES)}")
            ours = run_gdc(workload, args.epochs, args.threads, workdir)
            print(json.dumps(ours), flush=True)
            ref = run_reference(args.reference, workload, args.epochs, args.threads)
            print(json.dumps(ref), flush=True)
            print(json.dumps({"workload": workload, "metric": "throughput ratio gdc/reference",
                              "value": round(ours["value"] / ref["value"], 2),
                              "accuracy": {"gdc": ours.get("test_accuracy"),
                                           "reference": ref.get("test_accuracy")}}), flush=True)


if __name__ == "__main__":
    main()
