#!/usr/bin/python3
"""Differential test of gdc's gradients against torch.autograd (f64).

    difftest.py --gdc GDC --programs N [--seed S] [--jobs J] [--workdir DIR]
                [--save-failures DIR]
    difftest.py --gdc GDC --replay CASE_DIR [CASE_DIR ...]

Generates N random well-typed gd programs (programs.py: compositions of
built-in ops, std layers and sub-lenses over random shapes, with ties and
edge values in the data), compiles each with `gdc -o`, runs one training
step whose update rule is `capture() = g` (so the saved parameters are the
gradients), and compares the step's loss and every gradient with
torch.autograd in f64. A program passes when every entry satisfies
|gdc - torch| <= 1e-4 * max(1, max|torch| of that tensor) + 1e-3 * |torch|:
f32 rounding over a few dozen ops stays well inside it, and a wrong rule
(a cotangent given twice, a sign, a missing term) does not.

A program can sit on a discontinuity at its data: a comparison, a max or a
floor whose two sides differ by less than f32 rounding. gdc (f32) and the
f64 reference then legitimately take different sides. When gdc disagrees,
the reference is run again in f32; if that run also disagrees with the f64
one, the program is counted as rounding-sensitive, not failed (reported
with its seed, so a sweep shows how often it happens).

--save-failures writes each failing program as a case directory (source,
data, initial parameters and the torch reference), which --replay runs
again without torch: test/difftest/regressions holds those found so far.

Needs Debian's python3-torch and python3-numpy (/usr/bin/python3).
"""

import argparse
import collections
import concurrent.futures
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


# ---------------------------------------------------------------------------
# Files


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        blob = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(blob[begin:end], dtype="<f4").reshape(entry["shape"])
    return out


def write_case(directory, source, x, w, params, loss, grads):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "program.gd"), "w") as f:
        f.write(source)
    np.save(os.path.join(directory, "x.npy"), x.astype(np.float32))
    # Class labels stay integers (i32); targets and weights are f32.
    np.save(os.path.join(directory, "w.npy"),
            w.astype(np.int32 if w.dtype.kind == "i" else np.float32))
    write_safetensors(os.path.join(directory, "init.safetensors"), params)
    np.savez(os.path.join(directory, "expected.npz"), __loss__=np.array(loss),
             **{k: v for k, v in grads.items()})


# ---------------------------------------------------------------------------
# Running gdc


def run_gdc(gdc, directory, batch):
    """Compiles and runs one step; returns (loss, grads) or an error text."""
    exe = os.path.join(directory, "train")
    r = subprocess.run([gdc, os.path.join(directory, "program.gd"), "-o", exe],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, "gdc failed:\n" + r.stderr
    log = os.path.join(directory, "log.jsonl")
    out = os.path.join(directory, "out.safetensors")
    r = subprocess.run([exe, "--data-dir", directory, "--steps", "1", "--batch", str(batch),
                        "--shuffle", "off", "--init", os.path.join(directory, "init.safetensors"),
                        "--save", out, "--log", log, "--quiet"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, "the training step failed:\n" + r.stderr
    with open(log) as f:
        record = json.loads(f.readline())
    return (record["train_loss"], read_safetensors(out)), None


def compare(loss, grads, ref_loss, ref_grads):
    """The first mismatch as text, or None."""
    problems = []
    if not close(np.array(loss), np.array(ref_loss)):
        problems.append("loss: gdc {} torch {}".format(loss, ref_loss))
    for path, expected in ref_grads.items():
        got = grads.get(path)
        if got is None:
            problems.append("{}: missing from gdc's output".format(path))
            continue
        expected = np.asarray(expected, dtype=np.float64).reshape(got.shape)
        if not close(got.astype(np.float64), expected):
            worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
            problems.append("d/d{}: at {} gdc {} torch {}\n  gdc   {}\n  torch {}".format(
                path, list(worst), got[worst], expected[worst],
                np.array2string(got.reshape(-1)[:16], precision=5),
                np.array2string(expected.reshape(-1)[:16], precision=5)))
    return "\n".join(problems) or None


def close(got, expected):
    if not np.all(np.isfinite(got)) or not np.all(np.isfinite(expected)):
        return np.array_equal(got, expected, equal_nan=True)
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    return bool(np.all(np.abs(got - expected) <= 1e-4 * scale + 1e-3 * np.abs(expected)))


# ---------------------------------------------------------------------------
# Modes


def check_generated(args):
    from programs import Program

    workdir = args.workdir or tempfile.mkdtemp(prefix="gd-difftest-")
    op_counts = collections.Counter()

    def one(index):
        seed = args.seed + index
        program = Program(seed)
        loss, grads = program.reference()
        directory = os.path.join(workdir, "p{}".format(seed))
        source = program.source()
        write_case(directory, source, program.x, program.w, program.params, loss, grads)
        result, error = run_gdc(args.gdc, directory, program.batch)
        sensitive = False
        if error is None:
            error = compare(result[0], result[1], loss, grads)
            if error is not None:
                import torch
                loss32, grads32 = program.reference(torch.float32)
                sensitive = compare(loss32, {k: np.asarray(v) for k, v in grads32.items()},
                                    loss, grads) is not None
        if error is None or sensitive:
            shutil.rmtree(directory, ignore_errors=True)
        elif args.save_failures:
            shutil.copytree(directory, os.path.join(args.save_failures, "seed{}".format(seed)),
                            dirs_exist_ok=True, ignore=shutil.ignore_patterns("train", "out.*", "log.*"))
        return seed, program.ops | {"loss." + program.loss}, source, error, sensitive

    failures, sensitive = 0, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for seed, ops, source, error, rounding in pool.map(one, range(args.programs)):
            op_counts.update(ops)
            if rounding:
                sensitive.append(seed)
            elif error:
                failures += 1
                print("FAIL: program seed {}\n{}\n{}".format(seed, source, error), flush=True)
    print("ops covered ({}): {}".format(
        len(op_counts), ", ".join("{} {}".format(k, v) for k, v in sorted(op_counts.items()))))
    if sensitive:
        print("rounding-sensitive at their data (f32 and f64 references disagree), not "
              "counted: seeds {}".format(", ".join(map(str, sensitive))))
    print("difftest: {} passed, {} failed".format(args.programs - failures - len(sensitive),
                                                  failures))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


def replay(args):
    failures = 0
    for case in args.replay:
        with tempfile.TemporaryDirectory(prefix="gd-difftest-") as directory:
            for name in ("program.gd", "x.npy", "w.npy", "init.safetensors"):
                shutil.copy(os.path.join(case, name), directory)
            expected = dict(np.load(os.path.join(case, "expected.npz")))
            ref_loss = float(expected.pop("__loss__"))
            batch = int(np.load(os.path.join(case, "x.npy")).shape[0])
            result, error = run_gdc(args.gdc, directory, batch)
            if error is None:
                error = compare(result[0], result[1], ref_loss, expected)
        if error:
            failures += 1
            print("FAIL: {}\n{}".format(case, error))
    print("difftest replay: {} passed, {} failed".format(len(args.replay) - failures, failures))
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gdc", required=True)
    parser.add_argument("--programs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--workdir")
    parser.add_argument("--save-failures")
    parser.add_argument("--replay", nargs="+")
    args = parser.parse_args()
    sys.exit(replay(args) if args.replay else check_generated(args))


if __name__ == "__main__":
    main()
