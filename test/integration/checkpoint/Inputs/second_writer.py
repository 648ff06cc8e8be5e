#!/usr/bin/env python3
"""Starts a long run writing FILE (--log or --save), then a second run
writing the same FILE, and prints what the second says; stops the first.

    second_writer.py TRAIN OPTION FILE
"""
import os
import signal
import subprocess
import sys
import time

train, option, path = sys.argv[1:4]
first = subprocess.Popen([train, "--epochs", "100000", "--quiet", option, path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.time() + 60
while not os.path.exists(path + ".lock"):
    if time.time() > deadline or first.poll() is not None:
        sys.exit("the first run never took its lock")
    time.sleep(0.01)
second = subprocess.run([train, "--steps", "1", "--quiet", option, path],
                        capture_output=True, text=True)
print("second run: exit %d: %s" % (second.returncode, second.stderr.strip()))
first.send_signal(signal.SIGTERM)
first.wait(timeout=60)
print("first run: exit %d" % first.returncode)
