#!/usr/bin/env python3
"""Checks that a resumed run ended exactly where an uninterrupted one did.

    compare_runs.py FULL.safetensors RESUMED.safetensors FULL.jsonl RESUMED.jsonl

Every tensor of the two checkpoints (parameters, optimizer state slots,
global states) must be byte-identical, and so must their step counts. Each
epoch the resumed run logged must match the uninterrupted run's record of
that epoch in every value but the timings (the warmup's among them).
"""
import json
import struct
import sys


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    body = data[8 + length:]
    tensors = {name: body[t["data_offsets"][0]:t["data_offsets"][1]]
               for name, t in header.items()}
    return tensors, metadata


def main():
    full, resumed, full_log, resumed_log = sys.argv[1:5]
    a, meta_a = read_safetensors(full)
    b, meta_b = read_safetensors(resumed)
    if sorted(a) != sorted(b):
        sys.exit("the checkpoints hold different tensors: %s vs %s" % (sorted(a), sorted(b)))
    for name in a:
        if a[name] != b[name]:
            sys.exit("tensor %s differs" % name)
    for key in ("step", "epoch", "batches_done", "epoch_loss_sum"):
        if meta_a.get(key) != meta_b.get(key):
            sys.exit("metadata %s differs: %s vs %s" % (key, meta_a.get(key), meta_b.get(key)))
    # A run's first steps are its warmup: a resumed run has its own.
    timings = {"examples_per_sec", "seconds", "warmup_examples", "warmup_seconds"}
    full_records = {r["epoch"]: r for r in map(json.loads, open(full_log))}
    resumed_records = [json.loads(line) for line in open(resumed_log)]
    if not resumed_records:
        sys.exit("the resumed run logged nothing")
    for record in resumed_records:
        expected = full_records[record["epoch"]]
        for key, value in record.items():
            if key not in timings and expected[key] != value:
                sys.exit("epoch %d: %s is %r resumed, %r uninterrupted"
                         % (record["epoch"], key, value, expected[key]))
    print("identical: %d tensors, step %s, %d epoch records"
          % (len(a), meta_a["step"], len(resumed_records)))


if __name__ == "__main__":
    main()
