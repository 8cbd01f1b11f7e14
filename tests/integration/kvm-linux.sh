# A real x86-64 Linux on cella's KVM machine: boots the kernel and initramfs built by
# scripts/build-x86-guest --test (in $CELLA_X86_GUEST, default build/x86-guest) to GUEST-INIT-OK,
# then runs the shared guest's selftest over the virtio devices. Needs hardware virtualization
# (vmx/svm with kvm_intel/kvm_amd): on a software-backed /dev/kvm (kvm_pvm) a stock kernel
# stops at its first unemulated instruction, so the test skips and says why.
. "$CELLA_TOP/tests/lib.sh"

reason=""
if [ "$(uname -m)" != x86_64 ]; then
	reason="not an x86_64 host"
elif ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
	reason="no vmx/svm in /proc/cpuinfo (hardware virtualization unavailable)"
elif [ -d /sys/module/kvm_pvm ]; then
	reason="/dev/kvm is backed by kvm_pvm (software), which cannot run a stock kernel"
elif [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
	reason="neither kvm_intel nor kvm_amd is loaded"
elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	reason="/dev/kvm is not accessible"
fi
guest=${CELLA_X86_GUEST:-$CELLA_TOP/build/x86-guest}
if [ -z "$reason" ] && [ ! -f "$guest/bzImage" ]; then
	reason="no guest kernel in $guest: run scripts/build-x86-guest --test first"
fi
if [ -n "$reason" ]; then
	skip boot "$reason"
	exit 0
fi

work=$(mktemp -d /tmp/cella-kvm-linux.XXXXXX)
trap 'rm -rf "$work"' EXIT
boot() { # append... : boot with a 256 MiB, 2-CPU machine; poweroff ends in an i8042 reset
	timeout 120 "$CELLA" vm -m 256M --smp 2 --kernel "$guest/bzImage" \
		--initrd "$guest/initramfs.cpio.gz" "$@" </dev/null 2>&1
}

base="console=ttyS0 reboot=k panic=-1 i8042.noaux i8042.nomux i8042.dumbkbd quiet"
out=$(boot --append "$base guest.mode=poweroff"); rc=$?
expect_eq boot-exit-0 "$rc" 0
expect_match boot-init-ok "$out" 'GUEST-INIT-OK uptime=[0-9.]+ cpus=2'
expect_match boot-poweroff "$out" 'GUEST-POWEROFF'

# selftest: a disk with a marker, rng and a console file (what the machine offers today)
{ printf 'CELLA-DISK-0001'; head -c $((1024 * 1024 - 15)) /dev/zero; } >"$work/disk.img"
out=$(boot --drive "file=$work/disk.img" --rng --console-file "$work/hvc.txt" \
	--append "$base guest.mode=selftest"); rc=$?
expect_eq selftest-exit-0 "$rc" 0
expect_match selftest-blk "$out" 'SELFTEST blk=ok head=CELLA-DISK-0001'
expect_match selftest-rng "$out" 'SELFTEST rng=ok'
expect_match selftest-console "$out" 'SELFTEST console=ok'
expect_match selftest-hvc-output "$(cat "$work/hvc.txt" 2>/dev/null)" 'SELFTEST-HVC hello'
expect_match selftest-done "$out" 'SELFTEST-DONE'
