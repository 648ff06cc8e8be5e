"""Replays gd sources through gdc and checks that it fails cleanly.

    replay.py GDC DIR...

Each DIR/*.gd is compiled to the end of the stages the fuzzer reaches
(tools/gdc-fuzz): `--emit=reverse`, and `--emit=linalg` (which needs a train
block and says so otherwise). gdc must exit with 0 or 1 (a diagnostic) within
the time limit, and must not say "internal error": a signal, a hang or an
internal error is the compiler's fault whatever the input.
"""
import glob
import os
import subprocess
import sys

TIME_LIMIT_S = 60
STAGES = ["reverse", "linalg"]


def main():
    gdc, dirs = sys.argv[1], sys.argv[2:]
    inputs = sorted(p for d in dirs for p in glob.glob(os.path.join(d, "*.gd")))
    failures = []
    for path in inputs:
        for stage in STAGES:
            what = "%s (--emit=%s)" % (os.path.basename(path), stage)
            try:
                run = subprocess.run([gdc, path, "--emit=" + stage],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE,
                                     timeout=TIME_LIMIT_S)
            except subprocess.TimeoutExpired:
                failures.append("%s: no answer in %d s" % (what, TIME_LIMIT_S))
                continue
            err = run.stderr.decode("utf-8", "replace")
            if run.returncode < 0:
                failures.append("%s: killed by signal %d\n%s" % (what, -run.returncode, err[-2000:]))
            elif run.returncode not in (0, 1):
                failures.append("%s: exit status %d\n%s" % (what, run.returncode, err[-2000:]))
            elif "internal error" in err:
                failures.append("%s: internal error\n%s" % (what, err[-2000:]))
    for f in failures:
        print("replay: FAILED: " + f)
    print("replay: %d inputs, %d failures" % (len(inputs), len(failures)))
    return 1 if failures or not inputs else 0


if __name__ == "__main__":
    sys.exit(main())
