#!/usr/bin/env python3
"""gdc's benchmark: the shared workloads in gdc and in the strongest peers
(../shared/bench/peers.py: JAX+optax with the whole step under one jit,
PyTorch 2 eager with fused optimizers, torch.compile), side by side in one
run on one machine, reported as ratios gdc / best peer.

  bench/run.py [--workloads mlp-fmnist,logreg-fmnist,tiny-mlp,cnn-fmnist,adam-step]
               [--epochs 5] [--threads 2] [--venv bench/.venv]
               [--impls jax,torch-eager,torch-compile] [--no-peers]
  bench/run.py --compile-time [--repeat 50,100,200,400,1000] [--timeout 300]

Throughput: for each workload it compiles the matching example with
build/bin/gdc, trains it (examples per second over whole epochs, evaluation
and the run's first 3 steps excluded, as the peers measure it; tiny-mlp:
steps per second over 20000 steps; cnn-fmnist: on the first 6400 examples,
as the peers), runs the peers
for the same workload and epochs, then gdc again: machines are shared and
noisy, so gdc runs before and after the peers and only ratios from the same
run compare. The peers run in the virtualenv --venv, created on first use
(python3 -m venv, pip install jax optax torch numpy: needs the network).
It prints one JSON line per run, then a table.

Compile time (--compile-time): `gdc example.gd -o exe` for every example,
and for a model of n repeated blocks (`repeat(n, dense(16, 16) >> relu)`)
for each n of --repeat: wall seconds and the compiler's peak memory. A
compile that runs past --timeout is stopped and reported as such.

adam-step (one Adam update of 10M parameters with a given gradient) runs
bench/adam_step.py: the update compiled through the library and applied
to the gradient (Trainer.apply_gradients), with the Python package in
python/ and build/lib/libgdc.so. Its row also gives the machine's memory
bandwidth, measured in the same run by bench/stream.c (STREAM's four
kernels on --threads threads, compiled with cc -O3 -march=native
-fopenmp), and gdc's share of it: Adam's traffic counted as the workload
counts it, 28 bytes per parameter, against the STREAM triad.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GDC = os.path.join(ROOT, "build", "bin", "gdc")
PEERS = os.path.join(ROOT, "..", "shared", "bench", "peers.py")
EXAMPLES = {"mlp-fmnist": "mlp_fmnist.gd", "logreg-fmnist": "logreg_fmnist.gd",
            "tiny-mlp": "tiny_mlp.gd", "cnn-fmnist": "cnn_fmnist.gd",
            "adam-step": None}  # bench/adam_step.py, through the library
# Workloads measured in steps per second over a fixed number of steps (the
# peers' tiny-mlp runs 20000), not in examples per second over epochs.
STEPS = {"tiny-mlp": 20000}
# The steps each run leaves out of its timing, gdc's (runtime/Trainer.h's
# kWarmupSteps, logged as warmup_*) as the peers'.
WARMUP_STEPS = 3
# Workloads the peers train on a slice of the training set (their
# cnn-fmnist throughput run takes the first 6400 examples).
LIMITS = {"cnn-fmnist": 6400}
FMNIST = os.environ.get("GDC_FMNIST", "/usr/share/datasets/fashion-mnist")
PEER_PACKAGES = ["jax", "optax", "torch", "numpy"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_venv(venv):
    python = os.path.join(venv, "bin", "python")
    if os.path.exists(python):
        return python
    log(f"creating the peers' virtualenv {venv} (pip install {' '.join(PEER_PACKAGES)})")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet"] + PEER_PACKAGES, check=True)
    return python


def compile_example(workload, workdir):
    exe = os.path.join(workdir, workload)
    t0 = time.perf_counter()
    subprocess.run([GDC, os.path.join(ROOT, "examples", EXAMPLES[workload]), "-o", exe],
                   check=True)
    return exe, time.perf_counter() - t0


def run_gdc(workload, exe, epochs, threads, workdir):
    log_path = os.path.join(workdir, workload + ".jsonl")
    if os.path.exists(log_path):
        os.remove(log_path)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    limit = ["--steps", str(STEPS[workload]), "--epochs", "1000000"] if workload in STEPS else [
        "--epochs", str(epochs)]
    if workload in LIMITS:
        limit += ["--limit", str(LIMITS[workload]), "--valid", "0"]
    subprocess.run([exe, "--data-dir", FMNIST, "--log", log_path, "--quiet"] + limit,
                   check=True, env=env, stderr=subprocess.DEVNULL)
    rows = [json.loads(line) for line in open(log_path)]
    # The run's first steps (warmup_*: building oneDNN's kernels, touching
    # fresh buffers) are trained on but not timed, as peers.py leaves out
    # each peer's first 3 steps.
    examples = sum(r["examples"] - r["warmup_examples"] for r in rows)
    seconds = sum(r["seconds"] - r["warmup_seconds"] for r in rows)
    result = {"workload": workload, "impl": "gdc", "threads": threads, "metric": "throughput",
              "epochs": epochs}
    if workload in STEPS:
        steps = rows[-1]["step"]
        timed = steps - min(steps, WARMUP_STEPS)
        result.update(value=round(timed / seconds), unit="steps/s", steps=steps,
                      final_loss=rows[-1]["train_loss"])
    else:
        result.update(value=round(examples / seconds), unit="examples/s",
                      test_accuracy=rows[-1]["test_accuracy"])
    return result


def run_adam_step(threads, python):
    """bench/adam_step.py under `python` (numpy's: the peers' virtualenv, or
    this interpreter)."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads),
               PYTHONPATH=os.path.join(ROOT, "python"),
               GDC_LIBRARY=os.path.join(ROOT, "build", "lib", "libgdc.so"))
    out = subprocess.run([python, os.path.join(ROOT, "bench", "adam_step.py")],
                         check=True, capture_output=True, text=True, env=env).stdout
    result = json.loads(out.splitlines()[-1])
    result["threads"] = threads
    return result


