#!/usr/bin/env python3
"""Drive `cella vm` through a pseudo-terminal like a person: wait for the guest's shell prompt,
type a command, read its output back, then power the guest off. Prints PASS/FAIL lines.
With --escape, the console keys instead: Ctrl-A h lists them, Ctrl-A x quits.
Usage: shell.py SUITE [--escape] CELLA-ARGS..."""
import os, pty, select, sys, time

suite, argv = sys.argv[1], sys.argv[2:]
escape = argv[:1] == ["--escape"]
if escape:
    argv = argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

buf = b""
def wait_for(needle, timeout):
    global buf
    end = time.time() + timeout
    while needle not in buf:
        left = end - time.time()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            buf += chunk
    return True

ok = wait_for(b"Type 'poweroff -f'", 120) and wait_for(b"# ", 30)
print(("PASS" if ok else "FAIL") + f" {suite}/shell-prompt")
if ok and escape:
    os.write(fd, b"\x01h")
    ok = wait_for(b"cella console keys", 10) and wait_for(b"x        quit", 5)
    print(("PASS" if ok else "FAIL") + f" {suite}/escape-h-lists-keys")
    os.write(fd, b"\x01x")
    ok = wait_for(b"cella: Ctrl-A x: stopping the machine", 10)
    print(("PASS" if ok else "FAIL") + f" {suite}/escape-x-says-so")
elif ok:
    mark = b"hi-%d" % os.getpid()
    os.write(fd, b"echo " + mark + b"\n")
    # the echo of what was typed holds "echo hi-N"; the output line is "hi-N" alone
    ok = wait_for(b"\n" + mark + b"\r", 30)
    print(("PASS" if ok else "FAIL") + f" {suite}/shell-echo-hi")
    os.write(fd, b"poweroff -f\n")
    ok = wait_for(b"GUEST-POWEROFF", 30) or wait_for(b"Power down", 30)
    print(("PASS" if ok else "FAIL") + f" {suite}/shell-poweroff")
try:
    _, status = os.waitpid(pid, 0)
except ChildProcessError:
    status = 1
rc = os.waitstatus_to_exitcode(status)
print(("PASS" if rc == 0 else "FAIL") + f" {suite}/shell-exit-0" + ("" if rc == 0 else f": status {rc}"))
