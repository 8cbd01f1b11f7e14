#!/bin/bash
# KVM monitor speed: cella's x86_64 machine beside QEMU (`qemu-system-x86_64 -enable-kvm -M
# microvm`, its minimal machine) on the same bzImage test guests (tests/kvm/bench.S), runs
# interleaved, medians reported:
#   start  - exec to the guest's first output: its first instructions write 'F' to the serial
#            port, the harness timestamps the byte's arrival on the pipe; and exec to the end
#            of the process (the guest then exits through the debug-exit port; teardown)
#   exits  - port-I/O exits handled per second: 100000 `out` to port 0x80, minus the start run
#   memory - the monitor's memory beyond the guest RAM it touched, sampled while an idle guest
#            sits halted: RSS of every mapping except guest RAM (shared libraries' pages
#            included), and the private part of it (what each further VM costs)
# Usage: bench/kvm.sh [RUNS]   (default 15; uses build/cella, or $CELLA; needs python3)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cella=${CELLA:-$top/build/cella}
runs=${1:-15}
mem=64
work=$(mktemp -d /tmp/cella-bench-kvm.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$top/tests/kvm/build.sh" "$work" >/dev/null 2>&1
qemu=(qemu-system-x86_64 -enable-kvm -M microvm -m $mem -display none -nodefaults -serial stdio
      -no-reboot -device isa-debug-exit,iobase=0x501,iosize=2)
have_qemu=1
command -v qemu-system-x86_64 >/dev/null || have_qemu=0

# timed CMD...: "ns-to-first-output-byte ns-to-exit exit-status" of one run
cat >"$work/timed.py" <<'PY'
import subprocess, sys, time
t0 = time.perf_counter_ns()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
first = p.stdout.read(1)
t1 = time.perf_counter_ns()
p.stdout.read()
rc = p.wait()
t2 = time.perf_counter_ns()
print(t1 - t0 if first else 0, t2 - t0, rc)
PY
# run TOOL KIND: time one boot of bench-KIND; prints "first-output-ns total-ns"
run() {
	local first total rc
	if [ "$1" = cella ]; then
		read -r first total rc < <(python3 "$work/timed.py" "$cella" vm -m ${mem}M \
			--kernel "$work/bench-$2.bzImage")
	else
		read -r first total rc < <(python3 "$work/timed.py" "${qemu[@]}" \
			-kernel "$work/bench-$2.bzImage")
	fi
	[ "$rc" -eq 1 ] || { echo "bench: $1 $2 exited $rc, want 1" >&2; exit 1; }
	echo "$first $total"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

tools=(cella); [ $have_qemu = 1 ] && tools+=(qemu)
for ((i = 0; i < runs; i++)); do
	for t in "${tools[@]}"; do
		run "$t" first >>"$work/$t.first"
		run "$t" io >>"$work/$t.io"
	done
done

# rss TOOL: KiB resident outside guest RAM (the mappings of at least $mem MiB), inside it, and
# the private (not shared) KiB outside it
rss() {
	local pid
	if [ "$1" = cella ]; then
		"$cella" vm -m ${mem}M --kernel "$work/bench-idle.bzImage" </dev/null >/dev/null 2>&1 &
	else
		"${qemu[@]}" -kernel "$work/bench-idle.bzImage" </dev/null >/dev/null 2>&1 &
	fi
	pid=$!
	sleep 1
	awk -v min=$((mem * 1024)) '
		/^[0-9a-f]+-[0-9a-f]+ / { big = 0 }
		/^Size:/ { big = ($2 >= min) }
		/^Rss:/ { if (big) guest += $2; else other += $2 }
		/^Private_(Clean|Dirty):/ { if (!big) priv += $2 }
		END { print other, guest, priv }' "/proc/$pid/smaps"
	kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "| measure | cella | ${tools[1]:-} | ratio |"
echo "|---|---|---|---|"
declare -A f ft io r
for t in "${tools[@]}"; do
	f[$t]=$(cut -d' ' -f1 "$work/$t.first" | median)
	ft[$t]=$(cut -d' ' -f2 "$work/$t.first" | median)
	io[$t]=$(cut -d' ' -f2 "$work/$t.io" | median)
	r[$t]=$(rss "$t")
done
ms() { awk -v n="$1" 'BEGIN { printf "%.1f ms", n / 1e6 }'; }
eps() { awk -v a="$1" -v b="$2" 'BEGIN { d = (a - b) / 1e9; printf "%.0f", (d > 0) ? 100000 / d : 0 }'; }
row() { # name cella-value qemu-value cella-num qemu-num
	if [ $have_qemu = 1 ]; then
		echo "| $1 | $2 | $3 | $(awk -v a="$4" -v b="$5" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }') |"
	else
		echo "| $1 | $2 | - | - |"
	fi
}
row "exec to the guest's first output (median of $runs)" "$(ms "${f[cella]}")" \
    "$(ms "${f[qemu]:-0}")" "${f[cella]}" "${f[qemu]:-0}"
row "exec to exit, teardown included (median of $runs)" "$(ms "${ft[cella]}")" \
    "$(ms "${ft[qemu]:-0}")" "${ft[cella]}" "${ft[qemu]:-0}"
ce=$(eps "${io[cella]}" "${ft[cella]}"); qe=$(eps "${io[qemu]:-0}" "${ft[qemu]:-0}")
row "port-I/O exits per second (100000 outs)" "$ce" "$qe" "$ce" "$qe"
read -r co cg cp <<<"${r[cella]}"; read -r qo qg qp <<<"${r[qemu]:-0 0 0}"
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
row "resident memory beyond guest RAM (guest RAM touched)" "$(mib "$co") ($cg KiB)" \
    "$(mib "$qo") ($qg KiB)" "$co" "$qo"
row "of which private (not shared libraries' pages)" "$(mib "$cp")" "$(mib "$qp")" "$cp" "$qp"
