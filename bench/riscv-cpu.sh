#!/usr/bin/env bash
# Guest instructions per second of cella's RV64 interpreter vs qemu-system-riscv64 (TCG) on
# the same CPU-bound bare-metal program (U-mode, Sv39): runs interleaved, medians reported.
#   bench/riscv-cpu.sh [ROUNDS]      (needs a built build/cella, riscv64-unknown-elf-gcc, QEMU)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
cella=${CELLA:-$top/build/cella}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles \
	-T "$top/tests/riscv/link.ld" -I "$top/tests/riscv" "$top/bench/riscv-cpu.S" -o "$tmp/b.elf"

now() { date +%s%N; }
insns=$(printf '%d' "0x$("$cella" vm --arch riscv64 --bios none --kernel "$tmp/b.elf")")
c_times=() q_times=()
for _ in $(seq "$rounds"); do
	t0=$(now); "$cella" vm --arch riscv64 --bios none --kernel "$tmp/b.elf" >/dev/null; t1=$(now)
	c_times+=($(( (t1 - t0) / 1000 )))
	t0=$(now); qemu-system-riscv64 -M spike -bios none -nographic -kernel "$tmp/b.elf" >/dev/null; t1=$(now)
	q_times+=($(( (t1 - t0) / 1000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mc=$(median "${c_times[@]}"); mq=$(median "${q_times[@]}")
echo "guest instructions: $insns (counted by cella's minstret)"
awk -v n="$insns" -v c="$mc" -v q="$mq" 'BEGIN {
	printf "cella: median %.3f s  %.0f M instr/s\n", c / 1e6, n / c
	printf "qemu : median %.3f s  %.0f M instr/s\n", q / 1e6, n / q
	printf "cella/qemu speed ratio: %.2f\n", q / c }'
