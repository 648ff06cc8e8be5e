#!/usr/bin/env python3
"""compare_stages.py START END: for each parameter tensor of two safetensors
files, prints 'NAME unchanged' when its bytes are equal, else 'NAME changed'
(optimizer state and metadata are ignored)."""
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
    return {name: body[t["data_offsets"][0]:t["data_offsets"][1]]
            for name, t in header.items() if "/" not in name}


start, end = tensors(sys.argv[1]), tensors(sys.argv[2])
for name in sorted(start):
    print(name, "unchanged" if start[name] == end[name] else "changed")
