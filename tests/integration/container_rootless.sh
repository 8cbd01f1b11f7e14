# Rootless: a non-root user (nobody, through setpriv) runs a container in a user namespace
# that maps root to itself, with its state under $XDG_RUNTIME_DIR and no cgroups.
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root
if [ "${CELLA_VARIANT:-plain}" = san ]; then
	# The sanitizers write their reports into tests/run's private directory, which nobody
	# cannot open; this test runs in the plain build.
	skip all "runs in the plain build only (sanitizer reports cannot be written as nobody)"
	exit 0
fi
if ! command -v setpriv >/dev/null; then skip all "needs setpriv(1)"; exit 0; fi
if [ "$("$CELLA" host --json | jq -r '.namespaces.user.unprivileged')" != true ]; then
	skip all "unprivileged user namespaces are not allowed here"; exit 0
fi

chmod 755 "$T"
B=$T/bundle
mkdir -p "$B" "$T/xdg"
make_rootfs "$B/rootfs"
chown 65534:65534 "$B" "$T/xdg"
N() { XDG_RUNTIME_DIR=$T/xdg setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
N "$CELLA" spec --rootless --bundle "$B"; expect_eq spec-rootless "$?" 0
expect_eq spec-maps-caller "$(jq -c '.linux.uidMappings' "$B/config.json")" '[{"containerID":0,"hostID":65534,"size":1}]'
jq '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; hostname"]' "$B/config.json" >"$T/c.json"
cp "$T/c.json" "$B/config.json"
# the spec asks for a terminal: the output comes through a pty of the runtime's
N "$CELLA" run --bundle "$B" rl1 >"$T/rl1.out" 2>&1; rc=$?
out=$(tr -d '\r' <"$T/rl1.out")
expect_eq rootless-run "$rc" 0
expect_eq rootless-root-inside "$(echo "$out" | sed -n 1p)" 0
expect_eq rootless-mapped-to-caller "$(echo "$out" | sed -n 2p | tr -s ' ')" " 0 65534 1"
expect_eq rootless-hostname "$(echo "$out" | sed -n 3p)" cella
jq '.process.terminal = false | .process.args = ["sleep", "100"]' "$B/config.json" >"$T/c.json"; cp "$T/c.json" "$B/config.json"
N "$CELLA" create --bundle "$B" rl2; expect_eq rootless-create "$?" 0
expect_eq rootless-state-in-xdg "$([ -d "$T/xdg/cella/rl2" ] && echo yes)" yes
N "$CELLA" start rl2; expect_eq rootless-start "$?" 0
expect_eq rootless-running "$(N "$CELLA" state rl2 | jq -r .status)" running
pid=$(N "$CELLA" state rl2 | jq -r .pid)
expect_eq rootless-process-owner "$(stat -c %u /proc/$pid)" 65534
N "$CELLA" delete -f rl2; expect_eq rootless-delete "$?" 0
expect_eq rootless-nothing-left "$(ls "$T/xdg/cella" | grep -v '^\.' | wc -l)$(leftover_mounts)" 00
