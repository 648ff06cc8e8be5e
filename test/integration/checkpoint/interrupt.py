#!/usr/bin/env python3
"""Interrupts a training run with a signal and checks what it leaves.

    interrupt.py TRAIN SIGNAL CHECKPOINT [train options...]

Starts TRAIN with the options, waits until it has taken some steps (its
--save-every checkpoint appears; without --save, half a second), sends
SIGNAL (INT or TERM), and checks
that it exits with 128 + the signal's number, says how to resume, and
leaves a checkpoint at CHECKPOINT with the step it stopped at. Prints that
step.
"""
import json
import os
import signal
import struct
import subprocess
import sys
import time


def checkpoint_step(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        return int(json.loads(f.read(length))["__metadata__"]["step"])


def main():
    train, name, checkpoint = sys.argv[1:4]
    number = getattr(signal, "SIG" + name)
    run = subprocess.Popen([train] + sys.argv[4:], stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    if "--save" not in sys.argv:
        time.sleep(0.5)
    while "--save" in sys.argv and not os.path.exists(checkpoint):
        if time.time() > deadline or run.poll() is not None:
            sys.exit("the run ended or stalled before its first checkpoint")
        time.sleep(0.01)
    run.send_signal(number)
    _, err = run.communicate(timeout=60)
    if run.returncode != 128 + number:
        sys.exit("exit status %d, expected %d; stderr:\n%s" % (run.returncode, 128 + number, err))
    print(err.strip())
    print("checkpoint step %d" % checkpoint_step(checkpoint))


if __name__ == "__main__":
    main()
