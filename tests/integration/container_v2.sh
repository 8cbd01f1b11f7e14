# The runtime on a pure cgroup v2 host: a private mount namespace with a fresh cgroup2 mount
# at /sys/fs/cgroup. The controllers stay bound to the v1 hierarchies on this machine, so
# only the v2 paths that need no controller are tested here (create, freeze, remove), and a
# limit must fail naming its controller.
if [ -z "${CELLA_IN_V2:-}" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	exec unshare -m env CELLA_IN_V2=1 bash "$0" "$@"
fi
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root
if [ -z "${CELLA_IN_V2:-}" ]; then skip all "needs unshare(1)"; exit 0; fi
mount --make-rprivate /
umount -R /sys/fs/cgroup 2>/dev/null
if ! mount -t cgroup2 none /sys/fs/cgroup; then skip all "cannot mount cgroup2"; exit 0; fi
expect_eq v2-host-mode "$("$CELLA" host --json | jq -r .cgroups.mode)" v2

B=$T/bundle
make_bundle "$B" '.root.readonly = false | del(.linux.resources)'
cp "$B/config.json" "$T/good.json"

set_args "$B" sh -c 'cat /proc/self/cgroup; ls /sys/fs/cgroup | grep -c cgroup.procs; hostname'
out=$(C run --bundle "$B" v1run 2>&1); rc=$?
expect_eq v2-run "$rc" 0
# cella/HASH-ID: HASH stands for the state directory (--root) the id belongs to
expect_match v2-in-own-cgroup "$out" "^0::/cella/$CGH-v1run\$"
cgd=/sys/fs/cgroup/cella/$CGH
expect_match v2-cgroup-mounted "$out" '^1$'
expect_eq v2-run-removes-cgroup "$([ -e "$cgd-v1run" ] && echo yes || echo no)" no

set_args "$B" sleep 100
C run -d --bundle "$B" p1
pid=$(C state p1 | jq -r .pid)
expect_eq v2-cgroup-procs "$(cat $cgd-p1/cgroup.procs)" "$pid"
C pause p1; expect_eq v2-pause "$?" 0
expect_eq v2-paused-state "$(C state p1 | jq -r .status)" paused
expect_eq v2-cgroup-freeze "$(cat $cgd-p1/cgroup.freeze)" 1
C resume p1; expect_eq v2-resume "$?" 0
expect_eq v2-resumed-state "$(C state p1 | jq -r .status)" running
C exec -d p1 sleep 50
expect_eq v2-exec-joins-cgroup "$(wc -l <$cgd-p1/cgroup.procs)" 2
echo '{"unified": {"cgroup.max.descendants": "3"}}' >"$T/r.json"
C update -r "$T/r.json" p1; expect_eq v2-update-unified "$?" 0
expect_eq v2-unified-written "$(cat $cgd-p1/cgroup.max.descendants)" 3
err=$(C update --pids-limit 10 p1 2>&1); rc=$?
expect_eq v2-missing-controller-exit-1 "$rc" 1
expect_match v2-missing-controller-message "$err" 'linux.resources.pids: the .pids. cgroup controller is not available'
C delete -f p1; expect_eq v2-delete "$?" 0
expect_eq v2-delete-removes-cgroup "$(ls -d "$cgd-p1" 2>/dev/null | wc -l)" 0

jq '.linux.resources = {"memory": {"limit": 33554432}}' "$T/good.json" >"$B/config.json"
err=$(C create --bundle "$B" m1 2>&1); rc=$?
expect_eq v2-memory-limit-refused "$rc" 1
expect_match v2-memory-limit-message "$err" 'linux.resources.memory: the .memory. cgroup controller is not available'
expect_eq v2-refused-nothing-left "$(leftover_state m1)$(ls -d "$cgd-m1" 2>/dev/null | wc -l)" no0
cp "$T/good.json" "$B/config.json"

# device rules: v2 has no devices files, they become a BPF program on the cgroup
devrules() { # jq rules...: run a container that tries to write /dev/null and read /dev/zero
	jq --argjson d "$1" '.linux.resources = {"devices": $d}' "$T/good.json" >"$B/config.json"
	set_args "$B" sh -c 'echo x >/dev/null && echo null-ok; [ "$(head -c1 /dev/zero | wc -c)" = 1 ] && echo zero-ok'
	C run --bundle "$B" "$2" 2>&1
}
out=$(devrules '[{"allow":false,"access":"rwm"},{"allow":false,"type":"c","major":1,"minor":3,"access":"rw"}]' d1)
if echo "$out" | grep -Eq 'load the cgroup v2 device program: (Operation not permitted|Function not implemented)'; then
	skip v2-devices "the kernel refuses BPF device programs here: $(echo "$out" | head -1)"
else
	expect_eq v2-devices-deny-null "$(echo "$out" | grep -c null-ok):$(echo "$out" | grep -c "can't create /dev/null: Operation not permitted")" 0:1
	expect_eq v2-devices-defaults-stay "$(echo "$out" | grep -c zero-ok)" 1
	out=$(devrules '[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]' d2)
	expect_eq v2-devices-allow-null "$(echo "$out" | grep -c null-ok)" 1
	# a deny-all with a deny of /dev/zero for reads only: /dev/null (a default) stays open
	out=$(devrules '[{"allow":false,"access":"rwm"},{"allow":false,"type":"c","major":1,"minor":5,"access":"r"}]' d3)
	expect_eq v2-devices-deny-zero-read "$(echo "$out" | grep -c zero-ok):$(echo "$out" | grep -c null-ok)" 0:1
	expect_eq v2-devices-cgroup-removed "$(ls -d "$cgd-d1" "$cgd-d2" 2>/dev/null | wc -l)" 0
fi
cp "$T/good.json" "$B/config.json"

# crun (which refuses hybrid hosts) is the oracle here
if command -v crun >/dev/null; then
	set_args "$B" sh -c 'hostname; grep CapEff /proc/self/status; echo pid=$$; exit 4'
	a=$(C run --bundle "$B" o1 2>&1); arc=$?
	b=$(cd "$B" && crun --root "$T/crun" run "o2-$$" 2>&1); brc=$?
	expect_eq v2-oracle-crun-exit "$arc" "$brc"
	expect_eq v2-oracle-crun-output "$a" "$b"
else
	skip v2-oracle-crun "crun is not installed"
fi
expect_eq v2-nothing-left-mounted "$(leftover_mounts)" 0
