# Bad input to the OCI runtime: a clear error, a non-zero exit, and nothing left behind
# (mounts, cgroups, state directories, processes).
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root

B=$T/bundle
make_bundle "$B" '.root.readonly = false'
set_args "$B" sleep 100
cp "$B/config.json" "$T/good.json"

# nothing_left NAME ID: no state, cgroup, mount or process of container ID remains
nothing_left() {
	expect_eq "$1-no-state" "$(leftover_state "$2")" no
	expect_eq "$1-no-cgroup" "$(leftover_cgroups "$2")" 0
	expect_eq "$1-no-mount" "$(leftover_mounts)" 0
	expect_eq "$1-no-process" "$(pgrep -f -- "--bundle $B" | wc -l)" 0
}

# bad_config NAME JQ-FILTER WANT-REGEX
bad_config() {
	jq "$2" "$T/good.json" >"$B/config.json"
	err=$(C create --bundle "$B" "$1" 2>&1); rc=$?
	expect_eq "$1-exit-1" "$rc" 1
	expect_match "$1-message" "$err" "$3"
	nothing_left "$1" "$1"
	cp "$T/good.json" "$B/config.json"
}

echo '{"ociVersion": "1.0.2", "process": ' >"$B/config.json"
err=$(C create --bundle "$B" malformed 2>&1); rc=$?
expect_eq malformed-exit-1 "$rc" 1
expect_match malformed-message "$err" 'config.json: line [0-9]+ column [0-9]+'
nothing_left malformed malformed
cp "$T/good.json" "$B/config.json"

bad_config wrongtype '.process.args[1] = 5' 'config.json: process.args\[1\]: expected a string'
bad_config badns '.linux.namespaces += [{"type": "bogus"}]' 'linux.namespaces\[5\]: unknown namespace type `bogus`'
bad_config nomountns '.linux.namespaces |= map(select(.type != "mount"))' 'must include `mount`'
bad_config norootfs '.root.path = "nope"' "root.path: rootfs .*/nope.*No such file or directory"
bad_config noexec '.process.args = ["/bin/nope"]' "exec ./bin/nope.: No such file or directory"
bad_config nopath '.process.args = ["nope"]' 'exec .nope.: not found in \$PATH'
bad_config badcwd '.process.cwd = "relative"' 'process.cwd: must be an absolute path'
bad_config nocontroller '.linux.resources.unified = {"memory.max": "1M"}' \
	'unified.memory.max: the .memory. controller is not in the cgroup v2 hierarchy'
bad_config badsysctl '.linux.sysctl = {"kernel.no_such_knob": "1"}' 'linux.sysctl.kernel.no_such_knob'
bad_config badjoin '.linux.namespaces += [{"type": "cgroup", "path": "/nonexistent/ns"}]' \
	"linux.namespaces: open ./nonexistent/ns."
bad_config badtimeoffset '.linux.namespaces += [{"type": "time"}]
	| .linux.timeOffsets = {"monotonic": {"secs": 1, "nanosecs": 1000000000}}' \
	'linux.timeOffsets.monotonic.nanosecs: 1000000000 is out of range'
bad_config timeoffsettype '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": 5}' \
	'linux.timeOffsets.boottime: expected an object'
bad_config hostnouts '.linux.namespaces |= map(select(.type != "uts"))' 'hostname needs a new uts namespace'

# The same errors through a foreground `run`, where the init reports only by its exit (no
# ready/go round trip): the message still names the cause and nothing is left.
bad_run() { # NAME JQ-FILTER WANT-REGEX
	jq "$2" "$T/good.json" >"$B/config.json"
	err=$(C run --bundle "$B" "$1" 2>&1); rc=$?
	expect_eq "$1-exit-1" "$rc" 1
	expect_match "$1-message" "$err" "$3"
	nothing_left "$1" "$1"
	cp "$T/good.json" "$B/config.json"
}
bad_run run-noexec '.process.args = ["/bin/nope"]' "create .run-noexec.: exec ./bin/nope.: No such file or directory"
bad_run run-badsysctl '.linux.sysctl = {"kernel.no_such_knob": "1"}' 'linux.sysctl.kernel.no_such_knob'

rm "$B/config.json"
err=$(C create --bundle "$B" noconfig 2>&1); rc=$?
expect_eq noconfig-exit-1 "$rc" 1
expect_match noconfig-message "$err" "open .*/config.json.: No such file or directory"
nothing_left noconfig noconfig
cp "$T/good.json" "$B/config.json"

