# cella's default riscv64 guest as scripts/build-riscv-guest makes it (from Debian's kernel
# and busybox): booted without --kernel, it gives a shell, mounts a --9p share at /mnt/host,
# asks DHCP on --net user, mounts a --drive's ext4 and runs cella.run=. Skipped until the
# guest is built (it downloads 120 MB from Debian's archive, so tests/run does not build it).
. "$CELLA_TOP/tests/lib.sh"

dir=${CELLA_DEFAULT_GUEST:-$CELLA_TOP/build/guest/riscv64}
if [ ! -f "$dir/Image" ] || [ ! -f "$dir/initramfs.cpio.gz" ]; then
	skip all "no default riscv64 guest in $dir (run scripts/build-riscv-guest)"
	exit 0
fi
if [ ! -f /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ]; then
	skip all "Debian's opensbi is not installed"
	exit 0
fi
work=$(mktemp -d /tmp/cella-rvguest.XXXXXX)
trap 'rm -rf "$work"' EXIT
limit=180
[ "$CELLA_VARIANT" = san ] && limit=600
export CELLA_GUEST_DIR=$dir

# one command, then power off (the guest's default command line is replaced here)
out=$(timeout "$limit" "$CELLA" vm --arch riscv64 --append "console=ttyS0 quiet cella.run=uname" \
	</dev/null 2>&1); rc=$?
expect_eq run-exit-0 "$rc" 0
expect_match run-uname "$out" '^Linux'
expect_match run-banner "$out" 'cella guest: Linux [0-9.]+.* on 1 cpu\(s\)'

mkdir -p "$work/share"
echo "marker-$$" >"$work/share/greeting"
truncate -s 32M "$work/disk.img"
if command -v mkfs.ext4 >/dev/null; then
	mkfs.ext4 -q -F "$work/disk.img"
fi
out=$(python3 "$CELLA_TOP/tests/riscv-virt/session.py" "$limit" timeout "$limit" "$CELLA" vm \
	--arch riscv64 --net user --9p "$work/share,host" --drive "file=$work/disk.img" --rng <<'CMDS'
cat /mnt/host/greeting
ip -4 addr show eth0
mount /dev/vda /mnt && echo > /mnt/written-by-guest && umount /mnt && echo MOUNTED
head -c 16 /dev/hwrng | wc -c
uname -r
CMDS
); rc=$?
expect_eq session-exit-0 "$rc" 0
expect_match share-at-mnt-host "$out" "^marker-$$"
expect_match dhcp-address "$out" 'inet 10\.0\.2\.15/24'
expect_match ext4-disk-mounts "$out" '^MOUNTED'
expect_match hwrng-reads "$out" '^16$'
if command -v debugfs >/dev/null; then
	expect_match disk-written "$(debugfs -R ls "$work/disk.img" 2>/dev/null)" 'written-by-guest'
fi
# the modules came with a modules.dep that the guest's modprobe reads
kver=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]\+\.[0-9]\+[^ ]*\)$/\1/p' | tail -1)
if [ -n "$kver" ] && gzip -dc "$dir/initramfs.cpio.gz" | cpio -t 2>/dev/null | grep -q "^lib/modules/"; then
	check modules-dep-carried sh -c 'gzip -dc "$1" | cpio -t 2>/dev/null | grep -qx "lib/modules/$2/modules.dep"' \
		_ "$dir/initramfs.cpio.gz" "$kver"
fi
