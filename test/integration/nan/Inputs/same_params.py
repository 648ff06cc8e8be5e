#!/usr/bin/env python3
"""same_params.py A.safetensors B.safetensors: the two files hold the same
tensors, byte for byte (metadata aside); prints 'same parameters'."""
import json
import struct
import sys


def tensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    body = data[8 + length:]
    return {name: body[t["data_offsets"][0]:t["data_offsets"][1]] for name, t in header.items()}


a, b = tensors(sys.argv[1]), tensors(sys.argv[2])
if a != b:
    sys.exit("different: " + ", ".join(n for n in sorted(set(a) | set(b)) if a.get(n) != b.get(n)))
print("same parameters")
