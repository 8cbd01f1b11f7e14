#!/usr/bin/env bash
# Boot time of the riscv64 virt board: cella vs qemu-system-riscv64 on the same kernel and
# initramfs (../shared/guest/riscv64), interleaved, medians. Each run goes from exec to the
# guest's power-off after GUEST-INIT-OK (guest.mode=poweroff). Then the guest's own
# guest.mode=bench workloads once each, side by side.
#   bench/riscv-boot.sh [RUNS]      (default 10; cella from build/, a release build is best)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
cella=${CELLA:-$top/build/cella}
guest=$top/../shared/guest/riscv64
kargs=(--kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz")

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

boot_cella() { "$cella" vm --arch riscv64 -m 256M "${kargs[@]}" --append "console=ttyS0 guest.mode=$1 quiet" </dev/null; }
boot_qemu() {
	qemu-system-riscv64 -M virt -m 256 -nographic -no-reboot "${kargs[@]}" \
		-append "console=ttyS0 guest.mode=$1 quiet" </dev/null
}

: >/tmp/bench-cella.t; : >/tmp/bench-qemu.t
for i in $(seq "$runs"); do
	for tool in cella qemu; do
		t0=$(now)
		out=$("boot_$tool" poweroff 2>&1)
		t1=$(now)
		grep -q GUEST-INIT-OK <<<"$out" || { echo "$tool: no GUEST-INIT-OK" >&2; exit 1; }
		echo "$t1 $t0" | awk '{print $1 - $2}' >>"/tmp/bench-$tool.t"
	done
done
c=$(median </tmp/bench-cella.t); q=$(median </tmp/bench-qemu.t)
printf 'boot to power-off, median of %d: cella %.2f s, qemu %.2f s, cella/qemu %.2f\n' \
	"$runs" "$c" "$q" "$(echo "$c $q" | awk '{print $1 / $2}')"

echo "guest.mode=bench (guest-measured seconds):"
bc=$(boot_cella bench 2>&1 | grep '^BENCH ' | grep -v DONE)
bq=$(boot_qemu bench 2>&1 | grep '^BENCH ' | grep -v DONE)
paste <(awk '{print $2, $3}' <<<"$bc") <(awk '{print $3}' <<<"$bq") |
	awk '{printf "  %-10s cella %-7s qemu %s\n", $1, $2, $3}'
