#!/usr/bin/env python3
"""Run commands in a guest's shell through a pseudo-terminal: wait for the prompt, type each
line of stdin, and print what it printed between "BEGIN-n" and "END-n rc=STATUS" markers;
then power the guest off. For checks on what the shell sees (a share, a disk, the network).
Usage: session.py TIMEOUT CELLA-ARGS... <commands"""
import os, pty, select, sys, time

timeout, argv = float(sys.argv[1]), sys.argv[2:]
commands = [c for c in sys.stdin.read().split("\n") if c.strip()]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

buf = b""
def wait_for(needle, t):
    global buf
    end = time.time() + t
    while needle not in buf:
        left = end - time.time()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return False
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        buf += chunk
    return True

if not wait_for(b"Type 'poweroff -f'", timeout) or not wait_for(b"# ", 30):
    print("NO-PROMPT")
    sys.stdout.write(buf.decode(errors="replace"))
    sys.exit(1)
for i, c in enumerate(commands):
    buf = b""
    # the markers are printed by echo, so the typed line (echoed back) never matches them
    os.write(fd, b"echo BEGIN-%d; %s; echo END-%d rc=$?\n" % (i, c.encode(), i))
    wait_for(b"\nEND-%d rc=" % i, timeout)
    wait_for(b"# ", 10)
    text = buf.decode(errors="replace").replace("\r", "")
    start = text.find("\nBEGIN-%d\n" % i)
    print(text[start + 1:] if start >= 0 else text)
os.write(fd, b"poweroff -f\n")
wait_for(b"Power down", 30)
os.waitpid(pid, 0)
