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
expect_match v2-in-own-cgroup "$out" '^0::/cella/v1run$'
expect_match v2-cgroup-mounted "$out" '^1$'
expect_eq v2-run-removes-cgroup "$([ -e /sys/fs/cgroup/cella/v1run ] && echo yes || echo no)" no

set_args "$B" sleep 100
C run -d --bundle "$B" p1
pid=$(C state p1 | jq -r .pid)
expect_eq v2-cgroup-procs "$(cat /sys/fs/cgroup/cella/p1/cgroup.procs)" "$pid"
C pause p1; expect_eq v2-pause "$?" 0
expect_eq v2-paused-state "$(C state p1 | jq -r .status)" paused
expect_eq v2-cgroup-freeze "$(cat /sys/fs/cgroup/cella/p1/cgroup.freeze)" 1
C resume p1; expect_eq v2-resume "$?" 0
expect_eq v2-resumed-state "$(C state p1 | jq -r .status)" running
C exec -d p1 sleep 50
expect_eq v2-exec-joins-cgroup "$(wc -l </sys/fs/cgroup/cella/p1/cgroup.procs)" 2
echo '{"unified": {"cgroup.max.descendants": "3"}}' >"$T/r.json"
C update -r "$T/r.json" p1; expect_eq v2-update-unified "$?" 0
expect_eq v2-unified-written "$(cat /sys/fs/cgroup/cella/p1/cgroup.max.descendants)" 3
err=$(C update --pids-limit 10 p1 2>&1); rc=$?
expect_eq v2-missing-controller-exit-1 "$rc" 1
expect_match v2-missing-controller-message "$err" 'linux.resources.pids: the .pids. cgroup controller is not available'
C delete -f p1; expect_eq v2-delete "$?" 0
expect_eq v2-delete-removes-cgroup "$(ls -d /sys/fs/cgroup/cella/p1 2>/dev/null | wc -l)" 0

jq '.linux.resources = {"memory": {"limit": 33554432}}' "$T/good.json" >"$B/config.json"
err=$(C create --bundle "$B" m1 2>&1); rc=$?
expect_eq v2-memory-limit-refused "$rc" 1
expect_match v2-memory-limit-message "$err" 'linux.resources.memory: the .memory. cgroup controller is not available'
expect_eq v2-refused-nothing-left "$(leftover_state m1)$(ls -d /sys/fs/cgroup/cella/m1 2>/dev/null | wc -l)" no0
cp "$T/good.json" "$B/config.json"

# crun (which refuses hybrid hosts) is the oracle here
if command -v crun >/dev/null; then
	set_args "$B" sh -c 'hostname; grep CapEff /proc/self/status; echo pid=$$; exit 4'
	a=$(C run --bundle "$B" o1 2>&1); arc=$?
	b=$(cd "$B" && crun --root "$T/crun" run o2 2>&1); brc=$?
	expect_eq v2-oracle-crun-exit "$arc" "$brc"
	expect_eq v2-oracle-crun-output "$a" "$b"
else
	skip v2-oracle-crun "crun is not installed"
fi
expect_eq v2-nothing-left-mounted "$(leftover_mounts)" 0
