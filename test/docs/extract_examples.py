#!/usr/bin/env python3
"""Writes each ```gd block of a Markdown file that starts with
`// example: NAME` to OUTDIR/NAME.gd and prints the names.

    extract_examples.py DOC.md OUTDIR
"""
import os
import re
import sys


def main():
    doc, out = sys.argv[1], sys.argv[2]
    with open(doc) as f:
        text = f.read()
    names = []
    for block in re.findall(r"```gd\n(.*?)```", text, re.S):
        m = re.match(r"// example: ([\w-]+)\n", block)
        if not m:
            continue
        names.append(m.group(1))
        with open(os.path.join(out, m.group(1) + ".gd"), "w") as f:
            f.write(block)
    if not names:
        print(f"extract_examples.py: no '// example:' blocks in {doc}", file=sys.stderr)
        return 1
    print("\n".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
