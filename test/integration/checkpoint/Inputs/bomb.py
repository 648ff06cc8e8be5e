#!/usr/bin/env python3
"""Writes a gzip bomb: an IDX image file of 100 MB of zeros, ~100 KB packed.

    bomb.py OUT.gz
"""
import gzip
import struct
import sys

count = 100_000_000 // 784
with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
    f.write(struct.pack(">HBBIII", 0, 8, 3, count, 28, 28))
    zeros = bytes(1 << 20)
    for _ in range(count * 784 // len(zeros)):
        f.write(zeros)
