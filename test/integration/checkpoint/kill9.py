#!/usr/bin/env python3
"""Kills training runs with SIGKILL at random moments and checks that the
last good checkpoint always survives.

    kill9.py TRAIN CHECKPOINT TRIALS [train options...]

Each trial starts TRAIN, which rewrites CHECKPOINT at every step
(--save-every 1), and kills it with SIGKILL after a random delay. The
checkpoint must then be a complete one: a safetensors file whose header
parses, whose tensors fill the file exactly and whose metadata names its
step, a step never smaller than the last trial's. Leftover temporaries
are allowed (a write was cut), but the next trial's first write removes
them, so at most the latest one's remain. Prints the number of trials and
of kills that landed during a run.
"""
import glob
import json
import os
import random
import signal
import struct
import subprocess
import sys
import time


def check(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    meta = header.pop("__metadata__")
    end = max(t["data_offsets"][1] for t in header.values())
    if 8 + length + end != len(data):
        sys.exit("%s: %d bytes, its header accounts for %d" % (path, len(data), 8 + length + end))
    return int(meta["step"])


def main():
    train, checkpoint, trials = sys.argv[1], sys.argv[2], int(sys.argv[3])
    options = sys.argv[4:]
    rng = random.Random(20261206)
    last_step, killed = 0, 0
    for trial in range(trials):
        resume = ["--resume", checkpoint] if os.path.exists(checkpoint) else []
        run = subprocess.Popen([train] + resume + options, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.4))
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            killed += 1
        run.wait()
        if not os.path.exists(checkpoint):
            continue  # killed before its first write
        step = check(checkpoint)
        if step < last_step:
            sys.exit("trial %d: the checkpoint went back from step %d to %d"
                     % (trial, last_step, step))
        last_step = step
        leftovers = glob.glob(checkpoint + ".tmp.*")
        if len(leftovers) > 1:
            sys.exit("trial %d: %d temporaries left: %s" % (trial, len(leftovers), leftovers))
    print("%d trials, %d killed mid-run, every checkpoint complete (last step %d)"
          % (trials, killed, last_step))


if __name__ == "__main__":
    main()
