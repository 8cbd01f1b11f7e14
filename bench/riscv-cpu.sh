#!/usr/bin/env bash
# Guest instructions per second of cella's RV64 interpreter vs qemu-system-riscv64 (TCG) on
# the same CPU-bound bare-metal program (U-mode, Sv39): runs interleaved, medians reported,
# both wall-clock and CPU time (user + system; steadier when the host is shared).
#   bench/riscv-cpu.sh [ROUNDS]      (needs a built build/cella, riscv64-unknown-elf-gcc, QEMU)
# CELLA=path picks the cella binary; CELLA_BEFORE=path adds an older build to the same
# interleaved rounds (the loop and trap programs) and reports after/before ratios.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
cella=${CELLA:-$top/build/cella}
before=${CELLA_BEFORE:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles \
	-T "$top/tests/riscv/link.ld" -I "$top/tests/riscv" "$top/bench/riscv-cpu.S" -o "$tmp/b.elf"
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles \
	-T "$top/tests/riscv/link.ld" -I "$top/tests/riscv" "$top/bench/riscv-trap.S" -o "$tmp/t.elf"
# an empty program, to measure start-up and report the steady-state rate without it
printf '#include "test.h"\nRVTEST_BEGIN\nRVTEST_END\n' >"$tmp/null.S"
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles \
	-T "$top/tests/riscv/link.ld" -I "$top/tests/riscv" "$tmp/null.S" -o "$tmp/null.elf"

# run one command; append its wall and CPU seconds to the named arrays
timed() { # wall-array cpu-array command...
	local -n w=$1 c=$2; shift 2
	local TIMEFORMAT='%R %U %S' out
	out=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
	set -- $out
	w+=("$1"); c+=("$(awk -v u="$2" -v s="$3" 'BEGIN { print u + s }')")
}
insns=$(printf '%d' "0x$("$cella" vm --arch riscv64 --bios none --kernel "$tmp/b.elf")")
cw=() cc=() qw=() qc=() tcw=() tcc=() tqw=() tqc=() ncw=() ncc=() nqw=() nqc=()
bw=() bc=() tbw=() tbc=()
for _ in $(seq "$rounds"); do
	timed cw cc "$cella" vm --arch riscv64 --bios none --kernel "$tmp/b.elf"
	timed qw qc qemu-system-riscv64 -M spike -bios none -nographic -kernel "$tmp/b.elf"
	timed tcw tcc "$cella" vm --arch riscv64 --bios none --kernel "$tmp/t.elf"
	timed tqw tqc qemu-system-riscv64 -M spike -bios none -nographic -kernel "$tmp/t.elf"
	timed ncw ncc "$cella" vm --arch riscv64 --bios none --kernel "$tmp/null.elf"
	timed nqw nqc qemu-system-riscv64 -M spike -bios none -nographic -kernel "$tmp/null.elf"
	if [ -n "$before" ]; then
		timed bw bc "$before" vm --arch riscv64 --bios none --kernel "$tmp/b.elf"
		timed tbw tbc "$before" vm --arch riscv64 --bios none --kernel "$tmp/t.elf"
	fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "guest instructions: $insns (counted by cella's minstret)"
awk -v n="$insns" -v cw="$(median "${cw[@]}")" -v cc="$(median "${cc[@]}")" \
    -v qw="$(median "${qw[@]}")" -v qc="$(median "${qc[@]}")" 'BEGIN {
	printf "cella: wall %.3f s  cpu %.3f s  %.0f M instr/s (cpu)\n", cw, cc, n / cc / 1e6
	printf "qemu : wall %.3f s  cpu %.3f s  %.0f M instr/s (cpu)\n", qw, qc, n / qc / 1e6
	printf "cella/qemu speed ratio (cpu): %.2f\n", qc / cc }'
awk -v c="$(median "${tcc[@]}")" -v q="$(median "${tqc[@]}")" 'BEGIN {
	printf "traps (2M ecall/mret round trips): cella cpu %.3f s (%.0f ns each), qemu cpu %.3f s (%.0f ns each)\n",
		c, c / 2e6 * 1e9, q, q / 2e6 * 1e9 }'
awk -v n="$insns" -v cc="$(median "${cc[@]}")" -v qc="$(median "${qc[@]}")" \
    -v nc="$(median "${ncc[@]}")" -v nq="$(median "${nqc[@]}")" 'BEGIN {
	printf "start-up (empty program, cpu): cella %.3f s, qemu %.3f s\n", nc, nq
	printf "steady state without start-up: cella %.0f M instr/s, qemu %.0f M instr/s\n",
		n / (cc - nc) / 1e6, n / (qc - nq) / 1e6 }'
if [ -n "$before" ]; then
	awk -v a="$(median "${cc[@]}")" -v b="$(median "${bc[@]}")" \
	    -v ta="$(median "${tcc[@]}")" -v tb="$(median "${tbc[@]}")" 'BEGIN {
		printf "before (CELLA_BEFORE): loop cpu %.3f s, traps cpu %.3f s\n", b, tb
		printf "after/before cpu time: loop %.3f, traps %.3f (below 1: after is faster)\n",
			a / b, ta / tb }'
fi
