#!/usr/bin/env python3
"""How long gdc repl takes to answer a new one-line input, compile included.

Starts `gdc repl` on a pipe and sends 20 inputs one at a time, each new (a
definition or an expression the session has not seen, so nothing is
cached), timing from the write to the answer's last line. The first input
of the session is included. Prints each time and the median.

    python3 bench/repl_latency.py [--gdc build/bin/gdc]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

# (input, number of output lines it answers with)
INPUTS = [("let f = dense(4, 3) >> relu", 0)]
INPUTS += [("f([1.0, %d.0, 3.0, 4.0])" % i, 1) for i in range(8)]
INPUTS += [("let g%d = dense(3, %d) >> tanh" % (i, i + 2), 0) for i in range(3)]
INPUTS += [("sum(tanh([0.%d, 1.0, 2.0]))" % i, 1) for i in range(4)]
INPUTS += [("grad(x => sum(tanh(x)))([0.%d, 1.0])" % i, 1) for i in range(4)]
assert len(INPUTS) == 20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--gdc", default=os.path.join(here, "..", "build", "bin", "gdc"))
    args = parser.parse_args()
    repl = subprocess.Popen([args.gdc, "repl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)
    times = []
    for text, lines in INPUTS:
        # A definition answers nothing: follow it with `:type 1.0`, whose
        # one-line answer marks the end, and count only the definition.
        start = time.perf_counter()
        repl.stdin.write(text + "\n")
        if lines == 0:
            repl.stdin.write(":type 1.0\n")
        repl.stdin.flush()
        answer = [repl.stdout.readline() for _ in range(max(lines, 1))]
        elapsed = time.perf_counter() - start
        if any(line.startswith(("error", "<input>")) or not line for line in answer):
            sys.exit("gdc repl answered %r to %r" % (answer, text))
        times.append(elapsed * 1000)
        print("%7.1f ms  %s" % (times[-1], text))
    repl.stdin.close()
    repl.wait()
    print("median %.1f ms over %d inputs (first %.1f ms, max %.1f ms)"
          % (statistics.median(times), len(times), times[0], max(times)))


if __name__ == "__main__":
    main()
