# The riscv64 virt board with Debian's OpenSBI and U-Boot and the test guest in
# ../shared/guest/riscv64: boot, every device, SMP, a disk through U-Boot, an interactive
# shell, and bad input.
. "$CELLA_TOP/tests/lib.sh"

guest=$CELLA_TOP/../shared/guest/riscv64
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
uboot=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
if [ ! -f "$guest/Image" ]; then
	skip boot "no test guest at $guest"
	exit 0
fi
if [ ! -f "$fw" ]; then
	skip boot "Debian's opensbi is not installed ($fw)"
	exit 0
fi
work=$(mktemp -d /tmp/cella-rv.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Under the sanitizers the emulator is several times slower: keep the boot tests, give time.
limit=120
[ "$CELLA_VARIANT" = san ] && limit=400

vm() { timeout "$limit" "$CELLA" vm --arch riscv64 -m 256M "$@" </dev/null; }

out=$(vm --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyS0 guest.mode=poweroff quiet" 2>&1); rc=$?
expect_eq poweroff-exit-0 "$rc" 0
expect_match poweroff-opensbi "$out" 'OpenSBI v'
expect_match poweroff-init-ok "$out" 'GUEST-INIT-OK uptime=[0-9.]+ cpus=1'

out=$(vm --smp 2 --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyS0 guest.mode=poweroff quiet" 2>&1); rc=$?
expect_eq smp2-exit-0 "$rc" 0
expect_match smp2-cpus "$out" 'GUEST-INIT-OK uptime=[0-9.]+ cpus=2'

# every device: a marked disk, user networking, rng, a console file, a 9p share
printf 'CELLA-DISK-0001\n' >"$work/disk.img"
truncate -s 8M "$work/disk.img"
mkdir -p "$work/share"
echo hi >"$work/share/a.txt"
out=$(cd "$work" && vm --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyS0 guest.mode=selftest quiet" --drive file=disk.img --net user \
	--rng --console-file hvc.out --9p share,hostshare 2>&1); rc=$?
expect_eq selftest-exit-0 "$rc" 0
for dev in blk net rng console 9p rtc; do
	expect_match "selftest-$dev" "$out" "SELFTEST $dev=ok"
done
expect_match selftest-blk-marker "$out" 'SELFTEST blk=ok head=CELLA-DISK-0001'
expect_match selftest-net-dhcp "$out" 'SELFTEST net=ok addr=10\.0\.2\.15/24'
expect_match selftest-9p-files "$out" 'SELFTEST 9p=ok files=1'
expect_match selftest-timer "$out" 'SELFTEST timer=slept=(0\.9|1\.[0-4])'
expect_match selftest-hvc-file "$(cat "$work/hvc.out" 2>/dev/null)" 'SELFTEST-HVC hello'
expect_match selftest-disk-stamp "$(dd if="$work/disk.img" bs=512 skip=1 count=1 2>/dev/null)" '^stamp-'

# the dd-image path: OpenSBI -> U-Boot distro boot from a virtio disk -> Linux
if [ -f "$uboot" ] && command -v sfdisk >/dev/null && command -v mkfs.ext4 >/dev/null; then
	"$guest/make-disk.sh" "$work/boot.img" >/dev/null 2>&1
	out=$(vm --bios "$fw" --kernel "$uboot" --drive "file=$work/boot.img" 2>&1); rc=$?
	expect_eq uboot-exit-0 "$rc" 0
	expect_match uboot-banner "$out" 'U-Boot 20'
	expect_match uboot-extlinux "$out" 'Found /boot/extlinux/extlinux.conf'
	expect_match uboot-init-ok "$out" 'GUEST-INIT-OK'
else
	skip uboot "u-boot-qemu, fdisk or e2fsprogs missing"
fi

# --net tap: a tap device in a private network namespace, with busybox's DHCP server on it
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && command -v busybox >/dev/null &&
	[ -c /dev/net/tun ]; then
	ns=cella-tap-$$
	printf 'start 10.99.0.15\nend 10.99.0.20\ninterface ctap0\nlease_file %s/leases\noption subnet 255.255.255.0\n' \
		"$work" >"$work/udhcpd.conf"
	: >"$work/leases"
	if ip netns add "$ns"; then
		out=$(ip netns exec "$ns" sh -c '
			ip link set lo up && ip tuntap add dev ctap0 mode tap &&
			ip addr add 10.99.0.1/24 dev ctap0 && ip link set ctap0 up || exit 99
			busybox udhcpd -f "$1/udhcpd.conf" >/dev/null 2>&1 & d=$!
			shift
			"$@"; rc=$?
			kill $d
			exit $rc' sh "$work" timeout "$limit" "$CELLA" vm --arch riscv64 -m 256M \
			--kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
			--append "console=ttyS0 guest.mode=selftest quiet" --net tap=ctap0 </dev/null 2>&1)
		rc=$?
		ip netns del "$ns"
		expect_eq tap-exit-0 "$rc" 0
		expect_match tap-dhcp-through-tap "$out" 'SELFTEST net=ok addr=10\.99\.0\.15/24'
	else
		skip tap "cannot create a network namespace"
	fi
else
	skip tap "needs root, iproute2, busybox and /dev/net/tun"
fi

# an interactive shell on the UART, through a pseudo-terminal
python3 "$CELLA_TOP/tests/riscv-virt/shell.py" riscv-virt timeout "$limit" "$CELLA" vm \
	--arch riscv64 -m 256M --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyS0 quiet"

# the console keys, with the console also logged to a file (--serial-log)
python3 "$CELLA_TOP/tests/riscv-virt/shell.py" riscv-virt --escape timeout "$limit" "$CELLA" vm \
	--arch riscv64 -m 256M --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyS0 quiet" --serial-log "$work/serial.log"
expect_match serial-log-has-console "$(cat "$work/serial.log" 2>&1)" "Type 'poweroff -f'"
check serial-log-has-no-keys-help sh -c '! grep -q "cella console keys" "$1"' _ "$work/serial.log"
err=$(vm --kernel "$guest/Image" --serial-log "$work/no/such/dir/log" 2>&1 </dev/null); rc=$?
expect_eq serial-log-bad-path-exit-1 "$rc" 1
expect_match serial-log-bad-path-message "$err" "serial log \`$work/no/such/dir/log\`: No such file"

# a stop signal ends the run like a power-off, with the shell's status for it
"$CELLA" vm --arch riscv64 -m 256M --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
	--append "console=ttyS0 quiet" </dev/null >"$work/sig.out" 2>&1 &
pid=$!
for i in $(seq 100); do grep -q "Type 'poweroff" "$work/sig.out" && break; sleep 0.2; done
kill -TERM "$pid"
wait "$pid"; rc=$?
expect_eq sigterm-exit-143 "$rc" 143

# without --kernel: the default guest (scripts/build-riscv-guest's output, or $CELLA_GUEST_DIR)
out=$(CELLA_GUEST_DIR=$guest vm --append "console=ttyS0 guest.mode=poweroff quiet" 2>&1); rc=$?
expect_eq default-guest-exit-0 "$rc" 0
expect_match default-guest-init-ok "$out" 'GUEST-INIT-OK'
err=$(CELLA_GUEST_DIR=$work/none vm 2>&1); rc=$?
expect_eq no-default-guest-exit-1 "$rc" 1
expect_match no-default-guest-message "$err" "no default riscv64 guest at \`$work/none\` \\(\\\$CELLA_GUEST_DIR\\): build one with scripts/build-riscv-guest"

# bad input: a clear message, a non-zero status, no hang
err=$(vm --kernel "$work/nonexistent" 2>&1); rc=$?
expect_eq missing-kernel-exit-1 "$rc" 1
expect_match missing-kernel-message "$err" "kernel: open \`$work/nonexistent\`: No such file"
head -c 100 /dev/urandom >"$work/bad.elf"
printf '\177ELF' | dd of="$work/bad.elf" conv=notrunc 2>/dev/null
err=$(vm --bios none --kernel "$work/bad.elf" 2>&1); rc=$?
expect_eq corrupt-elf-exit-1 "$rc" 1
expect_match corrupt-elf-message "$err" 'bad.elf'
err=$(vm --bios "$work/nonexistent-fw" --kernel "$guest/Image" 2>&1); rc=$?
expect_eq missing-bios-exit-1 "$rc" 1
expect_match missing-bios-message "$err" 'firmware: open'
err=$(vm -m 8M --kernel "$guest/Image" 2>&1); rc=$?
expect_eq tiny-memory-exit-2 "$rc" 2
expect_match tiny-memory-message "$err" 'memory must be'
err=$(vm -m 16M --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" 2>&1); rc=$?
expect_eq small-memory-exit-1 "$rc" 1
expect_match small-memory-message "$err" 'more memory'
err=$(vm --bios none 2>&1); rc=$?
expect_eq bios-none-needs-kernel-exit-2 "$rc" 2

# A kernel that is not one is refused before the harts start, saying what the file looks like
# (run, it would trap in a loop behind OpenSBI's banner).
bad_kernel() { # name file regex
	local out rc
	out=$(vm --kernel "$2" 2>&1); rc=$?
	expect_eq "bad-kernel-$1-exit-1" "$rc" 1
	expect_match "bad-kernel-$1-message" "$out" "$3"
	check "bad-kernel-$1-not-run" sh -c '! printf "%s" "$1" | grep -q OpenSBI' _ "$out"
}
: >"$work/empty"
bad_kernel empty "$work/empty" "kernel \`$work/empty\` is empty"
head -c 1000000 "$guest/Image" >"$work/trunc"
bad_kernel truncated "$work/trunc" "is cut short: 1000000 bytes, but its PE header says"
head -c 40 "$guest/Image" >"$work/trunc40"
bad_kernel truncated-header "$work/trunc40" "is cut short: 40 bytes, less than a RISC-V Linux Image's 64-byte header"
head -c 1000000 /dev/urandom >"$work/random"
bad_kernel random "$work/random" 'spread as evenly as random or compressed data'
python3 -c 'import sys
d = bytearray(16384); d[0x1fe:0x200] = b"\x55\xaa"; d[0x202:0x208] = b"HdrS\x0f\x02"
open(sys.argv[1], "wb").write(d)' "$work/bzImage"
bad_kernel x86-bzimage "$work/bzImage" 'is an x86 Linux kernel \(bzImage\), not a RISC-V one'
gzip -c "$guest/Image" >"$work/Image.gz"
bad_kernel gzip "$work/Image.gz" 'is gzip-compressed data: decompress it first'
truncate -s 65536 "$work/zeros"
bad_kernel zeros "$work/zeros" 'starts with zero bytes \(an illegal instruction\)'
bad_kernel x86-elf /bin/true 'is an ELF for machine 62 \(x86-64\), not RISC-V'
gzip -dc "$guest/initramfs.cpio.gz" >"$work/initramfs.cpio"
bad_kernel cpio "$work/initramfs.cpio" 'is a cpio archive \(an initramfs\? give it with --initrd\)'
# a corrupt image_size: larger than 4 GiB
cp "$guest/Image" "$work/badsize"
printf '\377\377\377\377\377' | dd of="$work/badsize" bs=1 seek=19 conv=notrunc 2>/dev/null
bad_kernel image-size "$work/badsize" 'says image_size [0-9]+ for a file of [0-9]+ bytes: corrupt'
# Linux as an ELF (vmlinux-style: linked at 0xffffffff80000000, physical address there or 0)
# is put 2 MiB after the firmware, as QEMU does, and boots.
for pa in vaddr 0; do
	python3 "$CELLA_TOP/tests/riscv-virt/image2elf.py" "$guest/Image" "$work/vmlinux-$pa" "$pa"
	out=$(vm --kernel "$work/vmlinux-$pa" --initrd "$guest/initramfs.cpio.gz" \
		--append "console=ttyS0 guest.mode=poweroff quiet" 2>&1); rc=$?
	expect_eq "elf-kernel-paddr-$pa-exit-0" "$rc" 0
	expect_match "elf-kernel-paddr-$pa-init-ok" "$out" 'GUEST-INIT-OK'
done
head -c 5000 "$work/vmlinux-0" >"$work/vmlinux-trunc"
bad_kernel elf-truncated "$work/vmlinux-trunc" 'ELF segment 0 lies outside the file'
