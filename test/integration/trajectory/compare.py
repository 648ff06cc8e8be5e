#!/usr/bin/env python3
"""Compares two safetensors checkpoints of F32 tensors (standard library only).

    compare.py ACTUAL EXPECTED [--rtol 1e-5]

Both files must hold the same tensor names with the same shapes. For each
tensor it prints

    err = max|actual - expected| / max|expected|

(the largest difference relative to the tensor's own scale; when EXPECTED is
all zeros, err is the absolute max|actual - expected|) and fails if err
exceeds --rtol, or if either side holds a NaN or an infinity.

Exit status: 0 when every tensor is within tolerance, 1 when the files
differ (names, shapes or values; the message names the tensor), 2 on a usage
or file-format error.
"""

import argparse
import array
import json
import math
import struct
import sys


class FormatError(Exception):
    pass


def read_safetensors(path):
    """Returns {name: (shape, array('f'))} for the F32 tensors of `path`."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise FormatError(f"{path}: {e.strerror}")
    if len(data) < 8:
        raise FormatError(f"{path}: not a safetensors file (too short)")
    (header_size,) = struct.unpack("<Q", data[:8])
    if header_size > len(data) - 8:
        raise FormatError(f"{path}: header length {header_size} exceeds the file")
    try:
        header = json.loads(data[8:8 + header_size].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise FormatError(f"{path}: invalid header: {e}")
    if not isinstance(header, dict):
        raise FormatError(f"{path}: header is not a JSON object")
    body = data[8 + header_size:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = entry["dtype"]
            shape = [int(d) for d in entry["shape"]]
            begin, end = (int(o) for o in entry["data_offsets"])
        except (TypeError, KeyError, ValueError):
            raise FormatError(f"{path}: tensor '{name}': malformed header entry")
        if dtype != "F32":
            raise FormatError(f"{path}: tensor '{name}' has dtype {dtype}; "
                              "only F32 is supported")
        count = math.prod(shape)
        if not 0 <= begin <= end <= len(body) or end - begin != 4 * count:
            raise FormatError(f"{path}: tensor '{name}': data_offsets "
                              f"[{begin}, {end}] do not fit shape {shape}")
        values = array.array("f")
        values.frombytes(body[begin:end])
        if sys.byteorder != "little":
            values.byteswap()
        tensors[name] = (shape, values)
    return tensors


def main():
    parser = argparse.ArgumentParser(
        description="Compare two safetensors checkpoints tensor by tensor.")
    parser.add_argument("actual")
    parser.add_argument("expected")
    parser.add_argument("--rtol", type=float, default=1e-5,
                        help="tolerance on max|a-b| / max|b| (default 1e-5)")
    args = parser.parse_args()

    try:
        actual = read_safetensors(args.actual)
        expected = read_safetensors(args.expected)
    except FormatError as e:
        print(f"compare.py: error: {e}", file=sys.stderr)
        return 2

    failures = []
    # A full checkpoint also holds the optimizer's state (`path/m`,
    # `global/NAME`); the references hold the parameters.
    actual = {name: t for name, t in actual.items()
              if name in expected or "/" not in name}
    if set(actual) != set(expected):
        only_a = sorted(set(actual) - set(expected))
        only_e = sorted(set(expected) - set(actual))
        if only_a:
            failures.append(f"tensors only in {args.actual}: {', '.join(only_a)}")
        if only_e:
            failures.append(f"tensors only in {args.expected}: {', '.join(only_e)}")

    for name in sorted(set(actual) & set(expected)):
        (shape_a, a), (shape_e, e) = actual[name], expected[name]
        if shape_a != shape_e:
            failures.append(f"tensor '{name}': shape {shape_a} vs {shape_e}")
            print(f"{name:<12} shape {shape_a} vs {shape_e}  FAIL")
            continue
        finite = all(math.isfinite(x) for x in a) and all(math.isfinite(x) for x in e)
        diff = max((abs(x - y) for x, y in zip(a, e)), default=0.0)
        scale = max((abs(y) for y in e), default=0.0)
        err = diff / scale if scale > 0 else diff
        ok = finite and err <= args.rtol
        print(f"{name:<12} {str(shape_e):<10} max|a-b| {diff:.3e}  max|b| {scale:.3e}  "
              f"rel {err:.3e}  {'ok' if ok else 'FAIL'}")
        if not finite:
            failures.append(f"tensor '{name}' holds a NaN or an infinity")
        elif not ok:
            failures.append(f"tensor '{name}': relative error {err:.3e} "
                            f"exceeds rtol {args.rtol:g}")

    for failure in failures:
        print(f"compare.py: FAIL: {failure}", file=sys.stderr)
    if failures:
        return 1
    print(f"compare.py: all {len(expected)} tensors within rtol {args.rtol:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