def measure_stream(threads, workdir):
    """bench/stream.c's bandwidths (GB/s) on `threads` threads."""
    exe = os.path.join(workdir, "stream")
    subprocess.run(["cc", "-O3", "-march=native", "-fopenmp",
                    os.path.join(ROOT, "bench", "stream.c"), "-o", exe], check=True)
    out = subprocess.run([exe], check=True, capture_output=True, text=True,
                         env=dict(os.environ, OMP_NUM_THREADS=str(threads))).stdout
    return json.loads(out)


def run_peers(python, workload, epochs, threads, impls):
    command = [python, PEERS, "--threads", str(threads), "--workloads", workload,
               "--epochs", str(epochs), "--impls", impls]
    if workload not in STEPS and workload != "adam-step":
        command.append("--accuracy")
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def throughput(args):
    python = None if args.no_peers else ensure_venv(args.venv)
    table = []
    with tempfile.TemporaryDirectory() as workdir:
        for workload in args.workloads.split(","):
            if workload not in EXAMPLES:
                sys.exit(f"unknown workload {workload!r}; known: {', '.join(EXAMPLES)}")
            if workload == "adam-step":
                gdc_run = lambda: run_adam_step(args.threads,  # noqa: E731
                                                python or sys.executable)
            else:
                exe, compile_s = compile_example(workload, workdir)
                gdc_run = lambda: run_gdc(workload, exe, args.epochs,  # noqa: E731
                                          args.threads, workdir)
            ours = [gdc_run()]
            if workload != "adam-step":
                ours[0]["compile_seconds"] = round(compile_s, 3)
            print(json.dumps(ours[0]), flush=True)
            peers = []
            if python:
                peers = run_peers(python, workload, args.epochs, args.threads, args.impls)
                for peer in peers:
                    print(json.dumps(peer), flush=True)
                ours.append(gdc_run())
                print(json.dumps(ours[1]), flush=True)
            measured = [p for p in peers if isinstance(p.get("value"), (int, float))]
            best = max(measured, key=lambda p: p["value"]) if measured else None
            gdc_value = statistics.mean(r["value"] for r in ours)
            row = {"workload": workload, "metric": "throughput ratio gdc/best peer",
                   "gdc": round(gdc_value), "unit": ours[0]["unit"],
                   "peers": {p["impl"]: p["value"] for p in measured}}
            if best:
                row.update(best=best["impl"], value=round(gdc_value / best["value"], 2))
            if workload == "adam-step":
                stream = measure_stream(args.threads, workdir)
                print(json.dumps(stream), flush=True)
                gbps = statistics.mean(r["gbps"] for r in ours)
                row.update(gbps=round(gbps, 2), stream_triad_gbps=stream["triad_gbps"],
                           share_of_stream=round(gbps / stream["triad_gbps"], 2))
            print(json.dumps(row), flush=True)
            table.append(row)
    print()
    print("| workload | gdc | best peer | gdc / best |")
    print("|---|---|---|---|")
    for row in table:
        best = f"{row['best']} {row['peers'][row['best']]:,}" if "best" in row else "-"
        ratio = f"{row['value']:.2f}" if "value" in row else "-"
        print(f"| {row['workload']} | {row['gdc']:,} {row['unit']} | {best} | {ratio} |")
    for row in table:
        if "share_of_stream" in row:
            print(f"\nadam-step: {row['gbps']} GB/s at 28 bytes per parameter, "
                  f"{row['share_of_stream']:.0%} of the STREAM triad's "
                  f"{row['stream_triad_gbps']} GB/s on {args.threads} threads")


