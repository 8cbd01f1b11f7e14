# The GDB stub of the riscv64 machine, driven by Debian's gdb-multiarch: a bare-metal program
# (tests/riscv/gdbtarget.S) on two harts with -S — breakpoints, exact steps (into a trap
# handler too), registers, CSRs and memory against known values, a patched instruction,
# threads, Ctrl-C; attaching to a running machine and kill; hostile packets from a raw client;
# an address in use; and the Linux guest stopped at its entry, interrupted at the shell,
# read through its page tables, and detached.
. "$CELLA_TOP/tests/lib.sh"

CC=riscv64-unknown-elf-gcc
for tool in gdb-multiarch "$CC" python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip gdb "$tool not installed (Debian packages gdb-multiarch, gcc-riscv64-unknown-elf, python3)"
		exit 0
	fi
done
tmp=$(mktemp -d /tmp/cella-gdb.XXXXXX)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
limit=120
[ "$CELLA_VARIANT" = san ] && limit=400

rv_build() { # source elf
	"$CC" -march=rv64gc_zba_zbb_zbs -mabi=lp64d -nostdlib -nostartfiles -g \
		-T "$CELLA_TOP/tests/riscv/link.ld" -I "$CELLA_TOP/tests/riscv" "$1" -o "$2" 2>"$tmp/cc.err"
}

