# The x86_64 KVM machine with small purpose-built guests (tests/kvm/, built here with the host
# gcc): boot_params as the guest sees it, exit statuses, SMP start-up, the UART, and refusal of
# bad input. On a software-backed /dev/kvm every guest instruction is emulated, so each guest
# does little.
. "$CELLA_TOP/tests/lib.sh"

if [ "$(uname -m)" != x86_64 ]; then skip all "not an x86_64 host"; exit 0; fi
if ! command -v gcc >/dev/null || ! command -v objcopy >/dev/null; then
	skip all "gcc/objcopy missing"; exit 0
fi
work=$(mktemp -d /tmp/cella-kvm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! "$CELLA_TOP/tests/kvm/build.sh" "$work" >"$work/build.log" 2>&1; then
	fail build-guests "$(cat "$work/build.log")"; exit 0
fi
K=$work/guest.bzImage

# --- bad input: refused before KVM is touched, so these run on any host ----------------------
# Without --kernel, the host probe first says whether KVM can run the default guest at all.
err=$(CELLA_GUEST_DIR=$work/no-guest "$CELLA" vm --arch x86_64 2>&1); rc=$?
expect_eq no-kernel-no-default-exit-1 "$rc" 1
if [ "$("$CELLA" host --json | jq -r .techniques.kvm.usable)" = true ]; then
	expect_match no-kernel-no-default-message "$err" \
		"no --kernel given and no default x86_64 guest at \`$work/no-guest\` \\(\\\$CELLA_GUEST_DIR\\): build one with scripts/build-x86-guest"
else
	expect_match no-kernel-no-kvm-message "$err" \
		"vm: the x86_64 machine needs KVM, which is not usable here: .*\\. The riscv64 machine is emulated and runs on any host: scripts/build-riscv-guest, then cella vm --arch riscv64"
	err=$(CELLA_GUEST_DIR=$work/no-guest "$CELLA" vm 2>&1); rc=$?
	expect_eq no-arch-no-kvm-exit-1 "$rc" 1
	expect_match no-arch-no-kvm-says-default "$err" "x86_64 machine \(the default on this host\) needs KVM"
fi

err=$("$CELLA" vm --kernel "$work/nonexistent" 2>&1); rc=$?
expect_eq missing-kernel-exit-1 "$rc" 1
expect_match missing-kernel-names-path "$err" "open \`$work/nonexistent\`: No such file"

err=$("$CELLA" vm --kernel "$work/guest.bin" 2>&1); rc=$?
expect_eq not-bzimage-exit-1 "$rc" 1
expect_match not-bzimage-message "$err" 'not a bzImage: no "HdrS"'

err=$("$CELLA" vm --kernel "$work/guest.elf" 2>&1); rc=$?
expect_eq elf-without-pvh-exit-1 "$rc" 1
expect_match elf-without-pvh-message "$err" 'ELF without a PVH entry note'

head -c 100 "$work/pvh.elf" >"$work/pvh-trunc.elf"
err=$("$CELLA" vm --kernel "$work/pvh-trunc.elf" 2>&1); rc=$?
expect_eq elf-truncated-exit-1 "$rc" 1
expect_match elf-truncated-message "$err" 'program headers lie outside the file'

head -c 1500 "$K" >"$work/trunc"
err=$("$CELLA" vm --kernel "$work/trunc" 2>&1); rc=$?
expect_eq truncated-kernel-exit-1 "$rc" 1
expect_match truncated-kernel-message "$err" 'truncated bzImage'

patch_byte() { # file offset byte
	printf "\\$(printf '%03o' "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
cp "$K" "$work/old"; patch_byte "$work/old" $((0x206)) 0x0a
err=$("$CELLA" vm --kernel "$work/old" 2>&1); rc=$?
expect_eq old-protocol-exit-1 "$rc" 1
expect_match old-protocol-message "$err" 'boot protocol 2.10 is too old'

cp "$K" "$work/k32"; patch_byte "$work/k32" $((0x236)) 0
err=$("$CELLA" vm --kernel "$work/k32" 2>&1); rc=$?
expect_eq no-64bit-entry-exit-1 "$rc" 1
expect_match no-64bit-entry-message "$err" 'no 64-bit entry point'

err=$("$CELLA" vm --kernel "$K" -m 1M 2>&1); rc=$?
expect_eq too-little-memory-exit-1 "$rc" 1
expect_match too-little-memory-message "$err" 'too little: the kernel runs at 0x100000'

head -c $((3 << 20)) /dev/zero >"$work/big-initrd"
err=$("$CELLA" vm --kernel "$K" -m 4M --initrd "$work/big-initrd" 2>&1); rc=$?
expect_eq initrd-too-big-exit-1 "$rc" 1
expect_match initrd-too-big-message "$err" 'initrd \(3072 KiB\) does not fit'

err=$("$CELLA" vm --kernel "$K" --initrd "$work/nonexistent" 2>&1); rc=$?
expect_eq missing-initrd-exit-1 "$rc" 1
expect_match missing-initrd-names-path "$err" "initrd \`$work/nonexistent\`"

err=$("$CELLA" vm --kernel "$K" --append "$(head -c 3000 /dev/zero | tr '\0' a)" 2>&1); rc=$?
expect_eq cmdline-too-long-exit-1 "$rc" 1
expect_match cmdline-too-long-message "$err" 'command line has 3000 bytes, the kernel takes at most 2047'

err=$(CELLA_KVM_DEVICE=$work/no-kvm "$CELLA" vm --kernel "$K" 2>&1); rc=$?
expect_eq missing-kvm-exit-1 "$rc" 1
expect_match missing-kvm-message "$err" "open \`$work/no-kvm\`: No such file or directory.*cella host"

err=$(CELLA_KVM_DEVICE=/dev/null "$CELLA" vm --kernel "$K" 2>&1); rc=$?
expect_eq not-kvm-exit-1 "$rc" 1
expect_match not-kvm-message "$err" 'KVM_GET_API_VERSION'

# --- memory: an optimised cella maps no shared library but glibc; slirp and libm come through
# dlopen() when needed (docs/ARCHITECTURE.md, "Linking and memory"). The san build is -O0.
if [ "$CELLA_VARIANT" = plain ]; then
	needed=$(readelf -d "$CELLA" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	expect_eq needs-only-libc "$needed" "libc.so.6 "
fi

# --- guests: need a usable /dev/kvm ------------------------------------------------------------
if [ ! -c /dev/kvm ] || [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	skip guests "/dev/kvm is missing or not accessible"; exit 0
fi
vm() { timeout 60 "$CELLA" vm --kernel "$K" "$@" 2>&1; }

# without --kernel: the default guest, guest/x86_64 beside the binary (a copy of cella here), with
# its initramfs and the default command line that lets Linux's poweroff end the run
mkdir -p "$work/bin/guest/x86_64"
cp "$CELLA" "$work/bin/cella"
cp "$K" "$work/bin/guest/x86_64/bzImage"
head -c 3000 /dev/urandom >"$work/bin/guest/x86_64/initramfs.cpio.gz"
out=$(timeout 60 "$work/bin/cella" vm -m 64M 2>&1); rc=$?
expect_match default-guest-cmdline "$out" \
	'^no test= on the command line: console=ttyS0 reboot=k panic=-1 i8042.noaux i8042.nomux i8042.dumbkbd quiet$'
out=$(timeout 60 "$work/bin/cella" vm -m 64M --append "test=boot" 2>&1); rc=$?
expect_eq default-guest-exit-0 "$rc" 0
expect_match default-guest-append-wins "$out" '^CMDLINE test=boot$'
expect_match default-guest-initrd "$out" '^INITRD addr=[0-9a-f]+ size=3000 '

# boot_params: command line, e820 (64 MiB: base memory, the MP table's 4 KiB, RAM from 1 MiB), the
# initrd at the top of RAM with the right size and contents (the guest's checksum: s = s*31 + b)
head -c 5000 /dev/urandom >"$work/initrd"
sum=$(od -An -v -tu1 "$work/initrd" | awk '{ for (i = 1; i <= NF; i++) s = (s * 31 + $i) % 4294967296 }
	END { printf "%x", s }')
out=$(vm -m 64M --initrd "$work/initrd" --append "test=boot console=ttyS0 words 'quoted'"); rc=$?
expect_eq boot-params-exit-0 "$rc" 0
expect_match boot-params-loader "$out" '^BOOT loader=ff version=20f magic=HdrS rsi=7000'
expect_match boot-params-cmdline "$out" "^CMDLINE test=boot console=ttyS0 words 'quoted'"
expect_match boot-params-e820-count "$out" '^E820 n=3'
expect_match boot-params-e820-low "$out" '^E820 0 9f000 1'
expect_match boot-params-e820-reserved "$out" '^E820 9f000 1000 2'
expect_match boot-params-e820-ram "$out" '^E820 100000 3f00000 1'
expect_match boot-params-initrd "$out" "^INITRD addr=$(printf '%x' $(( ((64 << 20) - 5000) & ~0xfff ))) size=5000 sum=$sum"
expect_match boot-params-self-check "$out" '^BOOT-CHECK ok'

# more than 3 GiB: RAM stops at the PCI hole and continues at 4 GiB
out=$(vm -m 3200M --append test=boot); rc=$?
expect_eq high-memory-exit-0 "$rc" 0
expect_match high-memory-e820-low "$out" '^E820 100000 bff00000 1'
expect_match high-memory-e820-high "$out" '^E820 100000000 8000000 1'

# exit statuses: debug-exit port (QEMU's convention), i8042 reset, triple fault
out=$(vm --append test=exit:5); expect_eq debug-exit-5 "$?" 11
out=$(vm --append test=exit:0); expect_eq debug-exit-0 "$?" 1
out=$(vm --append test=exit:127); expect_eq debug-exit-127 "$?" 255
out=$(vm --append test=reboot); expect_eq i8042-reset-exit-0 "$?" 0
out=$(vm --append test=i8042); rc=$?
expect_eq i8042-probe-then-reset-exit-0 "$rc" 0
expect_match i8042-probe "$out" '^I8042 ok'
out=$(vm --append test=triple); rc=$?
expect_eq triple-fault-exit-0 "$rc" 0
expect_match triple-fault-ran "$out" '^TRIPLE'

# SMP: vCPU 1 waits for INIT-SIPI in the in-kernel LAPIC; the guest starts it in real mode
out=$(vm --smp 2 --append test=smp); rc=$?
expect_eq smp-exit-1 "$rc" 1
expect_match smp-bsp-apic-id "$out" '^CPU0 apic=0 logical=2'
expect_match smp-ap-apic-id "$out" '^CPU1 apic=1'
expect_match smp-ok "$out" '^SMP ok'
out=$(vm --smp 64 --append test=smp); rc=$?
expect_eq smp-64-exit-1 "$rc" 1
expect_match smp-64-logical "$out" '^CPU0 apic=0 logical=64'
expect_match smp-64-ap "$out" '^CPU1 apic=1'
out=$(vm --smp 1 --append test=smp); rc=$?
expect_eq smp-no-ap-exit-5 "$rc" 5
expect_match smp-no-ap-message "$out" 'AP did not start'

# the UART: registers as a Linux driver probes them, and input from stdin
out=$(vm --append test=uart); rc=$?
expect_eq uart-registers-exit-1 "$rc" 1
expect_match uart-registers "$out" '^UART ok'
out=$(printf 'hello, guestq' | timeout 60 "$CELLA" vm --kernel "$K" --append test=echo 2>&1); rc=$?
expect_eq uart-input-exit-1 "$rc" 1
expect_match uart-input-echoed "$out" '^hello, guest$'
expect_match uart-input-done "$out" '^ECHO done'

# the PVH entry of an ELF kernel: hvm_start_info with command line, memory map and the initrd
out=$(timeout 60 "$CELLA" vm --kernel "$work/pvh.elf" -m 64M --initrd "$work/initrd" --append "pvh words" 2>&1); rc=$?
expect_eq pvh-exit-1 "$rc" 1
expect_match pvh-start-info "$out" '^PVH magic=336ec578 version=1'
expect_match pvh-cmdline "$out" '^PVH cmdline=pvh words$'
expect_match pvh-memmap "$out" '^PVH memmap n=3'
expect_match pvh-memmap-ram "$out" '^PVH map 100000 3f00000 1'
expect_match pvh-module "$out" "^PVH modules=1 addr=$(printf '%x' $(( ((64 << 20) - 5000) & ~0xfff ))) size=$(printf '%x' 5000) sum=$sum"
expect_match pvh-ok "$out" '^PVH ok'

# CPUID (KVM's set plus the hypervisor leaf), MSRs and FPU state as the monitor set them
out=$(vm --append test=cpu); rc=$?
expect_eq cpu-exit-1 "$rc" 1
expect_match cpuid-hypervisor-leaf "$out" '^CPU hypervisor-bit=1 leaf=KVMKVMKVM max=4000000[1-9a-f]'
expect_match msrs-and-fpu "$out" '^MSR misc-enable=1 mtrr-def-type=806 fcw=37f'

# no device there: reads float high, writes are dropped, the guest goes on
out=$(vm --append test=unmapped); rc=$?
expect_eq unmapped-exit-1 "$rc" 1
expect_match unmapped-reads-ones "$out" '^UNMAPPED ok'

# SIGTERM (or SIGINT, SIGHUP) stops a guest that would run forever, as a clean end of the run:
# the status a shell gives a signal, after the devices and terminal were put back
"$CELLA" --debug vm --kernel "$work/bench-idle.bzImage" --drive "file=$work/big-initrd" \
	>"$work/sig.out" 2>&1 &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"; rc=$?
expect_eq sigterm-exit-143 "$rc" 143
expect_match sigterm-handled "$(cat "$work/sig.out")" 'signal 15: stopping the guest'

# a guest without test= exits with 0x7f: the status is the guest's, not an error of cella's
out=$(vm); expect_eq guest-status-passthrough "$?" 255

# virtio-mmio devices (src/hw/virtio) at 0xd0000000 + i * 4 KiB on IRQ 5 + i, announced on
# the command line; notifications through ioeventfd, interrupts through irqfd
{ printf 'CELLA-DISK-0001\n'; head -c $((64 * 1024 - 16)) /dev/zero; } >"$work/disk.img"
out=$(vm --drive "file=$work/disk.img" --console-file "$work/hvc.txt" --append test=boot); rc=$?
expect_match virtio-cmdline "$out" '^CMDLINE virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=4K@0xd0001000:6 test=boot$'
mkdir -p "$work/share"
out=$(vm --net user --9p "$work/share,hostshare" --rng --append test=boot); rc=$?
expect_eq virtio-net-9p-rng-exit-0 "$rc" 0
expect_match virtio-net-9p-rng-announced "$out" '^CMDLINE virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=4K@0xd0001000:6 virtio_mmio.device=4K@0xd0002000:7 test=boot$'
err=$(vm $(for i in $(seq 8); do printf -- '--drive file=%s ' "$work/disk.img"; done) --net user \
	--9p "$work/share,hostshare" --rng --console-file "$work/hvc.txt" 2>&1); rc=$?
expect_eq virtio-too-many-exit-2 "$rc" 2
expect_match virtio-too-many-message "$err" 'room for 11 virtio devices, not 12'
out=$(vm --drive "file=$work/disk.img" --append test=blk); rc=$?
expect_eq virtio-blk-exit-1 "$rc" 1
expect_match virtio-blk-capacity "$out" '^BLK capacity=128 read-status=0'
expect_match virtio-blk-sector0 "$out" '^SECTOR0 CELLA-DISK-0001\.$'
expect_match virtio-blk-write-read "$out" '^BLK write-read ok'
expect_eq virtio-blk-written-to-file "$(dd if="$work/disk.img" bs=1 skip=512 count=16 2>/dev/null)" \
	CELLA-WRITE-TEST
out=$(vm --drive "file=$work/disk.img,readonly" --append test=blk); rc=$?
expect_eq virtio-blk-readonly-refuses-write "$rc" 7
expect_match virtio-blk-readonly-reads "$out" '^SECTOR0 CELLA-DISK-0001\.$'
out=$(vm --drive "file=$work/disk.img" --console-file "$work/hvc.txt" --append test=hvc); rc=$?
expect_eq virtio-console-exit-1 "$rc" 1
expect_eq virtio-console-file "$(cat "$work/hvc.txt")" "HVC hello from the guest"
out=$(vm --rng --append test=rng); rc=$?
expect_eq virtio-rng-exit-1 "$rc" 1
expect_match virtio-rng-filled "$out" '^RNG got=64 random$'

# interrupts reach the guest: the UART's through KVM_IRQ_LINE, virtio-blk's through its irqfd,
# both via the in-kernel 8259 and the local APIC's LINT0
out=$(vm --append test=irq); rc=$?
expect_eq irq-uart-exit-1 "$rc" 1
expect_match irq-uart "$out" '^IRQ uart=1$'
out=$(vm --drive "file=$work/disk.img" --append test=irq); rc=$?
expect_eq irq-virtio-exit-1 "$rc" 1
expect_match irq-virtio-irqfd "$out" '^IRQ virtio=1$'

err=$(vm --drive "file=$work/nonexistent.img" --append test=blk); rc=$?
expect_eq virtio-missing-disk-exit-1 "$rc" 1
expect_match virtio-missing-disk-message "$err" "$work/nonexistent.img"

# a terminal on stdin: raw mode while the guest runs, Ctrl-A x quits with status 0, and the
# terminal settings are back afterwards (script(1) provides the pseudo-terminal)
if command -v script >/dev/null; then
	out=$( { sleep 0.5; printf 'ab\001x'; sleep 3; } | timeout 60 script -qec \
		"stty -g; '$CELLA' vm --kernel '$K' --append test=echo; echo rc=\$?; stty -g" /dev/null \
		| tr -d '\r')
	expect_match ctrl-a-x-quits "$out" '^rc=0$'
	before=$(printf '%s\n' "$out" | sed -n 1p); after=$(printf '%s\n' "$out" | tail -n 1)
	expect_eq terminal-restored "$after" "$before"
else
	skip ctrl-a-x-quits "script(1) is missing"
fi
