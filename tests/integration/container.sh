# The OCI runtime's lifecycle on this host (hybrid cgroups here), compared with runc, the
# oracle, on the same bundle where the results can be compared.
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root

B=$T/bundle
make_bundle "$B" '.root.readonly = false'

# --- run, exit status, output -----------------------------------------------------------
set_args "$B" sh -c 'echo hi; exit 3'
out=$(C run --bundle "$B" r1 2>&1); rc=$?
expect_eq run-output "$out" hi
expect_eq run-exit-status "$rc" 3
expect_eq run-deletes-state "$(leftover_state r1)" no
expect_eq run-removes-cgroups "$(leftover_cgroups r1)" 0

# --- the same observations under cella and runc ------------------------------------------
observe='hostname; grep CapEff /proc/self/status; grep CapBnd /proc/self/status;
	cat /proc/self/uid_map; echo pid=$$; id; umask; ls /dev | tr "\n" " "; echo;
	awk "{print \$2, \$3}" /proc/self/mounts | sort'
set_args "$B" sh -c "$observe"
cella_out=$(C run --bundle "$B" o1 2>&1); cella_rc=$?
expect_eq oracle-cella-runs "$cella_rc" 0
if command -v runc >/dev/null; then
	runc_out=$(cd "$B" && runc --root "$T/rs" run "o2-$$" 2>&1); runc_rc=$?
	expect_eq oracle-exit-status "$cella_rc" "$runc_rc"
	for key in hostname CapEff CapBnd uid_map pid id umask; do
		case $key in
		hostname) n=1 ;; CapEff) n=2 ;; CapBnd) n=3 ;; uid_map) n=4 ;; pid) n=5 ;;
		id) n=6 ;; umask) n=7 ;;
		esac
		expect_eq "oracle-$key" "$(echo "$cella_out" | sed -n ${n}p)" \
			"$(echo "$runc_out" | sed -n ${n}p)"
	done
	# /dev holds the same nodes; mounts: the same mount points and types, except the
	# cgroup tree, which runc builds per controller and cella per hierarchy.
	expect_eq oracle-dev "$(echo "$cella_out" | sed -n 8p)" "$(echo "$runc_out" | sed -n 8p)"
	strip() { sed -n '9,$p' | grep -v '^/sys/fs/cgroup/' | grep -v '^cgroup '; }
	expect_eq oracle-mounts "$(echo "$cella_out" | strip)" "$(echo "$runc_out" | strip)"
else
	skip oracle "runc is not installed"
fi
expect_match hostname-from-config "$cella_out" '^cella$'
expect_match ns-pid-is-1 "$cella_out" 'pid=1'

# --- create / start / state / kill / delete ----------------------------------------------
set_args "$B" sleep 1000
C create --bundle "$B" --pid-file "$T/c1.pid" c1; rc=$?
expect_eq create-exit-0 "$rc" 0
st=$(C state c1)
expect_eq state-created "$(echo "$st" | jq -r .status)" created
expect_eq state-pid-file "$(echo "$st" | jq -r .pid)" "$(cat "$T/c1.pid")"
expect_eq state-bundle "$(echo "$st" | jq -r .bundle)" "$B"
expect_eq state-oci-version "$(echo "$st" | jq -r .ociVersion)" 1.0.2
pid=$(cat "$T/c1.pid")
expect_match created-waits "$(tr '\0' ' ' </proc/$pid/cmdline)" " create "
C start c1; rc=$?
expect_eq start-exit-0 "$rc" 0
expect_eq state-running "$(C state c1 | jq -r .status)" running
expect_eq running-execs-args "$(tr '\0' ' ' </proc/$pid/cmdline)" "sleep 1000 "
err=$(C start c1 2>&1); rc=$?
expect_eq start-twice-fails "$rc" 1
expect_match start-twice-message "$err" "cannot start container .c1.: it is running"

