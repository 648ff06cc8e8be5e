#!/usr/bin/env python3
"""Writes DIR/blobs.csv and DIR/test_{x,y}.npy: two Gaussian blobs in four
dimensions, class 1 shifted by +1.5 in every feature. Standard library only
(the .npy files are written by hand: format 1.0, '<f4' and '<i4')."""
import random
import struct
import sys


def blobs(n, rng):
    rows = []
    for i in range(n):
        label = i % 2
        rows.append(([rng.gauss(1.5 * label, 1.0) for _ in range(4)], label))
    return rows


def write_npy(path, dtype, shape, values, fmt):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        dtype, ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else ""))
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%d%s" % (len(values), fmt), *values))


def main():
    out = sys.argv[1]
    rng = random.Random(3)
    with open(out + "/blobs.csv", "w") as f:
        f.write("a,b,c,d,class\n")
        for x, y in blobs(400, rng):
            f.write(",".join("%.6f" % v for v in x) + ",%d\n" % y)
    test = blobs(200, rng)
    write_npy(out + "/test_x.npy", "<f4", (200, 4), [v for x, _ in test for v in x], "f")
    write_npy(out + "/test_y.npy", "<i4", (200,), [y for _, y in test], "i")


if __name__ == "__main__":
    main()
