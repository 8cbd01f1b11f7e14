#!/bin/sh
# Builds the KVM test guests with the host toolchain into DIR (default: a new temp dir, whose
# path is printed): guest.bzImage (guest.c + entry.S, the command line picks the test) and
# bench-{first,io,idle}.bzImage (bench.S: both entry points, real-mode for QEMU and
# 64-bit for cella, do the same thing) and pvh.elf (pvh.c: a 32-bit ELF with a PVH entry).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(mktemp -d /tmp/cella-kvm-guest.XXXXXX)}
mkdir -p "$out"
cc=${CC:-gcc}
cflags="-m64 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -mno-red-zone
	-mgeneral-regs-only -fno-asynchronous-unwind-tables -fcf-protection=none -nostdlib -static
	-no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,$here/guest.ld"

$cc -O2 -Wall -o "$out/mkbzimage" "$here/mkbzimage.c"

# shellcheck disable=SC2086
$cc $cflags -o "$out/guest.elf" "$here/entry.S" "$here/guest.c"
objcopy -O binary "$out/guest.elf" "$out/guest.bin"
"$out/mkbzimage" "$out/guest.bin" "$out/guest.bzImage"

for kind in first io idle; do
	# shellcheck disable=SC2086
	$cc $cflags -DBENCH_$(echo $kind | tr a-z A-Z) -o "$out/bench-$kind.elf" "$here/bench.S"
	objcopy -O binary -j .text "$out/bench-$kind.elf" "$out/bench-$kind.bin"
	objcopy -O binary -j .realmode "$out/bench-$kind.elf" "$out/bench-$kind.real"
	"$out/mkbzimage" "$out/bench-$kind.bin" "$out/bench-$kind.bzImage" "$out/bench-$kind.real"
done
# the PVH guest: a 32-bit ELF entered through its Xen PHYS32_ENTRY note
$cc -m32 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,-T,"$here/pvh.ld" -o "$out/pvh.elf" \
	"$here/pvh-entry.S" "$here/pvh.c"
echo "$out"
