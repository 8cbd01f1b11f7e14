# containerd (Debian's 1.6) runs containers through cella: `ctr run --runc-binary cella` on an
# imported image, the path by which Kubernetes (CRI) would use it. The daemon is private to
# the test (its own root, state and socket); the image is a busybox rootfs that podman turns
# into an OCI archive.
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root
for tool in containerd ctr podman; do
	if ! command -v $tool >/dev/null; then skip all "$tool is not installed"; exit 0; fi
done

ctd_pid=""
ctd_cleanup() {
	[ -n "$ctd_pid" ] && kill "$ctd_pid" 2>/dev/null && wait "$ctd_pid" 2>/dev/null
	local m
	for m in $(grep "$T" /proc/self/mountinfo | awk '{print $5}' | sort -r); do umount -l "$m"; done
	[ -n "${NS:-}" ] && rmdir "/run/containerd/runc/$NS" 2>/dev/null
	ctr_cleanup
}
trap ctd_cleanup EXIT

make_rootfs "$T/rootfs"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
P="timeout 60 podman --root $T/storage --runroot $T/run --storage-driver vfs --cgroup-manager cgroupfs --events-backend file"
if ! $P import "$T/rootfs.tar" localhost/cella-busybox:latest >/dev/null 2>&1 ||
   ! $P save --format oci-archive -o "$T/img.tar" localhost/cella-busybox:latest >/dev/null 2>&1; then
	skip all "podman cannot build the OCI archive here"; exit 0
fi
$P rmi -af >/dev/null 2>&1

cat >"$T/ctd.toml" <<TOML
version = 2
root = "$T/ctd/root"
state = "$T/ctd/state"
[grpc]
  address = "$T/ctd.sock"
TOML
containerd --config "$T/ctd.toml" >"$T/ctd.log" 2>&1 &
ctd_pid=$!
for _ in $(seq 100); do [ -S "$T/ctd.sock" ] && break; sleep 0.05; done
if [ ! -S "$T/ctd.sock" ]; then skip all "containerd did not start: $(tail -1 "$T/ctd.log")"; exit 0; fi
# a namespace of the test's own: the shim keeps runc state in /run/containerd/runc/NS and
# the cgroups at /NS/ID, which other runs on the machine share otherwise
NS=cella-test-$$
A() { timeout 60 ctr -a "$T/ctd.sock" -n "$NS" "$@"; }
A images import "$T/img.tar" >/dev/null 2>&1; expect_eq image-import "$?" 0

out=$(A run --rm --runc-binary "$CELLA" localhost/cella-busybox:latest c1 echo hi-from-ctr 2>&1); rc=$?
expect_eq ctr-run-exit-0 "$rc" 0
expect_eq ctr-run-output "$out" hi-from-ctr
A run --rm --runc-binary "$CELLA" localhost/cella-busybox:latest c0 sh -c 'exit 4' >/dev/null 2>&1
expect_eq ctr-run-exit-status "$?" 4

A run -d --runc-binary "$CELLA" localhost/cella-busybox:latest c2 sleep 100 >/dev/null 2>&1
expect_eq ctr-run-detach "$?" 0
expect_match ctr-task-running "$(A task ls 2>&1)" 'c2 +[0-9]+ +RUNNING'
out=$(A task exec --exec-id e1 c2 sh -c 'echo exec-ok; tr "\\0" " " </proc/1/cmdline' 2>&1)
expect_match ctr-task-exec "$out" 'exec-ok'
expect_match ctr-task-exec-sees-init "$out" 'sleep'
A task kill -s SIGKILL c2 >/dev/null 2>&1
for _ in $(seq 50); do A task ls 2>&1 | grep -q 'c2.*STOPPED' && break; sleep 0.1; done
A task delete c2 >/dev/null 2>&1; expect_eq ctr-task-delete "$?" 0
A container rm c2 >/dev/null 2>&1; expect_eq ctr-container-rm "$?" 0
expect_eq ctr-nothing-left "$(ls "/run/containerd/runc/$NS" 2>/dev/null | grep -c '^c[0-9]')" 0
