#!/usr/bin/env python3
"""Rewrites a safetensors file with one F32 tensor replaced by zeros of
another shape, the rest (tensors and metadata) as they were; for tests of
what a reader refuses (standard library only).

    reshape_tensor.py IN NAME DIMS OUT     DIMS: comma-separated, e.g. 6,16
"""
import json
import struct
import sys


def main():
    src, name, dims, out = sys.argv[1:]
    shape = [int(d) for d in dims.split(",")]
    with open(src, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = []
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        blob = body[begin:end]
        if key == name:
            entry = dict(entry, shape=shape)
            count = 1
            for d in shape:
                count *= d
            blob = bytes(4 * count)
        tensors.append((key, entry, blob))
    new_header = {"__metadata__": header["__metadata__"]} if "__metadata__" in header else {}
    offset = 0
    for key, entry, blob in tensors:
        new_header[key] = dict(entry, data_offsets=[offset, offset + len(blob)])
        offset += len(blob)
    text = json.dumps(new_header).encode()
    text += b" " * (-len(text) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(b for _, _, b in tensors))


if __name__ == "__main__":
    main()