# list
expect_eq list-quiet "$(C list -q)" c1
expect_match list-table "$(C list)" "^c1 +$pid +running +$B"
expect_eq list-json "$(C list --format json | jq -r '.[0].id + " " + .[0].status')" "c1 running"
# a 64-character id, as podman makes them, keeps its own column: PID lines up with the header
long=$(printf '%064d' 0 | tr 0 a)
C create --bundle "$B" --pid-file "$T/long.pid" "$long"; rc=$?
expect_eq list-long-id-create "$rc" 0
table=$(C list)
expect_match list-long-id-row "$table" "^$long +$(cat "$T/long.pid") +created"
hdr_col=$(printf '%s\n' "$table" | head -1 | awk '{ print index($0, "PID") }')
row_col=$(printf '%s\n' "$table" | grep "^$long" | awk -v p="$(cat "$T/long.pid")" '{ print index($0, " " p " ") + 1 }')
expect_eq list-long-id-aligned "$row_col" "$hdr_col"
C delete --force "$long"

# exec into the running container
out=$(C exec c1 sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; hostname; echo $$'); rc=$?
expect_eq exec-exit-0 "$rc" 0
expect_eq exec-sees-init "$(echo "$out" | sed -n 1p)" "sleep 1000 "
expect_eq exec-sees-hostname "$(echo "$out" | sed -n 2p)" cella
expect_match exec-in-pid-ns "$(echo "$out" | sed -n 3p)" '^[0-9]+$'
C exec c1 sh -c 'exit 7'; expect_eq exec-exit-status "$?" 7
out=$(C exec --cwd /tmp --env FOO=bar --user 1000:1000 c1 sh -c 'echo $(pwd) $FOO $(id -u) $(id -g)')
expect_eq exec-flags "$out" "/tmp bar 1000 1000"
cat >"$T/process.json" <<JSON
{"args":["sh","-c","echo from-json \$X"],"env":["PATH=/bin","X=1"],"cwd":"/","user":{"uid":0,"gid":0}}
JSON
expect_eq exec-process-json "$(C exec -p "$T/process.json" c1)" "from-json 1"
C exec -d --pid-file "$T/e.pid" c1 sleep 300; rc=$?
expect_eq exec-detach "$rc" 0
expect_match exec-detach-pid-file "$(cat "$T/e.pid" 2>/dev/null)" '^[0-9]+$'

# ps
ps_json=$(C ps --format json c1)
expect_eq ps-json-lists-init "$(echo "$ps_json" | jq "index($pid) != null")" true
expect_eq ps-json-lists-exec "$(echo "$ps_json" | jq "index($(cat "$T/e.pid")) != null")" true
expect_match ps-table "$(C ps c1)" "^$pid +sleep 1000"

# pause / resume
C pause c1; expect_eq pause-exit-0 "$?" 0
expect_eq state-paused "$(C state c1 | jq -r .status)" paused
expect_match paused-is-frozen "$(grep State /proc/$pid/status)" 'State:.*(D|S|T)'
C resume c1; expect_eq resume-exit-0 "$?" 0
expect_eq state-resumed "$(C state c1 | jq -r .status)" running
err=$(C resume c1 2>&1); expect_eq resume-running-fails "$?" 1

# update
cg=$(cg_of "$pid" pids)
C update --pids-limit 42 c1; expect_eq update-exit-0 "$?" 0
expect_eq update-pids-limit "$(cat "$cg/pids.max" 2>/dev/null)" 42
echo '{"pids":{"limit":17},"memory":{"limit":67108864}}' >"$T/res.json"
C update -r "$T/res.json" c1; expect_eq update-resources-json "$?" 0
expect_eq update-json-pids "$(cat "$cg/pids.max" 2>/dev/null)" 17
mcg=$(cg_of "$pid" memory)
expect_eq update-json-memory "$(cat "$mcg/memory.limit_in_bytes" 2>/dev/null)" 67108864

# kill with a name, a number, --all
err=$(C delete c1 2>&1); rc=$?
expect_eq delete-running-refused "$rc" 1
expect_match delete-running-message "$err" "is running: stop it first or use --force"
C kill c1 SIGKILL; expect_eq kill-by-name "$?" 0
for _ in $(seq 100); do [ "$(C state c1 | jq -r .status)" = stopped ] && break; sleep 0.05; done
expect_eq state-stopped "$(C state c1 | jq -r .status)" stopped
C delete c1; expect_eq delete-exit-0 "$?" 0
expect_eq delete-removes-state "$(leftover_state c1)" no
expect_eq delete-removes-cgroups "$(leftover_cgroups c1)" 0
err=$(C state c1 2>&1); rc=$?
expect_eq state-after-delete "$rc" 1
expect_match state-after-delete-message "$err" "container .c1. does not exist"

set_args "$B" sh -c 'trap "exit 0" USR1; sleep 100 & wait; sleep 100 & wait'
C run -d --bundle "$B" k1
# pid 1 ignores signals it has no handler for: wait until the shell's trap is set
for _ in $(seq 100); do [ "$(C ps --format json k1 | jq length)" -ge 2 ] && break; sleep 0.05; done
C kill k1 10; expect_eq kill-by-number "$?" 0
for _ in $(seq 100); do [ "$(C state k1 | jq -r .status)" = stopped ] && break; sleep 0.05; done
expect_eq kill-number-delivered "$(C state k1 | jq -r .status)" stopped
C delete -f k1

set_args "$B" sleep 1000
C run -d --bundle "$B" k2; expect_eq run-detach "$?" 0
expect_eq run-detach-running "$(C state k2 | jq -r .status)" running
C exec -d k2 sleep 500
C kill --all k2 KILL; expect_eq kill-all "$?" 0
for _ in $(seq 100); do [ "$(C state k2 | jq -r .status)" = stopped ] && break; sleep 0.05; done
expect_eq kill-all-stopped "$(C state k2 | jq -r .status)" stopped
C delete k2

# delete --force of a running container, and of a created one (no --force needed)
C run -d --bundle "$B" f1
C delete --force f1; expect_eq delete-force "$?" 0
expect_eq delete-force-removes "$(leftover_state f1)$(leftover_cgroups f1)" no0
C create --bundle "$B" f2
p2=$(C state f2 | jq -r .pid)
C delete f2; expect_eq delete-created "$?" 0
sleep 0.1
expect_eq delete-created-kills-init "$(alive "$p2" && echo alive || echo gone)" gone

# --- the same id in two state directories: two containers, two cgroups ------------------
set_args "$B" sleep 1000
C run -d --bundle "$B" same1
"$CELLA" --root "$T/state2" run -d --bundle "$B" same1; expect_eq same-id-other-root "$?" 0
p_other=$("$CELLA" --root "$T/state2" state same1 | jq -r .pid)
C delete -f same1
expect_eq same-id-other-root-untouched "$("$CELLA" --root "$T/state2" state same1 | jq -r .status):$(alive "$p_other" && echo alive)" running:alive
"$CELLA" --root "$T/state2" delete -f same1
# a cgroup that already holds processes is someone else's: refused, not shared
cp "$B/config.json" "$T/pre-shared.json"
jq --arg p "/cella-test-$$/shared" '.linux.cgroupsPath = $p' "$T/pre-shared.json" >"$B/config.json"
C run -d --bundle "$B" sh1
err=$(C run -d --bundle "$B" sh2 2>&1); rc=$?
expect_eq cgroup-in-use-refused "$rc:$(C list -q | grep -c sh2)" 1:0
expect_match cgroup-in-use-message "$err" "cgroup .*/cella-test-$$/shared. already holds processes"
expect_eq cgroup-in-use-first-untouched "$(C state sh1 | jq -r .status)" running
C delete -f sh1
expect_eq cgroup-in-use-nothing-left "$(ls -d /sys/fs/cgroup/*/cella-test-$$ 2>/dev/null | wc -l)" 0
cp "$T/pre-shared.json" "$B/config.json"

# --- resources from config.json on the hybrid host --------------------------------------
make_bundle "$T/res" '.root.readonly = false | .linux.resources.memory = {"limit": 33554432}
	| .linux.resources.pids = {"limit": 20} | .linux.resources.cpu = {"shares": 256}
	| .linux.cgroupsPath = "/cella-test-'$$'/res1"'
set_args "$T/res" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.shares'
out=$(C run --bundle "$T/res" res1 2>&1)
expect_eq resources-applied "$(echo $out)" "33554432 20 256"
expect_eq cgroups-path-removed "$(ls -d /sys/fs/cgroup/*/cella-test-$$ 2>/dev/null | wc -l)" 0

# --- hooks get the state on stdin --------------------------------------------------------
cat >"$T/hook.sh" <<HOOK
#!/bin/sh
cat >>"$T/hook.out"
echo >>"$T/hook.out"
HOOK
chmod +x "$T/hook.sh"
jq --arg h "$T/hook.sh" '.hooks = {"prestart":[{"path":$h}],"poststart":[{"path":$h}],"poststop":[{"path":$h}]}' \
	"$B/config.json" >"$T/hooks.json"
cp "$B/config.json" "$T/config.saved"; cp "$T/hooks.json" "$B/config.json"
set_args "$B" true
C run --bundle "$B" h1
expect_eq hooks-ran-three "$(grep -c '"id": "h1"' "$T/hook.out" 2>/dev/null)" 3
cp "$T/config.saved" "$B/config.json"

# every hook kind gets the real state, also the two that run inside the container
# (createContainer before the pivot, startContainer after it: its path is in the rootfs)
printf '#!/bin/sh\ncat >"%s/hk-$1.json"\n' "$T" >"$T/hk.sh"; chmod +x "$T/hk.sh"
printf '#!/bin/sh\ncat >/tmp/hk-start.json\n' >"$B/rootfs/bin/hk-start"; chmod +x "$B/rootfs/bin/hk-start"
jq --arg h "$T/hk.sh" '.hooks = {
	"prestart":[{"path":$h,"args":["hk","prestart"]}],
	"createRuntime":[{"path":$h,"args":["hk","createRuntime"]}],
	"createContainer":[{"path":$h,"args":["hk","createContainer"]}],
	"startContainer":[{"path":"/bin/hk-start"}],
	"poststart":[{"path":$h,"args":["hk","poststart"]}],
	"poststop":[{"path":$h,"args":["hk","poststop"]}]}
	| .annotations = {"org.example.k": "v1"}' "$B/config.json" >"$T/hooks.json"
