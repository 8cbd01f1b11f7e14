# cella's virtio device models driven by a real Linux guest: QEMU (riscv64 `virt`, modern
# virtio-mmio) does only the transport and hands the rings to tests/tools/vhost_user_backend,
# which serves cella's virtio-blk, virtio-net (libslirp) and virtio-rng over vhost-user. The
# guest is ../shared/guest/riscv64 in selftest mode. A second run mounts a folder served by
# tests/tools/p9_tcp_server (cella's 9P2000.L code) with Linux's v9fs over TCP, reached
# through cella's virtio-net and libslirp, and works in it from the guest's shell.
. "$CELLA_TOP/tests/lib.sh"

guest="$CELLA_TOP/../shared/guest/riscv64"
backend="$(dirname "$CELLA")/tests/vhost-user-backend"
if ! command -v qemu-system-riscv64 >/dev/null; then
	skip linux_drives_cella_devices "qemu-system-riscv64 not installed (qemu-system-misc)"
	exit 0
fi
if [ ! -f "$guest/Image" ] || [ ! -f "$guest/initramfs.cpio.gz" ]; then
	skip linux_drives_cella_devices "no test guest at $guest"
	exit 0
fi

work=$(mktemp -d /tmp/cella-vq.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

printf 'CELLA-DISK-0001\n' >"$work/disk.img"
truncate -s 8M "$work/disk.img"
for dev in blk rng net; do
	case $dev in
	blk) "$backend" "$work/blk.sock" blk "$work/disk.img" 2>"$work/blk.err" & ;;
	rng) "$backend" "$work/rng.sock" rng 2>"$work/rng.err" & ;;
	net) "$backend" "$work/net.sock" net-user 2>"$work/net.err" & ;;
	esac
	pids="$pids $!"
done
for _ in $(seq 50); do
	[ -S "$work/blk.sock" ] && [ -S "$work/rng.sock" ] && [ -S "$work/net.sock" ] && break
	sleep 0.1
done

timeout 120 qemu-system-riscv64 -M virt -m 256 -nographic -no-reboot \
	-object memory-backend-memfd,id=mem,size=256M,share=on -machine memory-backend=mem \
	-global virtio-mmio.force-legacy=false \
	-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
	-append "console=ttyS0 guest.mode=selftest quiet" \
	-chardev socket,id=cb,path="$work/blk.sock" -device vhost-user-blk,chardev=cb,num-queues=1 \
	-chardev socket,id=cr,path="$work/rng.sock" -device vhost-user-rng,chardev=cr \
	-chardev socket,id=cn,path="$work/net.sock" -netdev vhost-user,id=n0,chardev=cn \
	-device virtio-net-device,netdev=n0 >"$work/qemu.out" 2>&1
out=$(tr -d '\r' <"$work/qemu.out")
wait 2>/dev/null

