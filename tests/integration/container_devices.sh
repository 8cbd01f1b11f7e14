# linux.resources.devices: the same policy on this hybrid host (devices.allow/deny on the v1
# hierarchy) and, run again in a private mount namespace, on pure cgroup v2 (a BPF program):
# the last matching rule wins, the container's rules over the default nodes over a catch-all.
# Nodes made with mknod in the rootfs show that the cgroup, not /dev's contents, decides.
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root
mode=${1:-hybrid}

devices_suite() {
	local B=$T/bundle-$mode out
	make_bundle "$B" '.root.readonly = false'
	cp "$B/config.json" "$T/good-$mode.json"
	mknod "$B/rootfs/mynull" c 1 3     # /dev/null under another name
	mknod "$B/rootfs/myfuse" c 10 229  # not a default node: openable only when a rule allows it
	# devrules NAME RULES: what a container with those rules may open
	devrules() {
		jq --argjson d "$2" '.linux.resources = {"devices": $d}' "$T/good-$mode.json" >"$B/config.json"
		set_args "$B" sh -c 'for f in /dev/null /mynull; do echo x >$f && echo ${f#/}-w; done
			[ "$(head -c1 /dev/zero | wc -c)" = 1 ] && echo zero-r
			true </myfuse && echo myfuse-r; true'
		C run --bundle "$B" "$1" 2>&1 | grep -E -- '-[rw]$|cella' | tr '\n' ' '
	}
	local deny_all='{"allow":false,"access":"rwm"}'
	out=$(devrules d1 "[$deny_all]")
	if echo "$out" | grep -Eq 'load the cgroup v2 device program: (Operation not permitted|Function not implemented)'; then
		skip "$mode-devices" "the kernel refuses BPF device programs here: $out"
		return
	fi
	expect_eq "$mode-devices-defaults-only" "$out" "dev/null-w mynull-w zero-r "
	out=$(devrules d2 "[$deny_all, {\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"}]")
	expect_eq "$mode-devices-allow-mknod-node" "$out" "dev/null-w mynull-w zero-r myfuse-r "
	out=$(devrules d3 "[$deny_all, {\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]")
	expect_eq "$mode-devices-deny-default-null" "$out" "zero-r "
	out=$(devrules d4 "[$deny_all, {\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"r\"}]")
	expect_eq "$mode-devices-deny-zero-read" "$out" "dev/null-w mynull-w "
	# allowed, denied, allowed again: the last rule wins
	out=$(devrules d5 "[$deny_all, {\"allow\":true,\"type\":\"c\",\"major\":10,\"access\":\"rwm\"},
		{\"allow\":false,\"type\":\"c\",\"major\":10,\"access\":\"r\"},
		{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"r\"}]")
	expect_eq "$mode-devices-last-wins" "$out" "dev/null-w mynull-w zero-r myfuse-r "
	out=$(devrules d7 "[$deny_all, {\"allow\":true,\"type\":\"c\",\"major\":10,\"access\":\"rwm\"},
		{\"allow\":false,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"r\"}]")
	if [ "$mode" = hybrid ]; then
		# v1 cannot take one node out of a wider allowed range: a clear error, no container
		expect_match "$mode-devices-v1-inexpressible" "$out" 'devices\[2\]: cgroup v1 cannot deny part of a wider rule'
	else
		expect_eq "$mode-devices-deny-inside-allowed" "$out" "dev/null-w mynull-w zero-r "
	fi
	# no catch-all: everything stays open
	out=$(devrules d6 '[{"allow":false,"type":"c","major":1,"minor":5,"access":"rwm"}]')
	expect_eq "$mode-devices-no-catch-all" "$out" "dev/null-w mynull-w myfuse-r "
	# update of a running container: the new rules apply to its processes
	jq --argjson d "[$deny_all]" '.linux.resources = {"devices": $d}' "$T/good-$mode.json" >"$B/config.json"
	set_args "$B" sleep 1000
	C run -d --bundle "$B" u1
	opens() { C exec u1 sh -c '[ "$(head -c1 /dev/zero | wc -c)" = 1 ] && echo zero-r; echo x >/dev/null && echo null-w' 2>/dev/null | tr '\n' ' '; }
	expect_eq "$mode-devices-update-before" "$(opens)" "zero-r null-w "
	echo "{\"devices\": [$deny_all, {\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"r\"}]}" >"$T/upd.json"
	C update -r "$T/upd.json" u1; expect_eq "$mode-devices-update-exit-0" "$?" 0
	expect_eq "$mode-devices-update-denies" "$(opens)" "null-w "
	echo "{\"devices\": [$deny_all]}" >"$T/upd.json"
	C update -r "$T/upd.json" u1
	expect_eq "$mode-devices-update-allows-again" "$(opens)" "zero-r null-w "
	C delete -f u1
	expect_eq "$mode-devices-nothing-left" "$(C list -q | wc -l)$(find /sys/fs/cgroup -path "*/cella/$CGH-[du][1-7]" | wc -l)" 00
}

if [ "$mode" = hybrid ]; then
	if [ ! -d /sys/fs/cgroup/devices ]; then
		skip hybrid-devices "no v1 devices hierarchy on this host"
	else
		devices_suite
		# runc (the oracle) agrees where its default nodes do not decide (it puts them last)
		if command -v runc >/dev/null; then
			B=$T/bundle-hybrid
			for rules in "[{\"allow\":false,\"access\":\"rwm\"}]" \
				"[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"}]"; do
				jq --argjson d "$rules" '.linux.resources = {"devices": $d}' "$T/good-hybrid.json" >"$B/config.json"
				set_args "$B" sh -c 'true </myfuse && echo myfuse-r; echo x >/mynull && echo mynull-w'
				want=$(cd "$B" && runc --root "$T/rs" run "or1-$$" 2>/dev/null)
				got=$(C run --bundle "$B" or2 2>/dev/null)
				expect_eq "hybrid-devices-oracle-$(echo "$rules" | jq length)" "$got" "$want"
			done
		else
			skip hybrid-devices-oracle "runc is not installed"
		fi
	fi
	# the same again on pure cgroup v2
	if command -v unshare >/dev/null; then
		unshare -m bash "$0" v2
	else
		skip v2-devices "needs unshare(1)"
	fi
	expect_eq nothing-left-mounted "$(leftover_mounts)" 0
else
	mount --make-rprivate /
	umount -R /sys/fs/cgroup 2>/dev/null
	if ! mount -t cgroup2 none /sys/fs/cgroup; then skip v2-devices "cannot mount cgroup2"; exit 0; fi
	devices_suite
fi
