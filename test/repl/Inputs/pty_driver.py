#!/usr/bin/env python3
"""Drives `gdc repl` through a pseudo-terminal, as a person at a keyboard.

    pty_driver.py SCRIPT -- gdc repl [FILE...]

Each line of SCRIPT is typed after the REPL shows a prompt (`gd> ` or
`... `), followed by Enter. Lines with a directive do something else:
    @ctrl-c          press Ctrl-C (without waiting for a prompt)
    @prompt          wait for the next prompt
    @ctrl-d          press Ctrl-D at the prompt (end of input)
    @up              press the Up arrow, then Enter, at the prompt
    @wait TEXT       wait until TEXT has appeared in the output
Everything the terminal shows is printed at the end, with the terminal's
carriage returns removed, for FileCheck; the exit status is the REPL's.
A step that waits more than 60 s fails the run.
"""
import os
import pty
import re
import select
import sys
import time

TIMEOUT = 60


class Terminal:
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.output = b""
        self.seen = 0  # how much of the output earlier waits consumed

    def read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the child is gone
            return None
        if not data:
            return None
        self.output += data
        return True

    def wait_for(self, pattern):
        """Waits for `pattern` (bytes regex) after what earlier waits saw."""
        deadline = time.time() + TIMEOUT
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.output, self.seen)
            if match:
                self.seen = match.end()
                return
            if time.time() > deadline or self.read(deadline - time.time()) is None:
                sys.stdout.write(self.transcript())
                sys.exit("pty_driver: timed out waiting for %r" % pattern)

    def send(self, data):
        # A person does not type the instant a prompt appears; libedit may
        # still be setting up the line.
        time.sleep(0.05)
        os.write(self.fd, data)

    def finish(self):
        """Reads until the REPL closes the terminal; its exit status, or
        -1 (after killing it) if it has not exited within the timeout."""
        deadline = time.time() + TIMEOUT
        while time.time() < deadline and self.read(deadline - time.time()) is not None:
            pass
        while time.time() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        self.output += b"\npty_driver: the REPL did not exit\n"
        return -1

    def transcript(self):
        return self.output.decode("utf-8", "replace").replace("\r", "")


def main():
    separator = sys.argv.index("--")
    script = open(sys.argv[1]).read().splitlines()
    term = Terminal(sys.argv[separator + 1:])
    prompt = rb"(gd> |\.\.\. )"
    for line in script:
        if line == "@ctrl-c":
            term.send(b"\x03")
        elif line == "@prompt":
            term.wait_for(prompt)
        elif line == "@ctrl-d":
            term.wait_for(prompt)
            term.send(b"\x04")
        elif line == "@up":
            term.wait_for(prompt)
            term.send(b"\x1b[A\r")
        elif line.startswith("@wait "):
            term.wait_for(re.escape(line[len("@wait "):].encode()))
        else:
            term.wait_for(prompt)
            term.send(line.encode() + b"\r")
    status = term.finish()
    sys.stdout.write(term.transcript())
    print("\nexit status %d" % status)
    return 0


if __name__ == "__main__":
    sys.exit(main())