DEEP = """use std.nn
use std.losses
use std.optim
train deep {{
  model     = dense(16, 16) >> repeat({n}, dense(16, 16) >> relu) >> dense(16, 4)
  loss      = cross_entropy
  optimizer = sgd(lr = 0.01)
  data      = synthetic(n = 256, features = 16, classes = 4, seed = 1)
  batch     = 32
  epochs    = 1
}}
"""


def timed_compile(source, workdir, timeout):
    """Wall seconds and peak resident memory (MB) of `gdc source -o exe`;
    None for the seconds when it ran past `timeout`, gdc's first line of
    error when it failed."""
    exe = os.path.join(workdir, "exe")
    t0 = time.perf_counter()
    # The peak of this child alone: a fresh process per compile.
    wrapper = ("import resource, subprocess, sys; "
               "r = subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
               "sys.exit(r.returncode)")
    try:
        out = subprocess.run([sys.executable, "-c", wrapper, GDC, source, "-o", exe],
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        return out.stderr.strip().splitlines()[0], None
    return seconds, int(out.stdout.split()[-1]) / 1024


def compile_time(args):
    with tempfile.TemporaryDirectory() as workdir:
        examples = sorted(f for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".gd"))
        for name in examples:
            seconds, mb = timed_compile(os.path.join(ROOT, "examples", name), workdir, args.timeout)
            if isinstance(seconds, str):  # a module of definitions: no train block
                print(json.dumps({"compile": name, "skipped": seconds}), flush=True)
                continue
            print(json.dumps({"compile": name, "seconds": seconds and round(seconds, 2),
                              "peak_mb": mb and round(mb)}), flush=True)
        for n in (int(v) for v in args.repeat.split(",")):
            source = os.path.join(workdir, f"deep{n}.gd")
            with open(source, "w") as f:
                f.write(DEEP.format(n=n))
            seconds, mb = timed_compile(source, workdir, args.timeout)
            if isinstance(seconds, str):
                sys.exit(f"gdc {source}: {seconds}")
            print(json.dumps({"compile": f"repeat({n}, dense(16, 16) >> relu)",
                              "seconds": seconds and round(seconds, 2),
                              "peak_mb": mb and round(mb),
                              "timed_out": seconds is None}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workloads",
                    default="logreg-fmnist,mlp-fmnist,tiny-mlp,cnn-fmnist,adam-step")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--venv", default=os.path.join(ROOT, "bench", ".venv"))
    ap.add_argument("--impls", default="jax,torch-eager,torch-compile")
    ap.add_argument("--no-peers", action="store_true", help="gdc alone")
    ap.add_argument("--compile-time", action="store_true")
    ap.add_argument("--repeat", default="50,100,200,400,1000")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    if not os.path.exists(GDC):
        sys.exit(f"{GDC} not found: build gdc first")
    if args.compile_time:
        compile_time(args)
    else:
        throughput(args)


if __name__ == "__main__":
    main()
