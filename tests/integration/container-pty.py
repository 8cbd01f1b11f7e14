#!/usr/bin/env python3
"""Drive a command on a pseudo-terminal, as a user at a terminal would (container_tty.sh).

    container-pty.py ROWS COLS STEP... -- CMD [ARG...]

Steps, in order: send=TEXT (backslash escapes allowed), expect=REGEX (waits up to 20 s for
it in what the command wrote since the last expect), resize=ROWS,COLS, mode (reports whether
the terminal is raw now), host=SHELL-COMMAND (run on the host), sleep=SECONDS. Prints what the command wrote (without \\r) between
'--- output' and '--- end', then exit=N and whether the terminal's settings were restored.
"""
import fcntl
import os
import re
import select
import struct
import sys
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    sep = sys.argv.index("--")
    rows, cols = int(sys.argv[1]), int(sys.argv[2])
    steps, cmd = sys.argv[3:sep], sys.argv[sep + 1:]
    master, slave = os.openpty()
    set_size(slave, rows, cols)
    before = termios.tcgetattr(slave)
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in range(3):
            os.dup2(slave, fd)
        os.execvp(cmd[0], cmd)
    out = b""
    seen = 0
    notes = []

    def pump(timeout):
        nonlocal out
        r, _, _ = select.select([master], [], [], timeout)
        if not r:
            return None
        try:
            data = os.read(master, 4096)
        except OSError:
            return False
        out += data
        return bool(data)

    for step in steps:
        kind, _, arg = step.partition("=")
        if kind == "send":
            os.write(master, arg.encode().decode("unicode_escape").encode())
        elif kind == "expect":
            deadline = time.time() + 20
            pat = re.compile(arg.encode())
            while not pat.search(out, seen) and time.time() < deadline:
                if pump(0.1) is False:
                    break
            m = pat.search(out, seen)
            notes.append("expect %s: %s" % (arg, "found" if m else "missing"))
            if m:
                seen = m.end()
        elif kind == "resize":
            r, c = arg.split(",")
            set_size(slave, int(r), int(c))
        elif kind == "mode":
            lflag = termios.tcgetattr(slave)[3]
            notes.append("mode: " + ("cooked" if lflag & (termios.ICANON | termios.ECHO) else "raw"))
        elif kind == "host":
            os.system(arg)
        elif kind == "sleep":
            end = time.time() + float(arg)
            while time.time() < end and pump(0.05) is not False:
                pass
    deadline = time.time() + 30
    status = None
    while time.time() < deadline:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        pump(0.05)
    while pump(0.05):
        pass
    after = termios.tcgetattr(slave)
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    print("--- output")
    print(out.decode(errors="replace").replace("\r", ""))
    print("--- end")
    for n in notes:
        print(n)
    print("exit=%s" % ("timeout" if status is None else os.waitstatus_to_exitcode(status)))
    print("termios-restored=%s" % ("yes" if after == before else "no"))


main()
