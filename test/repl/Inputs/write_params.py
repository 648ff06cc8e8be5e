#!/usr/bin/env python3
"""Writes known parameters of f = dense(2, 2) >> tanh >> dense(2, 1) as a
safetensors file (the format ./train --save writes), for the REPL tests.

    write_params.py OUT.safetensors
"""
import json
import struct
import sys

TENSORS = [
    ("f.0.W", [2, 2], [1.0, 0.0, 0.0, 2.0]),
    ("f.0.b", [2], [0.0, 0.5]),
    ("f.2.W", [2, 1], [1.0, -1.0]),
    ("f.2.b", [1], [0.25]),
]

header, data = {}, b""
for name, shape, values in TENSORS:
    raw = struct.pack("<%df" % len(values), *values)
    header[name] = {"dtype": "F32", "shape": shape,
                    "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
text = json.dumps(header).encode()
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<Q", len(text)) + text + data)