expect_match guest_booted "$out" "GUEST-INIT-OK"
expect_match blk_read_and_write "$out" "SELFTEST blk=ok head=CELLA-DISK-0001"
expect_match net_dhcp_gives_10_0_2_15 "$out" "SELFTEST net=ok addr=10\.0\.2\.15/24"
expect_match rng_reads_64_bytes "$out" "SELFTEST rng=ok"
stamp=$(dd if="$work/disk.img" bs=512 skip=1 count=1 2>/dev/null | head -n 1)
expect_match blk_write_reached_the_image "$stamp" "^stamp-[0-9]+$"
# the Linux driver took the ring features cella offers: indirect (28), event index (29), v1 (32)
feat=$(sed -n 's/^features //p' "$work/blk.err" | tail -n 1)
want=$(( (1 << 28) | (1 << 29) | (1 << 32) ))
expect_eq blk_negotiated_indirect_event_idx_v1 "$(( ${feat:-0} & want ))" "$want"
if grep -q "guest error" "$work"/*.err; then
	fail devices_saw_no_guest_error "$(cat "$work"/*.err)"
else
	pass devices_saw_no_guest_error
fi
printf '%s\n' "$out" | grep -q GUEST-POWEROFF || printf '%s\n' "$out" | tail -n 40

# --- Linux's v9fs against cella's 9P2000.L, over TCP through cella's virtio-net -----------
share="$work/share"
mkdir -p "$share"
echo "hello from host" >"$share/hello.txt"
echo bye >"$share/gone.txt"
"$(dirname "$CELLA")/tests/p9-tcp-server" "$share" >"$work/port" 2>"$work/p9.err" &
pids="$pids $!"
fwd_port=""
for _ in $(seq 20); do   # a free host port for the hostfwd check
	p=$(( 20000 + (RANDOM % 20000) ))
	if ! (exec 5<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then fwd_port=$p; break; fi
done
"$backend" "$work/net2.sock" net-user "tcp:127.0.0.1:$fwd_port-:7777" 2>"$work/net2.err" &
pids="$pids $!"
for _ in $(seq 50); do [ -s "$work/port" ] && [ -S "$work/net2.sock" ] && break; sleep 0.1; done
port=$(cat "$work/port")
mkfifo "$work/in"
timeout 150 qemu-system-riscv64 -M virt -m 256 -nographic -no-reboot \
	-object memory-backend-memfd,id=mem,size=256M,share=on -machine memory-backend=mem \
	-global virtio-mmio.force-legacy=false \
	-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" -append "console=ttyS0 quiet" \
	-chardev socket,id=cn,path="$work/net2.sock" -netdev vhost-user,id=n0,chardev=cn \
	-device virtio-net-device,netdev=n0 <"$work/in" >"$work/shell.out" 2>&1 &
qemu=$!
exec 3>"$work/in"
for _ in $(seq 300); do grep -q "Type 'poweroff" "$work/shell.out" && break; sleep 0.1; done
m=/mnt/h
printf '%s\n' \
	"ip link set eth0 up; udhcpc -i eth0 -n -q -t 3 -T 1 -s /bin/dhcp-script >/dev/null 2>&1" \
	"mkdir -p $m && mount -t 9p -o trans=tcp,port=$port,version=9p2000.L 10.0.2.2 $m && echo P9-MOUNT-OK" \
	"echo P9-LS \$(ls $m)" \
	"echo P9-CAT \$(cat $m/hello.txt)" \
	"echo written-by-guest > $m/new.txt; mkdir $m/dir; mv $m/new.txt $m/dir/moved.txt; rm $m/gone.txt" \
	"echo P9-SIZE \$(stat -c %s $m/dir/moved.txt); df $m >/dev/null && echo P9-DF-OK" \
	"dd if=/dev/urandom of=/tmp/big bs=1k count=1024 2>/dev/null; cp /tmp/big $m/big" \
	"echo P9-MD5 \$(md5sum </tmp/big | cut -c1-32) \$(md5sum <$m/big | cut -c1-32)" \
	"mkdir $m/many; i=0; while [ \$i -lt 300 ]; do touch $m/many/f\$i; i=\$((i+1)); done" \
	"echo P9-COUNT \$(ls $m/many | wc -l)" \
	"chmod 600 $m/hello.txt; ln -s hello.txt $m/link; ln $m/hello.txt $m/hard" \
	"echo P9-ATTR \$(stat -c %a $m/hello.txt) \$(readlink $m/link) \$(stat -c %h $m/hello.txt)" \
	"nc -l -p 7777 >/tmp/got & sleep 0.5; echo NC-READY" >&3
# inbound TCP: the host connects to the hostfwd port, libslirp carries it to the guest's nc
for _ in $(seq 600); do grep -q "^NC-READY" "$work/shell.out" && break; sleep 0.1; done
(exec 5<>"/dev/tcp/127.0.0.1/$fwd_port" && echo "hello-through-hostfwd" >&5 && sleep 1) 2>/dev/null
printf '%s\n' "sleep 1; echo NC-GOT \$(cat /tmp/got)" "poweroff -f" >&3
for _ in $(seq 600); do grep -q "Power down" "$work/shell.out" && break; sleep 0.1; done
exec 3>&-
wait "$qemu" 2>/dev/null
sh_out=$(tr -d '\r' <"$work/shell.out")
expect_match v9fs_mounts_cella_9p "$sh_out" "^P9-MOUNT-OK"
expect_match v9fs_lists "$sh_out" "^P9-LS gone.txt hello.txt"
expect_match v9fs_reads "$sh_out" "^P9-CAT hello from host"
expect_match v9fs_writes_and_stats "$sh_out" "^P9-SIZE 17"
expect_match v9fs_statfs "$sh_out" "^P9-DF-OK"
expect_eq v9fs_create_rename_reached_host "$(cat "$share/dir/moved.txt" 2>/dev/null)" \
	"written-by-guest"
check v9fs_unlink_reached_host test ! -e "$share/gone.txt"
md5=$(printf '%s\n' "$sh_out" | sed -n 's/^P9-MD5 //p')
check v9fs_1mib_file_intact test -n "$md5" -a "${md5% *}" = "${md5#* }" -a \
	"$(md5sum <"$share/big" 2>/dev/null | cut -c1-32)" = "${md5% *}"
expect_match v9fs_readdir_300_entries "$sh_out" "^P9-COUNT 300"
expect_eq v9fs_300_files_on_host "$(ls "$share/many" 2>/dev/null | wc -l)" 300
expect_match v9fs_chmod_symlink_hardlink "$sh_out" "^P9-ATTR 600 hello.txt 2"
expect_eq v9fs_symlink_on_host "$(readlink "$share/link")" hello.txt
expect_match hostfwd_reaches_guest_nc "$sh_out" "^NC-GOT hello-through-hostfwd"
printf '%s\n' "$sh_out" | grep -q "^P9-ATTR" || printf '%s\n' "$sh_out" | tail -n 30