# start NAME ARGS...: cella in the background (stdin from $stdin, default /dev/null); waits
# for its "gdb stub on ADDRESS" line and sets $addr, $port and $pid
start() {
	local name=$1; shift
	timeout "$limit" "$CELLA" vm --arch riscv64 "$@" <"${stdin:-/dev/null}" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	pids="$pids $pid"
	addr=""
	for _ in $(seq 300); do # it prints the line before any hart runs
		addr=$(sed -n 's/^cella: gdb stub on \([^;]*\).*/\1/p' "$tmp/$name.err")
		[ -n "$addr" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	port=${addr##*:}
}

# the exit status of $pid (it ends by itself, or by the timeout)
finish() {
	wait "$pid"
}

rgdb() { # command-file output [gdb args]
	local cmds=$1 out=$2; shift 2
	timeout "$limit" gdb-multiarch -q -nx -batch -ex "set pagination off" -ex "set confirm off" \
		"$@" -x "$cmds" >"$out" 2>&1 </dev/null
}

val() { sed -n "s/^CHECK $2 //p" "$1" | head -1; }

# Ctrl-C from gdb's own terminal: SIGINT to gdb while `continue` waits, which gdb turns into
# the 0x03 byte. The timer only needs to fire after the continue began.
cat >"$tmp/intr.py" <<'PY'
import gdb, os, signal, threading
threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
gdb.execute("continue")
PY

if ! rv_build "$CELLA_TOP/tests/riscv/gdbtarget.S" "$tmp/t.elf"; then
	fail build "$(cat "$tmp/cc.err")"
	exit 0
fi

# ---- 1. bare metal, two harts, -S ----
start bare --bios none --kernel "$tmp/t.elf" --smp 2 --gdb tcp::0 -S
expect_match listen-address "$addr" '^tcp:127\.0\.0\.1:[0-9]+$'

# the address is taken now: a second stub on it is refused at start, naming it
out=$(timeout 30 "$CELLA" vm --arch riscv64 --bios none --kernel "$tmp/t.elf" --gdb "tcp::$port" 2>&1 </dev/null); rc=$?
expect_eq port-in-use-exit-1 "$rc" 1
expect_match port-in-use-message "$out" "127\.0\.0\.1:$port.*in use"

cat >"$tmp/bare.gdb" <<EOF
target remote :$port
printf "CHECK start-pc %#lx\n", \$pc
printf "CHECK start-priv %d\n", \$priv
info threads
break gdb_loop
continue
printf "CHECK bp-thread %d\n", \$_thread
printf "CHECK bp-at-loop %d\n", \$pc == (unsigned long)&gdb_loop
printf "CHECK bp-s1 %d\n", \$s1
printf "CHECK bp-s0 %#lx\n", \$s0
continue
printf "CHECK bp2-s1 %d\n", \$s1
thread 2
printf "CHECK t2-hartid %d\n", \$mhartid
printf "CHECK t2-in-loop %d\n", \$pc >= (unsigned long)&gdb_hart1 && \$pc < (unsigned long)&gdb_hart1 + 8
set \$s3_before = \$s3
thread 1
printf "CHECK t1-hartid %d\n", \$mhartid
stepi
printf "CHECK stepi-at-limit %d\n", \$pc == (unsigned long)&gdb_limit
printf "CHECK stepi-s1 %d\n", \$s1
thread 2
printf "CHECK step-others-stay %d\n", \$s3 == \$s3_before
thread 1
printf "CHECK data %#lx\n", *(unsigned long *)&gdb_data
printf "CHECK misa %#lx\n", \$misa
printf "CHECK mtvec-is-handler %d\n", \$mtvec == (unsigned long)&gdb_handler
set var *(unsigned int *)&gdb_limit = 0x00300293
delete
break gdb_step
continue
printf "CHECK patched-s1 %d\n", \$s1
stepi
printf "CHECK step-4-bytes %d\n", \$pc - (unsigned long)&gdb_step
stepi
printf "CHECK step-2-bytes %d\n", \$pc - (unsigned long)&gdb_step
printf "CHECK a2 %d\n", \$a2
delete
hbreak gdb_ecall
continue
printf "CHECK hbreak-at-ecall %d\n", \$pc == (unsigned long)&gdb_ecall
stepi
printf "CHECK ecall-step-to-handler %d\n", \$pc == (unsigned long)&gdb_handler
printf "CHECK mcause %d\n", \$mcause
printf "CHECK mepc-is-ecall %d\n", \$mepc == (unsigned long)&gdb_ecall
set var \$a5 = 0x5a5a
printf "CHECK a5-written %#lx\n", \$a5
set var \$mscratch = 0x77
printf "CHECK mscratch-written %#lx\n", \$mscratch
printf "CHECK fcsr %d\n", \$fcsr
delete
set var *(long *)&gdb_release = 0
source $tmp/intr.py
printf "CHECK intr-in-spin %d\n", \$pc >= (unsigned long)&gdb_spin && \$pc < (unsigned long)&gdb_spin + 16
thread 2
printf "CHECK others-ran %d\n", \$s3 > \$s3_before
thread 1
set var *(long *)&gdb_release = 1
continue
EOF
rgdb "$tmp/bare.gdb" "$tmp/bare.gdbout" "$tmp/t.elf"
finish; rc=$?
o=$tmp/bare.gdbout
expect_eq start-at-reset-vector "$(val "$o" start-pc)" 0x1000
expect_eq start-in-m-mode "$(val "$o" start-priv)" 3
expect_match threads-are-harts "$(cat "$o")" 'Thread 2 \(hart 1, M-mode\)'
expect_eq breakpoint-hit "$(val "$o" bp-at-loop)" 1
expect_eq breakpoint-thread "$(val "$o" bp-thread)" 1
expect_eq breakpoint-before-insn "$(val "$o" bp-s1)" 0
expect_eq register-s0 "$(val "$o" bp-s0)" 0x1234
expect_eq breakpoint-again "$(val "$o" bp2-s1)" 1
expect_eq thread2-mhartid "$(val "$o" t2-hartid)" 1
expect_eq thread2-pc "$(val "$o" t2-in-loop)" 1
expect_eq thread1-mhartid "$(val "$o" t1-hartid)" 0
expect_eq stepi-one-insn "$(val "$o" stepi-at-limit)" 1
expect_eq stepi-executed "$(val "$o" stepi-s1)" 2
expect_eq stepi-others-stay-stopped "$(val "$o" step-others-stay)" 1
expect_eq memory-read "$(val "$o" data)" 0x1122334455667788
expect_eq csr-misa "$(val "$o" misa)" 0x800000000014112f
expect_eq csr-mtvec "$(val "$o" mtvec-is-handler)" 1
expect_eq patched-code-runs "$(val "$o" patched-s1)" 3
expect_eq step-4-byte-insn "$(val "$o" step-4-bytes)" 4
expect_eq step-2-byte-insn "$(val "$o" step-2-bytes)" 6
expect_eq step-results "$(val "$o" a2)" 6
expect_eq hw-breakpoint "$(val "$o" hbreak-at-ecall)" 1
expect_eq step-into-trap-handler "$(val "$o" ecall-step-to-handler)" 1
expect_eq trap-mcause "$(val "$o" mcause)" 11
expect_eq trap-mepc "$(val "$o" mepc-is-ecall)" 1
expect_eq register-write "$(val "$o" a5-written)" 0x5a5a
expect_eq csr-write "$(val "$o" mscratch-written)" 0x77
expect_eq csr-fcsr "$(val "$o" fcsr)" 0
expect_match ctrl-c-sigint "$(cat "$o")" 'received signal SIGINT'
expect_eq ctrl-c-stops-spin "$(val "$o" intr-in-spin)" 1
# hart 0 spun for a second before the Ctrl-C: hart 1 ran meanwhile
expect_eq continue-runs-all-harts "$(val "$o" others-ran)" 1
expect_match guest-exit-reported "$(cat "$o")" 'exited normally'
expect_eq bare-exit-0 "$rc" 0

# ---- 2. attach to a running machine, then kill ----
cat >"$tmp/forever.S" <<'S'
#include "test.h"
RVTEST_BEGIN
	li a0, 0
	.globl forever
forever:
	addi a0, a0, 1
	j forever
RVTEST_END
S
rv_build "$tmp/forever.S" "$tmp/forever.elf"
start attach --bios none --kernel "$tmp/forever.elf" --gdb tcp::0
cat >"$tmp/attach.gdb" <<EOF
target remote :$port
printf "CHECK ran %d\n", \$a0 > 0
printf "CHECK in-loop %d\n", \$pc >= (unsigned long)&forever && \$pc < (unsigned long)&forever + 8
kill
EOF
rgdb "$tmp/attach.gdb" "$tmp/attach.gdbout" "$tmp/forever.elf"
finish; rc=$?
expect_eq attach-stops-running-guest "$(val "$tmp/attach.gdbout" ran)$(val "$tmp/attach.gdbout" in-loop)" 11
expect_eq kill-exit-0 "$rc" 0
expect_match kill-message "$(cat "$tmp/attach.err")" 'debugger ended the machine'

# ---- 3. hostile packets from a raw client on a unix socket ----
start raw --bios none --kernel "$tmp/t.elf" --gdb "unix:$tmp/gdb.sock" -S
expect_eq unix-address "$addr" "unix:$tmp/gdb.sock"
cat >"$tmp/raw.py" <<'PY'
import random, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
buf = b""
def byte():
    global buf
    while not buf:
        data = s.recv(65536)
        if not data:
            raise SystemExit("FAIL raw: the stub closed the connection")
        buf += data
    c, buf = buf[:1], buf[1:]
    return c
def reply():
    while byte() != b"$":
        pass
    data = b""
    while (c := byte()) != b"#":
        data += c
    cs = byte() + byte()
    assert int(cs, 16) == sum(data) & 0xff, "bad checksum from the stub"
    return data.decode()
def send(data):
    if isinstance(data, str):
        data = data.encode()
    s.sendall(b"$" + data + b"#%02x" % (sum(data) & 0xff))
def ask(data):
    send(data)
    return reply()
def check(name, got, want):
    ok = want(got) if callable(want) else got == want
    print(("PASS" if ok else "FAIL") + " riscv-gdb/raw-" + name + ("" if ok else ": got %r" % got[:200]))

def main():
  check("status", ask("?"), "T05thread:1;")
  s.sendall(b"$g#00")
  check("bad-checksum-nack", byte(), b"-")
  check("overlong", ask("m" * 20000), "E5a")
  check("bad-hex", ask("mzz,4"), "E16")
  check("huge-length", ask("m80000000,ffffffffffffffff"), lambda r: len(r) > 8000 and r[:8] == "97020000")
  check("unmapped", ask("m0,ffffffffffffffff"), "E0e")
  check("huge-write", ask("M80000000,ffffffff:00"), "E16")
  check("huge-binary-write", ask("X80000000,100000000:"), "E16")
  check("bad-register", ask("pffffffffffffffff"), "E16")
  check("no-register", ask("p1042"), "E02")
  check("priv", ask("p1041"), "0300000000000000")
  check("priv-2-refused", ask("P1041=0200000000000000"), "E02")
  check("unknown-command", ask("Jxyz"), "")
  check("empty-vcont", ask("vCont;"), "E16")
  check("bad-annex", ask("qXfer:features:read:../../etc/passwd:0,100"), "E02")
  check("bad-breakpoint", ask("Z0,zz"), "E16")
  check("bad-thread", ask("Hg99"), "E16")
  doc, off = "", 0
  while True:
      r = ask("qXfer:features:read:target.xml:%x,800" % off)
      doc += r[1:]
      off += len(r) - 1
      if r[0] == "l" or len(doc) > 100000:
          break
  check("target-xml", doc, lambda d: all(k in d for k in (
      "riscv:rv64", "org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu", "org.gnu.gdb.riscv.csr",
      '"mstatus"', '"satp"', '"fcsr"', '"priv"')) and d.endswith("</target>\n"))
  rnd = random.Random(7)
  # commands that only look (a 'c' first would resume, an 'M' write), then anything
  alphabet = "gpmqQHT?0123456789abcdef,:;=-.+"
  for _ in range(3000):
      ask(rnd.choice("gpmqQHT?") + "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(30))))
  check("fuzz-answered", ask("?"), "T05thread:1;")
  check("detach", ask("D"), "OK")
try:
    main()
except Exception as e:
    print("FAIL riscv-gdb/raw: %r" % e)
PY
python3 "$tmp/raw.py" "$tmp/gdb.sock" 2>&1
finish; rc=$?
expect_eq detach-runs-to-end "$rc" 0

# ---- 4. -s: QEMU's shorthand, on 127.0.0.1:1234 (or a clear error when that is taken) ----
start short --bios none --kernel "$tmp/t.elf" -s -S
if [ -n "$addr" ]; then
	expect_eq dash-s-address "$addr" tcp:127.0.0.1:1234
	kill -TERM "$pid"
else
	expect_match dash-s-address "$(cat "$tmp/short.err")" '127\.0\.0\.1:1234.*in use'
fi
finish

# ---- 5. the Linux guest: stop at the kernel entry, Ctrl-C at the shell, detach ----
guest=$CELLA_TOP/../shared/guest/riscv64
if [ ! -f "$guest/Image" ] || [ ! -f /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ]; then
	skip linux "no test guest at $guest or no Debian opensbi"
	exit 0
fi
mkfifo "$tmp/console.in"
exec 7<>"$tmp/console.in"
stdin=$tmp/console.in start linux -m 256M --smp 2 --kernel "$guest/Image" \
	--initrd "$guest/initramfs.cpio.gz" --append "console=ttyS0 quiet" --gdb tcp::0 -S
cat >"$tmp/shell.py" <<PY
import gdb, os, signal, threading, time
def watch():
    while "Type 'poweroff -f'" not in open("$tmp/linux.out", errors="replace").read():
        time.sleep(0.2)
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGINT)
threading.Thread(target=watch, daemon=True).start()
gdb.execute("continue")
PY
cat >"$tmp/linux.gdb" <<EOF
set architecture riscv:rv64
target remote :$port
break *0x80200000
continue
printf "CHECK entry-pc %#lx\n", \$pc
printf "CHECK entry-a0 %#lx\n", \$a0
printf "CHECK entry-a1 %#lx\n", \$a1
printf "CHECK entry-priv %d\n", \$priv
delete
source $tmp/shell.py
printf "CHECK satp-mode %d\n", (unsigned long)\$satp >> 60
printf "CHECK virt-magic %#x\n", *(unsigned int *)0xffffffff80000030
maintenance packet Qqemu.PhyMemMode:1
printf "CHECK phys-magic %#x\n", *(unsigned int *)0x80200030
maintenance packet Qqemu.PhyMemMode:0
thread 2
printf "CHECK t2-virt-magic %#x\n", *(unsigned int *)0xffffffff80000030
detach
EOF
rgdb "$tmp/linux.gdb" "$tmp/linux.gdbout"
o=$tmp/linux.gdbout
expect_eq linux-entry-pc "$(val "$o" entry-pc)" 0x80200000
expect_eq linux-entry-hartid "$(val "$o" entry-a0)" 0
expect_eq linux-entry-dtb "$(val "$o" entry-a1)" 0x8fe00000 # 2 MiB below the end of 256M
expect_eq linux-entry-s-mode "$(val "$o" entry-priv)" 1
expect_match linux-ctrl-c "$(cat "$o")" 'received signal SIGINT'
expect_eq linux-paging-on "$(val "$o" satp-mode)" 9 # Sv48
expect_eq linux-read-virtual "$(val "$o" virt-magic)" 0x43534952 # "RISC" of the Image header
expect_eq linux-read-physical "$(val "$o" phys-magic)" 0x43534952
expect_eq linux-read-hart2 "$(val "$o" t2-virt-magic)" 0x43534952
expect_match linux-detached "$(cat "$o")" 'detached'
echo 'echo AFTER-DETACH; poweroff -f' >&7
finish; rc=$?
exec 7>&-
expect_eq linux-exit-0 "$rc" 0
expect_match linux-runs-after-detach "$(cat "$tmp/linux.out")" 'AFTER-DETACH'
