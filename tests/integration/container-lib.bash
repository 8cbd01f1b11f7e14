# Shared by the container*.sh tests: a busybox bundle built at test time, a private state
# directory, and helpers to look for anything a container left behind.
. "$CELLA_TOP/tests/lib.sh"

ctr_need_root() { # skip the whole suite unless we can create containers
	if [ "$(id -u)" -ne 0 ]; then skip all "needs root (namespaces, cgroups, mounts)"; exit 0; fi
	if [ ! -x /bin/busybox ]; then skip all "needs busybox-static (/bin/busybox)"; exit 0; fi
}

T=$(mktemp -d /tmp/cella-ctr.XXXXXX)
STATE=$T/state
C() { "$CELLA" --root "$STATE" "$@"; }
ctr_cleanup() {
	local id
	for id in $(C list -q 2>/dev/null); do C delete -f "$id" >/dev/null 2>&1; done
	if [ -d "$T/rs" ]; then
		for id in $(runc --root "$T/rs" list -q 2>/dev/null); do
			runc --root "$T/rs" delete -f "$id" >/dev/null 2>&1
		done
	fi
	rm -rf "$T"
}
trap ctr_cleanup EXIT

# make_rootfs DIR: busybox with its applets as relative symlinks, and the probe program.
make_rootfs() {
	local r=$1
	mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/etc" "$r/tmp" "$r/root"
	cp /bin/busybox "$r/bin/busybox"
	chroot "$r" /bin/busybox --install -s /bin
	echo "root:x:0:0:root:/root:/bin/sh" >"$r/etc/passwd"
	echo "root:x:0:" >"$r/etc/group"
	if [ -n "${CTR_PROBE:-}" ]; then
		cp "$CTR_PROBE" "$r/bin/probe"
	fi
}

# make_bundle DIR [jq-filter]: a rootfs and config.json from `cella spec`, edited by jq. The
# spec asks for a terminal, as runc's does; tests read the output through pipes instead.
make_bundle() {
	local b=$1 filter=${2:-.}
	mkdir -p "$b"
	make_rootfs "$b/rootfs"
	"$CELLA" spec --bundle "$b"
	jq ".process.terminal = false | $filter" "$b/config.json" >"$b/config.tmp" && mv "$b/config.tmp" "$b/config.json"
}

# set_args BUNDLE ARG...: process.args
set_args() {
	local b=$1; shift
	local json='[]' a
	for a in "$@"; do json=$(jq -c --arg a "$a" '. + [$a]' <<<"$json"); done
	jq --argjson a "$json" '.process.args = $a' "$b/config.json" >"$b/config.tmp" &&
		mv "$b/config.tmp" "$b/config.json"
}

# Without a cgroupsPath, a container's cgroup is cella/HASH-ID, HASH the FNV-1a of --root:
# the test's own, whatever other runs on the machine do with the same ids.
root_hash() {
	local s=$1 h=2166136261 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(( ((h ^ c) * 16777619) & 0xffffffff ))
	done
	printf '%08x' "$h"
}
CGH=$(root_hash "$STATE")
# cg_of PID CONTROLLER: the v1 cgroup directory of a process
cg_of() { echo "/sys/fs/cgroup/$2$(awk -F: -v c="$2" '$2 == c {print $3}' "/proc/$1/cgroup")"; }

# Things a container may leave behind on the host.
leftover_mounts() { grep -c "$T" /proc/self/mountinfo; }
leftover_cgroups() { find /sys/fs/cgroup -maxdepth 4 -type d -path "*/cella/$CGH-$1" 2>/dev/null | wc -l; }
# alive PID: a process that is running (a zombie waiting for its reaper is gone)
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit !($3 == "Z" || $3 == "X") }' "/proc/$1/stat"; }
leftover_state() { [ -e "$STATE/$1" ] && echo yes || echo no; }

# build_probe: a static C program that reports what a container's process sees.
build_probe() {
	CTR_PROBE=$T/probe
	gcc -static -O1 -o "$CTR_PROBE" "$CELLA_TOP/tests/integration/container-probe.c" 2>"$T/probe.err" ||
		CTR_PROBE=""
}
