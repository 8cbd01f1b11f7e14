#!/bin/bash
# KVM monitor speed: cella's x86_64 machine beside QEMU (`qemu-system-x86_64 -enable-kvm -M
# microvm`, its minimal machine) on the same bzImage test guests (tests/kvm/bench.S), runs
# interleaved, medians reported:
#   start  - exec to the guest's first instruction (a write to the debug-exit port) to exit
#   exits  - port-I/O exits handled per second: 100000 `out` to port 0x80, minus the start run
#   memory - the monitor's memory beyond the guest RAM it touched, sampled while an idle guest
#            sits halted: RSS of every mapping except guest RAM (shared libraries' pages
#            included), and the private part of it (what each further VM costs)
# Usage: bench/kvm.sh [RUNS]   (default 15; uses build/cella, or $CELLA)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cella=${CELLA:-$top/build/cella}
runs=${1:-15}
mem=64
work=$(mktemp -d /tmp/cella-bench-kvm.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$top/tests/kvm/build.sh" "$work" >/dev/null 2>&1
qemu=(qemu-system-x86_64 -enable-kvm -M microvm -m $mem -nographic -nodefaults -no-reboot
      -device isa-debug-exit,iobase=0x501,iosize=2)
have_qemu=1
command -v qemu-system-x86_64 >/dev/null || have_qemu=0

now() { date +%s%N; }
# run TOOL KIND: time one boot of bench-KIND, in ns, on stdout
run() {
	local t0 t1 rc
	t0=$(now)
	if [ "$1" = cella ]; then
		"$cella" vm -m ${mem}M --kernel "$work/bench-$2.bzImage" </dev/null >/dev/null 2>&1 && rc=0 || rc=$?
	else
		"${qemu[@]}" -kernel "$work/bench-$2.bzImage" </dev/null >/dev/null 2>&1 && rc=0 || rc=$?
	fi
	t1=$(now)
	[ "$rc" -eq 1 ] || { echo "bench: $1 $2 exited $rc, want 1" >&2; exit 1; }
	echo $((t1 - t0))
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
declare -A f io r
for t in "${tools[@]}"; do
	f[$t]=$(median <"$work/$t.first")
	io[$t]=$(median <"$work/$t.io")
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
row "start to first guest instruction and exit (median of $runs)" "$(ms "${f[cella]}")" \
    "$(ms "${f[qemu]:-0}")" "${f[cella]}" "${f[qemu]:-0}"
ce=$(eps "${io[cella]}" "${f[cella]}"); qe=$(eps "${io[qemu]:-0}" "${f[qemu]:-0}")
row "port-I/O exits per second (100000 outs)" "$ce" "$qe" "$ce" "$qe"
read -r co cg cp <<<"${r[cella]}"; read -r qo qg qp <<<"${r[qemu]:-0 0 0}"
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
row "resident memory beyond guest RAM (guest RAM touched)" "$(mib "$co") ($cg KiB)" \
    "$(mib "$qo") ($qg KiB)" "$co" "$qo"
row "of which private (not shared libraries' pages)" "$(mib "$cp")" "$(mib "$qp")" "$cp" "$qp"
