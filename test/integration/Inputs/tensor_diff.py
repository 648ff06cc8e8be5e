#!/usr/bin/env python3
"""tensor_diff.py A.safetensors B.safetensors [--params]: for each tensor
of A (the parameters only with --params: names without a '/'), prints
'NAME same' when B holds the same bytes under that name, else
'NAME differs'; then 'tensors: N same, M differ'. Metadata is ignored."""
import json
import struct
import sys


def tensors(path, params_only):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    body = data[8 + length:]
    return {name: body[t["data_offsets"][0]:t["data_offsets"][1]]
            for name, t in header.items() if not (params_only and "/" in name)}


params_only = "--params" in sys.argv[3:]
a, b = tensors(sys.argv[1], params_only), tensors(sys.argv[2], params_only)
same = [name for name in sorted(a) if b.get(name) == a[name]]
for name in sorted(a):
    print(name, "same" if name in same else "differs")
print("tensors: %d same, %d differ" % (len(same), len(a) - len(same)))
