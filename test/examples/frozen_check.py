#!/usr/bin/env python3
"""frozen_check.py INIT AFTER FROZEN_PREFIX

Every tensor of the safetensors file AFTER whose name starts with
FROZEN_PREFIX holds exactly INIT's values; every other parameter moved.
Standard library only."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration", "trajectory"))
from compare import read_safetensors  # noqa: E402

init, after, prefix = read_safetensors(sys.argv[1]), read_safetensors(sys.argv[2]), sys.argv[3]
for name, (shape, values) in init.items():
    if "/" in name:
        continue  # optimizer state
    moved = list(after[name][1]) != list(values)
    if name.startswith(prefix) and moved:
        sys.exit(f"frozen parameter {name} changed")
    if not name.startswith(prefix) and not moved:
        sys.exit(f"parameter {name} did not train")
    print(name, "moved" if moved else "kept")
