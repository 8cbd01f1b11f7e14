#!/bin/bash
# Builds an x86-64 Linux guest for `cella vm` on hosts with hardware virtualization: a bzImage
# from Debian's linux-source-6.1 (x86_64_defconfig plus virtio-mmio with command-line devices,
# virtio blk/net/console/rng/9p, the 8250 console, all built in) and an initramfs with Debian's
# static busybox. Takes about 20 minutes on 2 cores.
#
#   scripts/build-x86-guest.sh [OUTDIR]
#       cella's default x86_64 guest (default OUTDIR: build/guest/x86_64, where `build/cella vm`
#       looks when no --kernel is given): the init of guest/riscv64 (it is not tied to an
#       architecture) gives a shell on the console; `poweroff -f` ends the run.
#   scripts/build-x86-guest.sh --test [OUTDIR]
#       the test guest (default OUTDIR: build/x86-guest) that tests/integration/kvm-linux.sh
#       boots: the init of ../shared/guest/riscv64 (or $CELLA_TEST_GUEST), which prints the
#       machine-readable GUEST-INIT-OK and SELFTEST lines.
#   --config-only (before OUTDIR) stops after writing OUTDIR/kernel.config.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
config_only=0 test_guest=0
while [ $# -gt 0 ]; do
	case "$1" in
	--config-only) config_only=1; shift ;;
	--test) test_guest=1; shift ;;
	*) break ;;
	esac
done
if [ $test_guest = 1 ]; then
	guest=${CELLA_TEST_GUEST:-$top/../shared/guest/riscv64}
	default_out=$top/build/x86-guest
else
	guest=$top/guest/riscv64
	default_out=$top/build/guest/x86_64
fi
out=$(mkdir -p "${1:-$default_out}" && cd "${1:-$default_out}" && pwd)
[ -f "$guest/init" ] || { echo "build-x86-guest: no init at $guest/init" >&2; exit 1; }
work=$(mktemp -d /tmp/x86-guest-build.XXXXXX)
trap 'rm -rf "$work"' EXIT

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! dpkg -s linux-source-6.1 busybox-static flex bison bc cpio xz-utils make gcc libelf-dev \
	libssl-dev >/dev/null 2>&1; then
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q linux-source-6.1 busybox-static \
		flex bison bc cpio xz-utils make gcc libelf-dev libssl-dev
fi

# Kernel: the defconfig, then what cella's machine needs, built in rather than as modules.
tar -xf /usr/src/linux-source-6.1.tar.xz -C "$work"
cd "$work/linux-source-6.1"
make -s x86_64_defconfig
enable=(
	VIRTIO VIRTIO_MENU VIRTIO_MMIO VIRTIO_MMIO_CMDLINE_DEVICES  # virtio_mmio.device=4K@ADDR:IRQ
	VIRTIO_BLK VIRTIO_NET VIRTIO_CONSOLE HW_RANDOM HW_RANDOM_VIRTIO
	NET_9P NET_9P_VIRTIO 9P_FS 9P_FS_POSIX_ACL
	SERIAL_8250 SERIAL_8250_CONSOLE                             # console=ttyS0 at 0x3f8, IRQ 4
	X86_MPPARSE                                                 # SMP from cella's MP table
	HYPERVISOR_GUEST PARAVIRT KVM_GUEST                         # kvmclock, PV features
	BLK_DEV_INITRD RD_GZIP DEVTMPFS DEVTMPFS_MOUNT TMPFS PROC_FS SYSFS
	EXT4_FS BINFMT_ELF BINFMT_SCRIPT UNIX INET PACKET
)
for o in "${enable[@]}"; do scripts/config --enable "$o"; done
# No ACPI tables are given: the MP table describes the machine; keep boot quiet and quick.
scripts/config --disable DEBUG_INFO --disable DEBUG_INFO_DWARF5 \
	--enable DEBUG_INFO_NONE --disable MODULE_SIG --disable SYSTEM_TRUSTED_KEYRING
make -s olddefconfig
for o in VIRTIO_MMIO VIRTIO_MMIO_CMDLINE_DEVICES VIRTIO_BLK VIRTIO_CONSOLE SERIAL_8250_CONSOLE; do
	grep -q "^CONFIG_$o=y" .config || { echo "build-x86-guest: CONFIG_$o did not stay =y" >&2; exit 1; }
done
cp .config "$out/kernel.config"
if [ $config_only = 1 ]; then echo "wrote $out/kernel.config"; exit 0; fi
make -s -j"$(nproc)" bzImage
cp arch/x86/boot/bzImage "$out/bzImage"

# Initramfs: Debian's static busybox with its applet links, the init and its DHCP hook.
root="$work/root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,mnt,etc,root}
cp /bin/busybox "$root/bin/busybox"
/bin/busybox --list-full | while read -r l; do
	[ "$l" = bin/busybox ] || ln -sf /bin/busybox "$root/$l"
done
cp "$guest/init" "$root/init"
chmod 755 "$root/init"
if [ -f "$guest/dhcp-script" ]; then cp "$guest/dhcp-script" "$root/bin/dhcp-script"; fi
if [ -f "$guest/udhcpc.script" ]; then install -m 755 "$guest/udhcpc.script" "$root/etc/udhcpc.script"; fi
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 2>/dev/null | gzip -9) \
	>"$out/initramfs.cpio.gz"
echo "built $out/bzImage and $out/initramfs.cpio.gz"