for id in ../x a/b "" .; do
	err=$(C create --bundle "$B" "$id" 2>&1); rc=$?
	expect_eq "invalid-id-'$id'-exit-2" "$rc" 2
	expect_match "invalid-id-'$id'-message" "$err" "invalid container id"
done
expect_eq invalid-id-no-state "$(ls "$STATE" 2>/dev/null | grep -v '^\.' | wc -l)" 0

C create --bundle "$B" dup; expect_eq dup-first "$?" 0
err=$(C create --bundle "$B" dup 2>&1); rc=$?
expect_eq dup-exit-1 "$rc" 1
expect_match dup-message "$err" "container .dup. already exists"
expect_eq dup-first-intact "$(C state dup | jq -r .status)" created
err=$(C kill dup SIGNOPE 2>&1); rc=$?
expect_eq unknown-signal-exit-2 "$rc" 2
expect_match unknown-signal-message "$err" "unknown signal 'SIGNOPE'"
C delete dup
nothing_left dup dup

err=$(C start ghost 2>&1); rc=$?
expect_eq missing-container-exit-1 "$rc" 1
expect_match missing-container-message "$err" "container .ghost. does not exist"
err=$(C create 2>&1); expect_eq create-without-id-exit-2 "$?" 2
err=$(C create --bogus x 2>&1); expect_eq create-bad-flag-exit-2 "$?" 2
expect_match create-bad-flag-message "$err" "create: unknown option '--bogus'"
err=$(C list --format xml 2>&1); expect_eq list-bad-format-exit-2 "$?" 2
err=$("$CELLA" --log-format yaml list 2>&1); expect_eq bad-log-format-exit-2 "$?" 2

# terminal without a console socket, for a detached container: refused up front
jq '.process.terminal = true' "$T/good.json" >"$B/config.json"
err=$(C create --bundle "$B" tty1 2>&1); rc=$?
expect_eq terminal-needs-socket-exit-2 "$rc" 2
expect_match terminal-needs-socket-message "$err" "--console-socket is required"
nothing_left tty1 tty1
cp "$T/good.json" "$B/config.json"

# --log gets the error too, as JSON lines for --log-format json
C --log "$T/log.json" --log-format json create --bundle "$B" ../bad 2>/dev/null
expect_eq log-json "$(jq -r .level "$T/log.json" 2>/dev/null)" error
expect_match log-json-msg "$(jq -r .msg "$T/log.json" 2>/dev/null)" "invalid container id"

# a runtime killed while creating (here: in a slow prestart hook) leaves a container that
# `delete --force` removes completely
printf '#!/bin/sh\nsleep 30\n' >"$T/slow-hook"; chmod +x "$T/slow-hook"
jq --arg h "$T/slow-hook" '.hooks.prestart = [{"path": $h}]' "$T/good.json" >"$B/config.json"
"$CELLA" --root "$STATE" create --bundle "$B" killed &  # not through C(): $! must be cella
cpid=$!
hook=""
for _ in $(seq 100); do hook=$(pgrep -f "$T/slow-hook") && break; sleep 0.05; done
kill -9 $cpid; wait $cpid 2>/dev/null
[ -n "$hook" ] && kill -9 $hook
cp "$T/good.json" "$B/config.json"
C delete --force killed; expect_eq killed-create-delete "$?" 0
nothing_left killed killed
# ... and one killed earlier, while the init is still getting ready (a createContainer hook
# runs in it, before the runtime has heard back): the cgroups are already there
jq --arg h "$T/slow-hook" '.hooks.createContainer = [{"path": $h}]' "$T/good.json" >"$B/config.json"
"$CELLA" --root "$STATE" create --bundle "$B" killed2 &
cpid=$!
hook=""
for _ in $(seq 200); do hook=$(pgrep -f "$T/slow-hook") && break; sleep 0.05; done
expect_eq killed-in-init-cgroups-made "$([ "$(leftover_cgroups killed2)" -gt 0 ] && echo yes)" yes
expect_match killed-in-init-listed-creating "$(C list)" '^killed2 +0 +creating '
kill -9 $cpid; wait $cpid 2>/dev/null
[ -n "$hook" ] && kill -9 $hook
cp "$T/good.json" "$B/config.json"
expect_match killed-in-init-listed-stopped "$(C list)" '^killed2 +0 +stopped '
C delete killed2; expect_eq killed-in-init-delete "$?" 0
nothing_left killed-in-init killed2