cp "$T/hooks.json" "$B/config.json"
set_args "$B" true
C create --bundle "$B" h2 && hpid=$(C state h2 | jq .pid)
expect_eq state-annotations "$(C state h2 | jq -r '.annotations["org.example.k"]')" v1
# kept from create time: a later edit of the bundle does not show
jq '.annotations["org.example.k"] = "edited"' "$T/hooks.json" >"$B/config.json"
expect_eq state-annotations-from-create "$(C state h2 | jq -r '.annotations["org.example.k"]')" v1
cp "$T/hooks.json" "$B/config.json"
C start h2
for _ in $(seq 50); do [ "$(C state h2 2>/dev/null | jq -r .status)" = stopped ] && break; sleep 0.1; done
C delete h2
cp "$B/rootfs/tmp/hk-start.json" "$T/hk-startContainer.json" 2>/dev/null
for k in prestart:created createRuntime:created createContainer:creating startContainer:created \
	poststart:running poststop:stopped; do
	kind=${k%%:*} want=${k#*:}
	expect_eq "hook-state-$kind" "$(jq -r '"\(.id) \(.status) \(.pid) \(.annotations["org.example.k"])"' "$T/hk-$kind.json" 2>&1)" \
		"h2 $want $([ "$want" = stopped ] && echo 0 || echo "$hpid") v1"
done
rm -f "$B/rootfs/bin/hk-start" "$B/rootfs/tmp/hk-start.json"
cp "$T/config.saved" "$B/config.json"

# --- linux.timeOffsets in a new time namespace -------------------------------------------
build_probe
if [ -z "$CTR_PROBE" ]; then
	skip time-offsets "cannot build the static probe: $(head -1 "$T/probe.err")"
elif [ ! -e /proc/self/ns/time ]; then
	skip time-offsets "this kernel has no time namespaces"
else
	cp "$CTR_PROBE" "$B/rootfs/bin/probe"
	jq '.linux.namespaces += [{"type":"time"}]
	    | .linux.timeOffsets = {"monotonic":{"secs":86400},"boottime":{"secs":172800,"nanosecs":5}}' \
		"$T/config.saved" >"$B/config.json"
	set_args "$B" sh -c '/bin/probe clocks; cut -d. -f1 /proc/uptime'
	host_mono=$(awk '{print int($1)}' /proc/uptime)
	out=$(C run --bundle "$B" t1 2>&1)
	mono=$(echo "$out" | awk '$1 == "monotonic" {print $2}')
	boot=$(echo "$out" | awk '$1 == "boottime" {print $2}')
	up=$(echo "$out" | sed -n 3p)
	expect_eq time-offset-monotonic "$([ "${mono:-0}" -ge $((host_mono + 86400)) ] && [ "${mono:-0}" -lt $((host_mono + 86500)) ] && echo ok || echo "$out")" ok
	expect_eq time-offset-boottime "$([ "${boot:-0}" -ge $((host_mono + 172800)) ] && echo ok || echo "$out")" ok
	expect_eq time-offset-uptime "$([ "${up:-0}" -ge $((host_mono + 172800)) ] && echo ok || echo "$out")" ok
	host_after=$(awk '{print int($1)}' /proc/uptime)
	expect_eq time-offset-host-untouched "$([ "$host_after" -lt $((host_mono + 1000)) ] && echo ok)" ok
	# offsets without a time namespace of its own: refused, as runc and crun do
	jq '.linux.timeOffsets = {"monotonic":{"secs":1}}' "$T/config.saved" >"$B/config.json"
	set_args "$B" true
	out=$(C run --bundle "$B" t2 2>&1); rc=$?
	expect_eq time-offset-needs-timens "$rc:$(echo "$out" | grep -c 'timeOffsets needs a new time namespace')" 1:1
	rm -f "$B/rootfs/bin/probe"
	cp "$T/config.saved" "$B/config.json"
fi

# --- a terminal through --console-socket -------------------------------------------------
if command -v python3 >/dev/null; then
	set_args "$B" sh -c 'tty; echo ok'
	jq '.process.terminal = true' "$B/config.json" >"$T/tty.json" && cp "$T/tty.json" "$B/config.json"
	python3 - "$T/console.sock" >"$T/console.out" 2>&1 <<'PY' &
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
fds = array.array("i")
msg, anc, flags, addr = c.recvmsg(64, socket.CMSG_SPACE(4))
for level, typ, data in anc:
    fds.frombytes(data[:4])
m = fds[0]
out = b""
while True:
    try:
        d = os.read(m, 1024)
    except OSError:
        break
    if not d:
        break
    out += d
sys.stdout.write(out.decode(errors="replace"))
PY
	for _ in $(seq 50); do [ -S "$T/console.sock" ] && break; sleep 0.05; done
	C run -d --console-socket "$T/console.sock" --bundle "$B" t1; rc=$?
	expect_eq console-socket-run "$rc" 0
	wait
	expect_match console-socket-tty "$(cat "$T/console.out")" '/dev/pts/0'
	expect_match console-socket-output "$(cat "$T/console.out")" 'ok'
	C delete -f t1
	cp "$T/config.saved" "$B/config.json"
else
	skip console-socket "python3 is not installed"
fi

expect_eq nothing-left-mounted "$(leftover_mounts)" 0
expect_eq nothing-left-in-state "$(C list -q | wc -l)" 0
